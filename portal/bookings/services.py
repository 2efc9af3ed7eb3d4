"""Use cases of a request's life up to the activity: a school requests an offer; the company
accepts, declines or proposes something else; the school takes or leaves that proposal, or
withdraws; either side cancels. Its messages are in conversation.py, "did it take place?" and
the evaluations in outcomes.py, the lists in lists.py.

Every change of status is one UPDATE conditional on the status the page was read with
(`move`), and every claim of room one UPDATE conditional on the room left (`take_room`), so
whatever arrives at once, a request is answered once and the capacity is never exceeded.
"""
from sqlalchemy import select, update

from portal import security
from portal.audit import record_event
from portal.bookings import rules
from portal.bookings.bus.services import cancel_with_visit
from portal.bookings.calendar import CANCEL as CANCEL_ENTRY
from portal.bookings.calendar import REQUEST
from portal.bookings.conversation import add_message, clean_text
from portal.bookings.due import starts_at
from portal.bookings.lists import (  # noqa: F401  (re-exported for the callers of old)
    bookings_for_company,
    bookings_for_school,
    get_booking_for,
)
from portal.bookings.models import NO_ROOM, OTHER_REASON, Booking
from portal.bookings.notices import CANCEL_CONFIRMED_MAIL, CONFIRMED_MAIL, tell
from portal.bookings.parties import actions_of, require_side, side_of
from portal.bookings.rules import COMPANY, SCHOOL
from portal.bookings.waitlist import offer_freed_room
from portal.bookings.wording import explain
from portal.db import local_today, utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.offers.models import PAUSED, PUBLISHED, Offer, Slot
from portal.offers.services import suspended_message
from portal.organisations.services import company_is_open, school_of
from portal.taxonomy.models import EducationLevel

MESSAGE_MAX = rules.MESSAGE_MAX


# --- requesting ----------------------------------------------------------------------------


def request_booking(*, actor, offer, group_size, level_id, slot_id=None, wanted_on=None,
                    teachers=0, message="", today=None, now=None):
    """A teacher requests a published offer: a slot for a number of pupils (group activities)
    or a number of places from a start date (placements). The message opens the request's
    conversation; the company is told by e-mail."""
    security.require_role(actor, *security.SCHOOL_ROLES)
    school = school_of(actor)
    security.require(school is not None, "teacher without a school")
    if offer.status not in (PUBLISHED, PAUSED) or not company_is_open(offer.company_id):
        raise NotFound("offer")  # a suspended company's offers are hidden
    today = today or local_today()
    errors = {}
    if offer.status == PAUSED:
        errors[""] = _("The company has paused this offer; it takes no new requests for now.")
    elif open_request_of(school, offer) is not None:
        errors[""] = _("Your school already has a request for this offer waiting for an answer.")
    slot = slot_of(offer, slot_id) if offer.has_slots else None
    problems = rules.check_request(
        group_size=group_size, teachers=teachers, today=today, slot=slot_room(slot),
        limits=group_rules(offer), wanted_on=wanted_on, period=(offer.starts_on, offer.ends_on),
        places=(offer.places_left, offer.capacity), placement=not offer.has_slots)
    problems.update(rules.check_text(message))
    for field, text in explain(problems).items():
        errors.setdefault(field, text)
    level = db.session.get(EducationLevel, level_id) if level_id else None
    if level is None or level not in offer.levels:
        errors["level_id"] = _("Choose one of the levels this offer serves.")
    if errors:
        raise ValidationFailed(errors)
    booking = Booking(offer=offer, slot=slot, school=school, requested_by_id=actor.id,
                      status=rules.REQUESTED, wanted_on=slot.day if slot else wanted_on,
                      group_size=group_size, teachers=teachers or 0, education_level=level)
    if now is not None:  # asked at the moment its first message says (the figures time answers)
        booking.created_at = booking.updated_at = now
    db.session.add(booking)
    text = clean_text(message)
    add_message(booking, actor, SCHOOL, "request", text, now)
    record_event(actor, "booking.requested", booking, offer_id=offer.id,
                 slot_id=slot.id if slot else None, pupils=group_size)
    tell(booking, COMPANY, "booking.requested", message=text)
    db.session.commit()
    return booking


def slot_of(offer, slot_id):
    """The offer's slot of that id, or None (no such slot, or another offer's)."""
    slot = db.session.get(Slot, slot_id) if slot_id else None
    return slot if slot is not None and slot.offer_id == offer.id else None


def slot_room(slot):
    return rules.SlotRoom(slot.day, slot.room, slot.min_group) if slot is not None else None


def group_rules(offer):
    return rules.GroupRules(offer.min_group_size, offer.max_group_size,
                            bool(offer.counts_teachers))


def open_request_of(school, offer):
    """The school's request for this offer that waits for an answer, or None.

    One open request per school and offer: a second one adds nothing for the company, and a
    flood of them would push the company down the search (the fairness rule)."""
    return db.session.scalar(select(Booking).where(
        Booking.school_id == school.id, Booking.offer_id == offer.id,
        Booking.status.in_(rules.OPEN)).order_by(Booking.id).limit(1))


def date_window_for(offer, today=None):
    """The dates a request for this offer may ask for (see rules.date_window)."""
    return rules.date_window(today or local_today(), offer.starts_on, offer.ends_on)


# --- moving a request on ---------------------------------------------------------------------


def refuse(errors):
    """Undo what this use case wrote so far, then refuse it."""
    db.session.rollback()
    raise ValidationFailed(errors)


def gone(action):
    """Why an action is refused that the page offered: the request moved on meanwhile."""
    if action == rules.CANCEL:
        return {"": _("Only an accepted request can be cancelled, and only until its date.")}
    if action in (rules.ACCEPT_COUNTER, rules.DECLINE_COUNTER):
        return {"": _("This proposal has already been answered.")}
    return {"": _("This request has already been answered.")}


def gate(actor, booking, side, action, today=None):
    """Let `actor` take `action` for `side` only if it is a member of that side (NotAllowed)
    and the request, as read, offers that action (ValidationFailed)."""
    require_side(actor, booking, side)
    if action not in actions_of(booking, side, today or local_today()):
        raise ValidationFailed(gone(action))


def move(booking, wanted, action, **values):
    """Move the booking to `wanted` (setting `values` too) with one UPDATE conditional on the
    status it was read with, so of two people answering at once only one succeeds. The booking
    is then read again. Returns the previous status."""
    current = booking.status
    if not rules.can_transition(current, wanted):
        refuse(gone(action))
    result = db.session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == current)
        .values(status=wanted, **values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        refuse(gone(action))
    db.session.expire(booking)
    return current


def take_room(booking, full=None):
    """Claim the request's room with one conditional UPDATE: on its slot (pupils) or on the
    offer (places). Whatever arrives at once, the capacity is never exceeded."""
    needed = booking.room_needed
    if booking.slot_id is not None:
        statement = (update(Slot).where(Slot.id == booking.slot_id,
                                        Slot.taken + needed <= Slot.capacity)
                     .values(taken=Slot.taken + needed))
        full = full or _("There is no room left on this date for this group; decline this "
                         "request.")
    else:
        statement = (update(Offer).where(Offer.id == booking.offer_id,
                                         Offer.places_taken + needed <= Offer.capacity)
                     .values(places_taken=Offer.places_taken + needed))
        full = full or _("Not enough places of this offer are free; decline this request.")
    result = db.session.execute(statement.execution_options(synchronize_session=False))
    if result.rowcount != 1:
        refuse({"": full})
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


def tell_both(booking, kind, *, acting, calendar, **context):
    """Tell the other side with a message of `kind` and the side that is `acting` with the
    matching confirmation, each with the calendar entry (`calendar` "REQUEST" on an
    acceptance, "CANCEL" on a cancellation): every calendar that has the activity gets each
    change of it, under the same UID and with the SEQUENCE the change raised."""
    confirmation = CONFIRMED_MAIL if calendar == REQUEST else CANCEL_CONFIRMED_MAIL
    tell(booking, rules.other_side(acting), kind, calendar=calendar, **context)
    tell(booking, acting, confirmation, calendar=calendar, **context)


# --- the company answers ---------------------------------------------------------------------


def accept_booking(*, actor, booking, message="", now=None, today=None):
    """The company accepts: the date is fixed, the group's room is taken, and the school gets
    the answer with a calendar entry; the company a confirmation with the same entry."""
    gate(actor, booking, COMPANY, rules.ACCEPT, today)
    if not company_is_open(booking.offer.company_id):
        raise ValidationFailed({"": suspended_message()})
    text = clean_text(message)
    now = now or utcnow()
    move(booking, rules.ACCEPTED, rules.ACCEPT, decided_by_id=actor.id, decided_at=now,
          sequence=booking.sequence + 1)
    take_room(booking)
    add_message(booking, actor, COMPANY, "accept", text, now)
    record_event(actor, "booking.accepted", booking)
    tell_both(booking, "booking.accepted", acting=COMPANY, calendar=REQUEST, message=text,
              via=rules.ACCEPT)
    db.session.commit()
    return booking


# The end reason of a decline by a caller that does not ask the company (the demo data, tests
# of other things): none is stored. The request's page always asks.
NOT_ASKED = "not_asked"


def end_reason_problems(choice, *, required):
    """{"end_reason": message} when the choice is missing (and `required`) or unknown."""
    if choice in (None, ""):
        return {"end_reason": _("Say whether you decline for lack of room or for another "
                                "reason.")} if required else {}
    if choice not in (NO_ROOM, OTHER_REASON, NOT_ASKED):
        return {"end_reason": _("Choose one of the reasons offered.")}
    return {}


def decline_booking(*, actor, booking, message, end_reason=NOT_ASKED, now=None, today=None):
    """The company declines, and says why, and whether it is for lack of room (`end_reason`
    NO_ROOM) or another reason (OTHER_REASON), as the region's figures count it."""
    gate(actor, booking, COMPANY, rules.DECLINE, today)
    errors = end_reason_problems(end_reason, required=True)
    errors.update(explain(rules.check_text(message, required=True)))
    if errors:
        raise ValidationFailed(errors)
    reason = NO_ROOM if end_reason == NO_ROOM else None
    text = clean_text(message, required=True)
    now = now or utcnow()
    move(booking, rules.DECLINED, rules.DECLINE, decided_by_id=actor.id, decided_at=now,
         end_reason=reason)
    add_message(booking, actor, COMPANY, "decline", text, now)
    record_event(actor, "booking.declined", booking, reason=text, end_reason=reason)
    tell(booking, SCHOOL, "booking.declined", reason=text, no_room=reason == NO_ROOM)
    db.session.commit()
    return booking


# --- the school withdraws; either side cancels ----------------------------------------------


def withdraw_booking(*, actor, booking, message="", end_reason=None, now=None, today=None):
    """The school withdraws its request while it waits for an answer; a reason is optional,
    and so is saying it is for lack of room (`end_reason` NO_ROOM: the company told the school
    it is full, say)."""
    gate(actor, booking, SCHOOL, rules.WITHDRAW, today)
    errors = end_reason_problems(end_reason, required=False)
    errors.update(explain(rules.check_text(message)))
    if errors:
        raise ValidationFailed(errors)
    reason = NO_ROOM if end_reason == NO_ROOM else None
    text = clean_text(message)
    now = now or utcnow()
    move(booking, rules.WITHDRAWN, rules.WITHDRAW, end_reason=reason)
    add_message(booking, actor, SCHOOL, "withdraw", text, now)
    record_event(actor, "booking.withdrawn", booking, reason=text, end_reason=reason)
    tell(booking, COMPANY, "booking.withdrawn", reason=text, no_room=reason == NO_ROOM)
    db.session.commit()
    return booking


def cancel_booking(*, actor, booking, message, now=None, today=None):
    """Either side cancels an accepted request before its date, with a reason. Within 48 hours
    of the start it is marked late. The room is given back (and offered down the date's
    waiting list). The other side gets the reason with the calendar's cancellation; the side
    that cancelled a confirmation with the same cancellation, for its own calendar."""
    side = side_of(actor, booking)
    gate(actor, booking, side, rules.CANCEL, today)
    text = clean_text(message, required=True)
    now = now or utcnow()
    late = rules.is_late_cancellation(starts_at(booking), now)
    move(booking, rules.CANCELLED, rules.CANCEL, cancelled_by=side, cancelled_late=late,
          sequence=booking.sequence + 1)
    release_room(booking)
    add_message(booking, actor, side, "cancel", text, now)
    record_event(actor, "booking.cancelled", booking, reason=text, side=side, late=late)
    tell_both(booking, "booking.cancelled", acting=side, calendar=CANCEL_ENTRY, reason=text,
              late=late, cancelled_by=side)
    cancel_with_visit(booking, actor, _("The visit was cancelled: %(reason)s", reason=text))
    if booking.slot_id is not None:
        offer_freed_room(booking.slot_id, now=now)
    db.session.commit()
    return booking
