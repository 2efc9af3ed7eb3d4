"""A forgotten password: a link by e-mail that lets its owner choose a new one.

The request answers the same whether or not an account has the address, so the form tells
nobody who has an account here.
"""
from datetime import timedelta

from portal import security
from portal.accounts import tokens
from portal.accounts.models import RESET_PASSWORD, new_session_token
from portal.accounts.services import find_user_by_email
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.notifications.outbox import notify
from portal.passwords import password_problem

RESET_LIFETIME = timedelta(hours=2)
# One mail per account per minute at most, however many people ask: nobody can flood an inbox.
RESET_PAUSE = timedelta(minutes=1)


def request_password_reset(*, email, now=None):
    """Someone asks for a reset link for `email`. Returns nothing either way: the page answers
    the same for an unknown address, an account that was switched off or a request a moment
    after the last one."""
    now = now or utcnow()
    user = find_user_by_email(email or "")
    if user is None or not user.is_active:
        return
    latest = tokens.latest_issued(user, RESET_PASSWORD)
    if latest is not None and now - latest < RESET_PAUSE:
        return
    secret = tokens.issue_token(user, RESET_PASSWORD, now=now, lifetime=RESET_LIFETIME)
    notify(user, "account.reset_password", token=secret,
           hours=int(RESET_LIFETIME.total_seconds() // 3600))
    # Nobody is signed in: the actor is unknown, the account is the subject.
    record_event(None, "user.password_reset_requested", user)
    db.session.commit()


def check_reset_link(*, actor, token, now=None):
    """The reset link's row if it can be used now, else LinkRefused saying why not."""
    return tokens.check_token(token, RESET_PASSWORD, actor=actor, now=now or utcnow())


def reset_password(*, actor, token, password, now=None):
    """The owner of a reset link chooses a new password. The link is used up, and with it every
    other open reset link of the account. Returns the user, who may now be signed in."""
    now = now or utcnow()
    link = tokens.check_token(token, RESET_PASSWORD, actor=actor, now=now)
    user = link.user
    problem = password_problem(password, name=user.full_name, email=user.email)
    if problem is not None:
        raise ValidationFailed({"password": problem})
    tokens.use_token(link, now=now)
    tokens.close_open_tokens(user, RESET_PASSWORD, now=now, keep=link)
    tokens.close_address_changes(user, now=now)
    user.password_hash = security.hash_password(password)
    user.session_token = new_session_token()  # whoever had the old password is signed out
    if user.email_confirmed_at is None and (link.email or "").lower() == user.email:
        # The link reached the account's own address: that proves the address too.
        user.email_confirmed_at = now
    record_event(user, "user.password_reset", user)
    db.session.commit()
    return user
