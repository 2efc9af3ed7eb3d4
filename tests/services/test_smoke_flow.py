from datetime import timedelta

from portal.bookings import counter, outcomes
from portal.bookings import services as bookings
from portal.bookings.conversation import post_message


def test_the_whole_journey_through_the_services(make):
    offer = make.offer(slot_capacity=60)
    b = make.booking(offer)
    bookings.accept_booking(actor=make.owner_of(offer.company), booking=b, message="Welkom!")
    assert b.status == "accepted"
    assert offer.slots[0].taken == 24  # the group's pupils, on the slot it asked for
    assert offer.slots[0].room == 36

    placement = make.placement(places=3)
    b = make.booking(placement, group_size=2)
    bookings.accept_booking(actor=make.owner_of(placement.company), booking=b)
    assert (placement.places_taken, placement.places_left) == (2, 1)


def test_request_counter_proposal_conversation_outcome_and_evaluation(make):
    offer = make.offer(slot_capacity=60, max_group_size=30)
    later = make.slot(offer, capacity=30, days=21)
    company = make.owner_of(offer.company)
    b = make.booking(offer, group_size=28)
    teacher = b.requested_by

    counter.counter_propose(actor=company, booking=b, slot_id=later.id, group_size=25,
                            message="Een week later, met 25 leerlingen?")
    counter.accept_counter_proposal(actor=teacher, booking=b, message="Akkoord.")
    post_message(actor=teacher, booking=b, body="Waar parkeert de bus?")
    post_message(actor=company, booking=b, body="Bij de achteringang.")
    day_after = later.day + timedelta(days=1)
    outcomes.report_outcome(actor=teacher, booking=b, held=True, today=day_after)
    outcomes.report_outcome(actor=company, booking=b, held=True, today=day_after)
    outcomes.evaluate(actor=teacher, booking=b, rating=5, pupils_reached=25, girls=11,
                      today=day_after)
    outcomes.evaluate(actor=company, booking=b, rating=4, host_again=True, today=day_after)

    assert (b.status, b.slot_id, b.group_size, later.taken) == ("completed", later.id, 25, 25)
    assert [m.kind for m in b.messages] == ["request", "counter", "accept", "message",
                                            "message"]
    assert sorted(e.side for e in b.evaluations) == ["company", "school"]
