"""The Techniekbus: booking a ride with an accepted visit, its rules, changes and cancellation
(portal/bookings/bus)."""
from datetime import time, timedelta

import pytest
from sqlalchemy import func, select

from portal.bookings.bus import services as bus_services
from portal.bookings.bus import setup
from portal.bookings.bus.models import BusRide
from portal.bookings.services import cancel_booking
from portal.db import local_today
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.taxonomy.services import level_by_code
from tests.outbox import last_id, mails_since

OUT, BACK = time(8, 15), time(12, 15)


@pytest.fixture
def zeeland(make):
    return make.technocentrum(provinces=("NL-ZE",), name="Technocentrum Zeeland")


@pytest.fixture
def bus(make, zeeland):
    return make.bus(zeeland)


@pytest.fixture
def visit(make, bus):
    return make.visit_to_ride()


def teacher_of(visit):
    return visit.requested_by


def book(visit, bus, **changes):
    values = {"actor": teacher_of(visit), "booking": visit, "bus_id": bus.id,
              "departs_at": OUT, "returns_at": BACK, "teachers": 2}
    values.update(changes)
    price = changes.pop("price_cents", None)
    if price is None:
        values["price_cents"] = bus_services.quote_ride(
            **{k: v for k, v in values.items() if k != "price_cents"}).price_cents
    return bus_services.book_ride(**values)


def rides():
    return db.session.scalar(select(func.count(BusRide.id)))


def test_a_teacher_books_the_bus_and_the_school_gets_the_calendar_entry(visit, bus):
    mark = last_id()

    ride = book(visit, bus)

    assert (ride.bus_id, ride.day, ride.departs_at, ride.returns_at) == (
        bus.id, visit.slot.day, OUT, BACK)
    assert (ride.pupils, ride.teachers, ride.price_cents, ride.status) == (24, 2, 0, "booked")
    [mail] = mails_since(mark)
    assert (mail.kind, mail.to_address, mail.ics_method) == (
        "booking.bus_booked", teacher_of(visit).email, "REQUEST")
    assert f"UID:bus-ride-{ride.id}@" in mail.ics.replace("\r\n ", "")
    assert "DTSTART;TZID=Europe/Amsterdam:" in mail.ics
    assert "08:15" in mail.body_text and "12:15" in mail.body_text


def test_the_price_and_surcharge_come_from_the_rules_and_must_be_the_ones_shown(make, zeeland,
                                                                                visit, bus):
    setup.save_rules(actor=make.admin(), centre=zeeland, values=setup.RuleValues(
        min_days_ahead=2, max_days_ahead=200, opens_at=time(9), max_distance_km=60,
        price_cents=4500, surcharge_cents=1250,
        level_ids=(level_by_code("vmbo_kb").id,), surcharge_places=("Middelburg (Zeeland)",)))
    quote = bus_services.quote_ride(actor=teacher_of(visit), booking=visit, bus_id=bus.id,
                                    departs_at=OUT, returns_at=BACK, teachers=2)
    assert (quote.price_cents, quote.surcharge_cents) == (5750, 1250)

    with pytest.raises(ValidationFailed) as changed:
        book(visit, bus, price_cents=4500)
    assert "prijs" in changed.value.errors[""]
    assert rides() == 0
    assert book(visit, bus).price_cents == 5750


@pytest.mark.parametrize("changes, field", [
    ({"teachers": 30}, "teachers"),          # 24 + 30 > 53 seats
    ({"departs_at": time(9, 30)}, "departs_at"),  # after the visit starts
    ({"returns_at": time(11, 0)}, "returns_at"),  # before it ends
    ({"teachers": -1}, "teachers"),
])
def test_rides_outside_the_seats_or_the_visit_are_refused(visit, bus, changes, field):
    values = {"departs_at": OUT, "returns_at": BACK, "teachers": 2, **changes}
    with pytest.raises(ValidationFailed) as refused:
        bus_services.book_ride(actor=teacher_of(visit), booking=visit, bus_id=bus.id,
                               price_cents=0, **values)

    assert field in refused.value.errors
    assert rides() == 0
    db.session.expire_all()
    assert bus.rides_version == 0  # the refusal undid the hold on the bus


def test_a_blocked_period_and_a_day_the_bus_does_not_run_are_refused(make, zeeland, visit, bus):
    day = visit.slot.day
    setup.add_block(actor=make.admin(), bus=bus, starts_on=day - timedelta(days=1),
                    ends_on=day, reason="Herfstvakantie")
    with pytest.raises(ValidationFailed) as blocked:
        book(visit, bus, price_cents=0)
    assert "Herfstvakantie" in blocked.value.errors["bus_id"]

    other = make.bus(zeeland, name="Techniekbus 2", run_days=0b1111111 & ~(1 << day.weekday()))
    with pytest.raises(ValidationFailed) as off:
        book(visit, other, price_cents=0)
    assert "bus_id" in off.value.errors
    assert rides() == 0


def test_the_rules_decide_who_how_far_and_when(make, zeeland, bus):
    admin = make.admin()
    setup.save_rules(actor=admin, centre=zeeland, values=setup.RuleValues(
        min_days_ahead=20, max_days_ahead=200, opens_at=time(9), max_distance_km=5,
        price_cents=0, surcharge_cents=0, level_ids=(level_by_code("po_7_8").id,)))
    visit = make.visit_to_ride()  # 14 days ahead, VMBO, about 6 km in a straight line

    with pytest.raises(ValidationFailed) as refused:
        book(visit, bus, price_cents=0)

    message = refused.value.errors[""]
    assert "niveau" in message and "20 dagen" in message and "km" in message


def test_booking_opens_max_days_ahead_at_the_set_hour(make, zeeland, visit, bus):
    setup.save_rules(actor=make.admin(), centre=zeeland, values=setup.RuleValues(
        min_days_ahead=1, max_days_ahead=14, opens_at=time(23, 59), max_distance_km=60,
        price_cents=0, surcharge_cents=0, level_ids=(level_by_code("vmbo_kb").id,)))
    early = local_today() == visit.slot.day - timedelta(days=14)
    assert early  # the factory's visit is 14 days ahead: booking opens today at 23:59

    with pytest.raises(ValidationFailed) as not_yet:
        bus_services.quote_ride(actor=teacher_of(visit), booking=visit, bus_id=bus.id,
                                departs_at=OUT, returns_at=BACK, teachers=2,
                                now=_local(visit.slot.day - timedelta(days=14), time(12)))
    assert "23:59" in not_yet.value.errors[""]
    assert bus_services.quote_ride(
        actor=teacher_of(visit), booking=visit, bus_id=bus.id, departs_at=OUT,
        returns_at=BACK, teachers=2,
        now=_local(visit.slot.day - timedelta(days=13), time(8))).price_cents == 0


def _local(day, moment):
    from datetime import datetime

    from portal.db import PORTAL_TIMEZONE

    return datetime.combine(day, moment, tzinfo=PORTAL_TIMEZONE)


def test_a_bus_is_not_booked_twice_at_once(make, bus):
    first = make.visit_to_ride()
    second = make.visit_to_ride(make.owner_of(make.school(place="Goes")))
    book(first, bus)

    with pytest.raises(ValidationFailed) as taken:
        book(second, bus, departs_at=time(8, 0), returns_at=time(12, 0), price_cents=0)

    assert "bus_id" in taken.value.errors
    assert rides() == 1


def test_one_ride_per_visit(visit, bus):
    book(visit, bus)
    with pytest.raises(ValidationFailed):
        book(visit, bus, price_cents=0)
    assert rides() == 1


def test_only_the_school_books_and_only_an_accepted_visit_at_a_company(make, visit, bus):
    with pytest.raises(NotAllowed):
        book(visit, bus, actor=make.owner_of(visit.offer.company), price_cents=0)
    with pytest.raises(NotAllowed):
        book(visit, bus, actor=make.owner_of(make.school(place="Goes")), price_cents=0)
    requested = make.booking(make.offer(make.company(place="Vlissingen")))
    with pytest.raises(NotFound):
        book(requested, bus, price_cents=0)
    assert rides() == 0


def test_a_school_of_another_region_sees_no_bus(make, bus):
    visit = make.visit_to_ride(make.owner_of(make.school(place="Utrecht")),
                               company_place="Utrecht")

    assert bus_services.buses_for(visit.school) == []
    with pytest.raises(ValidationFailed) as refused:
        book(visit, bus, price_cents=0)
    assert "bus_id" in refused.value.errors


def test_the_school_changes_the_times_and_gets_the_updated_entry(visit, bus):
    ride = book(visit, bus)
    mark = last_id()

    bus_services.change_ride(actor=teacher_of(visit), ride=ride, bus_id=bus.id,
                             departs_at=time(8, 30), returns_at=BACK, teachers=3, seen=0)

    assert (ride.departs_at, ride.teachers, ride.sequence) == (time(8, 30), 3, 1)
    [mail] = mails_since(mark)
    assert (mail.kind, mail.ics_method) == ("booking.bus_changed", "REQUEST")
    assert "SEQUENCE:1" in mail.ics
    with pytest.raises(ValidationFailed):  # a change on top of the one read
        bus_services.change_ride(actor=teacher_of(visit), ride=ride, bus_id=bus.id,
                                 departs_at=OUT, returns_at=BACK, teachers=2, seen=0)


def test_only_the_technocentrum_moves_a_ride_to_another_bus(make, zeeland, visit, bus):
    ride = book(visit, bus)
    spare = make.bus(zeeland, name="Reservebus")
    with pytest.raises(ValidationFailed):
        bus_services.change_ride(actor=teacher_of(visit), ride=ride, bus_id=spare.id,
                                 departs_at=OUT, returns_at=BACK, teachers=2, seen=0)
    moderator = make.moderator(zeeland)

    bus_services.change_ride(actor=moderator, ride=ride, bus_id=spare.id, departs_at=OUT,
                             returns_at=BACK, teachers=2, seen=0)

    assert ride.bus_id == spare.id


def test_cancelled_by_the_school_or_the_technocentrum_with_a_reason(make, zeeland, visit, bus):
    ride = book(visit, bus)
    with pytest.raises(ValidationFailed):
        bus_services.cancel_ride(actor=teacher_of(visit), ride=ride, reason=" ")
    other_region = make.moderator(make.technocentrum(provinces=("NL-FL",)))
    with pytest.raises(NotAllowed):
        bus_services.cancel_ride(actor=other_region, ride=ride, reason="Nee")
    mark = last_id()

    bus_services.cancel_ride(actor=make.moderator(zeeland), ride=ride, reason="Bus kapot.")

    assert (ride.status, ride.cancelled_by, ride.cancel_reason) == (
        "cancelled", "technocentrum", "Bus kapot.")
    [mail] = mails_since(mark)
    assert (mail.kind, mail.ics_method) == ("booking.bus_cancelled", "CANCEL")
    assert "Bus kapot." in mail.body_text and "STATUS:CANCELLED" in mail.ics
    with pytest.raises(ValidationFailed):
        bus_services.cancel_ride(actor=teacher_of(visit), ride=ride, reason="Nog eens")
    book(visit, bus)  # the visit may have a bus again


def test_a_cancelled_visit_takes_its_ride_with_it(make, visit, bus):
    ride = book(visit, bus)

    cancel_booking(actor=make.owner_of(visit.offer.company), booking=visit,
                   message="Machine defect.")

    db.session.refresh(ride)
    assert (ride.status, ride.cancelled_by) == ("cancelled", "visit")


def test_seats_blocks_and_service_never_strand_a_booked_ride(make, visit, bus):
    admin = make.admin()
    ride = book(visit, bus)
    with pytest.raises(ValidationFailed) as seats:
        setup.change_bus(actor=admin, bus=bus, name=bus.name, seats=20, run_days=127,
                         active=True)
    assert "seats" in seats.value.errors
    with pytest.raises(ValidationFailed):
        setup.change_bus(actor=admin, bus=bus, name=bus.name, seats=53, run_days=127,
                         active=False)
    with pytest.raises(ValidationFailed):
        setup.add_block(actor=admin, bus=bus, starts_on=ride.day, ends_on=ride.day,
                        reason="Onderhoud")
    db.session.expire_all()
    assert (bus.seats, bus.active, bus.blocks) == (53, True, [])


def test_another_regions_moderator_cannot_manage_the_bus(make, bus):
    flevoland = make.moderator(make.technocentrum(provinces=("NL-FL",)))

    with pytest.raises(NotFound):
        setup.get_bus_to_manage(flevoland, bus.id)
    with pytest.raises(NotAllowed):
        setup.add_bus(actor=flevoland, centre=bus.technocentrum, name="X", seats=10,
                      run_days=31)


def test_the_schedule_shows_rides_free_days_and_blocks(make, zeeland, visit, bus):
    ride = book(visit, bus)
    setup.add_block(actor=make.admin(), bus=bus, starts_on=ride.day + timedelta(days=1),
                    ends_on=ride.day + timedelta(days=1), reason="Onderhoud")

    days = setup.schedule(actor=make.moderator(zeeland), centre=zeeland, first=ride.day,
                          last=ride.day + timedelta(days=2))

    [(on_day, [entry]), (blocked_day, [blocked]), (free_day, [free])] = days.items()
    assert (entry.rides, blocked.blocked, free.rides, free.runs) == (
        [ride], "Onderhoud", [], True)
