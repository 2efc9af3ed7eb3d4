"""Use cases of accounts: registration, signing in, loading the signed-in user.

Password reset and address confirmation are in recovery.py and confirmation.py, the settings
page's use cases in preferences.py."""
import re
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from portal import security
from portal.accounts import tokens
from portal.accounts.models import CONFIRM_EMAIL, User
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.notifications.outbox import notify

SELF_SERVICE_ROLES = (security.COMPANY_MEMBER, security.TEACHER)
# The form checks addresses thoroughly; the service refuses what can never be one.
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PASSWORD_MIN_LENGTH = 10
# The languages of the site and of e-mail; Dutch unless the user chose otherwise.
LOCALES = ("nl", "en")
DEFAULT_LOCALE = "nl"
# How long the link that confirms an address works.
CONFIRM_LIFETIME = timedelta(days=7)


def load_user(user_id):
    """Flask-Login's loader: the active user with this id, or None."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    return user if user is not None and user.is_active else None


def find_user_by_email(email):
    # Addresses are stored in lower case, so the unique index answers this directly.
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(*, email, full_name, password, role):
    """Add a user to the session after the checks every way of creating one shares."""
    email = (email or "").strip().lower()
    errors = {}
    if role not in security.ROLES:
        errors["role"] = _("Choose a valid role.")
    if len(password or "") < PASSWORD_MIN_LENGTH:
        errors["password"] = _("Use at least %(n)d characters.", n=PASSWORD_MIN_LENGTH)
    if not (full_name or "").strip():
        errors["full_name"] = _("Enter your name.")
    if not EMAIL_SHAPE.match(email):
        errors["email"] = _("Enter a valid e-mail address.")
    elif find_user_by_email(email) is not None:
        errors["email"] = _("An account with this e-mail address already exists.")
    if errors:
        raise ValidationFailed(errors)
    user = User(email=email, full_name=full_name.strip(), role=role,
                password_hash=security.hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def register_user(*, email, full_name, password, role, locale=DEFAULT_LOCALE, now=None):
    """Someone signs up as a company member or a teacher, in the language of the registration
    page; the link that confirms their address goes out with the same commit."""
    if role not in SELF_SERVICE_ROLES:
        raise ValidationFailed({"role": _("Choose a valid role.")})
    now = now or utcnow()
    user = create_user(email=email, full_name=full_name, password=password, role=role)
    user.locale = locale if locale in LOCALES else DEFAULT_LOCALE
    send_confirmation_link(user, now=now)
    record_event(user, "user.registered", user, role=role)
    db.session.commit()
    return user


def send_confirmation_link(user, *, now):
    """Write the e-mail with a link that confirms the user's present address (no commit)."""
    secret = tokens.issue_token(user, CONFIRM_EMAIL, now=now, lifetime=CONFIRM_LIFETIME)
    return notify(user, "account.confirm_email", token=secret, change=False,
                  days=CONFIRM_LIFETIME.days)


def authenticate(*, email, password):
    """The user with these credentials, or ValidationFailed with one message for any mistake."""
    user = find_user_by_email(email or "")
    # An unknown address costs a hash check too, so the answer's timing tells nothing.
    password_hash = user.password_hash if user is not None else security.dummy_hash()
    if not security.verify_password(password_hash, password or "") or (
            user is None or not user.is_active):
        raise ValidationFailed({"": _("E-mail address or password is not correct.")})
    if security.password_needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    user.last_login_at = utcnow()
    record_event(user, "user.logged_in", user)
    db.session.commit()
    return user


def create_administrator(*, email, full_name, password):
    """The command line creates an administrator; only someone with shell access can."""
    user = create_user(email=email, full_name=full_name, password=password, role=security.ADMIN)
    record_event(None, "user.created", user, role=security.ADMIN)
    db.session.commit()
    return user


def create_staff_user(*, actor, email, full_name, password, role):
    """The administrator creates an account for a moderator, a coordinator or a colleague."""
    security.require_role(actor, security.ADMIN)
    user = create_user(email=email, full_name=full_name, password=password, role=role)
    record_event(actor, "user.created", user, role=role)
    db.session.commit()
    return user
