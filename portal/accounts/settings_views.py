"""The settings page: one page of small forms, each sent to its own address and answered with a
redirect back (or the page again, 422, with the messages next to the fields)."""
from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import force_locale
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm

from portal import security
from portal.accounts import confirmation, preferences, services
from portal.accounts.forms import (
    EmailChangeForm,
    LanguageForm,
    MailChoicesForm,
    PasswordChangeForm,
    ResendForm,
)
from portal.accounts.views import bp
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import limiter
from portal.i18n import gettext as _
from portal.notifications.outbox import CATEGORIES
from portal.views import apply_errors, render_form

# The personal calendar feed's page (bookings); linked only once that page exists.
CALENDAR_PAGE = "calendar.feed_page"
# Each form's prefix keeps the ids and names of its fields apart from the other forms'.
PREFIXES = {"language": "language", "mail": "mail", "address": "address",
            "password": "password"}


class EndSessionsForm(FlaskForm):
    """A button: sign out on every other device."""


def _forms(user, posted=None):
    """The page's forms, filled in from the account; the one named `posted` reads the request."""
    def build(name, cls, **data):
        if name == posted:
            return cls(prefix=PREFIXES[name])
        return cls(formdata=None, prefix=PREFIXES[name], data=data)

    forms = {
        "language": build("language", LanguageForm, locale=user.locale or "nl"),
        "mail": build("mail", MailChoicesForm, digest=user.mail_digest,
                      receive=[c for c in CATEGORIES if c not in (user.mail_off or ())]),
        "address": build("address", EmailChangeForm),
        "password": build("password", PasswordChangeForm),
    }
    if not security.has_role(user, security.COMPANY_MEMBER):
        del forms["mail"].digest  # the digest gathers requests, which only companies receive
    return forms


def _page(forms, posted=None):
    context = dict(
        forms=forms, resend_form=ResendForm(formdata=None),
        end_sessions_form=EndSessionsForm(formdata=None),
        settings_page=True,  # the page shows the address's state itself, not the notice
        pending_address=confirmation.pending_address(current_user, utcnow()),
        calendar_url=(url_for(CALENDAR_PAGE) if CALENDAR_PAGE in current_app.view_functions
                      else None))
    if posted is None:
        return render_template("accounts/settings.html", **context)
    return render_form("accounts/settings.html", forms[posted], **context)


def _back(section):
    return redirect(url_for("accounts.settings", _anchor=section))


@bp.get("/instellingen")
@login_required
def settings():
    """The account's settings: language, e-mail choices, calendar, address and password."""
    return _page(_forms(current_user))


@bp.post("/instellingen/taal")
@login_required
def save_language():
    forms = _forms(current_user, "language")
    form = forms["language"]
    if form.validate_on_submit():
        try:
            preferences.set_locale(actor=current_user, locale=form.locale.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            session["lang"] = form.locale.data
            with force_locale(form.locale.data):  # said in the language just chosen
                flash(_("Your language is saved."), "success")
            return _back("language")
    return _page(forms, "language")


@bp.post("/instellingen/e-mail")
@login_required
def save_mail_choices():
    forms = _forms(current_user, "mail")
    form = forms["mail"]
    if form.validate_on_submit():
        digest = form.digest.data if form.digest is not None else False
        try:
            preferences.set_mail_choices(actor=current_user, receive=form.receive.data,
                                         digest=digest)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("Your e-mail choices are saved."), "success")
            return _back("mail")
    return _page(forms, "mail")


@bp.post("/instellingen/adres")
@login_required
@limiter.limit("10/hour")
def change_email():
    forms = _forms(current_user, "address")
    form = forms["address"]
    if form.validate_on_submit():
        try:
            address = preferences.request_email_change(
                actor=current_user, password=form.password.data,
                new_email=form.new_email.data, now=utcnow())
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("We sent a link to %(email)s. Open it to start using this address; until "
                    "then you sign in with your present address.", email=address), "success")
            return _back("address")
    return _page(forms, "address")


@bp.post("/instellingen/wachtwoord")
@login_required
@limiter.limit("10/hour")
def change_password():
    forms = _forms(current_user, "password")
    form = forms["password"]
    if form.validate_on_submit():
        try:
            preferences.change_password(
                actor=current_user, current_password=form.current_password.data,
                new_password=form.new_password.data, now=utcnow())
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            # The new password ended every session; this one stays, with the new token.
            login_user(current_user._get_current_object())
            flash(_("Your new password is saved. You are signed out on every other device."),
                  "success")
            return _back("password")
    return _page(forms, "password")


@bp.post("/instellingen/overal-uitloggen")
@login_required
@limiter.limit("10/hour")
def end_other_sessions():
    """Sign out on every other device (a lost phone, a shared computer): this one stays."""
    form = EndSessionsForm()
    if form.validate_on_submit():
        user = services.end_sessions(actor=current_user._get_current_object())
        login_user(user)  # this session goes on, with the new token
        flash(_("You are signed out on every other device."), "success")
    return _back("sessions")
