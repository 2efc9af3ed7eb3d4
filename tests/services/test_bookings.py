"""Bookings: a teacher requests a published offer, its company answers, the room holds.

Group activities take pupils (and, where the offer counts them, accompanying teachers) on one
of their slots; placements take places, one per student, from a start date in their period.
"""
from datetime import timedelta

import pytest
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from portal import security
from portal.audit import AuditEvent
from portal.bookings import services as bookings
from portal.bookings.models import Booking
from portal.bookings.offer_life import withdraw_offer
from portal.db import local_today
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.offers.lifecycle import pause_offer, resume_offer
from portal.offers.models import Offer, Slot
from portal.organisations.services import school_of
from portal.taxonomy.services import level_by_code

TODAY = local_today()
NO_ROOM = "There is no room left on this date for this group; decline this request."
NO_PLACES = "Not enough places of this offer are free; decline this request."


def said(booking):
    """The request's conversation as (kind, text) pairs, as the database has it now."""
    db.session.expire_all()
    return [(m.kind, m.body) for m in db.session.get(Booking, booking.id).messages]


def last_said(booking):
    """The text of the request's latest message, or None."""
    conversation = said(booking)
    return conversation[-1][1] if conversation else None


def booking_count():
    return db.session.scalar(select(func.count(Booking.id)))


def teacher(make):
    return make.owner_of(make.school(place="Goes"))


def request(offer, actor, **overrides):
    """A request for the offer's first slot and 24 pupils, or for one place of a placement
    starting 14 days from today."""
    fields = {"level_id": offer.levels[0].id, "message": "Wij komen met klas 3K."}
    if offer.has_slots:
        fields.update(slot_id=offer.slots[0].id, group_size=24)
    else:
        fields.update(wanted_on=TODAY + timedelta(days=14), group_size=1)
    fields.update(overrides)
    return bookings.request_booking(actor=actor, offer=offer, **fields)


def refused(offer, actor, **overrides):
    """A request that must fail validation and add nothing; returns the errors."""
    before = booking_count()
    with pytest.raises(ValidationFailed) as failed:
        request(offer, actor, **overrides)
    assert booking_count() == before
    return failed.value.errors


def accept(booking):
    return bookings.accept_booking(actor=owner(booking), booking=booking, message="Welkom!")


def accept_refused(booking):
    with pytest.raises(ValidationFailed) as failed:
        accept(booking)
    return failed.value.errors


def owner(booking_or_offer):
    company = (booking_or_offer.offer.company if isinstance(booking_or_offer, Booking)
               else booking_or_offer.company)
    return company.memberships[0].user


def events(action):
    return [(e.actor_id, e.subject_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def taken(slot):
    """Pupils the slot holds for accepted requests, as the database has it now."""
    db.session.expire_all()
    return db.session.get(Slot, slot.id).taken


def places_taken(offer):
    db.session.expire_all()
    return db.session.get(Offer, offer.id).places_taken


def status(booking):
    db.session.expire_all()
    return db.session.get(Booking, booking.id).status


def only_places_left(n):
    return ngettext("Only one place is left on this date.",
                    "Only %(num)d places are left on this date.", n)


# --- requesting a slot -------------------------------------------------------------------


def test_a_teacher_requests_a_slot_for_a_group(make):
    offer = make.offer()
    slot = offer.slots[0]
    docent = teacher(make)

    booking = request(offer, docent, group_size=28, teachers=2)

    assert booking.status == "requested"
    assert booking.school_id == school_of(docent).id
    assert (booking.slot_id, booking.wanted_on) == (slot.id, slot.day)
    assert (booking.requested_by_id, booking.group_size, booking.teachers) == (docent.id, 28, 2)
    assert booking.education_level.code == "vmbo_kb"
    assert said(booking) == [("request", "Wij komen met klas 3K.")]
    assert taken(slot) == 0  # a request takes no room until it is accepted
    assert events("booking.requested") == [(docent.id, booking.id)]


def test_a_request_made_at_a_given_moment_is_dated_then(make):
    from portal.db import utcnow

    offer = make.offer()
    then = utcnow() - timedelta(days=3)

    booking = request(offer, teacher(make), group_size=20, now=then)

    db.session.expire_all()
    assert db.session.get(Booking, booking.id).created_at == then
    assert booking.messages[0].created_at == then


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


@pytest.mark.parametrize("group_size", [31, 0])
def test_the_group_must_fit_the_offers_maximum(make, group_size):
    offer = make.offer(max_group_size=30, slot_capacity=60)

    assert set(refused(offer, teacher(make), group_size=group_size)) == {"group_size"}
    assert request(offer, teacher(make), group_size=30).group_size == 30


def test_a_group_larger_than_the_room_left_on_the_slot_is_refused(make):
    offer = make.offer(slot_capacity=30)
    slot = offer.slots[0]
    accept(request(offer, teacher(make), group_size=20))

    assert refused(offer, teacher(make), group_size=11) == {"group_size": only_places_left(10)}
    assert request(offer, teacher(make), group_size=10).group_size == 10
    assert taken(slot) == 20


def test_a_full_slot_takes_no_more_requests(make):
    offer = make.offer(slot_capacity=24)
    accept(request(offer, teacher(make), group_size=24))

    errors = refused(offer, teacher(make), group_size=1)

    assert errors == {"slot_id": _("This date is full; choose another.")}


def test_another_slot_of_the_offer_still_takes_a_group(make):
    offer = make.offer(slot_capacity=24)
    later = make.slot(offer, capacity=24, days=21)
    accept(request(offer, teacher(make), group_size=24))

    booking = request(offer, teacher(make), slot_id=later.id, group_size=24)

    assert (booking.slot_id, booking.wanted_on) == (later.id, later.day)


@pytest.mark.parametrize(("slot_min", "offer_min", "smallest"), [
    (10, None, 10), (None, 12, 12), (10, 15, 15), (15, 10, 15)])
def test_a_group_below_the_smallest_group_is_refused(make, slot_min, offer_min, smallest):
    offer = make.offer(min_group_size=offer_min)
    slot = make.slot(offer, capacity=60, min_group=slot_min)

    errors = refused(offer, teacher(make), slot_id=slot.id, group_size=smallest - 1)

    assert errors == {"group_size": _("This offer takes groups of at least %(n)d pupils.",
                                      n=smallest)}
    assert request(offer, teacher(make), slot_id=slot.id, group_size=smallest).id


def test_teachers_take_room_only_where_the_offer_counts_them(make):
    counting = make.offer(slot_capacity=30, counts_teachers=True)
    not_counting = make.offer(slot_capacity=30, counts_teachers=False)

    assert refused(counting, teacher(make), group_size=28, teachers=3) == {
        "group_size": only_places_left(30)}
    fits = request(counting, teacher(make), group_size=27, teachers=3)
    free = request(not_counting, teacher(make), group_size=28, teachers=3)
    accept(fits)
    accept(free)

    assert taken(counting.slots[0]) == 30  # 27 pupils and their 3 teachers
    assert taken(not_counting.slots[0]) == 28  # the teachers come along outside the room


@pytest.mark.parametrize("teachers", [-1, 21, None])
def test_the_number_of_teachers_is_0_to_20(make, teachers):
    errors = refused(make.offer(), teacher(make), teachers=teachers)

    assert set(errors) == {"teachers"}


def test_a_slot_of_another_offer_is_refused(make):
    offer = make.offer()
    other = make.offer()

    errors = refused(offer, teacher(make), slot_id=other.slots[0].id)

    assert errors == {"slot_id": _("Choose one of the offer's dates.")}
    assert taken(other.slots[0]) == 0


@pytest.mark.parametrize("slot_id", [None, 999999])
def test_a_slot_is_required(make, slot_id):
    assert set(refused(make.offer(), teacher(make), slot_id=slot_id)) == {"slot_id"}


def test_a_past_slot_is_refused(make):
    offer = make.offer()
    slot = offer.slots[0]

    errors = refused(offer, teacher(make), today=slot.day + timedelta(days=1))

    assert errors == {"slot_id": _("This date has passed; choose a later one.")}
    assert request(offer, teacher(make), today=slot.day).wanted_on == slot.day  # its own day


def test_the_level_must_be_served(make):
    offer = make.offer(level_ids=[level_by_code("vmbo_kb").id])

    assert set(refused(offer, teacher(make), level_id=level_by_code("vwo").id)) == {"level_id"}


# --- requesting places -------------------------------------------------------------------


def test_a_teacher_requests_places_from_a_date(make):
    offer = make.placement(places=3)
    docent = teacher(make)

    booking = request(offer, docent, group_size=2, level_id=level_by_code("mbo_3").id)

    assert (booking.status, booking.slot_id, booking.group_size) == ("requested", None, 2)
    assert booking.wanted_on == TODAY + timedelta(days=14)
    assert places_taken(offer) == 0


@pytest.mark.parametrize("wanted_on", [TODAY - timedelta(days=1),  # in the past
                                       TODAY + timedelta(days=5),  # before the period
                                       TODAY + timedelta(days=61),  # after the period
                                       None])
def test_the_start_date_must_lie_ahead_and_within_the_period(make, wanted_on):
    offer = make.placement(starts_on=TODAY + timedelta(days=7),
                           ends_on=TODAY + timedelta(days=60))

    assert set(refused(offer, teacher(make), wanted_on=wanted_on)) == {"wanted_on"}


def test_the_first_and_last_day_of_the_period_are_fine(make):
    offer = make.placement(starts_on=TODAY + timedelta(days=7),
                           ends_on=TODAY + timedelta(days=60))

    assert request(offer, teacher(make), wanted_on=TODAY + timedelta(days=7)).id
    assert request(offer, teacher(make), wanted_on=TODAY + timedelta(days=60)).id


def test_more_students_than_free_places_are_refused(make):
    offer = make.placement(places=3)

    assert refused(offer, teacher(make), group_size=4) == {
        "group_size": ngettext("Only one place is free.", "Only %(num)d places are free.", 3)}
    accept(request(offer, teacher(make), group_size=2))
    assert refused(offer, teacher(make), group_size=2) == {
        "group_size": ngettext("Only one place is free.", "Only %(num)d places are free.", 1)}
    assert request(offer, teacher(make), group_size=1).group_size == 1


def test_a_full_placement_takes_no_more_requests(make):
    offer = make.placement(places=1)
    accept(request(offer, teacher(make)))

    assert set(refused(offer, teacher(make))) == {""}


# --- answering -----------------------------------------------------------------------------


def test_accepting_takes_the_groups_room_on_its_slot(make):
    offer = make.offer(slot_capacity=60)
    slot = offer.slots[0]
    booking = request(offer, teacher(make), group_size=24)

    accept(booking)

    assert (booking.status, last_said(booking)) == ("accepted", "Welkom!")
    assert booking.decided_by_id == owner(booking).id
    assert booking.decided_at is not None
    db.session.refresh(slot)
    assert (slot.taken, slot.room) == (24, 36)
    assert places_taken(offer) == 0  # a group activity keeps its room on the slot
    assert events("booking.accepted") == [(owner(booking).id, booking.id)]


def test_accepting_takes_the_requested_places(make):
    offer = make.placement(places=3)
    booking = request(offer, teacher(make), group_size=2)

    accept(booking)

    db.session.refresh(offer)
    assert (offer.places_taken, offer.places_left) == (2, 1)


def test_declining_needs_a_message_and_takes_no_room(make):
    booking = request(make.offer(), teacher(make))
    company_owner = owner(booking)

    with pytest.raises(ValidationFailed) as failed:
        bookings.decline_booking(actor=company_owner, booking=booking, message="  ")
    assert set(failed.value.errors) == {"message"}
    assert booking.status == "requested"

    bookings.decline_booking(actor=company_owner, booking=booking,
                             message="In die week staat de fabriek stil.")

    assert (booking.status, said(booking)[-1]) == (
        "declined", ("decline", "In die week staat de fabriek stil."))
    assert taken(booking.slot) == 0
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

    assert status(booking) == "requested"
    assert taken(booking.slot) == 0


def test_the_slots_capacity_in_pupils_is_never_exceeded(make):
    offer = make.offer(slot_capacity=60)
    slot = offer.slots[0]
    first, second, third = (request(offer, teacher(make), group_size=24) for _ in range(3))
    accept(first)
    accept(second)

    assert accept_refused(third) == {"": _(NO_ROOM)}

    assert taken(slot) == 48
    assert [status(b) for b in (first, second, third)] == ["accepted", "accepted", "requested"]
    assert events("booking.accepted") == [(owner(first).id, first.id),
                                          (owner(second).id, second.id)]


def test_the_places_of_a_placement_are_never_exceeded(make):
    offer = make.placement(places=3)
    first, second = (request(offer, teacher(make), group_size=2) for _ in range(2))
    accept(first)

    assert accept_refused(second) == {"": _(NO_PLACES)}

    assert places_taken(offer) == 2
    assert status(second) == "requested"


def test_a_failed_accept_leaves_the_request_open_to_decline(make):
    offer = make.offer(slot_capacity=30)
    first, second = request(offer, teacher(make)), request(offer, teacher(make))
    accept(first)
    accept_refused(second)

    db.session.refresh(second)
    assert second.status == "requested"
    bookings.decline_booking(actor=owner(second), booking=second,
                             message="Helaas, die dag is vol.")

    assert status(second) == "declined"
    assert taken(offer.slots[0]) == 24


@pytest.mark.parametrize("first_answer", ["accept", "decline"])
def test_answering_twice_is_refused(make, first_answer):
    booking = request(make.offer(), teacher(make))
    company_owner = owner(booking)
    if first_answer == "accept":
        accept(booking)
    else:
        bookings.decline_booking(actor=company_owner, booking=booking, message="Vol.")
    answered = booking.status

    for answer in (accept, lambda b: bookings.decline_booking(actor=company_owner, booking=b,
                                                              message="Toch niet.")):
        with pytest.raises(ValidationFailed) as failed:
            answer(booking)
        assert set(failed.value.errors) == {""}

    assert status(booking) == answered
    assert taken(booking.slot) == (24 if first_answer == "accept" else 0)


# --- cancelling ----------------------------------------------------------------------------


def test_cancelling_an_accepted_group_gives_its_room_back(make):
    offer = make.offer(slot_capacity=30, counts_teachers=True)
    slot = offer.slots[0]
    docent = teacher(make)
    booking = request(offer, docent, group_size=26, teachers=4)
    accept(booking)
    assert taken(slot) == 30

    bookings.cancel_booking(actor=docent, booking=booking, message="De bus is uitgevallen.")

    assert (booking.status, said(booking)[-1]) == ("cancelled",
                                                   ("cancel", "De bus is uitgevallen."))
    assert taken(slot) == 0
    assert events("booking.cancelled") == [(docent.id, booking.id)]
    # The freed room can be requested and given again.
    accept(request(offer, teacher(make), group_size=30))
    assert taken(slot) == 30


def test_cancelling_accepted_places_gives_them_back(make):
    offer = make.placement(places=2)
    booking = request(offer, teacher(make), group_size=2)
    accept(booking)

    bookings.cancel_booking(actor=owner(booking), booking=booking, message="Geen begeleider.")

    assert places_taken(offer) == 0
    accept(request(offer, teacher(make), group_size=2))
    assert places_taken(offer) == 2


@pytest.mark.parametrize("counted_then", [True, False])
def test_a_cancel_gives_back_what_the_accept_took_even_after_the_offer_changed(
        make, counted_then):
    from portal.offers import services as offers

    offer = make.offer(slot_capacity=60, counts_teachers=counted_then)
    slot = offer.slots[0]
    docent = teacher(make)
    booking = request(offer, docent, group_size=20, teachers=4)
    accept(booking)
    offers.update_offer(actor=owner(offer), offer=offer, **make.offer_fields(
        counts_teachers=not counted_then))  # a practical field: it changes at once
    assert offer.counts_teachers is (not counted_then)

    bookings.cancel_booking(actor=docent, booking=booking, message="De bus is uitgevallen.")

    assert taken(slot) == 0


def test_an_open_request_is_withdrawn_not_cancelled(make):
    offer = make.offer()
    accept(request(offer, teacher(make)))
    docent = teacher(make)
    open_request = request(offer, docent)

    with pytest.raises(ValidationFailed):
        bookings.cancel_booking(actor=docent, booking=open_request, message="Toch niet.")
    bookings.withdraw_booking(actor=docent, booking=open_request, message="")

    assert (open_request.status, said(open_request)) == (
        "withdrawn", [("request", "Wij komen met klas 3K.")])  # no empty reason is kept
    assert taken(offer.slots[0]) == 24
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

    assert status(booking) == "accepted"
    assert events("booking.withdrawn") == []


def test_only_the_two_parties_cancel(make):
    booking = request(make.offer(), teacher(make))
    accept(booking)

    for outsider in (teacher(make), make.owner_of(make.company()), make.admin()):
        with pytest.raises(NotAllowed):
            bookings.cancel_booking(actor=outsider, booking=booking, message="Weg ermee.")

    assert status(booking) == "accepted"
    assert taken(booking.slot) == 24
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
    assert taken(booking.slot) == 0  # given back once, not twice


def test_a_school_has_one_open_request_per_offer(make):
    offer = make.offer()
    later = make.slot(offer, days=21)
    docent = teacher(make)
    first = request(offer, docent)

    assert set(refused(offer, docent, slot_id=later.id)) == {""}
    bookings.decline_booking(actor=owner(first), booking=first, message="Die week niet.")
    assert request(offer, docent, slot_id=later.id).status == "requested"


# --- a paused offer ------------------------------------------------------------------------


def test_a_paused_offer_takes_no_new_requests_but_answers_its_open_ones(make):
    offer = make.offer(slot_capacity=60)
    waiting, other = request(offer, teacher(make)), request(offer, teacher(make))
    pause_offer(actor=owner(offer), offer=offer, reason="Verbouwing.")

    errors = refused(offer, teacher(make))

    assert errors == {"": _("The company has paused this offer; it takes no new requests "
                            "for now.")}
    accept(waiting)
    bookings.decline_booking(actor=owner(other), booking=other, message="Verbouwing.")
    assert (status(waiting), status(other)) == ("accepted", "declined")
    assert taken(offer.slots[0]) == 24

    resume_offer(actor=owner(offer), offer=offer)
    assert request(offer, teacher(make)).status == "requested"


def test_a_paused_placement_takes_no_new_requests(make):
    offer = make.placement(places=3)
    pause_offer(actor=owner(offer), offer=offer)

    assert set(refused(offer, teacher(make))) == {""}


# --- withdrawing an offer ------------------------------------------------------------------


def withdrawn_response(reason):
    return _("The company withdrew this offer: %(reason)s", reason=reason)


def test_withdrawing_an_offer_declines_open_requests_and_cancels_accepted_ones(make):
    offer = make.offer(slot_capacity=60)
    slot = offer.slots[0]
    later = make.slot(offer, capacity=30, days=21)
    open_one = request(offer, teacher(make), group_size=10)
    accepted = request(offer, teacher(make), group_size=24)
    accepted_later = request(offer, teacher(make), slot_id=later.id, group_size=20)
    declined = request(offer, teacher(make))
    accept(accepted)
    accept(accepted_later)
    bookings.decline_booking(actor=owner(declined), booking=declined, message="Vol.")
    company_owner = owner(offer)
    unrelated = request(make.offer(), teacher(make))  # another offer's request stays

    withdraw_offer(actor=company_owner, offer=offer, reason="  De werkplaats sluit.  ")

    db.session.expire_all()
    assert offer.status == "withdrawn"
    assert offer.status_reason == "De werkplaats sluit."
    answered = {b.id: (b.status, said(b)[-1]) for b in (open_one, accepted, accepted_later)}
    assert answered == {
        open_one.id: ("declined", ("decline", withdrawn_response("De werkplaats sluit."))),
        accepted.id: ("cancelled", ("cancel", withdrawn_response("De werkplaats sluit."))),
        accepted_later.id: ("cancelled",
                            ("cancel", withdrawn_response("De werkplaats sluit.")))}
    assert all(b.decided_by_id == company_owner.id for b in (open_one, accepted, accepted_later))
    assert (declined.status, last_said(declined)) == ("declined", "Vol.")  # already answered
    assert unrelated.status == "requested"
    assert (slot.taken, later.taken) == (0, 0)  # the accepted groups' room is given back
    assert events("booking.declined") == [(company_owner.id, declined.id),
                                          (company_owner.id, open_one.id)]
    assert sorted(events("booking.cancelled")) == sorted(
        [(company_owner.id, accepted.id), (company_owner.id, accepted_later.id)])
    assert events("offer.withdrawn") == [(company_owner.id, offer.id)]


def test_withdrawing_a_placement_gives_its_places_back(make):
    offer = make.placement(places=3)
    accepted = request(offer, teacher(make), group_size=2)
    accept(accepted)

    withdraw_offer(actor=owner(offer), offer=offer, reason="Geen begeleider meer.")

    assert status(accepted) == "cancelled"
    assert places_taken(offer) == 0


def test_a_paused_offer_can_be_withdrawn(make):
    offer = make.offer()
    open_one = request(offer, teacher(make))
    pause_offer(actor=owner(offer), offer=offer)

    withdraw_offer(actor=owner(offer), offer=offer, reason="Toch niet meer.")

    assert (status(open_one), offer.status) == ("declined", "withdrawn")


def test_only_the_offers_company_withdraws_it(make):
    offer = make.offer()
    booking = request(offer, teacher(make))
    accept(booking)

    for outsider in (make.owner_of(make.company()), make.owner_of(booking.school),
                     make.admin()):
        with pytest.raises(NotAllowed):
            withdraw_offer(actor=outsider, offer=offer, reason="Weg ermee.")

    db.session.expire_all()
    assert (offer.status, booking.status, booking.slot.taken) == ("published", "accepted", 24)
    assert events("offer.withdrawn") == []


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_withdrawing_needs_a_reason(make, reason):
    offer = make.offer()
    booking = request(offer, teacher(make))

    with pytest.raises(ValidationFailed) as failed:
        withdraw_offer(actor=owner(offer), offer=offer, reason=reason)

    assert set(failed.value.errors) == {"reason"}
    db.session.expire_all()
    assert (offer.status, booking.status) == ("published", "requested")
    assert events("offer.withdrawn") == []


def test_withdrawing_twice_is_refused(make):
    offer = make.offer()
    booking = request(offer, teacher(make))
    withdraw_offer(actor=owner(offer), offer=offer, reason="Sluiting.")

    with pytest.raises(ValidationFailed) as failed:
        withdraw_offer(actor=owner(offer), offer=offer, reason="Nogmaals.")

    assert set(failed.value.errors) == {""}
    db.session.expire_all()
    assert (offer.status, offer.status_reason) == ("withdrawn", "Sluiting.")
    assert last_said(booking) == withdrawn_response("Sluiting.")
    assert len(events("offer.withdrawn")) == 1
    assert events("booking.declined") == [(owner(offer).id, booking.id)]


@pytest.mark.parametrize("status_", ["draft", "pending"])
def test_an_unpublished_offer_cannot_be_withdrawn(make, status_):
    offer = make.offer(status=status_)

    with pytest.raises(ValidationFailed):
        withdraw_offer(actor=owner(offer), offer=offer, reason="Weg.")
    db.session.expire_all()
    assert offer.status == status_


def test_a_withdrawn_offer_takes_no_new_requests(make):
    offer = make.offer()
    withdraw_offer(actor=owner(offer), offer=offer, reason="Sluiting.")

    with pytest.raises(NotFound):
        request(offer, teacher(make))
    assert booking_count() == 0


def test_withdrawing_an_offer_declines_a_waiting_counter_proposal_and_tells_the_schools(make):
    from portal.bookings.counter import counter_propose
    from portal.notifications.models import OutboxMessage

    offer = make.offer(slot_capacity=60, max_group_size=30)
    proposed = request(offer, teacher(make))
    counter_propose(actor=owner(offer), booking=proposed, group_size=20, message="Twintig?")
    accepted = request(offer, teacher(make))
    accept(accepted)

    withdraw_offer(actor=owner(offer), offer=offer, reason="Sluiting.")

    assert (status(proposed), status(accepted)) == ("declined", "cancelled")
    assert said(proposed)[-1] == ("decline", withdrawn_response("Sluiting."))
    sent = {(m.kind, m.to_address) for m in db.session.scalars(select(OutboxMessage))}
    assert ("booking.declined", proposed.requested_by.email) in sent
    assert ("booking.cancelled", accepted.requested_by.email) in sent
    cancelled = db.session.get(Booking, accepted.id)
    assert (cancelled.cancelled_by, cancelled.sequence) == ("company", 2)


def test_audit_events_keep_the_reasons(make):
    declined = request(make.offer(), teacher(make))
    bookings.decline_booking(actor=owner(declined), booking=declined, message="Vol in mei.")
    withdrawn = request(make.offer(), teacher(make))
    bookings.withdraw_booking(actor=withdrawn.requested_by, booking=withdrawn,
                              message="Toets verschoven.")

    reasons = {e.action: e.details.get("reason") for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.in_(("booking.declined",
                                                         "booking.withdrawn"))))}
    assert reasons == {"booking.declined": "Vol in mei.",
                       "booking.withdrawn": "Toets verschoven."}
