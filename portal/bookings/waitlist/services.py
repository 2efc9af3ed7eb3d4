"""The use cases of waiting lists (see the package's docstring for the rule of who is offered).

Every change of an entry's status is one UPDATE conditional on the status it was read with, and
room is held and given back with conditional UPDATEs on the slot, as for requests: whatever runs
at once, an offer is taken, declined or expired only once, and a date's capacity is never
exceeded. While an entry is OFFERED its `room_held` is counted in the slot's `taken`; leaving
that status sets it to 0 (taking it moves it to the request's `room_taken`).
"""
import secrets
from datetime import timedelta

from sqlalchemy import select

from portal import security
from portal.audit import record_event
from portal.bookings import rules
from portal.bookings.calendar import booking_ics
from portal.bookings.models import (
    BOOKED,
    CLOSED,
    DATE_BEGAN,
    EXPIRED,
    LEFT,
    NOBODY_AT_SCHOOL,
    OFFER_ENDED,
    OFFER_WITHDRAWN,
    OFFERED,
    WAITING,
    Booking,
    BookingMessage,
    WaitlistEntry,
)
from portal.bookings.notices import COMPANY, SCHOOL, tell
from portal.bookings.waitlist.lines import (
    ACTIVE,
    active_entry,
    can_join_again,
    entry_for_token,
    hold,
    link_refusal,
    link_state,
    move,
    refuse,
    release,
    require_member,
    room_needed,
    room_now,
    school_people,
    slot_start,
    tell_school,
    token_hash,
)
from portal.db import PORTAL_TIMEZONE, local_today, utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.offers.models import PAUSED, PUBLISHED, SHOWN, Offer, Slot
from portal.offers.services import company_closed_message
from portal.organisations.services import company_is_open, school_of
from portal.taxonomy.models import EducationLevel
from portal.text import clean_text

OFFER_HOURS = 48  # how long room offered from the line stays held for a school
MESSAGE_MAX = 4000


# --- joining ---------------------------------------------------------------------------------

def join_waitlist(*, actor, slot, group_size, level_id, teachers=0, message="", today=None):
    """A teacher puts their school in line for a date that has no room for its group."""
    security.require_role(actor, *security.SCHOOL_ROLES)
    school = school_of(actor)
    security.require(school is not None, "teacher without a school")
    offer = slot.offer
    if offer.status not in SHOWN or not offer.has_slots or not offer.company.is_approved:
        raise NotFound("slot")  # (a suspended company's dates are hidden)
    today = today or local_today()
    errors = {}
    if offer.status == PAUSED:
        errors[""] = _("The company has paused this offer; it takes no new requests for now.")
    elif offer.status != PUBLISHED:
        errors[""] = _("This offer can no longer be requested.")
    elif slot.day < today or (slot.day == today and slot_start(slot) <= utcnow()):
        errors[""] = _("This date has passed; choose a later one.")
    if group_size is None or group_size < 1:
        errors["group_size"] = _("A group has at least one pupil.")
    if teachers is None or not 0 <= teachers <= 20:
        errors["teachers"] = _("Enter 0 to 20 accompanying teachers.")
    level = db.session.get(EducationLevel, level_id) if level_id else None
    if level is None or level not in offer.levels:
        errors["level_id"] = _("Choose one of the levels this offer serves.")
    message = clean_text(message or "", multiline=True)
    if len(message) > MESSAGE_MAX:
        errors["message"] = _("Keep it under %(n)d characters.", n=MESSAGE_MAX)
    if "group_size" not in errors and "teachers" not in errors:
        _check_group(offer, slot, group_size, teachers, errors)
    if errors:
        raise ValidationFailed(errors)
    # Lock the date's row: two teachers of one school joining at once queue here, so the
    # second finds the first's entry (SQLite writers queue anyway).
    capacity, taken = db.session.execute(
        select(Slot.capacity, Slot.taken).where(Slot.id == slot.id)
        .with_for_update(key_share=True)).one()
    if active_entry(school, slot) is not None:
        refuse({"": _("Your school is already on the waiting list for this date.")})
    if _has_request(school, slot):
        refuse({"": _("Your school already has a request for this date.")})
    if room_needed(offer, group_size, teachers) <= capacity - taken:
        refuse({"": _("There is room on this date for your group: request it instead.")})
    entry = WaitlistEntry(slot=slot, school=school, requested_by_id=actor.id,
                          group_size=group_size, teachers=teachers or 0,
                          education_level=level, message=message, status=WAITING)
    db.session.add(entry)
    db.session.flush()
    record_event(actor, "waitlist.joined", offer, entry_id=entry.id, slot_id=slot.id,
                 pupils=group_size, teachers=teachers or 0)
    db.session.commit()
    return entry


def _check_group(offer, slot, group_size, teachers, errors):
    """The group rules of a request; and a group that could never fit the date is refused."""
    smallest = max(slot.min_group or 0, offer.min_group_size or 0)
    if offer.max_group_size and group_size > offer.max_group_size:
        errors["group_size"] = _("This offer takes groups of at most %(n)d pupils.",
                                 n=offer.max_group_size)
    elif group_size < smallest:
        errors["group_size"] = _("This offer takes groups of at least %(n)d pupils.",
                                 n=smallest)
    elif room_needed(offer, group_size, teachers) > slot.capacity:
        errors["group_size"] = ngettext(
            "This date has room for one person in all, so this group can never get in.",
            "This date has room for %(num)d in all, so this group can never get in.",
            slot.capacity)


def _has_request(school, slot):
    return db.session.scalar(select(Booking.id).where(
        Booking.school_id == school.id, Booking.slot_id == slot.id,
        Booking.status.in_((*rules.OPEN, rules.ACCEPTED))).limit(1)) is not None


# --- room that comes free --------------------------------------------------------------------

def offer_freed_room(slot_id, *, now):
    """Offer the date's free room down its line (see the package's docstring): each school
    offered gets its room held and an e-mail with a link valid for 48 hours (never past the
    date's start). For the booking services after room was given back, and for this module.
    Nothing while the offer is paused (expire_offers offers the room once it is published
    again). Adds to the session; the caller commits. Returns the entries offered."""
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot_start(slot) <= now or _status_now(slot.offer_id) != PUBLISHED \
            or not slot.offer.company.is_approved:
        return []  # (a suspended company's room is offered once the suspension is lifted)
    offered = []
    room = room_now(slot_id)
    line = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.slot_id == slot_id, WaitlistEntry.status == WAITING)
        .order_by(WaitlistEntry.id)).all()
    for entry in line:
        if room <= 0:
            break
        needed = room_needed(slot.offer, entry.group_size, entry.teachers)
        if needed > room:
            continue  # keeps its place; smaller groups behind it may use this room
        if not school_people(entry):
            # Nobody at the school would read the offer (no active member left): holding the
            # room for 48 hours would only keep it from the next school in line.
            _close([entry], why=NOBODY_AT_SCHOOL)
            continue
        if not hold(slot_id, needed):
            room = room_now(slot_id)  # taken at this very moment by someone else
            continue
        token = secrets.token_urlsafe(32)
        expires = min(now + timedelta(hours=OFFER_HOURS), slot_start(slot))
        if not move(entry, WAITING, OFFERED, room_held=needed, offered_at=now,
                     offer_expires_at=expires, token_hash=token_hash(token)):
            release(slot_id, needed)  # the school left the line at this very moment
            continue
        room -= needed
        record_event(None, "waitlist.offered", slot.offer, entry_id=entry.id, slot_id=slot_id,
                     room=needed, expires_at=expires.isoformat())
        tell_school(entry, "waitlist.offered", token=token, expires_at=expires)
        offered.append(entry)
    return offered


def _status_now(offer_id):
    """The offer's status as the database has it: a pause or withdrawal earlier in the same
    transaction was one conditional UPDATE that the loaded offer does not show."""
    return db.session.scalar(select(Offer.status).where(Offer.id == offer_id))


def take_offered_room(*, actor, token, now):
    """The school takes the room held for it: an accepted request at once, on the room already
    held (no second claim on the date). Both sides get the calendar entry; the company is told
    who came from the line."""
    entry = _entry_of_link(actor, token)
    if link_state(entry, now) != "open":
        refuse(link_refusal(entry, now))
    if not company_is_open(entry.slot.offer.company_id):
        refuse({"": company_closed_message()})
    slot, held = entry.slot, entry.room_held
    booking = Booking(offer_id=slot.offer_id, slot_id=slot.id, school_id=entry.school_id,
                      requested_by_id=actor.id, status=rules.ACCEPTED, wanted_on=slot.day,
                      group_size=entry.group_size, teachers=entry.teachers, room_taken=held,
                      education_level_id=entry.education_level_id, decided_at=now,
                      sequence=1)  # as an acceptance leaves it: its first calendar entry
    db.session.add(booking)
    db.session.flush()
    if not move(entry, OFFERED, BOOKED, WaitlistEntry.offer_expires_at > now,
                 booking_id=booking.id, room_held=0):
        db.session.rollback()  # the request made above goes too
        raise ValidationFailed(link_refusal(db.session.get(WaitlistEntry, entry.id), now))
    if entry.message:
        db.session.add(BookingMessage(booking=booking, author_id=entry.requested_by_id,
                                      side="school", kind="request", body=entry.message,
                                      created_at=now))
    record_event(actor, "waitlist.booked", booking, entry_id=entry.id, slot_id=slot.id,
                 pupils=entry.group_size, room=held)
    invitation = {"ics": booking_ics(booking, "REQUEST"), "ics_method": "REQUEST"}
    tell(booking, COMPANY, "waitlist.booked", entry=entry, slot=slot, **invitation)
    tell(booking, SCHOOL, "waitlist.taken", entry=entry, slot=slot, **invitation)
    db.session.commit()
    return booking


def decline_offered_room(*, actor, token, now):
    """The school does not want the room after all: it leaves the line, and the room goes to
    the next in line."""
    entry = _entry_of_link(actor, token)
    held = entry.room_held
    if entry.status != OFFERED or not move(entry, OFFERED, LEFT, room_held=0):
        refuse(link_refusal(entry, now))
    release(entry.slot_id, held)
    record_event(actor, "waitlist.declined", entry.slot.offer, entry_id=entry.id,
                 slot_id=entry.slot_id, room=held)
    offer_freed_room(entry.slot_id, now=now)
    db.session.commit()
    return entry


def _entry_of_link(actor, token):
    entry = entry_for_token(token)
    if entry is None:
        raise NotFound("waitlist offer")
    require_member(actor, entry)
    return entry


def leave_waitlist(*, actor, entry, now=None):
    """The school leaves the line; room held for it goes to the next in line."""
    require_member(actor, entry)
    current, held = entry.status, entry.room_held
    if current not in ACTIVE or not move(entry, current, LEFT, room_held=0):
        refuse({"": _("Your school is no longer on this waiting list.")})
    record_event(actor, "waitlist.left", entry.slot.offer, entry_id=entry.id,
                 slot_id=entry.slot_id, was=current)
    if current == OFFERED:
        release(entry.slot_id, held)
        offer_freed_room(entry.slot_id, now=now or utcnow())
    db.session.commit()
    return entry


# --- time-driven work and the end of an offer --------------------------------------------------

def expire_offers(*, now=None):
    """Every offer of room past its time lapses, its room going to the next in line; entries of
    dates that have begun, or of offers no longer published or paused, are closed; and room
    free on a date with a fitting school in line (after a pause ended, or more room was given)
    is offered. Safe to run again at any moment: a second run changes nothing more. Returns the
    number of entries it changed; commits after each lapsed offer and at the end."""
    now = now or utcnow()
    changed = 0
    lapsed = db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.status == OFFERED, WaitlistEntry.offer_expires_at <= now)
        .order_by(WaitlistEntry.id)).all()
    for entry in lapsed:
        held = entry.room_held
        if not move(entry, OFFERED, EXPIRED, WaitlistEntry.offer_expires_at <= now,
                     room_held=0):
            continue
        release(entry.slot_id, held)
        record_event(None, "waitlist.expired", entry.slot.offer, entry_id=entry.id,
                     slot_id=entry.slot_id, room=held)
        tell_school(entry, "waitlist.expired", rejoin=can_join_again(entry, now))
        changed += 1 + len(offer_freed_room(entry.slot_id, now=now))
        db.session.commit()
    changed += _close_ended(now)
    changed += _offer_standing_room(now)
    db.session.commit()
    return changed


def _close_ended(now):
    """Close the entries of dates that have begun (DATE_BEGAN: room never came free for them,
    whatever became of the offer since) and of offers that ended before their date
    (OFFER_ENDED)."""
    rows = db.session.execute(
        select(WaitlistEntry, Slot, Offer.status).join(Slot, Slot.id == WaitlistEntry.slot_id)
        .join(Offer, Offer.id == Slot.offer_id)
        .where(WaitlistEntry.status.in_(ACTIVE),
               (Slot.day <= now.astimezone(PORTAL_TIMEZONE).date())
               | Offer.status.not_in((PUBLISHED, PAUSED)))
        .order_by(WaitlistEntry.id)).all()
    began = [entry for entry, slot, _status in rows if slot_start(slot) <= now]
    ended = [entry for entry, slot, status in rows
             if status not in (PUBLISHED, PAUSED) and slot_start(slot) > now]
    return len(_close(began, why=DATE_BEGAN)) + len(_close(ended, why=OFFER_ENDED))


def _offer_standing_room(now):
    slot_ids = db.session.scalars(
        select(WaitlistEntry.slot_id).distinct().join(Slot, Slot.id == WaitlistEntry.slot_id)
        .join(Offer, Offer.id == Slot.offer_id)
        .where(WaitlistEntry.status == WAITING, Offer.status == PUBLISHED,
               Slot.taken < Slot.capacity, Slot.day >= now.astimezone(PORTAL_TIMEZONE).date())
        .order_by(WaitlistEntry.slot_id)).all()
    return sum(len(offer_freed_room(slot_id, now=now)) for slot_id in slot_ids)


def _close(entries, why):
    """CLOSED for each entry still waiting or offered (room held given back), with `why` in
    the same UPDATE (the figures count the entries whose date began); one audit event per
    offer. Returns the entries closed."""
    closed = []
    for entry in entries:
        current, held, slot_id = entry.status, entry.room_held, entry.slot_id
        if current not in ACTIVE or not move(entry, current, CLOSED, room_held=0,
                                             closed_why=why):
            continue
        if current == OFFERED:
            release(slot_id, held)
        closed.append(entry)
    by_offer = {}
    for entry in closed:
        by_offer.setdefault(entry.slot.offer, []).append(entry.id)
    for offer, ids in by_offer.items():
        record_event(None, "waitlist.closed", offer, entries=ids, why=why)
    return closed


def close_waitlist_for_offer(offer_id, *, now):
    """The offer was withdrawn: every school waiting (or offered room) on its dates is out of
    line, with held room given back, and told. Adds to the session; the caller commits."""
    entries = db.session.scalars(select(WaitlistEntry).join(
        Slot, Slot.id == WaitlistEntry.slot_id).where(
        Slot.offer_id == offer_id, WaitlistEntry.status.in_(ACTIVE))
        .order_by(WaitlistEntry.id)).all()
    closed = _close(entries, why=OFFER_WITHDRAWN)
    reason = db.session.scalar(select(Offer.status_reason).where(Offer.id == offer_id))
    for entry in closed:
        if slot_start(entry.slot) > now:
            tell_school(entry, "waitlist.closed", reason=reason)
    return closed
