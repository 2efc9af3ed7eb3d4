from portal.bookings import services as bookings


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
