"""The time-driven work of `flask tasks run`: reminders 48 hours before, "did it happen?" the
day after, and the other steps; each safe to run twice."""
import re
import sys
import threading
import types
from datetime import UTC, date, datetime, time, timedelta

import click
import pytest
from sqlalchemy import func, select, update

from portal.bookings import due
from portal.bookings import services as bookings
from portal.bookings.models import Booking
from portal.cli import tasks_run
from portal.db import PORTAL_TIMEZONE
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.offers import lifecycle
from tests import factories
from tests.databases import app_with_two_towns

UPCOMING = "reminder.upcoming"
# The steps as the module defines them, before the fixture below puts stand-ins in.
_ORIGINAL = {name: getattr(due, name) for name in
             ("expire_waitlist_offers", "archive_offers", "send_daily_digests")}
_REAL_STEPS = due.STEPS
OUTCOME = "reminder.outcome"


@pytest.fixture(autouse=True)
def _other_helpers_steps(monkeypatch):
    """The waiting-list and digest steps are tested with their own modules; here they are
    stand-ins, so these tests see only the requests' own work."""
    monkeypatch.setattr(due, "expire_waitlist_offers", lambda now: 0)
    monkeypatch.setattr(due, "send_daily_digests", lambda now: 0)
    monkeypatch.setattr(due, "STEPS", tuple(
        (label, {"expire_waitlist_offers": due.expire_waitlist_offers,
                 "send_daily_digests": due.send_daily_digests}.get(step.__name__, step))
        for label, step in due.STEPS))


def _accepted(make, offer=None):
    offer = offer or make.offer()
    booking = make.booking(offer)
    bookings.accept_booking(actor=make.owner_of(offer.company), booking=booking)
    return booking


def _start(booking):
    slot = booking.slot
    return datetime.combine(slot.day, slot.starts_at, tzinfo=PORTAL_TIMEZONE)


def _mails(kind, booking=None):
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    found = list(db.session.scalars(query))
    if booking is not None:
        found = [m for m in found if f"/aanvragen/{booking.id}" in m.body_text]
    return found


def _count(kind):
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.kind == kind))


# --- the reminder 48 hours before --------------------------------------------------------


def test_the_reminder_goes_to_both_sides_once_within_48_hours(make):
    booking = _accepted(make)
    now = _start(booking) - timedelta(hours=47)
    assert due.send_reminders(now) == 1
    mails = _mails(UPCOMING)
    assert sorted(m.to_address for m in mails) == sorted(
        [booking.requested_by.email, make.owner_of(booking.offer.company).email])
    assert due.send_reminders(now) == 0
    assert due.send_reminders(now + timedelta(hours=1)) == 0
    assert len(_mails(UPCOMING)) == 2
    assert db.session.get(Booking, booking.id).reminded_at is not None


def test_the_reminder_says_what_when_where_who_and_links_the_request(make):
    booking = _accepted(make)
    due.send_reminders(_start(booking) - timedelta(hours=40))
    teacher = booking.requested_by
    owner = make.owner_of(booking.offer.company)
    to_school, to_company = (next(m for m in _mails(UPCOMING) if m.to_address == who.email)
                             for who in (teacher, owner))
    for mail in (to_school, to_company):
        assert booking.offer.title in mail.subject
        assert booking.offer.title in mail.body_text
        assert "09:00" in mail.body_text or "9:00" in mail.body_text
        assert "Vlissingen" in mail.body_text
        assert "24" in mail.body_text
        assert f"/aanvragen/{booking.id}" in mail.body_text
        assert f"/aanvragen/{booking.id}" in mail.body_html
    # Each side reads the other side's contact.
    assert owner.email in to_school.body_text and booking.offer.company.name in to_school.body_text
    assert teacher.email in to_company.body_text and booking.school.name in to_company.body_text


@pytest.mark.parametrize("hours_before, reminded", [(49, False), (48.01, False), (48, True),
                                                     (47, True), (1, True), (0, False),
                                                     (-5, False)])
def test_the_window_is_the_48_hours_before_the_start(make, hours_before, reminded):
    booking = _accepted(make)
    now = _start(booking) - timedelta(hours=hours_before)
    assert due.send_reminders(now) == (1 if reminded else 0)
    assert len(_mails(UPCOMING)) == (2 if reminded else 0)


def _local(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=PORTAL_TIMEZONE)


@pytest.mark.parametrize(("days_before", "at", "says"), [
    (2, time(9, 0), "On "),         # exactly 48 hours before 9:00
    (2, time(23, 59), "On "),
    (1, time(0, 0), "Tomorrow "),   # a request accepted 33 hours before
    (1, time(23, 59), "Tomorrow "),
    (0, time(0, 0), "Today "),      # accepted in the night before
    (0, time(8, 59), "Today "),
])
def test_the_reminder_says_when_by_the_time_actually_left(make, days_before, at, says):
    booking = _accepted(make)
    for person in (booking.requested_by, make.owner_of(booking.offer.company)):
        person.locale = "en"
    db.session.commit()
    assert booking.slot.starts_at == time(9, 0)

    assert due.send_reminders(_local(booking.slot.day - timedelta(days=days_before),
                                     at.hour, at.minute)) == 1

    for mail in _mails(UPCOMING):
        assert "In two days" not in mail.body_text
        assert f"\n{says}" in mail.body_text, mail.body_text
        if says == "On ":
            assert f"On {booking.slot.day.day} " in mail.body_text


def test_the_reminder_of_a_placement_says_when_it_starts(make):
    offer = make.placement()
    booking = _accepted(make, offer)
    booking.requested_by.locale = "en"
    db.session.commit()
    start = _local(booking.wanted_on, 9)

    assert due.send_reminders(start - timedelta(hours=20)) == 1

    to_school = next(m for m in _mails(UPCOMING) if m.user_id == booking.requested_by_id)
    assert "Tomorrow the placement below starts." in to_school.body_text


def test_a_request_whose_start_passed_unreminded_gets_no_late_reminder(make):
    booking = _accepted(make)
    due.send_reminders(_start(booking) + timedelta(minutes=1))
    due.send_reminders(_start(booking) + timedelta(days=1))
    assert _mails(UPCOMING) == []
    assert db.session.get(Booking, booking.id).reminded_at is None


def test_cancelled_declined_and_open_requests_get_no_reminder(make):
    offer = make.offer(slot_capacity=200)
    cancelled = _accepted(make, offer)
    bookings.cancel_booking(actor=cancelled.requested_by, booking=cancelled,
                            message="De bus valt uit.")
    declined = make.booking(offer)
    bookings.decline_booking(actor=make.owner_of(offer.company), booking=declined,
                             message="Helaas.")
    make.booking(offer)  # still open
    assert due.send_reminders(_start(cancelled) - timedelta(hours=24)) == 0
    assert _mails(UPCOMING) == []


def test_a_placement_is_reminded_48_hours_before_9_on_its_start_date(make):
    offer = make.placement()
    booking = _accepted(make, offer)
    db.session.execute(update(Booking).where(Booking.id == booking.id)
                       .values(wanted_on=booking.wanted_on + timedelta(days=10)))
    db.session.commit()
    nine = datetime.combine(booking.wanted_on, time(9, 0), tzinfo=PORTAL_TIMEZONE)
    assert due.send_reminders(nine - timedelta(hours=48, minutes=1)) == 0
    assert due.send_reminders(nine - timedelta(hours=47, minutes=59)) == 1
    (to_school, to_company) = sorted(_mails(UPCOMING), key=lambda m: m.user_id)
    assert "1" in to_school.body_text


def test_a_user_who_switched_reminders_off_gets_none_and_the_other_side_still_does(make):
    booking = _accepted(make)
    booking.requested_by.mail_off = ["reminder"]
    db.session.commit()
    assert due.send_reminders(_start(booking) - timedelta(hours=3)) == 1
    assert [m.to_address for m in _mails(UPCOMING)] == [
        make.owner_of(booking.offer.company).email]


def test_one_broken_request_does_not_stop_the_others(make, monkeypatch):
    offer = make.offer(slot_capacity=200)
    first, second = _accepted(make, offer), _accepted(make, offer)
    real = due.notices.tell

    def tell(booking, *args, **kwargs):
        if booking.id == first.id:
            raise RuntimeError("template broken")
        return real(booking, *args, **kwargs)

    monkeypatch.setattr(due.notices, "tell", tell)
    assert due.send_reminders(_start(first) - timedelta(hours=5)) == 1
    assert db.session.get(Booking, first.id).reminded_at is None  # tried again next run
    assert db.session.get(Booking, second.id).reminded_at is not None
    assert len(_mails(UPCOMING, second)) == 2


# --- "did it happen?" the day after ------------------------------------------------------


def test_the_question_comes_from_the_day_after_to_both_sides_once(make):
    booking = _accepted(make)
    day = booking.slot.day
    late_that_day = datetime.combine(day, time(23, 59), tzinfo=PORTAL_TIMEZONE)
    assert due.ask_outcomes(late_that_day) == 0
    next_morning = datetime.combine(day + timedelta(days=1), time(0, 1), tzinfo=PORTAL_TIMEZONE)
    assert due.ask_outcomes(next_morning) == 1
    mails = _mails(OUTCOME)
    assert len(mails) == 2
    for mail in mails:
        assert booking.offer.title in mail.subject
        assert f"/aanvragen/{booking.id}" in mail.body_text
    assert due.ask_outcomes(next_morning + timedelta(days=3)) == 0
    assert len(_mails(OUTCOME)) == 2


@pytest.mark.parametrize(("days_after", "asked"), [
    (14, True), (15, False), (60, False)])
def test_the_question_is_asked_only_of_dates_at_most_two_weeks_ago(make, days_after, asked):
    """The first run after the step was deployed does not ask about every old request."""
    booking = _accepted(make)
    now = _local(booking.slot.day + timedelta(days=days_after), 8)

    assert due.ask_outcomes(now) == (1 if asked else 0)

    assert len(_mails(OUTCOME)) == (2 if asked else 0)
    assert (db.session.get(Booking, booking.id).outcome_asked_at is not None) == asked


def test_the_lower_bound_is_two_weeks_by_the_dutch_calendar(make):
    booking = _accepted(make)
    last_day = booking.slot.day + timedelta(days=14)

    assert due.ask_outcomes(_local(last_day + timedelta(days=1), 0, 0)) == 0
    assert due.ask_outcomes(_local(last_day, 23, 59)) == 1


def test_a_side_that_already_answered_is_not_asked(make):
    booking = _accepted(make)
    db.session.execute(update(Booking).where(Booking.id == booking.id)
                       .values(school_outcome="held"))
    db.session.commit()
    after = datetime.combine(booking.slot.day + timedelta(days=2), time(8),
                             tzinfo=PORTAL_TIMEZONE)
    assert due.ask_outcomes(after) == 1
    assert [m.to_address for m in _mails(OUTCOME)] == [
        make.owner_of(booking.offer.company).email]


def test_only_accepted_requests_are_asked(make):
    offer = make.offer(slot_capacity=200)
    cancelled = _accepted(make, offer)
    bookings.cancel_booking(actor=cancelled.requested_by, booking=cancelled, message="Ziek.")
    make.booking(offer)
    after = datetime.combine(cancelled.slot.day + timedelta(days=1), time(8),
                             tzinfo=PORTAL_TIMEZONE)
    assert due.ask_outcomes(after) == 0
    assert _mails(OUTCOME) == []


# --- the whole run -----------------------------------------------------------------------


def test_running_everything_twice_sends_nobody_anything_twice(make):
    offer = make.offer(slot_capacity=200)
    soon, other = _accepted(make, offer), _accepted(make, offer)
    make.booking(offer)  # open: neither reminded nor asked
    now = _start(soon) - timedelta(hours=30)
    first = due.run_due(now=now)
    assert first[0] == "reminders sent: 2" and first[1] == "outcome questions sent: 0"
    assert _count(UPCOMING) == 4
    second = due.run_due(now=now)
    assert second[0] == "reminders sent: 0"
    assert _count(UPCOMING) == 4
    # The day after: the questions, once, and no reminder anymore.
    after = _start(soon) + timedelta(days=1)
    assert due.run_due(now=after)[:2] == ["reminders sent: 0", "outcome questions sent: 2"]
    assert due.run_due(now=after)[:2] == ["reminders sent: 0", "outcome questions sent: 0"]
    assert _count(OUTCOME) == 4
    assert _count(UPCOMING) == 4
    assert {m.to_address for m in _mails(UPCOMING, other)} == {
        other.requested_by.email, make.owner_of(offer.company).email}


def test_every_step_runs_and_reports_a_line(make, monkeypatch):
    seen = {}

    def recorder(label):
        return lambda now: seen.setdefault(label, now) and 0

    monkeypatch.setattr(due, "STEPS", tuple((label, recorder(label)) for label, _ in due.STEPS))
    now = datetime(2026, 5, 4, 10, tzinfo=PORTAL_TIMEZONE)
    lines = due.run_due(now=now)
    assert lines == ["reminders sent: 0", "outcome questions sent: 0",
                     "waiting-list offers expired: 0", "offers archived: 0", "digests sent: 0",
                     "audit events removed: 0", "search changes removed: 0",
                     "empty searches removed: 0"]
    assert set(seen.values()) == {now} and len(seen) == 8


def test_a_failing_step_is_reported_and_the_others_still_run(make, monkeypatch):
    booking = _accepted(make)

    def broken(now):
        raise RuntimeError("waiting list down")

    monkeypatch.setattr(due, "STEPS", tuple(
        (label, broken if label.startswith("waiting") else step) for label, step in due.STEPS))
    lines = due.run_due(now=_start(booking) - timedelta(hours=2))
    assert lines[0] == "reminders sent: 1"
    assert lines[2] == "waiting-list offers expired: failed (see the log)"
    assert lines[3].startswith("offers archived: ")
    assert _count(UPCOMING) == 2


def test_the_waitlist_digest_and_archive_steps_call_their_modules(monkeypatch):
    """The stand-ins of the fixture aside: each step hands `now` (archiving: the local date)
    to its module."""
    calls = []
    waitlist = types.SimpleNamespace(expire_offers=lambda *, now: calls.append(("w", now)) or 2)
    digest = types.SimpleNamespace(send_digests=lambda *, now: calls.append(("d", now)) or 3)
    monkeypatch.setitem(sys.modules, "portal.bookings.waitlist", waitlist)
    monkeypatch.setitem(sys.modules, "portal.notifications.digest", digest)
    monkeypatch.setattr(lifecycle, "archive_ended_offers",
                        lambda today=None: calls.append(("a", today)) or [7])
    now = datetime(2026, 5, 3, 22, 30, tzinfo=UTC)  # 0:30 on 4 May in Amsterdam
    assert _ORIGINAL["expire_waitlist_offers"](now) == 2
    assert _ORIGINAL["archive_offers"](now) == 1
    assert _ORIGINAL["send_daily_digests"](now) == 3
    assert calls == [("w", now), ("a", date(2026, 5, 4)), ("d", now)]


def test_the_real_steps_run_twice_without_failing(make, monkeypatch):
    monkeypatch.setattr(due, "STEPS", _REAL_STEPS)
    booking = _accepted(make)
    now = _start(booking) - timedelta(hours=30)
    first, second = due.run_due(now=now), due.run_due(now=now)
    assert not [line for line in first + second if "failed" in line]
    assert first[0] == "reminders sent: 1" and second[0] == "reminders sent: 0"
    assert [line.split(":")[0] for line in first] == [label for label, _ in _REAL_STEPS]
    assert _count(UPCOMING) == 2


def test_the_command_prints_a_line_per_step(app, make, monkeypatch):
    monkeypatch.setattr(due, "STEPS", _REAL_STEPS)
    result = app.test_cli_runner().invoke(args=["tasks", "run"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("reminders sent: ")
    assert len(result.output.splitlines()) == len(_REAL_STEPS)


# --- two runs at the same moment (cron on two machines, or a slow run overtaken) -----------


@pytest.fixture
def race_app(tmp_path):
    with app_with_two_towns(tmp_path, "due_races") as app:
        yield app


def _three_accepted(app):
    """Three accepted requests on one date 14 days ahead; returns (ids, the date's start)."""
    with app.app_context():
        offer = factories.offer(slot_capacity=200)
        ids = [_accepted(factories, offer).id for _ in range(3)]
        return ids, _start(db.session.get(Booking, ids[0]))


def _outbox(app, kind):
    with app.app_context():
        return sorted((m.to_address, re.search(r"/aanvragen/(\d+)", m.body_text)[1])
                      for m in db.session.scalars(
                          select(OutboxMessage).where(OutboxMessage.kind == kind)))


@pytest.mark.own_app
def test_two_runs_at_once_remind_everyone_once(race_app):
    """Two `flask tasks run` at the same moment, each in its own thread and session as two
    cron jobs would be: every request is claimed by one of them, so each side gets one
    reminder per request."""
    ids, start = _three_accepted(race_app)
    now = start - timedelta(hours=20)
    barrier = threading.Barrier(2)
    done, errors = [], []

    def run():
        try:
            with race_app.app_context(), click.Context(tasks_run):
                barrier.wait(timeout=30)
                done.append(due.send_reminders(now))
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and len(done) == 2
    assert sum(done) == 3
    assert len(_outbox(race_app, UPCOMING)) == 6
    with race_app.app_context():
        assert all(db.session.get(Booking, i).reminded_at is not None for i in ids)


@pytest.mark.own_app
def test_a_run_overtaken_by_another_sends_nothing_twice(race_app, monkeypatch):
    """Run A reads the requests due; before it claims the first, run B does all the work and
    commits. A's conditional UPDATEs then change nothing (PostgreSQL), or its stale read is
    refused (SQLite); either way it writes no mail."""
    ids, start = _three_accepted(race_app)
    now = start - timedelta(hours=20)
    real_claim = due._claim
    overtaken = []

    def claim(booking_id, column, when):
        if not overtaken:
            overtaken.append(True)
            with race_app.app_context():
                overtaken.append(due.send_reminders(when))
        return real_claim(booking_id, column, when)

    monkeypatch.setattr(due, "_claim", claim)
    with race_app.app_context():
        assert due.send_reminders(now) == 0
    assert overtaken == [True, 3]
    mails = _outbox(race_app, UPCOMING)
    assert len(mails) == len(set(mails)) == 6  # each side once per request
    with race_app.app_context():
        monkeypatch.setattr(due, "_claim", real_claim)
        assert due.send_reminders(now) == 0
        assert due.ask_outcomes(start + timedelta(days=1)) == 3
        assert due.ask_outcomes(start + timedelta(days=1)) == 0
    assert len(_outbox(race_app, OUTCOME)) == 6
