"""The company's counter-proposal on a request, and the school's answer to it.

The company proposes another date of the offer, another start date (placements) or another
group size, with a message saying why; what it leaves alone stays as requested. The school
then takes the proposal (the request is accepted as proposed, with the room it now needs) or
declines it (the request ends declined). No room is held while the school thinks it over: the
acceptance claims it, conditionally, as any acceptance does.
"""
from portal.audit import record_event
from portal.bookings import rules
from portal.bookings.calendar import REQUEST
from portal.bookings.conversation import add_message, clean_text
from portal.bookings.notices import tell
from portal.bookings.rules import COMPANY, SCHOOL
from portal.bookings.services import (
    gate,
    group_rules,
    move,
    slot_of,
    slot_room,
    take_room,
    tell_both,
)
from portal.bookings.wording import explain
from portal.db import local_today, utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.offers.services import company_closed_message, suspended_message
from portal.organisations.services import company_is_open


def _changed(new, old):
    """None when the proposal keeps what was requested."""
    return None if new in (None, "") or new == old else new


def counter_propose(*, actor, booking, message, slot_id=None, wanted_on=None, group_size=None,
                    today=None, now=None):
    """The company proposes another date (`slot_id`), start date (`wanted_on`, placements) or
    group size instead of answering yes or no; the school is asked to take it or leave it."""
    today = today or local_today()
    gate(actor, booking, COMPANY, rules.COUNTER, today)
    if not company_is_open(booking.offer.company_id):
        raise ValidationFailed({"": suspended_message()})
    offer = booking.offer
    if offer.has_slots:
        slot_id, wanted_on = _changed(slot_id, booking.slot_id), None
    else:
        slot_id, wanted_on = None, _changed(wanted_on, booking.wanted_on)
    group_size = _changed(group_size, booking.group_size)
    problems = rules.check_counter(current=(booking.slot_id, booking.wanted_on,
                                            booking.group_size),
                                   proposed=(slot_id, wanted_on, group_size))
    if not problems:
        problems = _check_proposal(booking, slot_id, wanted_on, group_size, today)
    problems.update(rules.check_text(message, required=True))
    if problems:
        raise ValidationFailed(explain(problems))
    text = clean_text(message, required=True)
    now = now or utcnow()
    move(booking, rules.COUNTER_PROPOSED, rules.COUNTER, proposed_slot_id=slot_id,
         proposed_on=wanted_on, proposed_group_size=group_size)
    add_message(booking, actor, COMPANY, "counter", text, now)
    record_event(actor, "booking.counter_proposed", booking, slot_id=slot_id,
                 wanted_on=wanted_on.isoformat() if wanted_on else None, group_size=group_size)
    tell(booking, SCHOOL, "booking.counter_proposed", message=text)
    db.session.commit()
    return booking


def _check_proposal(booking, slot_id, wanted_on, group_size, today):
    """Whether what is proposed can be: a date of the offer ahead with room for the group, or a
    start date in the offer's period with places for it."""
    offer = booking.offer
    group = group_size if group_size is not None else booking.group_size
    problems = rules.check_headcount(group, booking.teachers)
    if offer.has_slots:
        slot = booking.slot if slot_id is None else slot_of(offer, slot_id)
        problems.update(rules.check_slot(slot_room(slot), today))
        if not problems:
            problems.update(rules.check_group_fits(slot_room(slot), group, booking.teachers,
                                                   group_rules(offer)))
        return problems
    if wanted_on is not None:
        problems.update(rules.check_start(wanted_on, today, offer.starts_on, offer.ends_on))
    problems.update(rules.check_places(group, offer.places_left, offer.capacity))
    return problems


def proposal(booking):
    """(slot, start date, group size) the request has once the proposal is taken."""
    slot = booking.proposed_slot if booking.proposed_slot_id else booking.slot
    wanted_on = slot.day if slot is not None else (booking.proposed_on or booking.wanted_on)
    return slot, wanted_on, booking.proposed_group_size or booking.group_size


def accept_counter_proposal(*, actor, booking, message="", today=None, now=None):
    """The school takes the company's proposal: the request is accepted as proposed, its room
    claimed, and both sides get the calendar entry."""
    today = today or local_today()
    gate(actor, booking, SCHOOL, rules.ACCEPT_COUNTER, today)
    if not company_is_open(booking.offer.company_id):
        raise ValidationFailed({"": company_closed_message()})
    text = clean_text(message)
    slot, wanted_on, group_size = proposal(booking)
    if wanted_on < today:
        raise ValidationFailed({"": _("The proposed date has passed; decline the proposal.")})
    now = now or utcnow()
    move(booking, rules.ACCEPTED, rules.ACCEPT_COUNTER, slot_id=slot.id if slot else None,
         wanted_on=wanted_on, group_size=group_size, decided_by_id=actor.id, decided_at=now,
         sequence=booking.sequence + 1)
    take_room(booking, full=_("There is no room left for this group on the proposed date any "
                              "more; decline the proposal or write to the company."))
    add_message(booking, actor, SCHOOL, "accept", text, now)
    record_event(actor, "booking.counter_accepted", booking, slot_id=booking.slot_id,
                 wanted_on=wanted_on.isoformat(), group_size=group_size)
    tell_both(booking, "booking.counter_accepted", acting=SCHOOL, calendar=REQUEST,
              message=text, via=rules.ACCEPT_COUNTER)
    db.session.commit()
    return booking


def decline_counter_proposal(*, actor, booking, message, today=None, now=None):
    """The school declines the company's proposal, and says why; the request ends declined."""
    gate(actor, booking, SCHOOL, rules.DECLINE_COUNTER, today)
    text = clean_text(message, required=True)
    now = now or utcnow()
    move(booking, rules.DECLINED, rules.DECLINE_COUNTER, decided_by_id=actor.id,
         decided_at=now)
    add_message(booking, actor, SCHOOL, "decline", text, now)
    record_event(actor, "booking.counter_declined", booking, reason=text)
    tell(booking, COMPANY, "booking.counter_declined", reason=text)
    db.session.commit()
    return booking

