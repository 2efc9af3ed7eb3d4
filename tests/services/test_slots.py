"""Slots of group activities (portal/offers/slots.py): one date at a time or a weekly series
that skips the school holidays; room never below what is taken; who may touch them."""
from datetime import time, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, func, select, update

from portal.audit import AuditEvent
from portal.bookings import services as bookings
from portal.db import local_today
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.offers import slots
from portal.offers.models import Slot
from portal.taxonomy.holidays import add_holiday
from portal.taxonomy.models import SchoolHoliday

TODAY = local_today()
NINE, HALF_PAST_ELEVEN = time(9, 0), time(11, 30)


def next_weekday(weekday, after):
    return after + timedelta(days=(weekday - after.weekday()) % 7 or 7)


def slot_count(offer):
    return db.session.scalar(select(func.count(Slot.id)).where(Slot.offer_id == offer.id))


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def offer(make):
    """A draft company visit without any slot yet."""
    return make.offer(status="draft", slot_capacity=None)


@pytest.fixture
def owner(make, offer):
    return make.owner_of(offer.company)


def add(owner, offer, **changes):
    fields = {"day": TODAY + timedelta(days=7), "starts_at": NINE,
              "ends_at": HALF_PAST_ELEVEN, "capacity": 30}
    fields.update(changes)
    return slots.add_slot(actor=owner, offer=offer, **fields)


def refused(call, **fields):
    """The call must fail validation; returns its errors, read in English."""
    with force_locale("en"), pytest.raises(ValidationFailed) as failed:
        call(**fields)
    return failed.value.errors


# --- one date ------------------------------------------------------------------------------


def test_add_a_slot(owner, offer):
    day = TODAY + timedelta(days=10)

    slot = add(owner, offer, day=day, capacity=53, min_group=20)

    db.session.refresh(offer)
    assert [(s.day, s.starts_at, s.ends_at, s.capacity, s.taken, s.min_group)
            for s in offer.slots] == [(day, NINE, HALF_PAST_ELEVEN, 53, 0, 20)]
    assert slot.room == 53
    [event] = events("slot.added")
    assert (event.actor_id, event.subject_id, event.details) == (
        owner.id, offer.id, {"slot_id": slot.id, "day": day.isoformat()})


def test_today_is_still_a_date(owner, offer):
    assert add(owner, offer, day=TODAY).day == TODAY


@pytest.mark.parametrize("changes, field, message", [
    ({"day": TODAY - timedelta(days=1)}, "day", "Choose today or a later date."),
    ({"day": TODAY + timedelta(days=800)}, "day", "Choose a date within two years."),
    ({"ends_at": time(8, 30)}, "ends_at", "The end time must lie after the start time."),
    ({"ends_at": NINE}, "ends_at", "The end time must lie after the start time."),
    ({"capacity": 0}, "capacity", "Enter a number of pupils from 1 to 500."),
    ({"capacity": 501}, "capacity", "Enter a number of pupils from 1 to 500."),
    ({"capacity": 30, "min_group": 31}, "min_group",
     "The smallest group is at least 1 and at most the capacity."),
])
def test_a_bad_slot_is_refused_at_its_field_and_nothing_is_stored(owner, offer, changes, field,
                                                                  message):
    errors = refused(add, owner=owner, offer=offer, **changes)

    assert errors == {field: message}
    assert slot_count(offer) == 0
    assert events("slot.added") == []


def test_a_placement_has_no_slots(make):
    placement = make.placement(status="draft")

    with pytest.raises(NotFound):
        add(make.owner_of(placement.company), placement)
    assert slot_count(placement) == 0


@pytest.mark.parametrize("status", ["withdrawn", "archived"])
def test_a_withdrawn_or_archived_offer_gets_no_new_dates(make, status):
    offer = make.offer()
    offer.status = status
    db.session.commit()

    errors = refused(add, owner=make.owner_of(offer.company), offer=offer)

    assert set(errors) == {""}
    assert slot_count(offer) == 1  # the factory's slot only


# --- a series ------------------------------------------------------------------------------


@pytest.fixture
def one_holiday(make):
    """Region zuid with exactly one holiday: the third week of the series below."""
    db.session.execute(delete(SchoolHoliday).where(SchoolHoliday.region == "zuid"))
    db.session.commit()
    first = next_weekday(1, TODAY + timedelta(days=7))  # a Tuesday
    holiday = add_holiday(actor=make.admin(), region="zuid", name="Testvakantie",
                          starts_on=first + timedelta(days=11),  # the Saturday of week 2
                          ends_on=first + timedelta(days=19))  # the Sunday after
    return first, holiday


def series(owner, offer, first, weeks=5, **changes):
    last = first + timedelta(weeks=weeks - 1) if first else None
    fields = {"weekday": 1, "first": first, "last": last,
              "starts_at": NINE, "ends_at": HALF_PAST_ELEVEN, "capacity": 25}
    fields.update(changes)
    return slots.add_series(actor=owner, offer=offer, **fields)


def test_a_series_skips_the_holiday_of_its_region(owner, offer, one_holiday):
    first, holiday = one_holiday

    made, skipped = series(owner, offer, first, region="zuid")

    expected = [first + timedelta(weeks=n) for n in (0, 1, 3, 4)]
    assert [s.day for s in made] == expected
    assert skipped == 1
    db.session.refresh(offer)
    assert [(s.day, s.capacity, s.starts_at) for s in offer.slots] == [
        (day, 25, NINE) for day in expected]
    assert not any(holiday.starts_on <= s.day <= holiday.ends_on for s in offer.slots)
    [event] = events("slot.series_added")
    assert event.details == {"count": 4, "skipped": 1, "first": expected[0].isoformat(),
                             "last": expected[-1].isoformat(), "region": "zuid"}


def test_a_series_of_another_region_or_none_skips_nothing(owner, offer, one_holiday):
    first, _ = one_holiday
    db.session.execute(delete(SchoolHoliday).where(SchoolHoliday.region == "noord"))
    db.session.commit()

    made, skipped = series(owner, offer, first, region="noord")
    assert (len(made), skipped) == (5, 0)

    more, skipped = series(owner, offer, first, region=None, starts_at=time(13, 0),
                           ends_at=time(15, 0))
    assert (len(more), skipped) == (5, 0)


def test_the_preview_names_the_skipped_dates(one_holiday):
    first, _ = one_holiday

    dates, skipped = slots.series_preview(weekday=1, first=first,
                                          last=first + timedelta(weeks=4), region="zuid")

    assert skipped == [first + timedelta(weeks=2)]
    assert len(dates) == 4


@pytest.mark.parametrize("changes, field", [
    ({"weekday": 7}, "weekday"),
    ({"region": "wallonie"}, "region"),
    ({"first": None}, "first"),
    ({"last": None}, "last"),
    ({"first": TODAY - timedelta(days=1)}, "first"),  # a past first date, at its field
    ({"ends_at": time(8, 0)}, "ends_at"),
    ({"capacity": 0}, "capacity"),
    ({"capacity": 501}, "capacity"),
])
def test_a_bad_series_is_refused_at_its_field_and_nothing_is_stored(owner, offer, changes,
                                                                    field):
    first = next_weekday(1, TODAY)
    fields = {"first": first, "last": first + timedelta(weeks=4), **changes}

    errors = refused(series, owner=owner, offer=offer, **fields)

    assert set(errors) == {field}
    assert slot_count(offer) == 0


def test_a_series_ending_before_it_starts_is_refused(owner, offer):
    first = next_weekday(1, TODAY)

    errors = refused(series, owner=owner, offer=offer, first=first,
                     last=first - timedelta(days=1))

    assert errors == {"last": "The last date cannot lie before the first."}
    assert slot_count(offer) == 0


def test_a_series_that_falls_entirely_in_the_holidays_is_refused(owner, offer, one_holiday):
    first, holiday = one_holiday
    in_holiday = first + timedelta(weeks=2)

    errors = refused(series, owner=owner, offer=offer, first=in_holiday, last=in_holiday,
                     region="zuid")

    assert set(errors) == {"last"}
    assert slot_count(offer) == 0


def test_a_series_has_at_most_80_dates(owner, offer):
    first = next_weekday(1, TODAY)

    errors = refused(series, owner=owner, offer=offer, first=first, weeks=81)

    assert errors == {"last": "A series has at most 80 dates; choose a shorter period."}
    assert slot_count(offer) == 0
    assert len(series(owner, offer, first, weeks=80)[0]) == 80


# --- changing and removing -----------------------------------------------------------------


@pytest.fixture
def taken_slot(make):
    """A published visit's slot of 60 with an accepted request of 24 pupils."""
    offer = make.offer(slot_capacity=60)
    booking = make.booking(offer, group_size=24)
    bookings.accept_booking(actor=make.owner_of(offer.company), booking=booking)
    db.session.refresh(offer.slots[0])
    assert offer.slots[0].taken == 24
    return offer.slots[0]


def test_change_the_room_of_a_slot(make, taken_slot):
    owner = make.owner_of(taken_slot.offer.company)

    slots.change_slot(actor=owner, slot=taken_slot, capacity=24, min_group=12)

    db.session.refresh(taken_slot)
    assert (taken_slot.capacity, taken_slot.min_group, taken_slot.room) == (24, 12, 0)
    assert events("slot.changed")[-1].details == {"slot_id": taken_slot.id, "capacity": 24}


@pytest.mark.parametrize("capacity, min_group, errors", [
    (23, None, {"capacity": "24 places are already taken."}),
    (0, None, {"capacity": "Enter a number of pupils from 1 to 500."}),
    (501, None, {"capacity": "Enter a number of pupils from 1 to 500."}),
    (None, None, {"capacity": "Enter a number of pupils from 1 to 500."}),
    (40, 41, {"min_group": "The smallest group is at least 1 and at most the capacity."}),
])
def test_the_room_never_drops_below_what_is_taken(make, taken_slot, capacity, min_group,
                                                  errors):
    owner = make.owner_of(taken_slot.offer.company)

    assert refused(slots.change_slot, actor=owner, slot=taken_slot, capacity=capacity,
                   min_group=min_group) == errors

    db.session.refresh(taken_slot)
    assert (taken_slot.capacity, taken_slot.taken, taken_slot.min_group) == (60, 24, None)


def test_remove_a_slot_nobody_asked_for(make, owner, offer):
    slot = add(owner, offer)
    kept = add(owner, offer, day=TODAY + timedelta(days=8))

    slots.remove_slot(actor=owner, slot=slot)

    assert [s.id for s in db.session.scalars(select(Slot).where(Slot.offer_id == offer.id))
            ] == [kept.id]
    assert events("slot.removed")[-1].subject_id == offer.id


def test_a_slot_with_a_request_stays(make):
    offer = make.offer()
    make.booking(offer)  # requested, not yet answered
    slot = offer.slots[0]

    errors = refused(slots.remove_slot, actor=make.owner_of(offer.company), slot=slot)

    assert set(errors) == {""}
    assert db.session.get(Slot, slot.id) is not None


# --- who may ---------------------------------------------------------------------------------


def test_another_companys_member_may_not_touch_the_slots(make):
    offer = make.offer()
    slot = offer.slots[0]
    stranger = make.owner_of(make.company())

    with pytest.raises(NotAllowed):
        add(stranger, offer)
    with pytest.raises(NotAllowed):
        series(stranger, offer, next_weekday(1, TODAY))
    with pytest.raises(NotAllowed):
        slots.change_slot(actor=stranger, slot=slot, capacity=5)
    with pytest.raises(NotAllowed):
        slots.remove_slot(actor=stranger, slot=slot)
    with pytest.raises(NotFound):
        slots.get_own_slot(stranger, slot.id)

    db.session.refresh(slot)
    assert (slot_count(offer), slot.capacity) == (1, 60)


def test_a_teacher_may_not_add_slots(make, offer):
    with pytest.raises(NotAllowed):
        add(make.owner_of(make.school()), offer)
    assert slot_count(offer) == 0


def test_get_own_slot(make):
    offer = make.offer()

    assert slots.get_own_slot(make.owner_of(offer.company), offer.slots[0].id) is offer.slots[0]
    with pytest.raises(NotFound):
        slots.get_own_slot(make.owner_of(offer.company), 987654321)


# --- reading ---------------------------------------------------------------------------------


def test_upcoming_and_open_slots(make):
    offer = make.offer(slot_capacity=30)
    owner = make.owner_of(offer.company)
    later = make.slot(offer, capacity=10, days=21)
    full = make.slot(offer, capacity=24, days=28)
    past = Slot(offer=offer, day=TODAY - timedelta(days=3), starts_at=NINE,
                ends_at=HALF_PAST_ELEVEN, capacity=30)  # as a slot whose day has passed
    db.session.add(past)
    db.session.commit()
    booking = make.booking(offer, slot_id=full.id, group_size=24)
    bookings.accept_booking(actor=owner, booking=booking)

    assert slots.upcoming_slots(offer, today=TODAY) == [offer.slots[1], later, full]
    def ids(found):
        return {offer_id: [slot.id for slot in kept] for offer_id, kept in found.items()}

    assert ids(slots.open_slots_by_offer([offer.id], today=TODAY)) == {
        offer.id: [offer.slots[1].id, later.id]}
    assert ids(slots.open_slots_by_offer([offer.id], today=TODAY, per_offer=1)) == {
        offer.id: [offer.slots[1].id]}
    first = slots.open_slots_by_offer([offer.id], today=TODAY)[offer.id][0]
    assert (first.day, first.starts_at, first.ends_at, first.room) == (
        offer.slots[1].day, offer.slots[1].starts_at, offer.slots[1].ends_at,
        offer.slots[1].room)
    assert slots.open_slots_by_offer([]) == {}
    assert local_today() - TODAY <= timedelta(days=1)  # the factory's clock agrees with ours


def test_open_slots_of_a_page_are_each_offers_next_ones_with_room(make):
    """Per offer the next slots with room, counted after the full ones are left out."""
    weekly = make.offer(slot_capacity=30)  # its factory slot comes first
    few = make.offer(slot_capacity=30)
    for week in range(2, 8):
        make.slot(weekly, capacity=20, days=7 * week)
    early_full = make.slot(few, capacity=10, days=3)
    db.session.execute(update(Slot).where(Slot.id == early_full.id).values(taken=10))
    later = make.slot(few, capacity=10, days=40, starts_at=time(13, 0), ends_at=time(15, 0))
    same_day_earlier = make.slot(few, capacity=10, days=40)
    db.session.commit()

    found = slots.open_slots_by_offer([weekly.id, few.id])
    assert [s.day for s in found[weekly.id]] == sorted(s.day for s in weekly.slots)[:3]
    first = next(s for s in few.slots if s.capacity == 30)  # the factory's, day 14
    assert [s.id for s in found[few.id]] == [first.id, same_day_earlier.id, later.id]
    assert [s.room for s in found[few.id]] == [30, 10, 10]
    assert [len(v) for v in slots.open_slots_by_offer([weekly.id, few.id],
                                                      per_offer=1).values()] == [1, 1]
