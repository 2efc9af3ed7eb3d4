"""The home page, which sends each role to its work, the national figures, and the language
switch."""
from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from portal import security
from portal.db import local_today
from portal.moderation.figures import headline, school_year_of
from portal.views import safe_next

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    if current_user.is_authenticated:
        if security.has_role(current_user, security.COMPANY_MEMBER):
            return redirect(url_for("bookings.company_dashboard"))
        if security.has_role(current_user, *security.SCHOOL_ROLES):
            return redirect(url_for("matching.search"))
        if security.has_role(current_user, security.MODERATOR, security.ADMIN):
            return redirect(url_for("moderation.queue"))
    return render_template("public/home.html")


@bp.get("/cijfers")
def figures():
    """The national headline figures: this school year so far, and the last one."""
    this_year = school_year_of(local_today())
    last_year = school_year_of(this_year.first - timedelta(days=1))
    return render_template("public/figures.html", years=[
        (this_year, headline(this_year), True), (last_year, headline(last_year), False)])


@bp.get("/taal/<lang>")
def set_language(lang):
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.args.get("next")))
