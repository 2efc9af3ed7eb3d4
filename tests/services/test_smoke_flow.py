from portal.bookings import services as bookings


def test_the_whole_journey_through_the_services(make):
    offer = make.offer()
    b = make.booking(offer)
    bookings.accept_booking(actor=make.owner_of(offer.company), booking=b, message="Welkom!")
    assert b.status == "accepted"
    assert offer.places_taken == 1
