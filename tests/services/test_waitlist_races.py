"""Room from the waiting list taken, declined, left and lapsing at the same moment, by requests
of a server: each in its own application context with its own database session, on a database
of its own (SQLite, or PostgreSQL when PORTAL_TEST_DATABASE_URL is set).

Whatever the order, exactly one of the competing changes wins, no room is held or counted twice,
and the date's capacity is never exceeded: each entry changes status by one conditional UPDATE,
and room moves by conditional UPDATEs on the slot (see portal/bookings/waitlist/services.py).
On SQLite writers queue for the write lock (portal/db.py), or a stale reader is refused with
"database is locked"; on PostgreSQL the second writer waits for the first and then finds the
entry moved on.
"""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from portal.accounts.models import User
from portal.bookings import waitlist
from portal.bookings.models import Booking, WaitlistEntry
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.offers.models import Slot
from portal.organisations import services as organisations
from tests import factories
from tests.databases import all_at_once, app_with_two_towns

pytestmark = pytest.mark.own_app

NOW = utcnow()
CAPACITY = 30


@pytest.fixture
def race_app(tmp_path):
    with app_with_two_towns(tmp_path, "waitlist_races") as app:
        yield app


def _line(app, groups, offered=1, colleague=False):
    """A full date of 30 with a school in line for each group; the first `offered` of them
    offered the room that came free. Returns ids: slot, entries, teachers (and a colleague of
    the first school)."""
    with app.app_context():
        offer = factories.offer(slot_capacity=CAPACITY)
        slot = offer.slots[0]
        db.session.execute(update(Slot).where(Slot.id == slot.id).values(taken=CAPACITY))
        db.session.commit()
        entries = []
        for group in groups:
            teacher = factories.owner_of(factories.school())
            entries.append(waitlist.join_waitlist(actor=teacher, slot=slot, group_size=group,
                                                  level_id=offer.levels[0].id))
        freed = sum(groups[:offered])
        db.session.execute(update(Slot).where(Slot.id == slot.id)
                           .values(taken=CAPACITY - freed))
        waitlist.offer_freed_room(slot.id, now=NOW)
        db.session.commit()
        ids = {"slot": slot.id, "entries": [e.id for e in entries],
               "teachers": [e.requested_by_id for e in entries]}
        if colleague:
            other = factories.user()
            organisations.add_member(actor=factories.admin(), organisation=entries[0].school,
                                     user=other)
            ids["colleague"] = other.id
        return ids


def _token(app, entry_id):
    with app.app_context():
        entry = db.session.get(WaitlistEntry, entry_id)
        body = db.session.scalars(select(OutboxMessage.body_text).where(
            OutboxMessage.kind == "waitlist.offered",
            OutboxMessage.user_id == entry.requested_by_id)).one()
        return re.search(r"/wachtlijst/([A-Za-z0-9_-]{20,})", body).group(1)


def _state(app, ids):
    """(slot taken, [entry statuses], [(status, room_taken) of requests])."""
    with app.app_context():
        taken = db.session.get(Slot, ids["slot"]).taken
        statuses = [db.session.get(WaitlistEntry, i).status for i in ids["entries"]]
        bookings = [(b.status, b.room_taken) for b in db.session.scalars(
            select(Booking).where(Booking.slot_id == ids["slot"]))]
        return taken, statuses, bookings


def _held(app, ids):
    with app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(WaitlistEntry.room_held), 0))
                                 .where(WaitlistEntry.slot_id == ids["slot"]))


def _consistent(app, ids, others):
    """The slot counts exactly what others took, the requests made from the line, and the room
    held for offers: nothing twice, never more than its capacity."""
    taken, statuses, bookings = _state(app, ids)
    assert taken <= CAPACITY
    assert taken == others + sum(room for _, room in bookings) + _held(app, ids)
    assert statuses.count("booked") == len(bookings)
    return taken, statuses, bookings


# --- both read, then one after the other ---------------------------------------------------

def _race(app, first, second):
    """Both requests read the entry through its link; the first acts and commits; then the
    second acts on what it read."""
    with app.app_context() as ctx_a:
        act_a = first()
        with app.app_context():
            act_b = second()
            with ctx_a:
                act_a()
            try:
                act_b()
            except (ValidationFailed, OperationalError):
                db.session.rollback()
                return "refused"
            return "done"


def _reading(token, user_id, use_case):
    """Read the entry and the user now; return the action that runs the use case later."""
    def read():
        user = db.session.get(User, user_id)
        entry = waitlist.entry_for_token(token)
        entry.slot.taken  # noqa: B018  (the page has read everything)
        return lambda: use_case(actor=user, token=token, now=NOW + timedelta(hours=1))
    return read


def test_two_colleagues_taking_the_same_room_make_one_request(race_app):
    ids = _line(race_app, [24], colleague=True)
    token = _token(race_app, ids["entries"][0])

    outcome = _race(race_app,
                    _reading(token, ids["teachers"][0], waitlist.take_offered_room),
                    _reading(token, ids["colleague"], waitlist.take_offered_room))

    assert outcome == "refused"
    assert _consistent(race_app, ids, others=6) == (30, ["booked"], [("accepted", 24)])


def test_take_racing_decline_leaves_one_outcome(race_app):
    ids = _line(race_app, [24, 20], colleague=True)
    token = _token(race_app, ids["entries"][0])

    outcome = _race(race_app,
                    _reading(token, ids["colleague"], waitlist.decline_offered_room),
                    _reading(token, ids["teachers"][0], waitlist.take_offered_room))

    assert outcome == "refused"
    # declined: the room went to the second in line, and nobody has a request
    assert _consistent(race_app, ids, others=6) == (26, ["left", "offered"], [])


# --- at the same moment ----------------------------------------------------------------------


def _acting(use_case, token, user_id, now):
    def job():
        return use_case(actor=db.session.get(User, user_id), token=token, now=now).id
    return job


def _expiring(now):
    def job():
        return waitlist.expire_offers(now=now)
    return job


@pytest.mark.parametrize("round_", range(3))
def test_take_and_the_expiry_run_at_once_one_wins(race_app, round_):
    """The teacher takes the room a moment before its time is up while the time-driven run
    (a moment after) expires it: either the room is taken, or it lapsed and went to the
    next in line; never both."""
    ids = _line(race_app, [24, 20])
    token = _token(race_app, ids["entries"][0])
    expires = NOW + timedelta(hours=48)

    outcomes = all_at_once(race_app, [
        _acting(waitlist.take_offered_room, token, ids["teachers"][0],
                expires - timedelta(seconds=1)),
        _expiring(expires + timedelta(seconds=1))])

    taken, statuses, bookings = _consistent(race_app, ids, others=6)
    took, expired = outcomes
    if took[0] == "done":
        assert expired == ("done", 0)
        assert (statuses, bookings, taken) == (["booked", "waiting"], [("accepted", 24)], 30)
    else:
        assert took[0] == "refused" and expired == ("done", 2)
        assert (statuses, bookings, taken) == (["expired", "offered"], [], 26)


def test_decline_and_the_expiry_run_at_once_give_the_room_back_once(race_app):
    ids = _line(race_app, [24, 20])
    token = _token(race_app, ids["entries"][0])
    expires = NOW + timedelta(hours=48)

    outcomes = all_at_once(race_app, [
        _acting(waitlist.decline_offered_room, token, ids["teachers"][0], expires),
        _expiring(expires + timedelta(seconds=1))])

    taken, statuses, bookings = _consistent(race_app, ids, others=6)
    assert statuses[0] in ("left", "expired") and statuses[1] == "offered"
    assert (taken, bookings) == (26, [])
    assert sorted(o[0] for o in outcomes) in (["done", "done"], ["done", "refused"])
    with race_app.app_context():
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "waitlist.offered")) == 2  # the first, then the second once


def test_two_expiry_runs_at_once_expire_each_offer_once(race_app):
    ids = _line(race_app, [10, 10, 10, 10], offered=2)
    later = NOW + timedelta(hours=48)

    outcomes = all_at_once(race_app, [_expiring(later), _expiring(later)])

    # 2 lapsed and 2 offered in all, however the two runs shared the work (on PostgreSQL each
    # may do half; on SQLite the second finds nothing left)
    assert sum(result for _, result in outcomes) == 4
    taken, statuses, _ = _consistent(race_app, ids, others=10)
    assert (statuses, taken) == (["expired", "expired", "offered", "offered"], 30)
    with race_app.app_context():
        sent = dict(db.session.execute(select(OutboxMessage.kind, func.count(OutboxMessage.id))
                                       .group_by(OutboxMessage.kind)).all())
        assert (sent["waitlist.expired"], sent["waitlist.offered"]) == (2, 4)


def test_room_freed_twice_at_once_goes_to_two_schools_in_order(race_app):
    """Two accepted requests of 10 cancelled at the same moment: the first two in line are
    offered, each once."""
    ids = _line(race_app, [10, 10, 10], offered=0)

    def cancelling():
        db.session.execute(update(Slot).where(Slot.id == ids["slot"], Slot.taken >= 10)
                           .values(taken=Slot.taken - 10))
        offered = waitlist.offer_freed_room(ids["slot"], now=NOW)
        db.session.commit()
        return [entry.id for entry in offered]

    outcomes = all_at_once(race_app, [cancelling, cancelling])

    assert sorted(sum((result for _, result in outcomes), [])) == ids["entries"][:2]
    taken, statuses, _ = _consistent(race_app, ids, others=10)
    assert (statuses, taken) == (["offered", "offered", "waiting"], 30)


def test_two_colleagues_joining_at_once_make_one_place_in_line(race_app):
    with race_app.app_context():
        offer = factories.offer(slot_capacity=CAPACITY)
        slot_id, level_id = offer.slots[0].id, offer.levels[0].id
        db.session.execute(update(Slot).where(Slot.id == slot_id).values(taken=CAPACITY))
        school = factories.school()
        colleague = factories.user()
        organisations.add_member(actor=factories.admin(), organisation=school, user=colleague)
        teacher_ids = [factories.owner_of(school).id, colleague.id]

    def joining(user_id):
        def job():
            return waitlist.join_waitlist(
                actor=db.session.get(User, user_id), slot=db.session.get(Slot, slot_id),
                group_size=20, level_id=level_id).id
        return job

    outcomes = all_at_once(race_app, [joining(user_id) for user_id in teacher_ids])

    assert sorted(outcome for outcome, _ in outcomes) == ["done", "refused"]
    with race_app.app_context():
        assert db.session.scalar(select(func.count(WaitlistEntry.id))) == 1
