"""Booking, changing and cancelling a Techniekbus ride.

A teacher books a bus of a Technocentrum that covers their school's province, for an accepted
visit at a company: the ride leaves the school before the visit and comes back after it. The
Technocentrum's rules (bus/rules.py) are checked, and the price is shown before the teacher
confirms; a confirmation with another price than the current one is refused.

A bus is never booked twice at once: every booking or change first raises the bus's
`rides_version` in one conditional UPDATE, which holds the bus's row until the commit. A second
booking of the same bus waits there, then reads the first one's ride and is refused when the
times overlap (on SQLite a writing request holds the database's write lock from its BEGIN).

The school hears of a booking, a change and a cancellation by e-mail with the ride's calendar
entry (bus/calendar.py), under one UID, so its calendar shows the ride once.
"""
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal import security
from portal.audit import record_event
from portal.bookings import rules as booking_rules
from portal.bookings.bus import rules
from portal.bookings.bus.calendar import ride_ics
from portal.bookings.bus.models import (
    BOOKED,
    BY_CENTRE,
    BY_SCHOOL,
    BY_VISIT,
    CANCELLED,
    Bus,
    BusRide,
    BusRules,
)
from portal.bookings.bus.wording import explain
from portal.bookings.models import Booking
from portal.bookings.notices import recipients
from portal.bookings.parties import is_school_side
from portal.db import PORTAL_TIMEZONE, utcnow
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.geo.distance import haversine_km
from portal.geo.models import Place
from portal.i18n import gettext as _
from portal.notifications.outbox import notify
from portal.organisations.models import Technocentrum
from portal.organisations.regions import covering_centre_ids
from portal.organisations.services import technocentrum_of
from portal.taxonomy.codes import AT_COMPANY
from portal.text import clean_text

REASON_MAX = 2000
MAIL_CATEGORY = "booking"
TEACHERS_MAX = booking_rules.MAX_TEACHERS


def rules_of(centre_id):
    """The Technocentrum's rules, or the defaults when it never set them."""
    row = db.session.get(BusRules, centre_id)
    if row is None:
        return rules.Rules()
    return rules.Rules(
        min_days_ahead=row.min_days_ahead, max_days_ahead=row.max_days_ahead,
        opens_at=row.opens_at, max_distance_km=row.max_distance_km,
        price_cents=row.price_cents, surcharge_cents=row.surcharge_cents,
        level_codes=frozenset(level.code for level in row.levels) or None,
        surcharge_place_ids=frozenset(place.id for place in row.surcharge_places))


def surcharge_places(centre_rules):
    """The places whose schools pay the surcharge, by name."""
    if not centre_rules.surcharge_place_ids:
        return []
    return list(db.session.scalars(select(Place).where(
        Place.id.in_(centre_rules.surcharge_place_ids)).order_by(Place.name, Place.id)))


def buses_for(school):
    """The active buses of the Technocentra covering the school's place, by name."""
    if school is None or school.place is None:
        return []
    return list(db.session.scalars(
        select(Bus).where(Bus.technocentrum_id.in_(covering_centre_ids(school.place)),
                          Bus.active.is_(True))
        .options(selectinload(Bus.blocks), selectinload(Bus.technocentrum))
        .order_by(Bus.name, Bus.id)))


def may_ride(booking):
    """Whether a bus can go with this request at all: an accepted visit at a company, on a date
    with times. The rules decide the rest."""
    return (booking.status == booking_rules.ACCEPTED and booking.slot is not None
            and booking.offer.location_mode == AT_COMPANY)


def ride_of(booking):
    """The booked ride of the request, if any."""
    return db.session.scalar(select(BusRide).where(BusRide.booking_id == booking.id,
                                                   BusRide.status == BOOKED))


@dataclass(frozen=True)
class Quote:
    bus: Bus
    price_cents: int
    surcharge_cents: int


def _now(now):
    return (now or utcnow()).astimezone(PORTAL_TIMEZONE).replace(tzinfo=None)


def _distance(booking):
    school_place = booking.school.place
    location = booking.offer.location
    place = location.place if location is not None else booking.offer.place
    if school_place is None or place is None:
        return None
    return haversine_km(school_place.latitude, school_place.longitude, place.latitude,
                        place.longitude)


def _check(booking, bus, departs_at, returns_at, teachers, now, ride=None):
    """The Quote for this ride, or ValidationFailed with every problem next to its field."""
    if teachers is None or not 0 <= teachers <= TEACHERS_MAX:
        raise ValidationFailed({"teachers": _("Enter 0 to %(n)d accompanying teachers.",
                                              n=TEACHERS_MAX)})
    if departs_at is None or returns_at is None:
        raise ValidationFailed({name: _("Enter a time.") for name, value in
                                (("departs_at", departs_at), ("returns_at", returns_at))
                                if value is None})
    slot = booking.slot
    centre_rules = rules_of(bus.technocentrum_id)
    taken = db.session.execute(
        select(BusRide.departs_at, BusRide.returns_at)
        .where(BusRide.bus_id == bus.id, BusRide.day == slot.day, BusRide.status == BOOKED,
               BusRide.id != (ride.id if ride is not None else -1))).all()
    ask = rules.Ask(day=slot.day, departs_at=departs_at, returns_at=returns_at,
                    visit_starts=slot.starts_at, visit_ends=slot.ends_at,
                    pupils=booking.group_size, teachers=teachers,
                    level_code=booking.education_level.code, distance_km=_distance(booking),
                    school_place_id=booking.school.place_id)
    facts = rules.BusFacts(seats=bus.seats, run_days=bus.run_days, taken=tuple(taken),
                           blocks=tuple((b.starts_on, b.ends_on, b.reason) for b in bus.blocks))
    problems = rules.check(ask, centre_rules, facts, _now(now))
    if ride is not None:  # a change keeps its date: "too soon" and "not open" do not apply
        problems = [p for p in problems if p[1] not in ("too_soon", "not_open")]
    if problems:
        raise ValidationFailed(explain(problems))
    total, surcharge = rules.price(centre_rules, booking.school.place_id)
    return Quote(bus, total, surcharge)


def _bus(booking, bus_id):
    bus = next((b for b in buses_for(booking.school) if b.id == bus_id), None)
    if bus is None:
        raise ValidationFailed({"bus_id": _("Choose one of the buses of your region.")})
    return bus


def _require_teacher(actor, booking):
    security.require(is_school_side(actor, booking), "not this request's school")
    if booking.status in booking_rules.ENDED and booking.slot is not None:
        raise ValidationFailed({"": _("The visit is no longer accepted, so it has no bus.")})
    if not may_ride(booking):
        raise NotFound("booking")


def quote_ride(*, actor, booking, bus_id, departs_at, returns_at, teachers, now=None):
    """What the ride would cost, checked against every rule; nothing is written."""
    _require_teacher(actor, booking)
    return _check(booking, _bus(booking, bus_id), departs_at, returns_at, teachers, now)


def hold_bus(bus, active=True):
    """Raise the bus's version: one conditional UPDATE that holds its row until the commit (a
    booking, a change of a ride, and a change of the bus itself each take it first). The bus
    is read again after it, as it stands now."""
    result = db.session.execute(
        update(Bus).where(Bus.id == bus.id, *((Bus.active.is_(True),) if active else ()))
        .values(rides_version=Bus.rides_version + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"bus_id": _("This bus is no longer in service.")})
    db.session.expire(bus)


def _hold_visit(booking):
    """Hold the visit's row while it is still accepted: a cancellation at the same moment
    either waits and then finds the ride to cancel with it, or has cancelled it already."""
    result = db.session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == booking_rules.ACCEPTED)
        .values(sequence=Booking.sequence).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": _("The visit is no longer accepted, so it has no bus.")})


def _checked(booking, bus, departs_at, returns_at, teachers, now, ride=None):
    """_check after the holds: a refusal undoes them."""
    try:
        return _check(booking, bus, departs_at, returns_at, teachers, now, ride=ride)
    except ValidationFailed:
        db.session.rollback()
        raise


def book_ride(*, actor, booking, bus_id, departs_at, returns_at, teachers, price_cents,
              now=None):
    """Book the bus for the visit at the price the teacher was shown."""
    _require_teacher(actor, booking)
    if ride_of(booking) is not None:
        raise ValidationFailed({"": _("This visit already has a bus.")})
    bus = _bus(booking, bus_id)
    hold_bus(bus)
    _hold_visit(booking)
    quote = _checked(booking, bus, departs_at, returns_at, teachers, now)
    if quote.price_cents != price_cents:
        db.session.rollback()
        raise ValidationFailed({"": _("The price has changed since you checked it: check the "
                                      "ride again.")})
    ride = BusRide(bus_id=bus.id, booking_id=booking.id, school_id=booking.school_id,
                   booked_by_id=actor.id, day=booking.slot.day, departs_at=departs_at,
                   returns_at=returns_at, pupils=booking.group_size, teachers=teachers,
                   price_cents=quote.price_cents, surcharge_cents=quote.surcharge_cents)
    db.session.add(ride)
    try:
        db.session.flush()
    except IntegrityError:  # the school's colleague booked it at the same moment
        db.session.rollback()
        raise ValidationFailed({"": _("This visit already has a bus.")}) from None
    record_event(actor, "bus.booked", booking, ride_id=ride.id, bus_id=bus.id)
    _tell_school(ride, "bus.booked", "REQUEST")
    db.session.commit()
    return ride


def ride_party(actor, ride):
    """Who acts on the ride: its school (BY_SCHOOL) or a moderator of the bus's Technocentrum
    or the administrator (BY_CENTRE); NotAllowed for anyone else."""
    if is_school_side(actor, ride.booking):
        return BY_SCHOOL
    centre = db.session.get(Technocentrum, ride.bus.technocentrum_id)
    security.require(_moderates_centre(actor, centre), "neither the school nor its centre")
    return BY_CENTRE


def _moderates_centre(actor, centre):
    if security.has_role(actor, security.ADMIN):
        return True
    return (security.has_role(actor, security.MODERATOR)
            and getattr(technocentrum_of(actor), "id", None) == centre.id)


def get_ride_for(actor, ride_id):
    """A ride its school or its Technocentrum's moderators may see; others: NotFound."""
    ride = db.session.get(BusRide, ride_id)
    if ride is None:
        raise NotFound("ride")
    try:
        ride_party(actor, ride)
    except NotAllowed:
        raise NotFound("ride") from None
    return ride


def change_ride(*, actor, ride, bus_id, departs_at, returns_at, teachers, seen, now=None):
    """New times, teachers or (for the Technocentrum) another bus; `seen` is the ride's
    sequence the actor read, so a change on top of another's is refused."""
    side = ride_party(actor, ride)
    booking = ride.booking
    bus = _bus(booking, bus_id) if side == BY_CENTRE or bus_id == ride.bus_id else None
    if bus is None:
        raise ValidationFailed({"bus_id": _("Only the Technocentrum can move a ride to another "
                                            "bus.")})
    hold_bus(bus)
    _checked(booking, bus, departs_at, returns_at, teachers, now, ride=ride)
    # The price stays as the teacher confirmed it.
    result = db.session.execute(
        update(BusRide).where(BusRide.id == ride.id, BusRide.status == BOOKED,
                              BusRide.sequence == seen)
        .values(bus_id=bus.id, departs_at=departs_at, returns_at=returns_at, teachers=teachers,
                sequence=BusRide.sequence + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": _("The ride was changed or cancelled after you opened it. "
                                      "Read it again.")})
    db.session.expire(ride)
    record_event(actor, "bus.changed", booking, ride_id=ride.id, bus_id=bus.id, by=side)
    _tell_school(ride, "bus.changed", "REQUEST")
    db.session.commit()
    return ride


def cancel_ride(*, actor, ride, reason, now=None):
    """The school or the Technocentrum cancels, with a reason the other reads."""
    side = ride_party(actor, ride)
    reason = clean_text(reason or "", multiline=True)
    if not reason:
        raise ValidationFailed({"reason": _("Give a reason.")})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": _("Keep it under %(n)d characters.", n=REASON_MAX)})
    cancelled = _cancel(ride, side, reason, now)
    if not cancelled:
        db.session.rollback()
        raise ValidationFailed({"": _("This ride has already been cancelled.")})
    record_event(actor, "bus.cancelled", ride.booking, ride_id=ride.id, by=side, reason=reason)
    db.session.commit()
    return ride


def _cancel(ride, side, reason, now=None):
    """One conditional UPDATE; the school hears of it with the calendar's cancellation."""
    result = db.session.execute(
        update(BusRide).where(BusRide.id == ride.id, BusRide.status == BOOKED)
        .values(status=CANCELLED, cancelled_by=side, cancel_reason=reason,
                cancelled_at=now or utcnow(), sequence=BusRide.sequence + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    db.session.expire(ride)
    _tell_school(ride, "bus.cancelled", "CANCEL")
    return True


def cancel_with_visit(booking, actor, reason):
    """The visit will not take place (cancelled, or its date moved): its ride goes too. Called
    by the request's own use cases, in their transaction."""
    ride = ride_of(booking)
    if ride is not None and _cancel(ride, BY_VISIT, reason):
        record_event(actor, "bus.cancelled", booking, ride_id=ride.id, reason=reason,
                     by=BY_VISIT)


def _tell_school(ride, event, method):
    """The teacher of the request (or every member of the school), with the calendar entry.
    The message of event bus.booked is booking.bus_booked: a request's message, which a user
    who switched off request messages does not get."""
    kind = f"{MAIL_CATEGORY}.bus_{event.removeprefix('bus.')}"
    for user in recipients(ride.booking, booking_rules.SCHOOL):
        notify(user, kind, ride=ride, booking=ride.booking, bus=ride.bus,
               ics=ride_ics(ride, method, locale=user.locale or "nl"), ics_method=method)
