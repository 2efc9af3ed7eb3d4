"""Proving an e-mail address: the link sent at registration, again on request, and the one sent
to a new address when a user changes theirs (the address changes only when that link is used).
"""
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from portal import security
from portal.accounts import tokens
from portal.accounts.models import CONFIRM_EMAIL, RESET_PASSWORD, User
from portal.accounts.services import find_user_by_email, send_confirmation_link
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _

# A used link of an address that is confirmed: said kindly, since a mail program that checks
# links may have opened it before its owner did.
CONFIRMED = "confirmed"
# One new link a minute at most.
RESEND_PAUSE = timedelta(minutes=1)


def check_confirmation_link(*, actor, token, now=None):
    """What a confirmation link would confirm, changing nothing: (user, address, changed), or
    LinkRefused as confirm_email raises it. The page of the link shows this with a button;
    only pressing it confirms, so a mail program that opens links to check them uses none."""
    _, user, address, changed = _open_link(actor, token, now or utcnow())
    return user, address, changed


def _open_link(actor, token, now):
    """(link, user, address, changed) of a usable confirmation link, or LinkRefused."""
    try:
        link = tokens.check_token(token, CONFIRM_EMAIL, actor=actor, now=now)
    except tokens.LinkRefused as refused:
        raise _kindly(refused) from None
    user = link.user
    address = (link.email or user.email).strip().lower()
    changed = address != user.email
    if changed and address_taken(address, user):
        raise tokens.LinkRefused(tokens.ADDRESS_TAKEN, link)
    return link, user, address, changed


def confirm_email(*, actor, token, now=None):
    """The link in a confirmation e-mail is opened: the address it was sent to is confirmed,
    and becomes the account's address if it was a new one. Returns (user, changed).

    LinkRefused says why not: unknown, expired, used (CONFIRMED if the address is confirmed
    anyway), another account signed in, or the new address taken by another account by now."""
    now = now or utcnow()
    link, user, address, changed = _open_link(actor, token, now)
    tokens.use_token(link, now=now)
    values = {"email_confirmed_at": now, **({"email": address} if changed else {})}
    try:
        # Two accounts confirming the same new address at once: the unique index lets one in.
        db.session.execute(update(User).where(User.id == user.id).values(**values))
    except IntegrityError:
        db.session.rollback()
        raise tokens.LinkRefused(tokens.ADDRESS_TAKEN, link) from None
    if changed:
        # Links made for the old address (or for another new one) must not work any more.
        tokens.close_open_tokens(user, CONFIRM_EMAIL, now=now, keep=link)
        tokens.close_open_tokens(user, RESET_PASSWORD, now=now)
        record_event(user, "user.email_changed", user)
    else:
        record_event(user, "user.email_confirmed", user)
    db.session.commit()
    return user, changed


def _kindly(refused):
    link = refused.token
    if (refused.reason == tokens.USED and link is not None
            and link.user.email_confirmed_at is not None
            and (link.email or "").lower() == link.user.email):
        return tokens.LinkRefused(CONFIRMED, link)
    return refused


def resend_confirmation(*, actor, now=None):
    """A signed-in user whose address is not confirmed asks for a new link."""
    now = now or utcnow()
    security.require(getattr(actor, "is_active", False) and getattr(actor, "id", None))
    if actor.email_confirmed_at is not None:
        raise ValidationFailed({"": _("Your e-mail address is confirmed already.")})
    recent = [t for t in tokens.open_tokens(actor, CONFIRM_EMAIL, now=now)
              if t.email == actor.email and now - tokens.aware(t.created_at) < RESEND_PAUSE]
    if recent:
        raise ValidationFailed({"": _("We sent you a link less than a minute ago. Please look in "
                                      "your inbox, and in the spam folder.")})
    send_confirmation_link(actor, now=now)
    db.session.commit()


def address_taken(address, user):
    """Whether another account than `user` has this address."""
    other = find_user_by_email(address)
    return other is not None and other.id != user.id


def pending_address(user, now=None):
    """The new address the user asked for and has not confirmed yet, or None."""
    for link in tokens.open_tokens(user, CONFIRM_EMAIL, now=now or utcnow()):
        if link.email and link.email != user.email:
            return link.email
    return None
