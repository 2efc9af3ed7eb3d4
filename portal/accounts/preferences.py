"""The settings page's use cases: language, e-mail choices, a new address, a new password.

Each changes only the actor's own account; the view passes current_user as the actor.
"""
from portal import security
from portal.accounts import tokens
from portal.accounts.confirmation import address_taken
from portal.accounts.models import CONFIRM_EMAIL, RESET_PASSWORD, new_session_token
from portal.accounts.services import CONFIRM_LIFETIME, EMAIL_SHAPE, LOCALES
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.notifications.outbox import CATEGORIES, notify, send_to_address
from portal.passwords import password_problem


def _require_self(actor):
    security.require(getattr(actor, "is_active", False) and getattr(actor, "id", None))


def set_locale(*, actor, locale):
    """The language of the site (once signed in) and of the user's e-mail."""
    _require_self(actor)
    if locale not in LOCALES:
        raise ValidationFailed({"locale": _("Choose one of the languages.")})
    actor.locale = locale
    db.session.commit()


def set_mail_choices(*, actor, receive, digest=False):
    """Which groups of messages the user receives (`receive`: categories of
    notifications.outbox.CATEGORIES); account messages always come. Only company members can
    take the daily digest of new requests and messages."""
    _require_self(actor)
    receive = set(receive or ())
    errors = {}
    if not receive <= set(CATEGORIES):
        errors["receive"] = _("Choose from the groups of messages shown.")
    if digest and not security.has_role(actor, security.COMPANY_MEMBER):
        errors["digest"] = _("The daily digest is for companies.")
    if errors:
        raise ValidationFailed(errors)
    # A new list, so the JSON column is seen as changed.
    actor.mail_off = [category for category in CATEGORIES if category not in receive]
    actor.mail_digest = bool(digest)
    db.session.commit()


def request_email_change(*, actor, password, new_email, now=None):
    """The user asks to use another address. A link goes to the new address and a notice to the
    old one; the account keeps its old address until the link is opened (confirmation.py)."""
    _require_self(actor)
    now = now or utcnow()
    new_email = (new_email or "").strip().lower()
    errors = {}
    if not security.verify_password(actor.password_hash, password or ""):
        errors["password"] = _("This is not your current password.")
    if not EMAIL_SHAPE.match(new_email):
        errors["new_email"] = _("Enter a valid e-mail address.")
    elif new_email == actor.email:
        errors["new_email"] = _("This is your present address already.")
    elif address_taken(new_email, actor):
        errors["new_email"] = _("Another account uses this address. Choose another one.")
    if errors:
        raise ValidationFailed(errors)
    secret = tokens.issue_token(actor, CONFIRM_EMAIL, now=now, lifetime=CONFIRM_LIFETIME,
                                email=new_email)
    send_to_address(new_email, "account.confirm_email", locale=actor.locale or "nl",
                    token=secret, change=True, name=actor.full_name,
                    days=CONFIRM_LIFETIME.days)
    notify(actor, "account.email_change_notice", new_email=new_email)
    record_event(actor, "user.email_change_requested", actor)
    db.session.commit()
    return new_email


def change_password(*, actor, current_password, new_password, now=None):
    """The user chooses a new password, knowing the present one. Open reset links and address
    changes stop working, and a notice goes to the account's address in case it was not them."""
    _require_self(actor)
    now = now or utcnow()
    errors = {}
    if not security.verify_password(actor.password_hash, current_password or ""):
        errors["current_password"] = _("This is not your current password.")
    problem = password_problem(new_password, name=actor.full_name, email=actor.email)
    if problem is not None:
        errors["new_password"] = problem
    if errors:
        raise ValidationFailed(errors)
    actor.password_hash = security.hash_password(new_password)
    actor.session_token = new_session_token()  # every other session ends; the view signs in again
    tokens.close_open_tokens(actor, RESET_PASSWORD, now=now)
    tokens.close_address_changes(actor, now=now)
    notify(actor, "account.password_changed")
    record_event(actor, "user.password_changed", actor)
    db.session.commit()
