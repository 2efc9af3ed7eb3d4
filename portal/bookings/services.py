"""Use cases of bookings: a school requests an offer, the company answers."""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from portal import security
from portal.audit import record_event
from portal.bookings import rules
from portal.bookings.models import Booking
from portal.db import local_today, utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.offers.models import PAUSED, PUBLISHED, Offer, Slot
from portal.organisations.services import is_member, school_of
from portal.taxonomy.models import EducationLevel

MESSAGE_MAX = 4000


def _text(value, field, required=False):
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed({field: _("Write a short message.")})
    if len(value) > MESSAGE_MAX:
        raise ValidationFailed({field: _("Keep it under %(n)d characters.", n=MESSAGE_MAX)})
    return value


def request_booking(*, actor, offer, group_size, level_id, slot_id=None, wanted_on=None,
                    teachers=0, message="", today=None):
    """A teacher requests a published offer: a slot for a number of pupils (group activities)
    or a number of places from a start date (placements)."""
    security.require_role(actor, *security.SCHOOL_ROLES)
    school = school_of(actor)
    security.require(school is not None, "teacher without a school")
    if offer.status not in (PUBLISHED, PAUSED):
        raise NotFound("offer")
    today = today or local_today()
    errors = {}
    if offer.status == PAUSED:
        errors[""] = _("The company has paused this offer; it takes no new requests for now.")
    elif open_request_of(school, offer) is not None:
        errors[""] = _("Your school already has a request for this offer waiting for an answer.")
    if group_size is None or group_size < 1:
        errors["group_size"] = _("A group has at least one pupil.")
    if teachers is None or not 0 <= teachers <= 20:
        errors["teachers"] = _("Enter 0 to 20 accompanying teachers.")
    if offer.has_slots:
        slot, wanted_on = _requested_slot(offer, slot_id, today, errors), None
        if slot is not None:
            wanted_on = slot.day
            _check_group(offer, slot, group_size, teachers, errors)
    else:
        slot = None
        _check_places(offer, wanted_on, group_size, today, errors)
    level = db.session.get(EducationLevel, level_id) if level_id else None
    if level is None or level not in offer.levels:
        errors["level_id"] = _("Choose one of the levels this offer serves.")
    if errors:
        raise ValidationFailed(errors)
    booking = Booking(offer=offer, slot=slot, school=school, requested_by_id=actor.id,
                      status=rules.REQUESTED, wanted_on=wanted_on, group_size=group_size,
                      teachers=teachers or 0, education_level=level,
                      message=_text(message, "message"))
    db.session.add(booking)
    record_event(actor, "booking.requested", booking, offer_id=offer.id,
                 slot_id=slot.id if slot else None, pupils=group_size)
    db.session.commit()
    return booking


def _requested_slot(offer, slot_id, today, errors):
    slot = db.session.get(Slot, slot_id) if slot_id else None
    if slot is None or slot.offer_id != offer.id:
        errors["slot_id"] = _("Choose one of the offer's dates.")
        return None
    if slot.day < today:
        errors["slot_id"] = _("This date has passed; choose a later one.")
        return None
    return slot


def _check_group(offer, slot, group_size, teachers, errors):
    if group_size is None or group_size < 1 or "teachers" in errors:
        return
    needed = group_size + ((teachers or 0) if offer.counts_teachers else 0)
    smallest = max(slot.min_group or 0, offer.min_group_size or 0)
    if slot.room <= 0:
        errors["slot_id"] = _("This date is full; choose another.")
    elif needed > slot.room:
        errors["group_size"] = ngettext(
            "Only one place is left on this date.",
            "Only %(num)d places are left on this date.", slot.room)
    elif offer.max_group_size and group_size > offer.max_group_size:
        errors["group_size"] = _("This offer takes groups of at most %(n)d pupils.",
                                 n=offer.max_group_size)
    elif group_size < smallest:
        errors["group_size"] = _("This offer takes groups of at least %(n)d pupils.",
                                 n=smallest)


def _check_places(offer, wanted_on, group_size, today, errors):
    if offer.is_full:
        errors[""] = ngettext("This offer is full: its only place is taken.",
                              "This offer is full: all %(num)d places are taken.",
                              offer.capacity)
    elif group_size is not None and group_size > offer.places_left:
        errors["group_size"] = ngettext("Only one place is free.",
                                        "Only %(num)d places are free.", offer.places_left)
    first, last = rules.date_window(today, offer.starts_on, offer.ends_on)
    if wanted_on is None or wanted_on < today:
        errors["wanted_on"] = _("Choose today or a later date.")
    elif wanted_on < first or (last is not None and wanted_on > last):
        errors["wanted_on"] = _("Choose a date within the offer's period.")


def open_request_of(school, offer):
    """The school's request for this offer that waits for an answer, or None.

    One open request per school and offer: a second one adds nothing for the company, and a
    flood of them would push the company down the search (the fairness rule)."""
    return db.session.scalar(select(Booking).where(
        Booking.school_id == school.id, Booking.offer_id == offer.id,
        Booking.status == rules.REQUESTED).order_by(Booking.id).limit(1))


def date_window_for(offer, today=None):
    """The dates a request for this offer may ask for (see rules.date_window)."""
    return rules.date_window(today or local_today(), offer.starts_on, offer.ends_on)


def _refuse(errors):
    """Undo what this use case wrote so far, then refuse it."""
    db.session.rollback()
    raise ValidationFailed(errors)


def _move(booking, wanted):
    """Move the booking to `wanted` with one UPDATE conditional on the status it was read with,
    so of two people answering at once only one succeeds. Returns the previous status."""
    current = booking.status
    answered = {"": _("This request has already been answered.")}
    if not rules.can_transition(current, wanted):
        _refuse(answered)
    result = db.session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == current)
        .values(status=wanted).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        _refuse(answered)
    return current


def _take_room(booking):
    """Claim the request's room with one conditional UPDATE: on its slot (pupils) or on the
    offer (places). Whatever arrives at once, the capacity is never exceeded."""
    needed = booking.room_needed
    if booking.slot_id is not None:
        statement = (update(Slot).where(Slot.id == booking.slot_id,
                                        Slot.taken + needed <= Slot.capacity)
                     .values(taken=Slot.taken + needed))
        full = _("There is no room left on this date for this group; decline this request.")
    else:
        statement = (update(Offer).where(Offer.id == booking.offer_id,
                                         Offer.places_taken + needed <= Offer.capacity)
                     .values(places_taken=Offer.places_taken + needed))
        full = _("Not enough places of this offer are free; decline this request.")
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    if result.rowcount != 1:
        _refuse({"": full})
    booking.room_taken = needed


def release_room(booking):
    """Give back the room an accepted request took."""
    taken = booking.room_taken
    if booking.slot_id is not None:
        statement = (update(Slot).where(Slot.id == booking.slot_id, Slot.taken >= taken)
                     .values(taken=Slot.taken - taken))
    else:
        statement = (update(Offer).where(Offer.id == booking.offer_id,
                                         Offer.places_taken >= taken)
                     .values(places_taken=Offer.places_taken - taken))
    db.session.execute(statement.execution_options(synchronize_session=False))
    booking.room_taken = 0


def _require_company_side(actor, booking):
    security.require(security.has_role(actor, security.COMPANY_MEMBER)
                     and is_member(actor, booking.offer.company), "not this offer's company")


def accept_booking(*, actor, booking, message=""):
    """The company accepts; the date is fixed and one place is taken."""
    _require_company_side(actor, booking)
    response = _text(message, "message")
    _move(booking, rules.ACCEPTED)
    _take_room(booking)
    _answer(actor, booking, response, "booking.accepted")
    return booking


def decline_booking(*, actor, booking, message):
    """The company declines, and says why."""
    _require_company_side(actor, booking)
    response = _text(message, "message", required=True)
    _move(booking, rules.DECLINED)
    _answer(actor, booking, response, "booking.declined", reason=response)
    return booking


def _answer(actor, booking, response, action, **details):
    booking.response = response
    booking.decided_by_id = actor.id
    booking.decided_at = utcnow()
    record_event(actor, action, booking, **details)
    db.session.commit()


def withdraw_booking(*, actor, booking, message=""):
    """The school withdraws its request while it waits for an answer; a reason is optional."""
    security.require(security.has_role(actor, *security.SCHOOL_ROLES)
                     and is_member(actor, booking.school), "not this request's school")
    reason = _text(message, "message")
    _move(booking, rules.WITHDRAWN)
    booking.response = reason or None
    record_event(actor, "booking.withdrawn", booking, reason=reason)
    db.session.commit()
    return booking


def cancel_booking(*, actor, booking, message):
    """Either side cancels an accepted request, with a reason; its place is given back."""
    school_side = security.has_role(actor, *security.SCHOOL_ROLES) and is_member(
        actor, booking.school)
    company_side = security.has_role(actor, security.COMPANY_MEMBER) and is_member(
        actor, booking.offer.company)
    security.require(school_side or company_side, "not a party to this booking")
    reason = _text(message, "message", required=True)
    _move(booking, rules.CANCELLED)
    release_room(booking)
    booking.response = reason
    record_event(actor, "booking.cancelled", booking, reason=reason)
    db.session.commit()
    return booking


def _with_parties(query):
    return query.options(joinedload(Booking.offer).joinedload(Offer.company),
                         joinedload(Booking.school), joinedload(Booking.education_level),
                         joinedload(Booking.requested_by))


def bookings_for_company(*, actor, company):
    security.require(security.has_role(actor, security.COMPANY_MEMBER)
                     and is_member(actor, company), "not a member of this company")
    return list(db.session.scalars(_with_parties(
        select(Booking).join(Booking.offer).where(Offer.company_id == company.id)
    ).order_by(Booking.created_at.desc(), Booking.id.desc())))


def bookings_for_school(*, actor, school):
    security.require(security.has_role(actor, *security.SCHOOL_ROLES)
                     and is_member(actor, school), "not a member of this school")
    return list(db.session.scalars(_with_parties(
        select(Booking).where(Booking.school_id == school.id)
    ).order_by(Booking.created_at.desc(), Booking.id.desc())))


def get_booking_for(actor, booking_id):
    """The booking if the actor is one of its two parties; otherwise NotFound."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not (is_member(actor, booking.school)
                               or is_member(actor, booking.offer.company)):
        raise NotFound("booking")
    return booking

