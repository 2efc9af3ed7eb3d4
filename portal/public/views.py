"""The home page, which sends each role to its work, and the language switch."""
from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user

from portal import security
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


@bp.get("/taal/<lang>")
def set_language(lang):
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.args.get("next")))
