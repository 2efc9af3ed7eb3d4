"""Use cases of bookings: a school requests an offer, the company answers."""
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from portal import security
from portal.audit import record_event
from portal.bookings import rules
from portal.bookings.models import Booking
from portal.db import utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.offers.models import PUBLISHED, Offer
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


def request_booking(*, actor, offer, wanted_on, group_size, level_id, message="", today=None):
    """A teacher requests a published offer for their school's group."""
    security.require_role(actor, *security.SCHOOL_ROLES)
    school = school_of(actor)
    security.require(school is not None, "teacher without a school")
    if offer.status != PUBLISHED:
        raise NotFound("offer")
    today = today or date.today()
    errors = {}
    if offer.is_full:
        errors[""] = ngettext("This offer is fully booked: its only place is taken.",
                              "This offer is fully booked: all %(num)d places are taken.",
                              offer.capacity)
    if wanted_on is None or wanted_on < today:
        errors["wanted_on"] = _("Choose today or a later date.")
    elif (offer.starts_on and wanted_on < offer.starts_on) or (
            offer.ends_on and wanted_on > offer.ends_on):
        errors["wanted_on"] = _("Choose a date within the offer's period.")
    if group_size is None or group_size < 1:
        errors["group_size"] = _("A group has at least one person.")
    elif offer.max_group_size and group_size > offer.max_group_size:
        errors["group_size"] = _("This offer takes groups of at most %(n)d.",
                                 n=offer.max_group_size)
    level = db.session.get(EducationLevel, level_id) if level_id else None
    if level is None or level not in offer.levels:
        errors["level_id"] = _("Choose one of the levels this offer serves.")
    if errors:
        raise ValidationFailed(errors)
    booking = Booking(offer=offer, school=school, requested_by_id=actor.id,
                      status=rules.REQUESTED, wanted_on=wanted_on, group_size=group_size,
                      education_level=level, message=_text(message, "message"))
    db.session.add(booking)
    record_event(actor, "booking.requested", booking, offer_id=offer.id)
    db.session.commit()
    return booking


def _next_status(booking, wanted):
    """The status the booking may move to, checked before anything changes."""
    try:
        return rules.transition(booking.status, wanted)
    except rules.TransitionNotAllowed:
        raise ValidationFailed({"": _("This request has already been answered.")}) from None


def _take_place(offer):
    """Claim one place with a single conditional UPDATE, so two accepts can never overbook."""
    result = db.session.execute(
        update(Offer).where(Offer.id == offer.id, Offer.places_taken < Offer.capacity)
        .values(places_taken=Offer.places_taken + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ValidationFailed({"": _("All places of this offer are taken; decline the request "
                                      "or raise the capacity first.")})
    db.session.refresh(offer, ["places_taken"])


def _release_place(offer):
    db.session.execute(
        update(Offer).where(Offer.id == offer.id, Offer.places_taken > 0)
        .values(places_taken=Offer.places_taken - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(offer, ["places_taken"])


def _require_company_side(actor, booking):
    security.require(security.has_role(actor, security.COMPANY_MEMBER)
                     and is_member(actor, booking.offer.company), "not this offer's company")


def accept_booking(*, actor, booking, message=""):
    """The company accepts; the date is fixed and one place is taken."""
    _require_company_side(actor, booking)
    response = _text(message, "message")
    status = _next_status(booking, rules.ACCEPTED)
    _take_place(booking.offer)
    booking.status = status
    _answer(actor, booking, response, "booking.accepted")
    return booking


def decline_booking(*, actor, booking, message):
    """The company declines, and says why."""
    _require_company_side(actor, booking)
    response = _text(message, "message", required=True)
    booking.status = _next_status(booking, rules.DECLINED)
    _answer(actor, booking, response, "booking.declined")
    return booking


def _answer(actor, booking, response, action):
    booking.response = response
    booking.decided_by_id = actor.id
    booking.decided_at = utcnow()
    record_event(actor, action, booking)
    db.session.commit()


def cancel_booking(*, actor, booking, message):
    """Either side cancels, with a reason; an accepted booking gives its place back."""
    school_side = security.has_role(actor, *security.SCHOOL_ROLES) and is_member(
        actor, booking.school)
    company_side = security.has_role(actor, security.COMPANY_MEMBER) and is_member(
        actor, booking.offer.company)
    security.require(school_side or company_side, "not a party to this booking")
    reason = _text(message, "message", required=True)
    status = _next_status(booking, rules.CANCELLED)
    if booking.status == rules.ACCEPTED:
        _release_place(booking.offer)
    booking.status = status
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

