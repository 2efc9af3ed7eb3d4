"""The administrator's work on the outbox: what could not be delivered, and trying it again."""
from datetime import timedelta

from sqlalchemy import func, or_, select, update

from portal import security
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.notifications.models import FAILED, PENDING, STATUSES, OutboxMessage

# A message still pending after this long is overdue: the mail server or the worker is down.
OVERDUE = timedelta(hours=1)
LISTED = 200


def undeliverable(*, actor, now=None):
    """(failed messages, overdue pending messages), newest first, for the administrator."""
    security.require_role(actor, security.ADMIN)
    now = now or utcnow()
    failed = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == FAILED)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(LISTED)).all()
    overdue = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == PENDING,
                                    OutboxMessage.created_at < now - OVERDUE)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(LISTED)).all()
    return failed, overdue


def undeliverable_counts(*, actor, now=None):
    """(how many messages failed, how many wait longer than OVERDUE), for the overview."""
    security.require_role(actor, security.ADMIN)
    now = now or utcnow()
    failed = db.session.scalar(select(func.count(OutboxMessage.id))
                               .where(OutboxMessage.status == FAILED))
    overdue = db.session.scalar(select(func.count(OutboxMessage.id))
                                .where(OutboxMessage.status == PENDING,
                                       OutboxMessage.created_at < now - OVERDUE))
    return failed, overdue


def retry_message(*, actor, message_id, now=None):
    """Send a message again: a failed one goes back to pending with its attempts reset; an
    overdue pending one (waiting for its next attempt) is due at once. One conditional UPDATE:
    a message sent or taken by a worker meanwhile is left alone."""
    security.require_role(actor, security.ADMIN)
    now = now or utcnow()
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("outbox message")
    again = {"status": PENDING, "attempts": 0, "next_attempt_at": now, "locked_until": None}
    previous = FAILED
    done = db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == FAILED)
        .values(**again).execution_options(synchronize_session=False)).rowcount
    if not done:
        previous = PENDING
        done = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING,
                   or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until <= now))
            .values(next_attempt_at=now).execution_options(synchronize_session=False)).rowcount
    if not done:
        db.session.rollback()
        raise ValidationFailed({"": _("This message is not waiting to be sent (any more): it "
                                      "was sent, or is being sent right now.")})
    record_event(actor, "mail.retried", message, status=previous, kind=message.kind)
    db.session.commit()
    db.session.refresh(message)
    return message


def retry_failed(*, message_id=None, now=None):
    """`flask outbox retry`: failed messages (one, or all) back to pending, attempts reset.
    For the administrator at the server's command line; the audit log names no actor.
    Returns how many went back."""
    now = now or utcnow()
    where = [OutboxMessage.status == FAILED]
    if message_id is not None:
        where.append(OutboxMessage.id == message_id)
    ids = list(db.session.scalars(
        update(OutboxMessage).where(*where)
        .values(status=PENDING, attempts=0, next_attempt_at=now, locked_until=None)
        .returning(OutboxMessage.id).execution_options(synchronize_session=False)))
    for message in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(ids))):
        record_event(None, "mail.retried", message, status=FAILED, kind=message.kind)
    db.session.commit()
    return len(ids)


def outbox_counts(*, now=None):
    """{status: number} for every status, plus "due" (pending and due now) and "overdue"."""
    now = now or utcnow()
    counts = dict.fromkeys(STATUSES, 0)
    for status, number in db.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)):
        counts[status] = number
    pending = OutboxMessage.status == PENDING
    counts["due"] = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        pending, OutboxMessage.next_attempt_at <= now))
    counts["overdue"] = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        pending, OutboxMessage.created_at < now - OVERDUE))
    db.session.commit()  # a command: end the (read) transaction
    return counts


def mailbox(*, limit=LISTED):
    """The development mailbox: the newest messages of the outbox, whoever they are for."""
    return db.session.scalars(select(OutboxMessage)
                              .order_by(OutboxMessage.id.desc()).limit(limit)).all()
