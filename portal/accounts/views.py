from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import services
from portal.accounts.forms import LoginForm, RegisterForm
from portal.errors import ValidationFailed
from portal.extensions import limiter
from portal.views import apply_errors, render_form, safe_next

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.route("/registreren", methods=["GET", "POST"])
@limiter.limit("10/hour", methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(email=form.email.data, full_name=form.full_name.data,
                                          password=form.password.data, role=form.role.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            login_user(user)
            flash(_("Welcome! Your account has been created."), "success")
            # Back to where the visitor came from, such as a colleague's invitation link.
            return redirect(safe_next(request.args.get("next"), "organisations.onboarding"))
    return render_form("accounts/register.html", form)


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit("20/minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(email=form.email.data, password=form.password.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            login_user(user)
            flash(_("You are signed in."), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_form("accounts/login.html", form)


@bp.post("/uitloggen")
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("public.home"))
