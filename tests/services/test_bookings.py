"""Bookings: a teacher requests a published offer, its company answers, capacity holds."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal import security
from portal.audit import AuditEvent
from portal.bookings import services as bookings
from portal.bookings.models import Booking
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.organisations.services import school_of
from portal.taxonomy.services import level_by_code

TODAY = date.today()


def booking_count():
    return db.session.scalar(select(func.count(Booking.id)))


def teacher(make):
    return make.owner_of(make.school(place="Goes"))


def request(offer, actor, **overrides):
    fields = {"wanted_on": TODAY + timedelta(days=14), "group_size": 24,
              "level_id": level_by_code("vmbo_kb").id, "message": "Wij komen met klas 3K."}
    fields.update(overrides)
    return bookings.request_booking(actor=actor, offer=offer, **fields)


def refused(offer, actor, **overrides):
    """A request that must fail validation and add nothing; returns the error keys."""
    before = booking_count()
    with pytest.raises(ValidationFailed) as failed:
        request(offer, actor, **overrides)
    assert booking_count() == before
    return set(failed.value.errors)


def accept(booking):
    return bookings.accept_booking(actor=owner(booking), booking=booking, message="Welkom!")


def owner(booking):
    return booking.offer.company.memberships[0].user


def events(action):
    return [(e.actor_id, e.subject_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


# --- requesting ----------------------------------------------------------------------------


def test_a_teacher_requests_a_published_offer(make):
    offer = make.offer()
    docent = teacher(make)

    booking = request(offer, docent, group_size=28)

    assert booking.status == "requested"
    assert booking.school_id == school_of(docent).id
    assert (booking.requested_by_id, booking.group_size) == (docent.id, 28)
    assert booking.education_level.code == "vmbo_kb"
    assert booking.message == "Wij komen met klas 3K."
    assert offer.places_taken == 0
    assert events("booking.requested") == [(docent.id, booking.id)]


def test_a_company_member_cannot_request(make):
    offer = make.offer()

    with pytest.raises(NotAllowed):
        request(offer, make.owner_of(make.company()))
    with pytest.raises(NotAllowed):
        request(offer, make.user(security.TEACHER))  # a teacher without a school
    assert booking_count() == 0


@pytest.mark.parametrize("status", ["draft", "pending"])
def test_an_unpublished_offer_is_not_found(make, status):
    offer = make.offer(status=status)

    with pytest.raises(NotFound):
        request(offer, teacher(make))
    assert booking_count() == 0


@pytest.mark.parametrize("wanted_on", [TODAY - timedelta(days=1),  # in the past
                                       TODAY + timedelta(days=5),  # before the period
                                       TODAY + timedelta(days=61),  # after the period
                                       None])
def test_the_date_must_lie_ahead_and_within_the_period(make, wanted_on):
    offer = make.offer(starts_on=TODAY + timedelta(days=7), ends_on=TODAY + timedelta(days=60))

    assert refused(offer, teacher(make), wanted_on=wanted_on) == {"wanted_on"}


def test_the_first_and_last_day_of_the_period_are_fine(make):
    offer = make.offer(starts_on=TODAY + timedelta(days=7), ends_on=TODAY + timedelta(days=60))

    assert request(offer, teacher(make), wanted_on=TODAY + timedelta(days=7)).id
    assert request(offer, teacher(make), wanted_on=TODAY + timedelta(days=60)).id


@pytest.mark.parametrize("group_size", [31, 0])
def test_the_group_must_fit(make, group_size):
    offer = make.offer(max_group_size=30)

    assert refused(offer, teacher(make), group_size=group_size) == {"group_size"}


def test_the_level_must_be_served(make):
    offer = make.offer(level_ids=[level_by_code("vmbo_kb").id])

    assert refused(offer, teacher(make), level_id=level_by_code("vwo").id) == {"level_id"}


def test_a_full_offer_takes_no_more_requests(make):
    offer = make.offer(capacity=1)
    accept(request(offer, teacher(make)))

    assert refused(offer, teacher(make)) == {""}


# --- answering -----------------------------------------------------------------------------


def test_accepting_takes_a_place(make):
    offer = make.offer(capacity=3)
    booking = request(offer, teacher(make))

    accept(booking)

    db.session.refresh(offer)
    assert (booking.status, booking.response) == ("accepted", "Welkom!")
    assert booking.decided_by_id == owner(booking).id
    assert booking.decided_at is not None
    assert (offer.places_taken, offer.places_left) == (1, 2)
    assert events("booking.accepted") == [(owner(booking).id, booking.id)]


def test_declining_needs_a_message_and_takes_no_place(make):
    booking = request(make.offer(), teacher(make))
    company_owner = owner(booking)

    with pytest.raises(ValidationFailed) as failed:
        bookings.decline_booking(actor=company_owner, booking=booking, message="  ")
    assert set(failed.value.errors) == {"message"}
    assert booking.status == "requested"

    bookings.decline_booking(actor=company_owner, booking=booking,
                             message="In die week staat de fabriek stil.")

    assert (booking.status, booking.response) == ("declined", "In die week staat de fabriek stil.")
    assert booking.offer.places_taken == 0
    assert events("booking.declined") == [(company_owner.id, booking.id)]


def test_only_the_offers_company_answers(make):
    docent = teacher(make)
    booking = request(make.offer(), docent)
    stranger = make.owner_of(make.company())

    for actor in (stranger, docent, make.admin()):
        with pytest.raises(NotAllowed):
            bookings.accept_booking(actor=actor, booking=booking, message="")
        with pytest.raises(NotAllowed):
            bookings.decline_booking(actor=actor, booking=booking, message="Nee.")

    db.session.refresh(booking)
    assert booking.status == "requested"
    assert booking.offer.places_taken == 0


def test_capacity_is_never_exceeded(make):
    offer = make.offer(capacity=2)
    first, second, third = (request(offer, teacher(make)) for _ in range(3))
    accept(first)
    accept(second)

    with pytest.raises(ValidationFailed) as failed:
        accept(third)

    assert set(failed.value.errors) == {""}
    db.session.refresh(offer)
    assert offer.places_taken == 2
    assert [b.status for b in (first, second)] == ["accepted", "accepted"]


def test_a_failed_accept_leaves_the_request_open_to_decline(make):
    offer = make.offer(capacity=1)
    first, second = request(offer, teacher(make)), request(offer, teacher(make))
    accept(first)
    with pytest.raises(ValidationFailed):
        accept(second)

    db.session.refresh(second)
    assert second.status == "requested"
    bookings.decline_booking(actor=owner(second), booking=second,
                             message="Helaas, alle plaatsen zijn vergeven.")

    db.session.refresh(second)
    db.session.refresh(offer)
    assert second.status == "declined"
    assert offer.places_taken == 1


@pytest.mark.parametrize("first_answer", ["accept", "decline"])
def test_answering_twice_is_refused(make, first_answer):
    booking = request(make.offer(capacity=5), teacher(make))
    company_owner = owner(booking)
    if first_answer == "accept":
        accept(booking)
    else:
        bookings.decline_booking(actor=company_owner, booking=booking, message="Vol.")
    status = booking.status

    for answer in (accept, lambda b: bookings.decline_booking(actor=company_owner, booking=b,
                                                              message="Toch niet.")):
        with pytest.raises(ValidationFailed) as failed:
            answer(booking)
        assert set(failed.value.errors) == {""}

    db.session.refresh(booking)
    db.session.refresh(booking.offer)
    assert booking.status == status
    assert booking.offer.places_taken == (1 if first_answer == "accept" else 0)


# --- cancelling ----------------------------------------------------------------------------


def test_cancelling_an_accepted_booking_frees_its_place(make):
    offer = make.offer(capacity=1)
    docent = teacher(make)
    booking = request(offer, docent)
    accept(booking)

    bookings.cancel_booking(actor=docent, booking=booking, message="De bus is uitgevallen.")

    db.session.refresh(offer)
    assert (booking.status, booking.response) == ("cancelled", "De bus is uitgevallen.")
    assert offer.places_taken == 0
    assert events("booking.cancelled") == [(docent.id, booking.id)]
    # The freed place can be booked again.
    accept(request(offer, teacher(make)))
    assert offer.places_taken == 1


def test_an_open_request_is_withdrawn_not_cancelled(make):
    offer = make.offer(capacity=2)
    accept(request(offer, teacher(make)))
    docent = teacher(make)
    open_request = request(offer, docent)

    with pytest.raises(ValidationFailed):
        bookings.cancel_booking(actor=docent, booking=open_request, message="Toch niet.")
    bookings.withdraw_booking(actor=docent, booking=open_request, message="")

    db.session.refresh(offer)
    assert (open_request.status, open_request.response) == ("withdrawn", None)
    assert offer.places_taken == 1
    assert events("booking.withdrawn") == [(docent.id, open_request.id)]


def test_only_the_school_withdraws_and_only_while_open(make):
    docent = teacher(make)
    booking = request(make.offer(), docent)

    for outsider in (owner(booking), teacher(make), make.admin()):
        with pytest.raises(NotAllowed):
            bookings.withdraw_booking(actor=outsider, booking=booking, message="Weg.")
    accept(booking)
    with pytest.raises(ValidationFailed):
        bookings.withdraw_booking(actor=docent, booking=booking, message="Te laat.")

    db.session.refresh(booking)
    assert booking.status == "accepted"
    assert events("booking.withdrawn") == []


def test_only_the_two_parties_cancel(make):
    booking = request(make.offer(), teacher(make))
    accept(booking)

    for outsider in (teacher(make), make.owner_of(make.company()), make.admin()):
        with pytest.raises(NotAllowed):
            bookings.cancel_booking(actor=outsider, booking=booking, message="Weg ermee.")

    db.session.refresh(booking)
    assert booking.status == "accepted"
    assert booking.offer.places_taken == 1
    assert events("booking.cancelled") == []


def test_a_cancel_needs_a_reason_and_happens_once(make):
    docent = teacher(make)
    booking = request(make.offer(), docent)
    accept(booking)

    with pytest.raises(ValidationFailed) as failed:
        bookings.cancel_booking(actor=docent, booking=booking, message="")
    assert set(failed.value.errors) == {"message"}

    bookings.cancel_booking(actor=docent, booking=booking, message="Toets verschoven.")
    with pytest.raises(ValidationFailed):
        bookings.cancel_booking(actor=docent, booking=booking, message="Nogmaals.")
    assert events("booking.cancelled") == [(docent.id, booking.id)]


def test_a_school_has_one_open_request_per_offer(make):
    offer = make.offer(capacity=5)
    docent = teacher(make)
    first = request(offer, docent)

    assert refused(offer, docent, wanted_on=TODAY + timedelta(days=21)) == {""}
    bookings.decline_booking(actor=owner(first), booking=first, message="Die week niet.")
    assert request(offer, docent, wanted_on=TODAY + timedelta(days=21)).status == "requested"
