"""Delivering the outbox over SMTP: `flask outbox work`.

A worker claims a batch of due messages in a short transaction (it sets `locked_until`, a lease,
with a conditional UPDATE, so two workers never claim one message), commits, and only then
talks to the mail server, outside any transaction. Each message then gets its outcome in a
transaction of its own, again conditional on the claim: sent, tried again later (exponential
backoff), or failed for good. The lease is long enough for the batch even when every exchange
with the server waits its full timeout, and the worker sends nothing once the end of its lease
is near: it hands the rest back, so no second worker can take a message it is still sending. A
worker that dies mid-batch loses nothing: its lease runs out and another worker takes the
message. The Message-ID stays the same on every attempt, so in the rare case a message went out
but its outcome could not be written, the receiver can drop the repeat.

Only what the server says about a message counts against it. A server that is down, refuses our
sender or our login, or drops the connection stops the batch, and the messages wait without an
attempt counted. A message fails for good on a permanent refusal (5xx) of its recipient or
content, or when it still has not gone some days after it was written (MAIL_GIVE_UP_DAYS).
"""
import logging
import os
import socket
import threading
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from portal.db import utcnow
from portal.extensions import db
from portal.notifications.models import FAILED, PENDING, SENT, OutboxMessage
from portal.notifications.smtp import (
    PERMANENT,
    SERVER,
    build_email,
    classify,
    close,
    connect_smtp,
    describe,
)

log = logging.getLogger(__name__)

# The lease: each message of a batch may take this many SMTP timeouts (connecting, then MAIL,
# RCPT and DATA each waiting up to the timeout is rare; three is plenty on average), and never
# less than SHORTEST_LEASE.
TIMEOUTS_PER_MESSAGE = 3
SHORTEST_LEASE = timedelta(minutes=10)
# No message is begun this close to the lease's end: one send is a few exchanges, each of which
# may wait up to the timeout, and it must be written as sent before another worker may take it.
LEASE_MARGIN = timedelta(minutes=2)
TIMEOUTS_PER_SEND = 4
# A message that still has not gone this long after it was written fails for good (listed for
# the administrator): it is stale by then (a reset link lives two hours, a request waits).
GIVE_UP_DAYS = 3
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
# After a server problem (down, our settings refused) the batch waits this long, and so does
# the worker before it looks again: one attempt at connecting a minute, not one per message.
SERVER_RETRY = timedelta(minutes=1)


def backoff(attempts):
    """The wait after the `attempts`-th failed attempt: 1, 2, 4... minutes, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** (attempts - 1), LONGEST_RETRY)


def lease_for(batch, timeout):
    """How long a worker holds a batch of `batch` messages, with `timeout` (seconds) a turn."""
    return max(SHORTEST_LEASE, batch * TIMEOUTS_PER_MESSAGE * timedelta(seconds=timeout))


def margin_for(timeout):
    """How long before its lease ends a worker begins no more messages."""
    return max(LEASE_MARGIN, TIMEOUTS_PER_SEND * timedelta(seconds=timeout))


def give_up_after(config):
    """MAIL_GIVE_UP_DAYS of the app's config (PORTAL_MAIL_GIVE_UP_DAYS), else GIVE_UP_DAYS."""
    return timedelta(days=float(config.get("MAIL_GIVE_UP_DAYS") or GIVE_UP_DAYS))


@dataclass(frozen=True)
class Letter:
    """What a worker needs of a claimed message, read in the claiming transaction, so it holds
    no database row (nor transaction) while it talks to the mail server."""

    id: int
    message_id: str
    to_address: str
    locale: str
    subject: str
    body_text: str
    body_html: str
    ics: str | None
    ics_method: str | None
    attempts: int
    created_at: datetime
    lease: datetime

    @classmethod
    def of(cls, message, lease):
        return cls(message.id, message.message_id, message.to_address, message.locale,
                   message.subject, message.body_text, message.body_html, message.ics,
                   message.ics_method, message.attempts, message.created_at, lease)


def _lock_free(now):
    return or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until <= now)


def claim_due(*, now, batch, lease_until):
    """Claim up to `batch` due messages for this worker until `lease_until`; commits.

    PostgreSQL: the due rows are selected FOR UPDATE SKIP LOCKED, so workers running side by
    side take different rows instead of waiting for each other, then claimed. SQLite has one
    writer at a time: the claim is a single UPDATE, which takes the write lock first (a
    transaction that read first could not upgrade to a write while another worker writes). In
    both cases the UPDATE is conditional (pending, lock free), so a message is claimed once."""
    claimable = (OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now,
                 _lock_free(now))
    due = (select(OutboxMessage.id).where(*claimable)
           .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(batch))
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.scalars(due.with_for_update(skip_locked=True)))
        chosen = OutboxMessage.id.in_(ids)
    else:
        chosen = OutboxMessage.id.in_(due.scalar_subquery())
    claimed = list(db.session.scalars(
        update(OutboxMessage).where(chosen, *claimable)
        .values(locked_until=lease_until).returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)))
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed))
                                  .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id))
    letters = [Letter.of(message, lease_until) for message in messages]
    db.session.commit()
    return letters


def _still_ours(letter):
    """The condition of every outcome: the message is pending and still under this claim."""
    return (OutboxMessage.id == letter.id, OutboxMessage.status == PENDING,
            OutboxMessage.locked_until == letter.lease)


def _write(letter, **values):
    done = db.session.execute(update(OutboxMessage).where(*_still_ours(letter))
                              .values(**values).execution_options(synchronize_session=False))
    return done.rowcount == 1


def _mark_sent(letter, at):
    done = _write(letter, status=SENT, sent_at=at, attempts=OutboxMessage.attempts + 1,
                  locked_until=None, last_error=None)
    db.session.commit()
    if not done:  # the lease ran out and another worker took it: it may go twice
        log.warning("outbox message %s was sent after its claim had run out", letter.id)


def _too_old(letter, at, give_up):
    return at - letter.created_at >= give_up


def _mark_failed(letter, at, error_text, *, permanent, give_up):
    """An attempt that failed over this message: FAILED after a permanent error or once the
    message is too old, else another attempt after the backoff."""
    attempts = letter.attempts + 1
    values = {"attempts": attempts, "last_error": error_text[:1000], "locked_until": None}
    if permanent or _too_old(letter, at, give_up):
        values["status"] = FAILED
    else:
        values["next_attempt_at"] = at + backoff(attempts)
    _write(letter, **values)
    db.session.commit()
    return "failed" if "status" in values else "deferred"


def _wait_for_server(letters, at, error, give_up):
    """The server (or our settings) failed: these messages wait for the next try, no attempt
    counted against them; only one too old to be of use any more fails. Returns
    {"deferred": n, "failed": n}."""
    counts = {"deferred": 0, "failed": 0}
    for letter in letters:
        values = {"last_error": describe(error)[:1000], "locked_until": None}
        if _too_old(letter, at, give_up):
            values["status"] = FAILED
        else:
            values["next_attempt_at"] = at + SERVER_RETRY
        if _write(letter, **values):
            counts["failed" if "status" in values else "deferred"] += 1
    db.session.commit()
    return counts


def hand_back(letters):
    """Give up the claim on messages not begun, so another worker may take them at once.
    Conditional on the claim: a message whose lease ran out and was taken is left alone."""
    if not letters:
        return 0
    lease = letters[0].lease
    done = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([letter.id for letter in letters]),
               OutboxMessage.status == PENDING, OutboxMessage.locked_until == lease)
        .values(locked_until=None).execution_options(synchronize_session=False))
    db.session.commit()
    return done.rowcount


def _last_lines(limit=8):
    """The end of the traceback being handled: where it broke and why."""
    return "".join(traceback.format_exc().strip().splitlines(keepends=True)[-limit:])


class Unreachable(Exception):
    """Connecting to the mail server failed (`error` says how): down, refused our login, or
    set up wrongly. Not about any message."""

    def __init__(self, error):
        super().__init__(error)
        self.error = error


def _open(connect):
    try:
        return connect()
    except Exception as error:
        raise Unreachable(error) from error


def _kind_of(error):
    """What an error while sending means (portal.notifications.smtp.classify), or None for one
    that is not about mail at all: a bug, or a stored message that cannot be built."""
    if isinstance(error, Unreachable):
        return SERVER
    return classify(error) if isinstance(error, OSError) else None


def deliver_due(*, now=None, batch=50, worker_id=None, smtp_factory=None, clock=None):
    """Claim up to `batch` due messages and deliver them over one SMTP connection.

    Returns counts: claimed, sent, deferred (to be tried again), failed (for good), returned
    (handed back unsent as the lease's end came near), and server_down (the batch stopped on a
    problem of the server or of our settings). `now` fixes the clock and `clock()` lets it run
    (tests); `smtp_factory()` returns a connected smtplib.SMTP-like object (default:
    connect_smtp with the app's PORTAL_SMTP_* settings)."""
    clock = clock or ((lambda: now) if now is not None else utcnow)
    config = current_app.config
    timeout = config["SMTP_TIMEOUT"]
    give_up = give_up_after(config)
    started = clock()
    lease = lease_for(batch, timeout)
    letters = claim_due(now=started, batch=batch, lease_until=started + lease)
    counts = {"claimed": len(letters), "sent": 0, "deferred": 0, "failed": 0, "returned": 0,
              "server_down": False}
    if not letters:
        return counts
    last_start = started + lease - margin_for(timeout)
    connect = smtp_factory or (lambda: connect_smtp(config))
    sender = config["MAIL_FROM"]
    envelope_from = parseaddr(sender)[1] or sender
    smtp = None
    try:
        for index, letter in enumerate(letters):
            if clock() >= last_start:
                counts["returned"] = hand_back(letters[index:])
                log.warning("outbox %s: lease ends soon, %s messages handed back",
                            worker_id or "", counts["returned"])
                break
            try:
                if smtp is None:
                    smtp = _open(connect)
                email = build_email(letter, sender=sender, date=clock())
                smtp.send_message(email, from_addr=envelope_from, to_addrs=[letter.to_address])
            except Exception as raised:
                error = raised.error if isinstance(raised, Unreachable) else raised
                kind = _kind_of(raised)
                if kind == SERVER:
                    # Every message would fail the same way: all wait, none is to blame.
                    log.warning("outbox %s: mail server problem: %s", worker_id or "",
                                describe(error))
                    if smtp is not None:
                        close(smtp)
                        smtp = None
                    counts["server_down"] = True
                    for outcome, number in _wait_for_server(
                            letters[index:], clock(), error, give_up).items():
                        counts[outcome] += number
                    break
                if kind is not None:
                    outcome = _mark_failed(letter, clock(), describe(error),
                                           permanent=kind == PERMANENT, give_up=give_up)
                    log.info("outbox message %s %s: %s", letter.id, outcome, describe(error))
                    counts[outcome] += 1
                    continue
                # A bug, or a stored message that cannot be built: that message fails, with
                # where and why, and the worker (and the next worker, which would take the same
                # message) goes on with the rest.
                log.exception("outbox message %s could not be sent", letter.id)
                if smtp is not None:
                    close(smtp)  # in an unknown state; the next message opens a new one
                    smtp = None
                _mark_failed(letter, clock(), _last_lines(), permanent=True, give_up=give_up)
                counts["failed"] += 1
            else:
                _mark_sent(letter, clock())
                counts["sent"] += 1
    except SQLAlchemyError:
        db.session.rollback()  # the claims left run out and are taken again
        raise
    finally:
        if smtp is not None:
            close(smtp, polite=True)
    return counts


def summary(counts):
    line = "sent {sent}, to be tried again {deferred}, failed {failed}".format(**counts)
    if counts.get("returned"):
        line += ", handed back {returned}".format(**counts)
    return line


def work(*, once=False, interval=5.0, batch=50, worker_id=None, echo=None, stop=None,
         smtp_factory=None):
    """Deliver the outbox until stopped (SIGTERM, Ctrl-C, or `stop` set); `once`: one batch.

    Between polls the worker ends its session, so it holds no transaction (on SQLite that would
    keep every writer of the site waiting, see portal/db.py) and no connection while it waits.
    A full batch is followed at once by the next one; after a server problem it waits
    SERVER_RETRY. No error ends the loop: it is logged, and the worker looks again later."""
    stop = stop or threading.Event()
    restore = _stop_on_signals(stop)
    worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"
    try:
        while not stop.is_set():
            try:
                counts = deliver_due(batch=batch, worker_id=worker_id,
                                     smtp_factory=smtp_factory)
            except SQLAlchemyError as error:  # the database away for a moment: try again
                log.error("outbox %s: database error: %s", worker_id, error)
                counts = None
            except Exception:  # a bug must not stop the mail for good
                log.exception("outbox %s: batch failed", worker_id)
                counts = None
            finally:
                db.session.remove()
            if echo is not None and counts and (counts["claimed"] or once):
                echo(summary(counts))
            if once:
                break
            if counts is not None and counts["server_down"]:
                stop.wait(max(interval, SERVER_RETRY.total_seconds()))
            elif counts is None or counts["claimed"] < batch:
                stop.wait(interval)
    finally:
        restore()


def _stop_on_signals(stop):
    """SIGTERM (systemd stopping the service) and Ctrl-C end the loop after the batch in hand,
    so every claimed message gets its outcome written."""
    import signal

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {number: signal.getsignal(number) for number in (signal.SIGTERM, signal.SIGINT)}
    for number in previous:
        signal.signal(number, lambda *_: stop.set())

    def restore():
        for number, handler in previous.items():
            signal.signal(number, handler)
    return restore
