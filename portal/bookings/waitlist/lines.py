"""The line of a date and the small steps every waiting-list use case takes: holding and
giving back room on the slot, moving an entry with one conditional UPDATE, telling the school;
and what the pages read (positions, counts, what a link can still do)."""
import hashlib
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from portal import security
from portal.accounts.models import User
from portal.bookings.models import BOOKED, CLOSED, EXPIRED, LEFT, OFFERED, WAITING, WaitlistEntry
from portal.db import PORTAL_TIMEZONE
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.notifications.outbox import notify_all
from portal.offers.models import PUBLISHED, SHOWN, Slot
from portal.organisations.models import Membership
from portal.organisations.services import is_member

ACTIVE = (WAITING, OFFERED)


# --- small pieces ----------------------------------------------------------------------------

def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def slot_start(slot):
    """When the date begins, as an aware time (dates and times of slots are Dutch local)."""
    return datetime.combine(slot.day, slot.starts_at, tzinfo=PORTAL_TIMEZONE)


def room_needed(offer, group_size, teachers):
    """Room a group takes: its pupils, plus its teachers where the offer counts them."""
    return group_size + ((teachers or 0) if offer.counts_teachers else 0)


def room_now(slot_id):
    """The slot's free room as the database has it now (conditional UPDATEs bypass the ORM)."""
    return db.session.scalar(select(Slot.capacity - Slot.taken).where(Slot.id == slot_id))


def hold(slot_id, room):
    result = db.session.execute(
        update(Slot).where(Slot.id == slot_id, Slot.taken + room <= Slot.capacity)
        .values(taken=Slot.taken + room).execution_options(synchronize_session=False))
    return result.rowcount == 1


def release(slot_id, room):
    if room:
        db.session.execute(
            update(Slot).where(Slot.id == slot_id, Slot.taken >= room)
            .values(taken=Slot.taken - room).execution_options(synchronize_session=False))


def move(entry, current, wanted, *conditions, **values):
    """Move the entry from `current` to `wanted` with one conditional UPDATE; False when it was
    no longer in `current` (or a condition failed): someone else got there first."""
    result = db.session.execute(
        update(WaitlistEntry)
        .where(WaitlistEntry.id == entry.id, WaitlistEntry.status == current, *conditions)
        .values(status=wanted, **values).execution_options(synchronize_session=False))
    db.session.expire(entry)
    return result.rowcount == 1


def refuse(errors):
    """Undo what this use case wrote so far, then refuse it."""
    db.session.rollback()
    raise ValidationFailed(errors)


def school_people(entry):
    """Who hears about an entry: the teacher who joined while still at the school, else every
    active member of the school."""
    members = list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == entry.school_id, User.is_active.is_(True))
        .order_by(User.id)))
    person = next((m for m in members if m.id == entry.requested_by_id), None)
    return [person] if person else members


def tell_school(entry, kind, **context):
    slot = entry.slot
    return notify_all(school_people(entry), kind, entry=entry, slot=slot, offer=slot.offer,
                      **context)


def require_member(actor, entry):
    security.require(security.has_role(actor, *security.SCHOOL_ROLES)
                     and is_member(actor, entry.school), "not this entry's school")


# --- reading ---------------------------------------------------------------------------------

def get_slot(slot_id):
    slot = db.session.get(Slot, slot_id)
    if slot is None or slot.offer.status not in SHOWN:
        raise NotFound("slot")
    return slot


def entry_for_token(token):
    """The entry a link names, or None for a link the portal never sent."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(WaitlistEntry).where(
        WaitlistEntry.token_hash == token_hash(token)))


def get_entry_for(actor, entry_id):
    """An entry of the actor's school; NotFound for anyone else's."""
    entry = db.session.get(WaitlistEntry, entry_id)
    if entry is None or not is_member(actor, entry.school):
        raise NotFound("waitlist entry")
    return entry


def active_entry(school, slot):
    """The school's place in the line of this date (waiting or offered), or None."""
    return db.session.scalar(select(WaitlistEntry).where(
        WaitlistEntry.school_id == school.id, WaitlistEntry.slot_id == slot.id,
        WaitlistEntry.status.in_(ACTIVE)).order_by(WaitlistEntry.id).limit(1))


def position(entry):
    """1 for the first in line; None when the entry is not waiting."""
    if entry.status != WAITING:
        return None
    return 1 + db.session.scalar(select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.slot_id == entry.slot_id, WaitlistEntry.status == WAITING,
        WaitlistEntry.id < entry.id))


def entries_of_school(*, actor, school):
    """The school's entries, newest first, each with its position in line (or None)."""
    security.require(security.has_role(actor, *security.SCHOOL_ROLES)
                     and is_member(actor, school), "not a member of this school")
    entries = list(db.session.scalars(select(WaitlistEntry).where(
        WaitlistEntry.school_id == school.id)
        .options(joinedload(WaitlistEntry.slot).joinedload(Slot.offer))
        .order_by(WaitlistEntry.id.desc())))
    slot_ids = {e.slot_id for e in entries if e.status == WAITING}
    line = {}
    for entry_id, slot_id in db.session.execute(
            select(WaitlistEntry.id, WaitlistEntry.slot_id).where(
                WaitlistEntry.slot_id.in_(slot_ids), WaitlistEntry.status == WAITING)
            .order_by(WaitlistEntry.id)):
        line.setdefault(slot_id, []).append(entry_id)
    return [(e, line[e.slot_id].index(e.id) + 1 if e.status == WAITING else None)
            for e in entries]


def waiting_counts(offer_id):
    """{slot id: number of schools waiting} of an offer's dates, in one query."""
    rows = db.session.execute(
        select(WaitlistEntry.slot_id, func.count(WaitlistEntry.id))
        .join(Slot, Slot.id == WaitlistEntry.slot_id)
        .where(Slot.offer_id == offer_id, WaitlistEntry.status == WAITING)
        .group_by(WaitlistEntry.slot_id))
    return dict(rows.all())


def link_state(entry, now):
    """What a link of an offer of room can still do: "open", or why not ("expired", "booked",
    "left", "closed")."""
    if entry.status == OFFERED:
        return "open" if entry.offer_expires_at > now else EXPIRED
    return entry.status


def can_join_again(entry, now):
    """Whether the school may get back in line for the date of a lapsed offer."""
    slot = entry.slot
    return (link_state(entry, now) == EXPIRED and slot.offer.status == PUBLISHED
            and slot_start(slot) > now)


def link_refusal(entry, now):
    return {"": {
        EXPIRED: _("This offer has expired; the room went to the next school in line."),
        BOOKED: _("You have already taken this room."),
        LEFT: _("This offer was declined, or your school left the waiting list."),
        CLOSED: _("The waiting list of this date has been closed."),
    }.get(link_state(entry, now), _("This offer is no longer open."))}


