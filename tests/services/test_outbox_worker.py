"""The outbox worker against a real SMTP server in the test process (aiosmtpd): every message
arrives exactly once, a server that is down loses nothing, a refusal is marked for good."""
import signal
import smtplib
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal import security
from portal.db import utcnow
from portal.extensions import db
from portal.notifications import smtp, worker
from portal.notifications.digest import Item
from portal.notifications.models import FAILED, PENDING, SENT, OutboxMessage
from portal.notifications.outbox import _add, notify
from portal.notifications.services import outbox_counts, retry_failed
from tests.databases import app_on_empty_database
from tests.outbox_smtp import SmtpServer

NOW = utcnow().replace(microsecond=0)
ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nMETHOD:REQUEST\r\n"
       "BEGIN:VEVENT\r\nUID:booking-1@portal\r\nSEQUENCE:0\r\nDTSTAMP:20260101T090000Z\r\n"
       "DTSTART:20260301T090000Z\r\nSUMMARY:Bedrijfsbezoek\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


@pytest.fixture
def server(app, monkeypatch):
    """An SMTP server, down until the test starts it, with the worker pointed at it."""
    smtp = SmtpServer()
    for key, value in smtp.settings().items():
        monkeypatch.setitem(app.config, key, value)
    yield smtp
    smtp.stop()


def write(address="ontvanger@example.nl", *, ics=None, ics_method=None, locale="en", at=NOW):
    """A message in the outbox, due at `at`, written as a service writes one and committed."""
    message = _add("digest.daily", address, locale, user_id=None, ics=ics, ics_method=ics_method,
                   status=PENDING, context={
                       "user": SimpleNamespace(full_name="Sanne de Wit", role=security.TEACHER),
                       "items": [Item("New request for Rondleiding", "Klas 2B wil graag komen.")],
                       "dashboard_endpoint": "bookings.mine"})
    message.created_at = message.next_attempt_at = at
    db.session.commit()
    return message


def counted(**numbers):
    """deliver_due's answer: the numbers given, zero (or False) for the rest."""
    return {"claimed": 0, "sent": 0, "deferred": 0, "failed": 0, "returned": 0,
            "server_down": False, **numbers}


def row(message_id):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


class FakeSmtp:
    """An SMTP connection that accepts every message (subclasses refuse some)."""

    def __init__(self, connections=None):
        self.sent, self.closed = [], False
        if connections is not None:
            connections.append(self)

    def send_message(self, email, from_addr, to_addrs):
        self.sent.append(email["Message-ID"])

    def quit(self):
        self.closed = True

    close = quit


class Clock:
    """A clock that runs only when told: `advance` moves it on."""

    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at

    def advance(self, **duration):
        self.at += timedelta(**duration)


def test_a_message_arrives_once_as_text_html_and_calendar_entry(server):
    server.start()
    message = write("docent@example.nl", ics=ICS, ics_method="REQUEST")

    counts = worker.deliver_due(now=NOW)

    assert counts == counted(claimed=1, sent=1)
    [mail] = server.received
    assert server.recorder.envelopes == [("noreply@portal.test", ["docent@example.nl"])]
    assert mail["From"] == "Techniekportaal <noreply@portal.test>"
    assert mail["To"] == "docent@example.nl"
    assert mail["Subject"] == "Your daily summary: 1 new message"
    assert mail["Message-ID"] == message.message_id
    assert mail["Content-Language"] == "en"
    assert mail["Date"]
    assert mail.get_content_type() == "multipart/mixed"
    [alternative, attachment] = mail.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    text, html, calendar = alternative.iter_parts()
    assert text.get_content_type() == "text/plain"
    assert "Klas 2B wil graag komen." in text.get_content()
    assert html.get_content_type() == "text/html"
    assert "<h1" in html.get_content() and "Rondleiding" in html.get_content()
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert "UID:booking-1@portal" in calendar.get_content()
    assert attachment.get_filename() == "invite.ics"
    assert b"BEGIN:VCALENDAR" in attachment.get_content()
    sent = row(message.id)
    assert (sent.status, sent.attempts, sent.sent_at, sent.locked_until) == (SENT, 1, NOW, None)

    assert worker.deliver_due(now=NOW + timedelta(hours=1))["claimed"] == 0
    assert len(server.received) == 1


def test_without_a_calendar_entry_the_mail_is_text_and_html_only(server):
    server.start()
    write()

    worker.deliver_due(now=NOW)

    [mail] = server.received
    assert mail.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in mail.iter_parts()] == ["text/plain", "text/html"]


def test_a_server_that_is_down_loses_nothing_and_every_message_arrives_once_later(server):
    ids = [write(f"school{n}@example.nl").id for n in range(3)]

    down = worker.deliver_due(now=NOW)

    assert down == counted(claimed=3, deferred=3, server_down=True)
    for message_id in ids:
        waiting = row(message_id)
        # The server is down: no attempt counts against the messages.
        assert (waiting.status, waiting.attempts, waiting.locked_until) == (PENDING, 0, None)
        assert waiting.next_attempt_at == NOW + timedelta(minutes=1)
        assert "Connection" in waiting.last_error
    # Not due yet: nobody tries before the backoff has passed.
    assert worker.deliver_due(now=NOW + timedelta(seconds=30))["claimed"] == 0

    server.start()
    up = worker.deliver_due(now=NOW + timedelta(minutes=2))

    assert up == counted(claimed=3, sent=3)
    assert sorted(server.recorder.message_ids()) == sorted(row(i).message_id for i in ids)
    assert {row(i).status for i in ids} == {SENT}
    assert {row(i).attempts for i in ids} == {1}
    assert worker.deliver_due(now=NOW + timedelta(hours=2))["claimed"] == 0
    assert len(server.received) == 3


def test_a_refused_address_fails_for_good_after_one_try_and_the_others_still_go(server):
    server.recorder.answers["weg@example.nl"] = "550 5.1.1 No such user here"
    server.start()
    gone, fine = write("weg@example.nl"), write("blijft@example.nl")

    counts = worker.deliver_due(now=NOW)

    assert counts == counted(claimed=2, sent=1, failed=1)
    failed = row(gone.id)
    assert (failed.status, failed.attempts) == (FAILED, 1)
    assert failed.last_error.startswith("550 5.1.1 No such user")
    assert row(fine.id).status == SENT
    assert [m["To"] for m in server.received] == ["blijft@example.nl"]
    # Failed is final: no worker takes it again.
    assert worker.deliver_due(now=NOW + timedelta(days=1))["claimed"] == 0


def test_try_again_later_answers_are_retried_with_growing_waits(server):
    server.recorder.answers["vol@example.nl"] = "451 4.2.2 Mailbox full, try later"
    server.start()
    message = write("vol@example.nl")

    assert worker.deliver_due(now=NOW)["deferred"] == 1
    first = row(message.id)
    assert (first.status, first.attempts) == (PENDING, 1)
    assert first.next_attempt_at == NOW + timedelta(minutes=1)
    assert first.last_error.startswith("451")

    later = NOW + timedelta(minutes=1)
    assert worker.deliver_due(now=later)["deferred"] == 1
    assert row(message.id).next_attempt_at == later + timedelta(minutes=2)


@pytest.mark.parametrize(("age", "gives_up"), [
    (timedelta(days=3) - timedelta(seconds=1), False), (timedelta(days=3), True)])
def test_a_message_fails_for_good_once_it_is_too_old_not_after_some_attempts(
        server, age, gives_up):
    server.recorder.answers["vol@example.nl"] = "451 4.2.2 Mailbox full, try later"
    server.start()
    message = write("vol@example.nl", at=NOW - age)
    message.attempts = 30  # many tries do not decide it; the age does
    db.session.commit()

    counts = worker.deliver_due(now=NOW)

    assert counts == counted(claimed=1, **{"failed" if gives_up else "deferred": 1})
    after = row(message.id)
    assert (after.status, after.attempts) == (FAILED if gives_up else PENDING, 31)
    assert after.last_error.startswith("451")


def test_the_age_to_give_up_at_is_a_setting(app, server, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_GIVE_UP_DAYS", 1)
    server.recorder.answers["vol@example.nl"] = "451 4.2.2 Mailbox full, try later"
    server.start()
    message = write("vol@example.nl", at=NOW - timedelta(days=1))

    assert worker.deliver_due(now=NOW)["failed"] == 1
    assert row(message.id).status == FAILED


def test_a_server_down_for_days_fails_only_the_messages_too_old_to_matter(server):
    old, new = write(at=NOW - timedelta(days=3)), write(at=NOW - timedelta(days=2))

    assert worker.deliver_due(now=NOW) == counted(claimed=2, deferred=1, failed=1,
                                                  server_down=True)

    assert (row(old.id).status, row(old.id).attempts) == (FAILED, 0)
    assert "Connection" in row(old.id).last_error
    assert (row(new.id).status, row(new.id).attempts) == (PENDING, 0)


def test_the_wait_doubles_up_to_six_hours():
    waits = [worker.backoff(n) for n in range(1, 13)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == timedelta(hours=6) == waits[-1]
    assert waits == sorted(waits)


def test_a_message_claimed_by_a_worker_that_died_waits_for_its_lease(server):
    server.start()
    message = write()
    # A worker claimed it and then died before sending.
    lease = timedelta(minutes=10)
    [claimed] = worker.claim_due(now=NOW, batch=10, lease_until=NOW + lease)
    assert claimed.id == message.id

    assert worker.deliver_due(now=NOW + timedelta(minutes=1))["claimed"] == 0
    assert worker.deliver_due(now=NOW + lease)["sent"] == 1
    assert server.recorder.message_ids() == [message.message_id]


def test_held_and_future_messages_are_not_delivered(server):
    server.start()
    held = write()
    held.status = "held"
    later = write(at=NOW + timedelta(minutes=5))
    db.session.commit()

    assert worker.deliver_due(now=NOW)["claimed"] == 0
    assert worker.deliver_due(now=NOW + timedelta(minutes=5))["sent"] == 1
    assert server.recorder.message_ids() == [later.message_id]
    assert row(held.id).status == "held"


def test_a_rolled_back_change_leaves_no_message_in_the_outbox(make):
    user = make.user()
    before = db.session.scalars(select(OutboxMessage.id)).all()

    message = notify(user, "digest.daily", items=[Item("Aanvraag", "Tekst")],
                     dashboard_endpoint="bookings.mine")
    assert message is not None
    db.session.rollback()

    assert db.session.scalars(select(OutboxMessage.id)).all() == before


def test_a_batch_takes_the_oldest_due_messages_first(server):
    server.start()
    newer = write("b@example.nl", at=NOW - timedelta(minutes=1))
    older = write("a@example.nl", at=NOW - timedelta(minutes=5))

    assert worker.deliver_due(now=NOW, batch=1)["sent"] == 1
    assert server.recorder.message_ids() == [older.message_id]
    assert row(newer.id).status == PENDING


def test_a_connection_lost_mid_batch_stops_the_batch_and_counts_against_no_message():
    first, second = write("a@example.nl"), write("b@example.nl")
    connections = []

    class Flaky(FakeSmtp):
        """An SMTP connection whose first message finds the server gone."""

        def send_message(self, email, from_addr, to_addrs):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    counts = worker.deliver_due(now=NOW, smtp_factory=lambda: Flaky(connections))

    assert counts == counted(claimed=2, deferred=2, server_down=True)
    assert len(connections) == 1 and connections[0].closed
    for message in (first, second):
        waiting = row(message.id)
        assert (waiting.status, waiting.attempts) == (PENDING, 0)
        assert waiting.next_attempt_at == NOW + worker.SERVER_RETRY
        assert "Connection unexpectedly closed" in waiting.last_error


def test_a_message_that_breaks_the_code_fails_with_its_traceback_and_the_rest_go_on():
    poison, fine = write("a@example.nl"), write("b@example.nl")
    connections = []

    class Choking(FakeSmtp):
        def send_message(self, email, from_addr, to_addrs):
            if email["Message-ID"] == poison.message_id:
                raise RuntimeError("a bug met this message")
            super().send_message(email, from_addr, to_addrs)

    counts = worker.deliver_due(now=NOW, smtp_factory=lambda: Choking(connections))

    assert counts == counted(claimed=2, sent=1, failed=1)
    failed = row(poison.id)
    assert (failed.status, failed.attempts, failed.locked_until) == (FAILED, 1, None)
    assert "RuntimeError: a bug met this message" in failed.last_error
    assert "Traceback" in failed.last_error or "line " in failed.last_error
    assert row(fine.id).status == SENT
    # The connection in an unknown state was closed; the next message had a new one.
    assert connections[0].closed and connections[-1].sent == [fine.message_id]
    # The next worker does not meet it again.
    assert worker.deliver_due(now=NOW + timedelta(days=1))["claimed"] == 0


def test_a_stored_message_that_cannot_be_built_fails_and_the_rest_go_on():
    broken, fine = write("a@example.nl"), write("b@example.nl")
    broken.to_address = "a@example.nl\r\nBcc: everyone@example.nl"  # a header injection
    db.session.commit()
    connections = []

    counts = worker.deliver_due(now=NOW, smtp_factory=lambda: FakeSmtp(connections))

    assert counts == counted(claimed=2, sent=1, failed=1)
    assert row(broken.id).status == FAILED and "ValueError" in row(broken.id).last_error
    assert [m for c in connections for m in c.sent] == [fine.message_id]


@pytest.mark.parametrize("refusal", [
    smtplib.SMTPSenderRefused(530, b"5.7.0 Authentication required", "noreply@portal.test"),
    smtplib.SMTPSenderRefused(553, b"5.7.1 Sender address rejected", "noreply@portal.test"),
    smtplib.SMTPRecipientsRefused({"a@example.nl": (530, b"5.7.0 Authentication required")}),
    smtplib.SMTPDataError(421, b"4.3.2 Service shutting down"),
], ids=["sender-530", "sender-553", "recipient-530", "data-421"])
def test_a_refusal_of_our_sender_or_login_stops_the_batch_and_fails_no_message(refusal):
    first, second = write("a@example.nl"), write("b@example.nl")
    connections = []

    class Refusing(FakeSmtp):
        def send_message(self, email, from_addr, to_addrs):
            raise refusal

    counts = worker.deliver_due(now=NOW, smtp_factory=lambda: Refusing(connections))

    assert counts == counted(claimed=2, deferred=2, server_down=True)
    assert len(connections) == 1  # the second message was not tried: it would fail the same
    for message in (first, second):
        waiting = row(message.id)
        assert (waiting.status, waiting.attempts) == (PENDING, 0)
        assert waiting.next_attempt_at == NOW + worker.SERVER_RETRY


@pytest.mark.parametrize("failure", [
    smtplib.SMTPAuthenticationError(535, b"5.7.8 Authentication credentials invalid"),
    smtplib.SMTPConnectError(554, b"No SMTP service here"),
    ConnectionRefusedError(111, "Connection refused"),
    TimeoutError("timed out"),
], ids=["login-535", "greeting-554", "refused", "timeout"])
def test_a_server_we_cannot_connect_to_fails_no_message(failure):
    message = write()

    def connect():
        raise failure

    counts = worker.deliver_due(now=NOW, smtp_factory=connect)

    assert counts == counted(claimed=1, deferred=1, server_down=True)
    assert (row(message.id).status, row(message.id).attempts) == (PENDING, 0)


def test_only_an_answer_about_the_message_itself_counts_against_it():
    kinds = {
        "recipient 550": smtplib.SMTPRecipientsRefused({"a@b.nl": (550, b"No such user")}),
        "recipient 451": smtplib.SMTPRecipientsRefused({"a@b.nl": (451, b"Try later")}),
        "content 554": smtplib.SMTPDataError(554, b"5.6.0 Message refused"),
        "content 452": smtplib.SMTPDataError(452, b"4.3.1 Insufficient storage"),
        "sender 550": smtplib.SMTPSenderRefused(550, b"Not our domain", "x@y.nl"),
        "login 535": smtplib.SMTPAuthenticationError(535, b"Bad credentials"),
        "disconnected": smtplib.SMTPServerDisconnected("gone"),
        "refused": ConnectionRefusedError(111, "Connection refused"),
    }
    assert {name: smtp.classify(error) for name, error in kinds.items()} == {
        "recipient 550": smtp.PERMANENT, "recipient 451": smtp.TEMPORARY,
        "content 554": smtp.PERMANENT, "content 452": smtp.TEMPORARY,
        "sender 550": smtp.SERVER, "login 535": smtp.SERVER,
        "disconnected": smtp.SERVER, "refused": smtp.SERVER}


# --- the lease -------------------------------------------------------------------------------


def test_the_lease_covers_the_batch_at_three_timeouts_a_message_and_at_least_ten_minutes():
    assert worker.lease_for(50, 30) == timedelta(minutes=75)
    assert worker.lease_for(5, 5) == timedelta(minutes=10)
    assert worker.lease_for(1000, 30) == timedelta(hours=25)
    assert worker.margin_for(5) == timedelta(minutes=2)
    assert worker.margin_for(60) == timedelta(minutes=4)


def test_a_batch_is_claimed_for_the_lease_its_size_and_timeout_need(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_TIMEOUT", 30.0)
    message = write()
    leases = []

    class Watching(FakeSmtp):
        def send_message(self, email, from_addr, to_addrs):
            leases.append(db.session.scalar(
                select(OutboxMessage.locked_until).where(OutboxMessage.id == message.id)))
            super().send_message(email, from_addr, to_addrs)

    worker.deliver_due(now=NOW, batch=40, smtp_factory=Watching)

    assert leases == [NOW + timedelta(minutes=60)]


def test_near_the_end_of_its_lease_the_worker_hands_the_rest_back_unsent(server):
    """Each send takes three minutes on this clock; the lease is ten minutes (batch 5, timeout
    5 s), and nothing is begun in its last two: three go, two are handed back at minute 9, and
    another worker sends those two at once. Every message goes exactly once."""
    server.start()
    ids = [write(f"school{n}@example.nl").id for n in range(5)]
    clock = Clock(NOW)
    connections = []

    class Slow(FakeSmtp):
        def send_message(self, email, from_addr, to_addrs):
            clock.advance(minutes=3)
            super().send_message(email, from_addr, to_addrs)

    counts = worker.deliver_due(clock=clock, batch=5, smtp_factory=lambda: Slow(connections))

    assert clock() == NOW + timedelta(minutes=9)
    assert counts == counted(claimed=5, sent=3, returned=2)
    first_worker = connections[0].sent
    handed_back = [row(i) for i in ids[3:]]
    assert {(m.status, m.locked_until, m.attempts) for m in handed_back} == {(PENDING, None, 0)}

    # Another worker, at minute 9 (well before the first one's lease ran out), takes them.
    second = worker.deliver_due(now=clock(), batch=5)
    assert second == counted(claimed=2, sent=2)
    delivered = first_worker + server.recorder.message_ids()
    assert sorted(delivered) == sorted(row(i).message_id for i in ids)
    assert {row(i).status for i in ids} == {SENT}


def test_handing_back_leaves_a_message_another_worker_took_meanwhile():
    message = write()
    [mine] = worker.claim_due(now=NOW, batch=1, lease_until=NOW + timedelta(minutes=10))
    # The lease ran out, and another worker claimed the message.
    [theirs] = worker.claim_due(now=NOW + timedelta(minutes=10), batch=1,
                                lease_until=NOW + timedelta(minutes=20))

    assert worker.hand_back([mine]) == 0
    assert row(message.id).locked_until == theirs.lease


# --- the loop and the command line ----------------------------------------------------------


def test_the_loop_stops_when_told_and_holds_no_transaction_while_waiting(app, server):
    server.start()
    write()
    stop = threading.Event()
    lines = []

    def echo(line):
        lines.append(line)
        # After the first batch the worker waits; it holds no session meanwhile.
        assert not db.session.registry.has()
        stop.set()

    worker.work(interval=0.05, echo=echo, stop=stop)

    assert lines == ["sent 1, to be tried again 0, failed 0"]
    assert len(server.received) == 1


def test_an_error_in_a_batch_does_not_end_the_loop(app, monkeypatch):
    calls = []
    stop = threading.Event()

    def deliver(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise RuntimeError("a bug outside any message")
        stop.set()
        return counted()

    monkeypatch.setattr(worker, "deliver_due", deliver)
    worker.work(interval=0.01, stop=stop)

    assert len(calls) == 2


def test_after_a_server_problem_the_loop_waits_before_it_looks_again(app, monkeypatch):
    waits = []

    class Stop(threading.Event):
        def wait(self, timeout=None):
            waits.append(timeout)
            self.set()

    monkeypatch.setattr(worker, "deliver_due",
                        lambda **kwargs: counted(claimed=50, deferred=50, server_down=True))
    worker.work(interval=5, batch=50, stop=Stop())

    assert waits == [worker.SERVER_RETRY.total_seconds()]


def test_sigterm_ends_the_loop_after_the_batch_in_hand():
    stop = threading.Event()
    restore = worker._stop_on_signals(stop)
    try:
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, signal.SIG_IGN)
        signal.raise_signal(signal.SIGTERM)
        assert stop.is_set()
    finally:
        restore()
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_the_work_command_delivers_one_batch(app, server):
    server.start()
    write(at=utcnow() - timedelta(minutes=1))

    result = app.test_cli_runner().invoke(args=["outbox", "work", "--once"])

    assert result.exit_code == 0, result.output
    assert "sent 1, to be tried again 0, failed 0" in result.output
    assert len(server.received) == 1


def test_status_and_retry_commands(app, server):
    server.recorder.answers["weg@example.nl"] = "550 No such user"
    server.start()
    gone = [write("weg@example.nl", at=utcnow() - timedelta(minutes=1)) for _ in range(2)]
    worker.deliver_due()
    runner = app.test_cli_runner()

    status = runner.invoke(args=["outbox", "status"])
    assert status.exit_code == 0
    assert f"failed    {outbox_counts()['failed']}" in status.output

    assert runner.invoke(args=["outbox", "retry"]).exit_code == 2
    one = runner.invoke(args=["outbox", "retry", str(gone[0].id)])
    assert one.exit_code == 0 and "back in the queue: 1" in one.output
    assert (row(gone[0].id).status, row(gone[0].id).attempts) == (PENDING, 0)
    assert row(gone[1].id).status == FAILED
    again = runner.invoke(args=["outbox", "retry", str(gone[0].id)])
    assert again.exit_code == 1 and "has not failed" in again.output

    every = runner.invoke(args=["outbox", "retry", "--all-failed"])
    assert every.exit_code == 0
    assert row(gone[1].id).status == PENDING
    assert retry_failed() == 0


# --- two workers on one outbox --------------------------------------------------------------


@pytest.mark.own_app
def test_two_workers_draining_one_outbox_deliver_every_message_once(tmp_path):
    smtp = SmtpServer().start()
    try:
        with app_on_empty_database(tmp_path, "outbox_workers", **smtp.settings()) as app:
            with app.app_context():
                db.create_all()
                ids = [write(f"school{n}@example.nl").id for n in range(60)]
                db.session.remove()
            start = threading.Barrier(2)
            counts, errors = [], []

            def drain():
                try:
                    start.wait(timeout=30)
                    with app.app_context():
                        total = {"claimed": 0, "sent": 0}
                        while True:
                            done = worker.deliver_due(now=NOW, batch=7)
                            if not done["claimed"]:
                                break
                            total["claimed"] += done["claimed"]
                            total["sent"] += done["sent"]
                        counts.append(total)
                except BaseException as error:  # reported below, from the test's thread
                    errors.append(error)

            threads = [threading.Thread(target=drain) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)

            assert not errors, errors
            assert sum(c["sent"] for c in counts) == sum(c["claimed"] for c in counts) == 60
            delivered = smtp.recorder.message_ids()
            assert len(delivered) == len(set(delivered)) == 60
            with app.app_context():
                rows = db.session.scalars(select(OutboxMessage)).all()
                assert {r.status for r in rows} == {SENT}
                assert sorted(delivered) == sorted(r.message_id for r in rows)
                assert sorted(r.id for r in rows) == sorted(ids)
    finally:
        smtp.stop()
