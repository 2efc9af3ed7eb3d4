"""The daily digest: new requests and messages in one e-mail a day, for users who chose it.

`notify` holds the digestible kinds of such a user (status HELD); once a day after 07:00
(Europe/Amsterdam) `send_digests`, called by the time-driven command (`flask tasks run`),
writes one "digest.daily" message per user listing them, and marks them DIGESTED with the
digest's id. It is safe to run every few minutes: a user gets at most one digest a local day,
and each held message goes out in exactly one digest (a conditional UPDATE held -> digested).
"""
from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import select, update

from portal import security
from portal.db import PORTAL_TIMEZONE, utcnow
from portal.extensions import db
from portal.notifications.models import DIGESTED, HELD, PENDING, OutboxMessage
from portal.notifications.outbox import _add

DIGEST = "digest.daily"
SEND_FROM = time(7, 0)  # local time: the digest is there when the working day starts
EXTRACT = 200  # characters of each message in the digest


@dataclass(frozen=True)
class Item:
    subject: str
    extract: str


def _users():
    # The users table, not accounts' model: notifications may be imported by every feature, so
    # it imports none of them (tests/unit/test_architecture.py).
    return OutboxMessage.metadata.tables["users"]


def dashboard_endpoint(role):
    """Where the recipient sees what needs their action."""
    if role == security.COMPANY_MEMBER:
        return "bookings.company_dashboard"
    if role in security.SCHOOL_ROLES:
        return "bookings.mine"
    return "public.home"


def extract(text, limit=EXTRACT):
    """The start of a message's text, without its greeting, on one line."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    if len(paragraphs) > 1 and paragraphs[0].rstrip().endswith(","):
        paragraphs = paragraphs[1:]
    words = " ".join(paragraphs[0].split()) if paragraphs else ""
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "\u2026"


def send_digests(*, now=None):
    """Write today's digest for every user with held messages, once per local day after
    07:00; returns how many digests were written. Each user's digest is its own transaction."""
    now = now or utcnow()
    local = now.astimezone(PORTAL_TIMEZONE)
    if local.time() < SEND_FROM:
        return 0
    since = datetime.combine(local.date(), SEND_FROM, tzinfo=PORTAL_TIMEZONE).astimezone(UTC)
    user_ids = db.session.scalars(
        select(OutboxMessage.user_id).distinct()
        .where(OutboxMessage.status == HELD, OutboxMessage.user_id.is_not(None))
        .order_by(OutboxMessage.user_id)).all()
    db.session.commit()  # no transaction held between the users' digests
    return sum(_send_digest(user_id, now=now, since=since) for user_id in user_ids)


def _send_digest(user_id, *, now, since):
    users = _users()
    user = db.session.execute(select(users).where(users.c.id == user_id)).one_or_none()
    already = db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.user_id == user_id, OutboxMessage.kind == DIGEST,
        OutboxMessage.created_at >= since).limit(1))
    held = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.user_id == user_id,
                                    OutboxMessage.status == HELD)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)).all()
    if user is None or not user.is_active or already is not None or not held:
        db.session.rollback()
        return 0
    items = [Item(message.subject, extract(message.body_text)) for message in held]
    digest = _add(DIGEST, user.email, user.locale or "nl", user_id=user.id, ics=None,
                  ics_method=None, status=PENDING,
                  context={"user": user, "items": items,
                           "dashboard_endpoint": dashboard_endpoint(user.role)})
    digest.created_at = digest.next_attempt_at = now
    db.session.flush()
    ids = [message.id for message in held]
    taken = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status == HELD)
        .values(status=DIGESTED, digest_id=digest.id)
        .execution_options(synchronize_session=False)).rowcount
    if taken != len(ids):  # another run took them at the same moment: it sends the digest
        db.session.rollback()
        return 0
    db.session.commit()
    return 1
