"""Two teachers booking the same Techniekbus at the same moment, each in a thread of its own
with its own database session (`all_at_once`), on SQLite and on PostgreSQL: the bus is booked
once, the other teacher is told (ValidationFailed), never shown a server error.

Each booking first raises the bus's `rides_version` with one conditional UPDATE; on
PostgreSQL the second waits for the first's row lock, then reads its ride and finds the times
taken. On SQLite a writing request holds the write lock from its BEGIN, so the second queues."""
from datetime import time

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.bookings.bus import services as bus_services
from portal.bookings.bus.models import BusRide
from portal.bookings.models import Booking
from portal.extensions import db
from tests import factories
from tests.databases import all_at_once, app_with_two_towns

pytestmark = pytest.mark.own_app


@pytest.fixture
def race_app(tmp_path):
    with app_with_two_towns(tmp_path, "bus_races") as app:
        yield app


@pytest.fixture
def setting(race_app):
    """One bus of Zeeland; two schools with an accepted visit at the same hours."""
    with race_app.app_context():
        centre = factories.technocentrum(provinces=("NL-ZE",))
        bus = factories.bus(centre)
        visits = [factories.visit_to_ride(factories.owner_of(factories.school(place=place)),
                                          company_place="Vlissingen")
                  for place in ("Middelburg", "Vlissingen")]
        ids = {"bus": bus.id, "visits": [(v.id, v.requested_by_id) for v in visits]}
        db.session.remove()
        return ids


def booking_job(bus_id, booking_id, teacher_id, departs_at, returns_at):
    def job():
        teacher = db.session.get(User, teacher_id)
        booking = db.session.get(Booking, booking_id)
        return bus_services.book_ride(actor=teacher, booking=booking, bus_id=bus_id,
                                      departs_at=departs_at, returns_at=returns_at,
                                      teachers=2, price_cents=0).id
    return job


def rides_of_bus(app, bus_id):
    with app.app_context():
        return db.session.scalar(select(func.count(BusRide.id))
                                 .where(BusRide.bus_id == bus_id, BusRide.status == "booked"))


def test_two_teachers_booking_one_bus_at_once_get_it_once(race_app, setting):
    (first, first_teacher), (second, second_teacher) = setting["visits"]

    outcomes = all_at_once(race_app, [
        booking_job(setting["bus"], first, first_teacher, time(8, 15), time(12, 15)),
        booking_job(setting["bus"], second, second_teacher, time(8, 0), time(12, 0))])

    assert sorted(kind for kind, _ in outcomes) == ["done", "refused"]
    [(_, errors)] = [o for o in outcomes if o[0] == "refused"]
    assert set(errors) == {"bus_id"}
    assert rides_of_bus(race_app, setting["bus"]) == 1


def test_one_school_booking_twice_at_once_gets_one_ride(race_app, setting):
    (visit, teacher), _other = setting["visits"]

    outcomes = all_at_once(race_app, [
        booking_job(setting["bus"], visit, teacher, time(8, 15), time(12, 15)),
        booking_job(setting["bus"], visit, teacher, time(8, 15), time(12, 15))])

    assert sorted(kind for kind, _ in outcomes) == ["done", "refused"]
    assert rides_of_bus(race_app, setting["bus"]) == 1


def test_a_visit_cancelled_while_its_bus_is_booked_leaves_no_ride(race_app, setting):
    """The company cancels the visit as the teacher books the bus: either the booking is
    refused, or the ride is booked first and goes with the cancelled visit."""
    from portal.bookings.services import cancel_booking

    (visit, teacher), _other = setting["visits"]
    with race_app.app_context():
        owner_id = factories.owner_of(db.session.get(Booking, visit).offer.company).id
        db.session.remove()

    def cancel():
        return cancel_booking(actor=db.session.get(User, owner_id),
                              booking=db.session.get(Booking, visit),
                              message="De machine is stuk.").id

    outcomes = all_at_once(race_app, [
        booking_job(setting["bus"], visit, teacher, time(8, 15), time(12, 15)), cancel])

    assert outcomes[1][0] == "done" and outcomes[0][0] in ("done", "refused")
    assert rides_of_bus(race_app, setting["bus"]) == 0
