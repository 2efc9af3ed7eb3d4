"""People answering requests at the same moment, as requests of a server would: each in its own
application context with its own database session, on a database of its own.

Two kinds of race. In the first, both sides have read the request before the first one acts
(`_race`): on PostgreSQL the second writer waits for the first and then finds the request
answered; on SQLite the second writer cannot upgrade its stale read to a write and gets
"database is locked" (answered with a 409 page by the app). In the second, many requests run at
once, each in its own thread as a POST of a server (`all_at_once`): on SQLite each takes the
write lock when its transaction begins and so they queue (portal/db.py); on PostgreSQL they run
side by side and the conditional UPDATE on the slot or offer lets only as many through as there
is room. Either way nothing is counted twice and the capacity is never exceeded.
"""

import pytest
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.bookings import counter, outcomes
from portal.bookings import services as bookings
from portal.bookings.models import Booking, Evaluation
from portal.bookings.offer_life import withdraw_offer
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.offers.models import Offer, Slot
from tests import factories
from tests.databases import all_at_once, app_with_two_towns

pytestmark = pytest.mark.own_app

NO_ROOM = "There is no room left on this date for this group; decline this request."
NO_PLACES = "Not enough places of this offer are free; decline this request."


@pytest.fixture
def race_app(tmp_path):
    with app_with_two_towns(tmp_path, "booking_races") as app:
        yield app


def _setup(app, slot_capacity=60, accepted=False):
    """A company visit with one slot and one request of 24 pupils for it."""
    with app.app_context():
        offer = factories.offer(slot_capacity=slot_capacity)
        booking = factories.booking(offer)
        if accepted:
            bookings.accept_booking(actor=factories.owner_of(offer.company), booking=booking)
        return offer.id, booking.id, factories.owner_of(offer.company).id, booking.requested_by_id


def _state(app, booking_id):
    """(room the request's slot or offer has given, the request's status)."""
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        held = booking.slot.taken if booking.slot_id else booking.offer.places_taken
        return held, booking.status


def _race(app, first, second, booking_id, actor_ids):
    """Both sides read the booking; then the first acts and commits; then the second acts."""
    with app.app_context() as ctx_a:
        booking_a = db.session.get(Booking, booking_id)
        actor_a = db.session.get(User, actor_ids[0])
        booking_a.slot.taken  # noqa: B018  (both requests have read everything)
        with app.app_context():
            booking_b = db.session.get(Booking, booking_id)
            actor_b = db.session.get(User, actor_ids[1])
            booking_b.slot.taken  # noqa: B018
            with ctx_a:
                first(actor=actor_a, booking=booking_a)
            try:
                second(actor=actor_b, booking=booking_b)
            except (ValidationFailed, OperationalError):
                db.session.rollback()
                return "refused"
            return "done"


def test_two_accepts_of_one_request_take_its_room_once(race_app):
    _, booking_id, owner_id, _ = _setup(race_app)
    outcome = _race(race_app, bookings.accept_booking, bookings.accept_booking, booking_id,
                    (owner_id, owner_id))
    assert outcome == "refused"
    assert _state(race_app, booking_id) == (24, "accepted")


def test_accept_racing_decline_leaves_a_consistent_booking(race_app):
    _, booking_id, owner_id, _ = _setup(race_app)

    def decline(actor, booking):
        bookings.decline_booking(actor=actor, booking=booking, message="Helaas vol.")

    outcome = _race(race_app, decline, bookings.accept_booking, booking_id, (owner_id, owner_id))
    assert outcome == "refused"
    assert _state(race_app, booking_id) == (0, "declined")


def test_two_cancels_give_the_room_back_once(race_app):
    _, booking_id, owner_id, teacher_id = _setup(race_app, accepted=True)
    assert _state(race_app, booking_id) == (24, "accepted")

    def cancel(actor, booking):
        bookings.cancel_booking(actor=actor, booking=booking, message="Bus valt uit.")

    outcome = _race(race_app, cancel, cancel, booking_id, (teacher_id, owner_id))
    assert outcome == "refused"
    assert _state(race_app, booking_id) == (0, "cancelled")


# --- many at once --------------------------------------------------------------------------


def _message(app, msgid):
    """The message as the threads' requests got it (same locale)."""
    with app.test_request_context("/", method="POST"):
        return _(msgid)


def _requesting(teacher_id, offer_id, slot_id, pupils):
    def job():
        offer = db.session.get(Offer, offer_id)
        booking = bookings.request_booking(
            actor=db.session.get(User, teacher_id), offer=offer, slot_id=slot_id,
            group_size=pupils, level_id=offer.levels[0].id, message="Met klas 2B.")
        return booking.id
    return job


def _accepting(owner_id, booking_id):
    def job():
        booking = db.session.get(Booking, booking_id)
        booking.slot  # noqa: B018  (read everything, as the request's page does)
        bookings.accept_booking(actor=db.session.get(User, owner_id), booking=booking,
                                message="Welkom!")
        return booking_id
    return job


def _bookings(app, offer_id):
    """{id: (status, messages, decided_by_id, group_size, slot_id)} of the offer's requests."""
    with app.app_context():
        return {b.id: (b.status, [m.body for m in b.messages], b.decided_by_id, b.group_size,
                       b.slot_id)
                for b in db.session.scalars(select(Booking).where(Booking.offer_id == offer_id))}


def _events(app, action):
    with app.app_context():
        return sorted(db.session.scalars(select(AuditEvent.subject_id).where(
            AuditEvent.action == action)))


def test_twenty_groups_of_five_on_a_slot_for_25_at_once_five_accepted(race_app):
    """20 requests of 5 pupils at once on a 25-pupil slot, then all accepted at once: at most
    5 end accepted and the slot shows 25 of 25."""
    with race_app.app_context():
        offer = factories.offer(slot_capacity=25)
        other_slot = factories.slot(offer, capacity=25, days=21)
        offer_id, slot_id, other_slot_id = offer.id, offer.slots[0].id, other_slot.id
        owner_id = factories.owner_of(offer.company).id
        teacher_ids = [factories.owner_of(factories.school()).id for _ in range(20)]

    requested = all_at_once(race_app, [_requesting(teacher_id, offer_id, slot_id, 5)
                                       for teacher_id in teacher_ids])

    assert [outcome for outcome, _ in requested] == ["done"] * 20
    booking_ids = [booking_id for _, booking_id in requested]
    before = _bookings(race_app, offer_id)
    assert sorted(before) == sorted(booking_ids)
    assert {row[0] for row in before.values()} == {"requested"}
    assert _events(race_app, "booking.requested") == sorted(booking_ids)

    accepted = all_at_once(race_app, [_accepting(owner_id, booking_id)
                                      for booking_id in booking_ids])

    won = sorted(result for outcome, result in accepted if outcome == "done")
    refusals = [result for outcome, result in accepted if outcome == "refused"]
    assert len(won) == 5  # 5 groups of 5 fill 25 places; not one more
    assert refusals == [{"": _message(race_app, NO_ROOM)}] * 15
    with race_app.app_context():
        slot = db.session.get(Slot, slot_id)
        assert (slot.taken, slot.capacity) == (25, 25)
        assert db.session.get(Slot, other_slot_id).taken == 0
        assert db.session.get(Offer, offer_id).places_taken == 0
    after = _bookings(race_app, offer_id)
    assert sorted(b for b, row in after.items() if row[0] == "accepted") == won
    for booking_id, row in after.items():
        if booking_id not in won:  # the refused requests are as they were, open to decline
            assert row == before[booking_id]
    assert _events(race_app, "booking.accepted") == won
    with race_app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action.like("booking.%"))) == 20 + 5


def test_two_accepts_of_two_students_on_three_places_at_once_one_wins(race_app):
    with race_app.app_context():
        offer = factories.placement(places=3)
        offer_id, owner_id = offer.id, factories.owner_of(offer.company).id
        booking_ids = [factories.booking(offer, group_size=2).id for _ in range(2)]

    outcomes = all_at_once(race_app, [_accepting(owner_id, booking_id)
                                      for booking_id in booking_ids])

    assert sorted(outcome for outcome, _ in outcomes) == ["done", "refused"]
    [refusal] = [result for outcome, result in outcomes if outcome == "refused"]
    assert refusal == {"": _message(race_app, NO_PLACES)}
    with race_app.app_context():
        assert db.session.get(Offer, offer_id).places_taken == 2
    statuses = sorted(row[0] for row in _bookings(race_app, offer_id).values())
    assert statuses == ["accepted", "requested"]
    assert len(_events(race_app, "booking.accepted")) == 1


# --- counter-proposals, "did it take place?" and evaluations at the same moment -------------


def _proposed(app):
    """A request of 24 pupils with the company's proposal of another date waiting."""
    with app.app_context():
        offer = factories.offer(slot_capacity=60)
        later = factories.slot(offer, capacity=30, days=21)
        booking = factories.booking(offer)
        owner = factories.owner_of(offer.company)
        counter.counter_propose(actor=owner, booking=booking, slot_id=later.id,
                                message="Liever een week later.")
        return booking.id, owner.id, booking.requested_by_id, later.id


def _slot_taken(app, slot_id):
    with app.app_context():
        return db.session.get(Slot, slot_id).taken


def _status(app, booking_id):
    with app.app_context():
        return db.session.get(Booking, booking_id).status


def _withdraw_offer(actor, booking):
    withdraw_offer(actor=actor, offer=booking.offer, reason="De hal gaat dicht.")


def test_the_offer_withdrawn_before_the_proposal_is_taken_wins(race_app):
    booking_id, owner_id, teacher_id, later_id = _proposed(race_app)

    outcome = _race(race_app, _withdraw_offer, counter.accept_counter_proposal, booking_id,
                    (owner_id, teacher_id))

    assert outcome == "refused"
    assert _status(race_app, booking_id) == "declined"
    assert _slot_taken(race_app, later_id) == 0


def test_the_proposal_taken_before_the_offer_is_withdrawn_is_cancelled_or_kept(race_app):
    booking_id, owner_id, teacher_id, later_id = _proposed(race_app)

    outcome = _race(race_app, counter.accept_counter_proposal, _withdraw_offer, booking_id,
                    (teacher_id, owner_id))

    # PostgreSQL: the withdrawal waits, then finds the request accepted and cancels it, giving
    # its room back. SQLite: the withdrawal cannot write on its stale read and is refused.
    if outcome == "done":
        assert (_status(race_app, booking_id), _slot_taken(race_app, later_id)) == (
            "cancelled", 0)
    else:
        assert (_status(race_app, booking_id), _slot_taken(race_app, later_id)) == (
            "accepted", 24)


def test_taking_and_declining_the_proposal_at_once_one_counts(race_app):
    booking_id, _owner_id, teacher_id, later_id = _proposed(race_app)

    def decline(actor, booking):
        counter.decline_counter_proposal(actor=actor, booking=booking, message="Toch niet.")

    outcome = _race(race_app, counter.accept_counter_proposal, decline, booking_id,
                    (teacher_id, teacher_id))

    assert outcome == "refused"
    assert (_status(race_app, booking_id), _slot_taken(race_app, later_id)) == ("accepted", 24)


def _past(app, completed=False):
    with app.app_context():
        booking = (factories.completed_booking if completed else factories.past_booking)()
        return booking.id, factories.owner_of(booking.offer.company).id, booking.requested_by_id


def _reporting(actor_id, booking_id, held):
    def job():
        booking = db.session.get(Booking, booking_id)
        outcomes.report_outcome(actor=db.session.get(User, actor_id), booking=booking,
                                held=held)
        return actor_id
    return job


def _outcomes(app, booking_id):
    with app.app_context():
        booking = db.session.get(Booking, booking_id)
        return booking.status, booking.school_outcome, booking.company_outcome


def test_one_side_answering_twice_at_once_counts_once(race_app):
    booking_id, _owner_id, teacher_id = _past(race_app)

    results = all_at_once(race_app, [_reporting(teacher_id, booking_id, True),
                                     _reporting(teacher_id, booking_id, False)])

    assert sorted(outcome for outcome, _ in results) == ["done", "refused"]
    status, school, company = _outcomes(race_app, booking_id)
    assert company is None and school in ("held", "no_show")
    assert status == ("completed" if school == "held" else "no_show")
    assert len(_events(race_app, "booking.outcome_reported")) == 1


def test_both_sides_answering_at_once_both_count(race_app):
    booking_id, owner_id, teacher_id = _past(race_app)

    results = all_at_once(race_app, [_reporting(teacher_id, booking_id, False),
                                     _reporting(owner_id, booking_id, True)])

    assert [outcome for outcome, _ in results] == ["done", "done"]
    assert _outcomes(race_app, booking_id) == ("completed", "no_show", "held")


def _evaluating(actor_id, booking_id, rating):
    def job():
        booking = db.session.get(Booking, booking_id)
        booking.evaluations  # noqa: B018  (read, as the page did)
        outcomes.evaluate(actor=db.session.get(User, actor_id), booking=booking, rating=rating,
                          host_again=True)
        return rating
    return job


def test_one_side_evaluating_twice_at_once_keeps_one_evaluation(race_app):
    booking_id, owner_id, _teacher_id = _past(race_app, completed=True)

    results = all_at_once(race_app, [_evaluating(owner_id, booking_id, 2),
                                      _evaluating(owner_id, booking_id, 5)])

    assert sorted(outcome for outcome, _ in results) == ["done", "refused"]
    [refusal] = [result for outcome, result in results if outcome == "refused"]
    assert refusal == {"": _message(race_app, "Your side has already evaluated this activity.")}
    with race_app.app_context():
        [kept] = db.session.scalars(select(Evaluation)).all()
        [won] = [result for outcome, result in results if outcome == "done"]
        assert (kept.side, kept.rating) == ("company", won)


def test_a_stale_second_evaluation_meets_the_unique_key(race_app):
    """Both read the request without an evaluation; the first evaluates; the second, on its
    stale read, is refused: by the unique key (PostgreSQL) or SQLite's write lock."""
    booking_id, owner_id, _teacher_id = _past(race_app, completed=True)

    with race_app.app_context() as first:
        booking_a = db.session.get(Booking, booking_id)
        assert booking_a.evaluations == []
        with race_app.app_context():
            booking_b = db.session.get(Booking, booking_id)
            assert booking_b.evaluations == []
            with first:
                outcomes.evaluate(actor=db.session.get(User, owner_id), booking=booking_a,
                                  rating=3, host_again=False)
            with pytest.raises((ValidationFailed, OperationalError)) as refused:
                outcomes.evaluate(actor=db.session.get(User, owner_id), booking=booking_b,
                                  rating=4, host_again=False)
            db.session.rollback()

    if isinstance(refused.value, ValidationFailed):
        assert refused.value.errors == {
            "": _message(race_app, "Your side has already evaluated this activity.")}
    with race_app.app_context():
        assert [e.rating for e in db.session.scalars(select(Evaluation))] == [3]
