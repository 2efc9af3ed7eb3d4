"""Signing up, in and out, and the links sent by e-mail (password reset, address confirmation).
The settings page's routes are in settings_views.py, on the same blueprint."""
from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from portal.accounts import confirmation, limits, recovery, services, tokens
from portal.accounts.forms import (
    ConfirmEmailForm,
    ForgotPasswordForm,
    LoginForm,
    RegisterForm,
    ResendForm,
    ResetPasswordForm,
)
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import limiter
from portal.i18n import get_locale
from portal.i18n import gettext as _
from portal.views import apply_errors, render_form, safe_next

bp = Blueprint("accounts", __name__, url_prefix="/account")

# A link that does not work, and the status its page answers with.
LINK_STATUS = {tokens.UNKNOWN: 404, tokens.EXPIRED: 410, tokens.USED: 410,
               tokens.OTHER_ACCOUNT: 403, tokens.INACTIVE: 410, tokens.ADDRESS_TAKEN: 409}


RESET_HOURS = int(recovery.RESET_LIFETIME.total_seconds() // 3600)


def sign_in(user):
    """Sign the user in, in the language of their account, unless the visitor chose a language
    in this browser just before (the switch in the navigation): that choice stays."""
    login_user(user)
    session.setdefault("lang", user.locale or services.DEFAULT_LOCALE)


@bp.after_request
def no_referrer(response):
    # The pages of e-mailed links carry a secret in their address: never pass it on.
    if request.endpoint in ("accounts.reset_password", "accounts.confirm_email"):
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/registreren", methods=["GET", "POST"])
@limiter.limit(limits.REGISTER_PER_ADDRESS, methods=["POST"])
# per e-mail address typed: nobody floods someone's mailbox with "you have an account already"
@limiter.limit(limits.REGISTER_PER_EMAIL, methods=["POST"], key_func=limits.account_key)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("public.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        locale = get_locale()
        try:
            services.register_user(
                email=form.email.data, full_name=form.full_name.data,
                password=form.password.data, role=form.role.data,
                locale=locale.language if locale else services.DEFAULT_LOCALE, now=utcnow())
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            # The same answer whether or not the address had an account: the e-mail tells.
            # After confirming, the visitor goes on to where they came from (an invitation).
            session["registered_email"] = form.email.data.strip().lower()
            session["after_confirmation"] = safe_next(request.args.get("next"),
                                                      "organisations.onboarding")
            return redirect(url_for("accounts.registered"))
    return render_form("accounts/register.html", form)


@bp.get("/registreren/verstuurd")
def registered():
    """After registering: look in your mailbox (the same page for a known address)."""
    return render_template("accounts/registered.html", email=session.get("registered_email"),
                           days=services.CONFIRM_LIFETIME.days)


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(limits.SIGN_IN_PER_ACCOUNT_AND_ADDRESS, methods=["POST"],
               key_func=limits.account_and_address_key, deduct_when=limits.failed)
@limiter.limit(limits.SIGN_IN_PER_ACCOUNT, methods=["POST"], key_func=limits.account_key,
               deduct_when=limits.failed)
@limiter.limit(limits.SIGN_IN_PER_ADDRESS, methods=["POST"], deduct_when=limits.failed)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(email=form.email.data, password=form.password.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            sign_in(user)
            flash(_("You are signed in."), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_form("accounts/login.html", form)


@bp.post("/uitloggen")
@login_required
def logout():
    """Signing out ends every session of the user, on this device and any other (a cookie
    copied before no longer works)."""
    services.end_sessions(actor=current_user)
    logout_user()
    flash(_("You are signed out, on this device and on any other."), "info")
    return redirect(url_for("public.home"))


# Password reset --------------------------------------------------------------------------

@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(limits.RESET_PER_ADDRESS, methods=["POST"])
@limiter.limit(limits.RESET_PER_EMAIL, methods=["POST"], key_func=limits.account_key)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_password_reset(email=form.email.data, now=utcnow())
        # The same answer whether or not the address has an account.
        flash(_("If an account uses this address, we have sent it an e-mail with a link to "
                "choose a new password. The link works for %(hours)d hours. No e-mail? Look "
                "in the spam folder, or check the address and try again.",
                hours=RESET_HOURS), "info")
        return redirect(url_for("accounts.forgot_password"))
    return render_form("accounts/forgot_password.html", form)


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@limiter.limit("20/minute", methods=["POST"])
def reset_password(token):
    form = ResetPasswordForm()
    try:
        recovery.check_reset_link(actor=current_user, token=token, now=utcnow())
        if form.validate_on_submit():
            try:
                user = recovery.reset_password(actor=current_user, token=token,
                                               password=form.new_password.data, now=utcnow())
            except ValidationFailed as error:
                apply_errors(form, error, renamed={"password": "new_password"})
            else:
                sign_in(user)
                flash(_("Your new password is saved, and you are signed in."), "success")
                return redirect(url_for("public.home"))
    except tokens.LinkRefused as refused:
        return link_problem(refused, "reset")
    return render_form("accounts/reset_password.html", form)


# Address confirmation ----------------------------------------------------------------------

@bp.route("/bevestigen/<token>", methods=["GET", "POST"])
@limiter.limit("20/minute", methods=["POST"])
def confirm_email(token):
    """Opening the link shows the address and a button; pressing it (a POST) confirms the
    address (a new address becomes the account's). The GET changes nothing: mail programs that
    open links to check them would use the link up, and a request that writes must say so by
    its method (portal/db.py: only those take SQLite's write lock when they begin)."""
    form = ConfirmEmailForm()
    try:
        user, address, changed = confirmation.check_confirmation_link(
            actor=current_user, token=token, now=utcnow())
        if form.validate_on_submit():
            user, changed = confirmation.confirm_email(actor=current_user, token=token,
                                                       now=utcnow())
            if changed:
                flash(_("Your new e-mail address %(email)s is confirmed. From now on you sign "
                        "in with it.", email=user.email), "success")
            else:
                flash(_("Thank you, your e-mail address is confirmed."), "success")
            if current_user.is_authenticated:
                return redirect(url_for("accounts.settings"))
            if not changed:
                # The link of a new account signs it in: who holds it owns the address, and
                # registration did not sign in (it must not tell a new address from a known).
                sign_in(user)
                session.pop("registered_email", None)
                return redirect(safe_next(session.pop("after_confirmation", None),
                                          "organisations.onboarding"))
            return redirect(url_for("accounts.login"))
    except tokens.LinkRefused as refused:
        if refused.reason == confirmation.CONFIRMED:
            flash(_("Your e-mail address is confirmed already."), "success")
            return redirect(url_for("public.home"))
        return link_problem(refused, "confirm")
    return render_form("accounts/confirm_email.html", form, address=address, changed=changed,
                       present=user.email)


@bp.post("/bevestigen/opnieuw")
@login_required
@limiter.limit("5/minute;20/hour")
def resend_confirmation():
    """The button in the notice under the navigation, or on the settings page."""
    form = ResendForm()
    if not form.validate_on_submit():
        return redirect(url_for("accounts.settings"))
    try:
        confirmation.resend_confirmation(actor=current_user, now=utcnow())
    except ValidationFailed as error:
        flash(" ".join(error.errors.values()), "info")
    else:
        flash(_("We sent a new link to %(email)s. It works for %(days)d days.",
                email=current_user.email, days=services.CONFIRM_LIFETIME.days), "success")
    return redirect(safe_next(form.next.data, "accounts.settings"))


def link_problem(refused, kind):
    """The page of a link that does not work: why, and how to get a new one."""
    status = LINK_STATUS.get(refused.reason, 410)
    return render_template("accounts/link_problem.html", reason=refused.reason, kind=kind,
                           form=ForgotPasswordForm(formdata=None),
                           login_next=url_for("accounts.settings"),
                           reset_hours=RESET_HOURS,
                           confirm_days=services.CONFIRM_LIFETIME.days), status


from portal.accounts import settings_views  # noqa: E402,F401  (its routes join bp)
