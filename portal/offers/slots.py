"""Slots of group activities: a company adds them one at a time or as a weekly series that
skips the school holidays, changes their room, and removes those nobody asked for."""

from datetime import date, time
from typing import NamedTuple

from sqlalchemy import bindparam, func, select

from portal import security
from portal.audit import record_event
from portal.db import local_today
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.offers import rules
from portal.offers.models import ARCHIVED, WITHDRAWN, Slot
from portal.organisations.services import is_member
from portal.taxonomy.codes import HOLIDAY_REGIONS
from portal.taxonomy.holidays import holidays_between


def _require_own(actor, offer):
    security.require(security.has_role(actor, security.COMPANY_MEMBER)
                     and is_member(actor, offer.company), "not a member of this company")
    if not offer.has_slots:
        raise NotFound("slots")
    if offer.status in (WITHDRAWN, ARCHIVED):
        raise ValidationFailed({"": _("A withdrawn or archived offer gets no new dates.")})


def _message(field, code):
    return {
        "required": {"day": _("Enter a date."), "starts_at": _("Enter a start time."),
                     "ends_at": _("Enter an end time.")}.get(field, _("Fill this in.")),
        "past": _("Choose today or a later date."),
        "far": _("Choose a date within two years."),
        "order": _("The end time must lie after the start time."),
        "range": _("Enter a number of pupils from %(low)d to %(high)d.",
                   low=rules.SLOT_CAPACITY[0], high=rules.SLOT_CAPACITY[1]),
        "min_group": _("The smallest group is at least 1 and at most the capacity."),
    }[code]


def _check(day, starts_at, ends_at, capacity, min_group, today, day_field="day"):
    problems = rules.slot_problems(day, starts_at, ends_at, capacity, today, min_group)
    errors = {(day_field if field == "day" else field): _message(field, code)
              for field, code in problems.items()}
    if errors:
        raise ValidationFailed(errors)


def add_slot(*, actor, offer, day, starts_at, ends_at, capacity, min_group=None, today=None):
    """One date with times and room for `capacity` pupils."""
    _require_own(actor, offer)
    _check(day, starts_at, ends_at, capacity, min_group, today or local_today())
    slot = Slot(offer=offer, day=day, starts_at=starts_at, ends_at=ends_at, capacity=capacity,
                min_group=min_group)
    db.session.add(slot)
    db.session.flush()
    record_event(actor, "slot.added", offer, slot_id=slot.id, day=day.isoformat())
    db.session.commit()
    return slot


def series_preview(*, weekday, first, last, region):
    """The dates a series would get, and the holiday dates it skips."""
    holidays = holidays_between(region, first, last) if first and last else []
    dates = rules.series_dates(weekday, first, last, holidays)
    skipped = [d for d in rules.series_dates(weekday, first, last) if d not in set(dates)]
    return dates, skipped


def add_series(*, actor, offer, weekday, first, last, starts_at, ends_at, capacity,
               region=None, min_group=None, today=None):
    """A slot on `weekday` every week from `first` to `last`, skipping the school holidays of
    `region`. Returns the slots and the number of dates skipped for holidays."""
    _require_own(actor, offer)
    today = today or local_today()
    errors = {}
    if weekday not in range(7):
        errors["weekday"] = _("Choose a day of the week.")
    if region not in HOLIDAY_REGIONS and region is not None:
        errors["region"] = _("Choose a holiday region.")
    if first is None:
        errors["first"] = _("Enter the first date.")
    if last is None:
        errors["last"] = _("Enter the last date.")
    elif first is not None and last < first:
        errors["last"] = _("The last date cannot lie before the first.")
    if errors:
        raise ValidationFailed(errors)
    _check(first, starts_at, ends_at, capacity, min_group, today, day_field="first")
    dates, skipped = series_preview(weekday=weekday, first=first, last=last, region=region)
    if not dates:
        raise ValidationFailed({"last": _("No date in this period falls on that day outside "
                                          "the holidays.")})
    if len(dates) > rules.SERIES_MAX:
        raise ValidationFailed({"last": _("A series has at most %(n)d dates; choose a shorter "
                                          "period.", n=rules.SERIES_MAX)})
    slots = [Slot(offer=offer, day=day, starts_at=starts_at, ends_at=ends_at,
                  capacity=capacity, min_group=min_group) for day in dates]
    db.session.add_all(slots)
    record_event(actor, "slot.series_added", offer, count=len(slots), skipped=len(skipped),
                 first=dates[0].isoformat(), last=dates[-1].isoformat(), region=region)
    db.session.commit()
    return slots, len(skipped)


def change_slot(*, actor, slot, capacity, min_group=None):
    """New room for a slot: never below what accepted requests already take."""
    _require_own(actor, slot.offer)
    if capacity is None or not rules.SLOT_CAPACITY[0] <= capacity <= rules.SLOT_CAPACITY[1]:
        raise ValidationFailed({"capacity": _message("capacity", "range")})
    if capacity < slot.taken:
        raise ValidationFailed({"capacity": ngettext(
            "One place is already taken.", "%(num)d places are already taken.", slot.taken)})
    if min_group is not None and not 1 <= min_group <= capacity:
        raise ValidationFailed({"min_group": _message("min_group", "min_group")})
    slot.capacity, slot.min_group = capacity, min_group
    record_event(actor, "slot.changed", slot.offer, slot_id=slot.id, capacity=capacity)
    db.session.commit()
    return slot


def remove_slot(*, actor, slot):
    """Remove a date nobody has asked for; one with requests is kept for their history."""
    _require_own(actor, slot.offer)
    if slot.bookings:
        raise ValidationFailed({"": _("Schools have asked for this date, so it stays; lower "
                                      "its capacity to take no more requests.")})
    offer = slot.offer
    record_event(actor, "slot.removed", offer, slot_id=slot.id, day=slot.day.isoformat())
    db.session.delete(slot)
    db.session.commit()


def get_own_slot(actor, slot_id):
    slot = db.session.get(Slot, slot_id)
    if slot is None or not is_member(actor, slot.offer.company):
        raise NotFound("slot")
    return slot


def upcoming_slots(offer, today=None):
    """The offer's slots from today on, in order."""
    today = today or local_today()
    return [slot for slot in offer.slots if slot.day >= today]


class OpenSlot(NamedTuple):
    """A slot with room, as a list of offers shows it."""

    id: int
    offer_id: int
    day: date
    starts_at: time
    ends_at: time
    room: int


_ORDER = (Slot.day, Slot.starts_at, Slot.id)
# The slots with room from `today` on of the offers `offer_ids`, numbered per offer in their
# order: a list of offers shows the first few (`number` up to `per_offer`). The search's
# result cards join it too (portal.matching.search).
NUMBERED_OPEN_SLOTS = (
    select(Slot.id, Slot.offer_id, Slot.day, Slot.starts_at, Slot.ends_at,
           (Slot.capacity - Slot.taken).label("room"),
           func.row_number().over(partition_by=Slot.offer_id, order_by=_ORDER).label("number"))
    .where(Slot.offer_id.in_(bindparam("offer_ids", expanding=True)),
           Slot.day >= bindparam("today"), Slot.taken < Slot.capacity)
    .subquery("open_slots"))
_NUMBERED = NUMBERED_OPEN_SLOTS.c
# An OpenSlot's columns, and the order of slots within an offer.
OPEN_SLOT_COLUMNS = (_NUMBERED.id, _NUMBERED.offer_id, _NUMBERED.day, _NUMBERED.starts_at,
                     _NUMBERED.ends_at, _NUMBERED.room)
OPEN_SLOT_ORDER = (_NUMBERED.day, _NUMBERED.starts_at, _NUMBERED.id)
_OPEN_SLOTS = (select(*OPEN_SLOT_COLUMNS).where(_NUMBERED.number <= bindparam("per_offer"))
               .order_by(_NUMBERED.offer_id, *OPEN_SLOT_ORDER))


def open_slots_by_offer(offer_ids, today=None, per_offer=3):
    """{offer id: its next `per_offer` slots with room, as OpenSlot} for a page of offers, in
    one query that reads no more than those (an offer may have a slot every week)."""
    if not offer_ids:
        return {}
    rows = db.session.connection().execute(_OPEN_SLOTS, {
        "offer_ids": list(offer_ids), "today": today or local_today(), "per_offer": per_offer})
    found = {}
    for row in rows:
        found.setdefault(row[1], []).append(OpenSlot(*row))
    return found
