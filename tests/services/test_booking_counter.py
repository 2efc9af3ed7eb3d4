"""The company's counter-proposal, and the school's answer to it."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.bookings import counter, services
from portal.bookings.models import Booking
from portal.db import local_today
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.offers.models import Offer, Slot

TODAY = local_today()


def owner(booking):
    return booking.offer.company.memberships[0].user


def fresh(booking):
    db.session.expire_all()
    return db.session.get(Booking, booking.id)


def taken(slot_id):
    db.session.expire_all()
    return db.session.get(Slot, slot_id).taken


def mails(kind):
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.id)))


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def propose(booking, **fields):
    fields.setdefault("message", "Die dag is de werkplaats dicht.")
    return counter.counter_propose(actor=owner(booking), booking=booking, **fields)


@pytest.fixture
def offer(make):
    offer = make.offer(slot_capacity=60, max_group_size=30, min_group_size=10)
    make.slot(offer, capacity=30, days=21)
    return offer


def other_slot(offer):
    return offer.slots[1]


def test_the_company_proposes_another_date_and_the_school_takes_it(make, offer):
    booking = make.booking(offer, group_size=24)
    later = other_slot(offer)
    booking.requested_by.locale = "en"  # the teacher reads the mail below in English
    db.session.commit()

    propose(booking, slot_id=later.id)

    booking = fresh(booking)
    assert booking.status == "counter_proposed"
    assert (booking.proposed_slot_id, booking.proposed_on, booking.proposed_group_size) == (
        later.id, None, None)
    assert [m.kind for m in booking.messages] == ["request", "counter"]
    assert taken(later.id) == 0  # nothing is held while the school thinks it over
    [mail] = mails("booking.counter_proposed")
    assert mail.to_address == booking.requested_by.email
    assert "proposes a change" in mail.subject and offer.title in mail.subject
    assert events("booking.counter_proposed")[0].details["slot_id"] == later.id

    counter.accept_counter_proposal(actor=booking.requested_by, booking=booking,
                                    message="Prima, dan komen we dan.")

    booking = fresh(booking)
    assert (booking.status, booking.slot_id, booking.wanted_on) == ("accepted", later.id,
                                                                    later.day)
    assert booking.decided_by_id == booking.requested_by_id
    assert (booking.sequence, booking.room_taken) == (1, 24)
    assert (taken(later.id), taken(offer.slots[0].id)) == (24, 0)
    assert [m.kind for m in booking.messages] == ["request", "counter", "accept"]
    [to_company] = mails("booking.counter_accepted")
    [to_school] = mails("booking.confirmed")
    assert to_company.to_address == owner(booking).email
    assert to_school.to_address == booking.requested_by.email
    for mail in (to_company, to_school):
        assert mail.ics_method == "REQUEST" and "SEQUENCE:1" in mail.ics
    assert len(events("booking.counter_accepted")) == 1


def test_a_smaller_group_on_the_same_date(make, offer):
    booking = make.booking(offer, group_size=28)

    propose(booking, group_size=20, slot_id=booking.slot_id)  # the same slot counts as kept
    counter.accept_counter_proposal(actor=booking.requested_by, booking=booking)

    booking = fresh(booking)
    assert (booking.status, booking.group_size, booking.slot_id) == ("accepted", 20,
                                                                     offer.slots[0].id)
    assert taken(booking.slot_id) == 20


def test_a_later_start_date_of_a_placement(make):
    placement = make.placement(places=3, starts_on=TODAY, ends_on=TODAY + timedelta(days=60))
    booking = make.booking(placement, wanted_on=TODAY + timedelta(days=7), group_size=2)
    later = TODAY + timedelta(days=21)

    propose(booking, wanted_on=later, group_size=1)
    counter.accept_counter_proposal(actor=booking.requested_by, booking=booking)

    booking = fresh(booking)
    assert (booking.status, booking.wanted_on, booking.group_size) == ("accepted", later, 1)
    assert db.session.get(Offer, placement.id).places_taken == 1


def test_the_school_declines_the_proposal_with_a_reason(make, offer):
    booking = make.booking(offer)
    propose(booking, group_size=15)

    with pytest.raises(ValidationFailed) as failed:
        counter.decline_counter_proposal(actor=booking.requested_by, booking=booking,
                                         message=" ")
    assert set(failed.value.errors) == {"message"}

    counter.decline_counter_proposal(actor=booking.requested_by, booking=booking,
                                     message="Wij komen met de hele klas of niet.")

    booking = fresh(booking)
    assert booking.status == "declined"
    assert booking.messages[-1].side == "school" and booking.messages[-1].kind == "decline"
    assert taken(booking.slot_id) == 0
    [mail] = mails("booking.counter_declined")
    assert mail.to_address == owner(booking).email
    assert "Wij komen met de hele klas of niet." in mail.body_text
    assert events("booking.counter_declined")[0].details["reason"] == (
        "Wij komen met de hele klas of niet.")


def test_the_school_may_withdraw_instead(make, offer):
    booking = make.booking(offer)
    propose(booking, group_size=15)

    services.withdraw_booking(actor=booking.requested_by, booking=booking, message="")

    assert fresh(booking).status == "withdrawn"


@pytest.mark.parametrize(("fields", "field"), [
    ({}, ""),  # changes nothing
    ({"group_size": 24}, ""),  # the same group
    ({"group_size": 31}, "group_size"),  # above the offer's maximum
    ({"group_size": 5}, "group_size"),  # below its minimum
    ({"group_size": 0}, "group_size"),
    ({"slot_id": 999999}, "slot_id"),
    ({"group_size": 20, "message": ""}, "message"),  # the school is owed a reason
])
def test_a_proposal_must_change_something_that_can_be(make, offer, fields, field):
    booking = make.booking(offer, group_size=24)

    with pytest.raises(ValidationFailed) as failed:
        propose(booking, **{"message": "Anders.", **fields})

    assert field in failed.value.errors
    assert fresh(booking).status == "requested"
    assert mails("booking.counter_proposed") == []


def test_a_proposed_date_must_have_room_for_the_group(make, offer):
    booking = make.booking(offer, group_size=24)
    full = make.slot(offer, capacity=20, days=28)

    with pytest.raises(ValidationFailed) as failed:
        propose(booking, slot_id=full.id)

    assert set(failed.value.errors) == {"group_size"}
    propose(booking, slot_id=full.id, group_size=20)
    assert fresh(booking).proposed_group_size == 20


def test_a_date_of_another_offer_cannot_be_proposed(make, offer):
    booking = make.booking(offer)
    foreign = make.offer().slots[0]

    with pytest.raises(ValidationFailed) as failed:
        propose(booking, slot_id=foreign.id)

    assert set(failed.value.errors) == {"slot_id"}


def test_only_the_offers_company_proposes(make, offer):
    booking = make.booking(offer)
    for outsider in (make.owner_of(make.company()), booking.requested_by, make.admin()):
        with pytest.raises(NotAllowed):
            counter.counter_propose(actor=outsider, booking=booking, group_size=20,
                                    message="Anders.")
    assert fresh(booking).status == "requested"


def test_only_the_requests_school_answers_the_proposal(make, offer):
    booking = make.booking(offer)
    propose(booking, group_size=20)

    for outsider in (owner(booking), make.owner_of(make.school()), make.admin()):
        with pytest.raises(NotAllowed):
            counter.accept_counter_proposal(actor=outsider, booking=booking)
        with pytest.raises(NotAllowed):
            counter.decline_counter_proposal(actor=outsider, booking=booking, message="Nee.")

    assert fresh(booking).status == "counter_proposed"


def test_only_an_open_request_gets_a_proposal_and_only_once(make, offer):
    booking = make.booking(offer)
    propose(booking, group_size=20)

    with pytest.raises(ValidationFailed):
        propose(booking, group_size=18)
    with pytest.raises(ValidationFailed):  # the company waits for the school now
        services.accept_booking(actor=owner(booking), booking=booking)
    assert fresh(booking).proposed_group_size == 20


def test_a_proposal_answered_twice_counts_once(make, offer):
    booking = make.booking(offer)
    propose(booking, group_size=20)
    counter.accept_counter_proposal(actor=booking.requested_by, booking=booking)

    with force_locale("en"), pytest.raises(ValidationFailed) as failed:
        counter.decline_counter_proposal(actor=booking.requested_by, booking=booking,
                                         message="Toch niet.")

    assert failed.value.errors == {"": "This proposal has already been answered."}
    assert taken(booking.slot_id) == 20


def test_a_proposed_date_that_filled_up_meanwhile_is_refused_and_stays_open(make, offer):
    booking = make.booking(offer, group_size=24)
    later = other_slot(offer)  # room for 30
    propose(booking, slot_id=later.id)
    make.accepted(make.booking(offer, slot_id=later.id, group_size=10))

    with force_locale("en"), pytest.raises(ValidationFailed) as failed:
        counter.accept_counter_proposal(actor=booking.requested_by, booking=booking)

    assert "no room left" in failed.value.errors[""]
    booking = fresh(booking)
    assert (booking.status, booking.slot_id) == ("counter_proposed", offer.slots[0].id)
    assert taken(later.id) == 10


def test_a_school_with_a_proposal_waiting_has_an_open_request(make, offer):
    booking = make.booking(offer)
    propose(booking, group_size=20)

    with pytest.raises(ValidationFailed) as failed:
        make.booking(offer, booking.requested_by)

    assert set(failed.value.errors) == {""}
