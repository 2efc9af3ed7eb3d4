"""A Technocentrum's buses, the periods they do not run, its booking rules, and the bus days of a
week or a month. Moderators keep their own Technocentrum's; the administrator any.

A change never strands a booked ride: fewer seats than a ride's passengers, a blocked period
over a ride, or taking a bus out of service with rides to come is refused, naming the rides."""
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import selectinload

from portal import security
from portal.audit import record_event
from portal.bookings.bus.models import (
    BOOKED,
    SEATS_MAX,
    Bus,
    BusBlock,
    BusRide,
    BusRules,
    bus_rule_levels,
    bus_surcharge_places,
)
from portal.bookings.bus.services import hold_bus
from portal.bookings.models import Booking
from portal.db import local_today, utcnow
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.geo.services import resolve_place
from portal.i18n import gettext as _
from portal.organisations.services import technocentrum_of
from portal.taxonomy.models import EducationLevel
from portal.text import clean_text

NAME_MAX = 80
REASON_MAX = 120


def _require_centre(actor, centre):
    if security.has_role(actor, security.ADMIN):
        return
    security.require_role(actor, security.MODERATOR)
    own = technocentrum_of(actor)
    security.require(own is not None and own.id == centre.id, "another Technocentrum's buses")


def buses_of(centre):
    return list(db.session.scalars(
        select(Bus).where(Bus.technocentrum_id == centre.id)
        .options(selectinload(Bus.blocks)).order_by(Bus.name, Bus.id)))


def get_bus_to_manage(actor, bus_id):
    bus = db.session.get(Bus, bus_id)
    if bus is None:
        raise NotFound("bus")
    try:
        _require_centre(actor, bus.technocentrum)
    except NotAllowed:
        raise NotFound("bus") from None
    return bus


def _rides_to_come(bus, where=()):
    return list(db.session.scalars(
        select(BusRide).where(BusRide.bus_id == bus.id, BusRide.status == BOOKED,
                              BusRide.day >= local_today(), *where)
        .order_by(BusRide.day, BusRide.departs_at)))


def _named(rides):
    return ", ".join(f"{ride.day:%d-%m-%Y} {ride.departs_at:%H:%M}" for ride in rides[:5])


def _bus_values(name, seats, run_days):
    errors, name = {}, clean_text(name or "")
    if not name:
        errors["name"] = _("Enter the bus's name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Keep it under %(n)d characters.", n=NAME_MAX)
    if seats is None or not 1 <= seats <= SEATS_MAX:
        errors["seats"] = _("Enter 1 to %(n)d seats.", n=SEATS_MAX)
    if not run_days or not 0 < run_days < 128:
        errors["run_days"] = _("Choose at least one day the bus runs.")
    if errors:
        raise ValidationFailed(errors)
    return name


def add_bus(*, actor, centre, name, seats, run_days):
    _require_centre(actor, centre)
    name = _bus_values(name, seats, run_days)
    bus = Bus(technocentrum_id=centre.id, name=name, seats=seats, run_days=run_days)
    db.session.add(bus)
    db.session.flush()
    record_event(actor, "bus.added", centre, bus_id=bus.id, name=name)
    db.session.commit()
    return bus


def change_bus(*, actor, bus, name, seats, run_days, active):
    """New name, seats, days or service; refused when a ride to come would no longer fit."""
    _require_centre(actor, bus.technocentrum)
    name = _bus_values(name, seats, run_days)
    hold_bus(bus, active=False)  # no booking of it in between
    rides = _rides_to_come(bus)
    too_full = [r for r in rides if r.pupils + r.teachers > seats]
    if too_full:
        db.session.rollback()
        raise ValidationFailed({"seats": _("Rides to come carry more people: %(rides)s.",
                                           rides=_named(too_full))})
    off_day = [r for r in rides if not run_days >> r.day.weekday() & 1]
    if off_day:
        db.session.rollback()
        raise ValidationFailed({"run_days": _("Rides are booked on other days: %(rides)s.",
                                              rides=_named(off_day))})
    if not active and rides:
        db.session.rollback()
        raise ValidationFailed({"active": _("Cancel its rides to come first: %(rides)s.",
                                            rides=_named(rides))})
    bus.name, bus.seats, bus.run_days, bus.active = name, seats, run_days, active
    record_event(actor, "bus.changed_bus", bus.technocentrum, bus_id=bus.id, name=name)
    db.session.commit()
    return bus


def add_block(*, actor, bus, starts_on, ends_on, reason):
    _require_centre(actor, bus.technocentrum)
    reason = clean_text(reason or "")
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the bus does not run, for example Kerstvakantie.")
    elif len(reason) > REASON_MAX:
        errors["reason"] = _("Keep it under %(n)d characters.", n=REASON_MAX)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _("The period cannot end before it starts.")
    if errors:
        raise ValidationFailed(errors)
    hold_bus(bus, active=False)  # no booking of it in between
    rides = _rides_to_come(bus, (BusRide.day >= starts_on, BusRide.day <= ends_on))
    if rides:
        db.session.rollback()
        raise ValidationFailed({"starts_on": _(
            "The bus has rides booked in this period; cancel them first: %(rides)s.",
            rides=_named(rides))})
    block = BusBlock(bus_id=bus.id, starts_on=starts_on, ends_on=ends_on, reason=reason)
    db.session.add(block)
    db.session.flush()
    record_event(actor, "bus.block_added", bus.technocentrum, bus_id=bus.id, reason=reason)
    db.session.commit()
    return block


def remove_block(*, actor, block_id):
    block = db.session.get(BusBlock, block_id)
    if block is None:
        raise NotFound("block")
    bus = get_bus_to_manage(actor, block.bus_id)
    db.session.delete(block)
    record_event(actor, "bus.block_removed", bus.technocentrum, bus_id=bus.id)
    db.session.commit()
    return bus


@dataclass(frozen=True)
class RuleValues:
    min_days_ahead: int
    max_days_ahead: int
    opens_at: time
    max_distance_km: int
    price_cents: int
    surcharge_cents: int
    level_ids: tuple = ()
    surcharge_places: tuple = ()  # place names as typed


def save_rules(*, actor, centre, values):
    _require_centre(actor, centre)
    errors = {}
    if not 0 <= values.min_days_ahead <= 365:
        errors["min_days_ahead"] = _("Enter 0 to 365 days.")
    if not values.min_days_ahead <= values.max_days_ahead <= 730:
        errors["max_days_ahead"] = _("Enter %(low)d to 730 days: no fewer than the least.",
                                     low=values.min_days_ahead)
    if not 1 <= values.max_distance_km <= 500:
        errors["max_distance_km"] = _("Enter 1 to 500 km.")
    levels = list(db.session.scalars(select(EducationLevel)
                                     .where(EducationLevel.id.in_(values.level_ids))))
    if len(levels) != len(set(values.level_ids)) or not levels:
        errors["level_ids"] = _("Choose the levels whose groups may book the bus.")
    places = []
    for name in values.surcharge_places:
        try:
            places.append(resolve_place(name))
        except ValidationFailed as error:
            errors["surcharge_places"] = next(iter(error.errors.values()))
    if errors:
        raise ValidationFailed(errors)
    row = db.session.get(BusRules, centre.id) or BusRules(technocentrum_id=centre.id)
    row.min_days_ahead, row.max_days_ahead = values.min_days_ahead, values.max_days_ahead
    row.opens_at, row.max_distance_km = values.opens_at, values.max_distance_km
    row.price_cents, row.surcharge_cents = values.price_cents, values.surcharge_cents
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    db.session.add(row)
    db.session.flush()
    for table, column, ids in ((bus_rule_levels, "education_level_id", {lv.id for lv in levels}),
                               (bus_surcharge_places, "place_id", {p.id for p in places})):
        db.session.execute(delete(table).where(table.c.technocentrum_id == centre.id))
        if ids:
            db.session.execute(insert(table), [{"technocentrum_id": centre.id, column: i}
                                               for i in sorted(ids)])
    record_event(actor, "bus.rules_changed", centre)
    db.session.commit()
    db.session.expire(row)
    return row


# --- the bus days of a week or a month ---------------------------------------------------------


@dataclass
class BusDay:
    day: date
    bus: Bus
    rides: list
    blocked: str | None  # the reason it does not run, or None
    runs: bool


def schedule(*, actor, centre, first, last):
    """For each day from `first` to `last` and each of the centre's buses: its rides, and
    whether it runs. {day: [BusDay per bus]}."""
    _require_centre(actor, centre)
    buses = buses_of(centre)
    rides = list(db.session.scalars(
        select(BusRide).join(Bus).where(Bus.technocentrum_id == centre.id,
                                        BusRide.status == BOOKED, BusRide.day >= first,
                                        BusRide.day <= last)
        .options(selectinload(BusRide.booking).selectinload(Booking.offer),
                 selectinload(BusRide.school))
        .order_by(BusRide.day, BusRide.departs_at, BusRide.id)))
    by_key = {}
    for ride in rides:
        by_key.setdefault((ride.day, ride.bus_id), []).append(ride)
    days, day = {}, first
    while day <= last:
        days[day] = [BusDay(day, bus, by_key.get((day, bus.id), []), next(
            (b.reason for b in bus.blocks if b.starts_on <= day <= b.ends_on), None),
            bus.active and bus.runs_on(day)) for bus in buses]
        day += timedelta(days=1)
    return days
