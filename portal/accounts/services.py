"""Use cases of accounts: registration, signing in, loading the signed-in user.

Password reset and address confirmation are in recovery.py and confirmation.py, the settings
page's use cases in preferences.py."""
import hmac
import re
from datetime import timedelta

from sqlalchemy import select

from portal import security
from portal.accounts import tokens
from portal.accounts.models import CONFIRM_EMAIL, User, new_session_token
from portal.audit import record_event
from portal.db import reading_first, utcnow
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.notifications.outbox import notify
from portal.passwords import password_problem
from portal.text import clean_text

SELF_SERVICE_ROLES = (security.COMPANY_MEMBER, security.TEACHER)
# The form checks addresses thoroughly; the service refuses what can never be one.
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The languages of the site and of e-mail; Dutch unless the user chose otherwise.
LOCALES = ("nl", "en")
DEFAULT_LOCALE = "nl"
# How long the link that confirms an address works.
CONFIRM_LIFETIME = timedelta(days=7)


def load_user(session_id):
    """Flask-Login's loader: the active user whose id and present session token the session
    holds (User.get_id), or None. A renewed token ends every older session of the user."""
    user_id, _sep, token = (session_id or "").partition(":")
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 10 and token):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.deleted_at is not None:
        return None
    return user if hmac.compare_digest(user.session_token.encode(), token.encode()) else None


def end_sessions(*, actor):
    """End every session of the actor, on every device, at once (signing out does this): the
    session token changes, so no cookie signed in before still works. Returns the user, whom a
    view may sign in again when the present session is to stay."""
    if not actor.is_authenticated:
        raise NotAllowed()
    actor.session_token = new_session_token()
    record_event(actor, "user.sessions_ended", actor)
    db.session.commit()
    return actor


def find_user_by_email(email):
    # Addresses are stored in lower case, so the unique index answers this directly.
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(*, email, full_name, password, role):
    """Add a user to the session after the checks every way of creating one shares."""
    email = (email or "").strip().lower()
    errors = {}
    if role not in security.ROLES:
        errors["role"] = _("Choose a valid role.")
    if problem := password_problem(password, name=full_name, email=email):
        errors["password"] = problem
    if not clean_text(full_name):
        errors["full_name"] = _("Enter your name.")
    if not EMAIL_SHAPE.match(email):
        errors["email"] = _("Enter a valid e-mail address.")
    elif find_user_by_email(email) is not None:
        errors["email"] = _("An account with this e-mail address already exists.")
    if errors:
        raise ValidationFailed(errors)
    user = User(email=email, full_name=clean_text(full_name), role=role,
                password_hash=security.hash_password(password))
    db.session.add(user)
    db.session.flush()
    return user


def register_user(*, email, full_name, password, role, locale=DEFAULT_LOCALE, now=None):
    """Someone signs up as a company member or a teacher, in the language of the registration
    page; the link that confirms their address goes out with the same commit.

    Whether the address has an account already must not show: then no account is made, the
    address gets an e-mail that says so (sign in, or choose a new password), and the caller
    answers the same as for a new account. Returns the new user, or None in that case. The
    same checks and the same password hashing run either way, so neither the messages nor the
    time taken tell the difference."""
    if role not in SELF_SERVICE_ROLES:
        raise ValidationFailed({"role": _("Choose a valid role.")})
    now = now or utcnow()
    existing = find_user_by_email(email or "")
    try:
        user = create_user(email=email, full_name=full_name, password=password, role=role)
    except ValidationFailed as error:
        if existing is None:
            raise
        others = {field: text for field, text in error.errors.items() if field != "email"}
        if others:
            raise ValidationFailed(others) from None
        security.hash_password(password)  # the work a new account costs
        notify(existing, "account.already_registered")
        record_event(None, "user.registration_repeated", existing)
        db.session.commit()
        return None
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
    """The user with these credentials, or ValidationFailed with one message for any mistake.

    The account is read in a transaction of its own, ended before the (deliberately slow) hash
    check: on SQLite a sign-in would otherwise hold the write lock while hashing, and a burst
    of sign-ins would keep every other writer waiting."""
    with reading_first():
        user = find_user_by_email(email or "")
        # An unknown address costs a hash check too, so the answer's timing tells nothing.
        password_hash = user.password_hash if user is not None else security.dummy_hash()
        active = user is not None and user.is_active
        db.session.rollback()
    if not security.verify_password(password_hash, password or "") or not active:
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
