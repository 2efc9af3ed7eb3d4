"""Two people answering the same request at the same moment, as two requests of a server would:
each in its own application context with its own database session, on a database of its own.

On PostgreSQL the second writer waits for the first and then finds the request answered. On
SQLite the second writer cannot upgrade its stale read to a write and gets "database is locked"
(answered with a 409 page by the app). Either way nothing is counted twice.
"""
from datetime import date, timedelta

import pytest
from sqlalchemy.exc import OperationalError

from portal.bookings import services as bookings
from portal.bookings.models import Booking
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.offers.models import Offer
from portal.seeding.reference import load_reference
from tests import factories
from tests.databases import app_on_empty_database

pytestmark = pytest.mark.own_app

CITIES = {  # a two-town gazetteer is enough here
    "1": {"geonameid": 2745392, "name": "Vlissingen", "latitude": 51.4425, "longitude": 3.57361,
          "countrycode": "NL", "admin1code": "10", "population": 44485, "alternatenames": []},
    "2": {"geonameid": 2750896, "name": "Middelburg", "latitude": 51.5, "longitude": 3.61389,
          "countrycode": "NL", "admin1code": "10", "population": 46485, "alternatenames": []},
}


@pytest.fixture
def race_app(tmp_path):
    with app_on_empty_database(tmp_path, "booking_races") as app:
        with app.app_context():
            db.create_all()
            load_reference(cities=CITIES)
            db.session.remove()
        yield app


def _setup(app, capacity, accepted=False):
    with app.app_context():
        offer = factories.offer(capacity=capacity)
        booking = factories.booking(offer, wanted_on=date.today() + timedelta(days=7))
        if accepted:
            bookings.accept_booking(actor=factories.owner_of(offer.company), booking=booking)
        return offer.id, booking.id, factories.owner_of(offer.company).id, booking.requested_by_id


def _state(app, offer_id, booking_id):
    with app.app_context():
        return db.session.get(Offer, offer_id).places_taken, db.session.get(
            Booking, booking_id).status


def _race(app, first, second, booking_id, actor_ids):
    """Both sides read the booking; then the first acts and commits; then the second acts."""
    from portal.accounts.models import User

    with app.app_context() as ctx_a:
        booking_a = db.session.get(Booking, booking_id)
        actor_a = db.session.get(User, actor_ids[0])
        booking_a.offer.places_taken  # noqa: B018  (both requests have read everything)
        with app.app_context():
            booking_b = db.session.get(Booking, booking_id)
            actor_b = db.session.get(User, actor_ids[1])
            booking_b.offer.places_taken  # noqa: B018
            with ctx_a:
                first(actor=actor_a, booking=booking_a)
            try:
                second(actor=actor_b, booking=booking_b)
            except (ValidationFailed, OperationalError):
                db.session.rollback()
                return "refused"
            return "done"


def test_two_accepts_of_one_request_take_one_place(race_app):
    offer_id, booking_id, owner_id, _ = _setup(race_app, capacity=3)
    outcome = _race(race_app, bookings.accept_booking, bookings.accept_booking, booking_id,
                    (owner_id, owner_id))
    assert outcome == "refused"
    assert _state(race_app, offer_id, booking_id) == (1, "accepted")


def test_accept_racing_decline_leaves_a_consistent_booking(race_app):
    offer_id, booking_id, owner_id, _ = _setup(race_app, capacity=3)

    def decline(actor, booking):
        bookings.decline_booking(actor=actor, booking=booking, message="Helaas vol.")

    outcome = _race(race_app, decline, bookings.accept_booking, booking_id, (owner_id, owner_id))
    assert outcome == "refused"
    assert _state(race_app, offer_id, booking_id) == (0, "declined")


def test_two_cancels_give_the_place_back_once(race_app):
    offer_id, booking_id, owner_id, teacher_id = _setup(race_app, capacity=3, accepted=True)
    assert _state(race_app, offer_id, booking_id) == (1, "accepted")

    def cancel(actor, booking):
        bookings.cancel_booking(actor=actor, booking=booking, message="Bus valt uit.")

    outcome = _race(race_app, cancel, cancel, booking_id, (teacher_id, owner_id))
    assert outcome == "refused"
    assert _state(race_app, offer_id, booking_id) == (0, "cancelled")
