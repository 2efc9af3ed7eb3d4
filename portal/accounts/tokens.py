"""Links sent by e-mail (password reset, address confirmation): made, looked up and used up.

A link carries a random secret; only its SHA-256 is stored, so a copy of the database opens no
account. A link expires, and works once: using it is one conditional UPDATE that only succeeds
while the link is unused and unexpired, so two clicks at the same moment cannot both pass.
"""
import hashlib
import secrets
from datetime import UTC

from sqlalchemy import select, update

from portal.accounts.models import CONFIRM_EMAIL, AccountToken
from portal.errors import PortalError
from portal.extensions import db

# Why a link does not work (LinkRefused.reason); the page that says so offers a new link.
UNKNOWN = "unknown"          # no such link (mistyped, of another kind, or never made)
EXPIRED = "expired"
USED = "used"
OTHER_ACCOUNT = "other_account"   # signed in as someone else than the link is for
ADDRESS_TAKEN = "address_taken"   # the new address belongs to another account by now
INACTIVE = "inactive"        # the account was switched off


class LinkRefused(PortalError):
    """An e-mailed link that cannot be used; `reason` is one of the constants above and `token`
    the link's row when there is one (to tell whose link it was)."""

    def __init__(self, reason, token=None):
        self.reason = reason
        self.token = token
        super().__init__(reason)


def hash_token(secret):
    return hashlib.sha256((secret or "").encode()).hexdigest()


def issue_token(user, purpose, *, now, lifetime, email=None):
    """Add a new link for `user` to the session; returns the secret, which exists only now."""
    secret = secrets.token_urlsafe(32)
    db.session.add(AccountToken(user_id=user.id, purpose=purpose, token_hash=hash_token(secret),
                                email=email or user.email, created_at=now,
                                expires_at=now + lifetime))
    return secret


def find_token(secret, purpose):
    """The link with this secret and purpose, or None: a link of another kind counts as unknown,
    so a reset link never confirms an address and the other way round."""
    if not secret or len(secret) > 200:
        return None
    return db.session.scalar(select(AccountToken).where(
        AccountToken.token_hash == hash_token(secret), AccountToken.purpose == purpose))


def state_of(token, now):
    """None when the link can be used now, else EXPIRED or USED (used wins: it says more)."""
    if token.used_at is not None:
        return USED
    if aware(token.expires_at) <= now:
        return EXPIRED
    return None


def check_token(secret, purpose, *, actor, now):
    """The usable link with this secret, or LinkRefused saying why not. A signed-in user may
    only use links of their own account."""
    token = find_token(secret, purpose)
    if token is None:
        raise LinkRefused(UNKNOWN)
    signed_in = getattr(actor, "is_authenticated", False)
    if signed_in and actor.id != token.user_id:
        raise LinkRefused(OTHER_ACCOUNT, token)
    if not token.user.is_active:
        raise LinkRefused(INACTIVE, token)
    reason = state_of(token, now)
    if reason is not None:
        raise LinkRefused(reason, token)
    return token


def use_token(token, *, now):
    """Mark the link used, only if it is still unused and unexpired at this moment; else roll
    back and raise LinkRefused (someone used it a moment ago, or it just expired)."""
    result = db.session.execute(
        update(AccountToken).where(AccountToken.id == token.id, AccountToken.used_at.is_(None),
                                   AccountToken.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        db.session.refresh(token)
        raise LinkRefused(state_of(token, now) or USED, token)


def close_open_tokens(user, purpose, *, now, keep=None):
    """Use up the user's other open links of this kind (after a reset or an address change the
    older links must not work any more)."""
    where = [AccountToken.user_id == user.id, AccountToken.purpose == purpose,
             AccountToken.used_at.is_(None)]
    if keep is not None:
        where.append(AccountToken.id != keep.id)
    db.session.execute(update(AccountToken).where(*where).values(used_at=now)
                       .execution_options(synchronize_session=False))


def close_address_changes(user, *, now):
    """Use up the links to a new address the user asked for and has not opened: after a new
    password, a change started by someone who knew the old one must not go through."""
    db.session.execute(
        update(AccountToken).where(AccountToken.user_id == user.id,
                                   AccountToken.purpose == CONFIRM_EMAIL,
                                   AccountToken.used_at.is_(None),
                                   AccountToken.email != user.email)
        .values(used_at=now).execution_options(synchronize_session=False))


def latest_issued(user, purpose):
    """When the user's newest link of this kind was made, or None."""
    return aware(db.session.scalar(
        select(AccountToken.created_at).where(AccountToken.user_id == user.id,
                                              AccountToken.purpose == purpose)
        .order_by(AccountToken.created_at.desc()).limit(1)))


def open_tokens(user, purpose, *, now):
    """The user's links of this kind that still work, newest first."""
    return list(db.session.scalars(
        select(AccountToken).where(AccountToken.user_id == user.id,
                                   AccountToken.purpose == purpose,
                                   AccountToken.used_at.is_(None), AccountToken.expires_at > now)
        .order_by(AccountToken.created_at.desc(), AccountToken.id.desc())))


def aware(moment):
    # UTCDateTime gives back aware datetimes; this keeps a naive one from a fresh object safe.
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
