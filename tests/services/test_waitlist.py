"""The waiting list of a full date: joining, room coming free, taking, declining, lapsing.

Room is filled and freed here as accepted requests and their cancellation do it (one conditional
UPDATE on the slot), then `offer_freed_room` is called as the booking services call it.

The rule of who is offered (portal/bookings/waitlist/__init__.py): free room goes to the first
school in line whose group fits; a bigger group before it keeps its place and gets the next room
that is big enough; room left over goes further down the line.
"""
import re
from datetime import time, timedelta

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from portal import security
from portal.audit import AuditEvent
from portal.bookings import waitlist
from portal.bookings.models import Booking, WaitlistEntry
from portal.db import PORTAL_TIMEZONE, utcnow
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.notifications import outbox
from portal.notifications.models import OutboxMessage
from portal.offers import lifecycle
from portal.offers.models import Slot
from portal.organisations import services as organisations
from portal.taxonomy.services import level_by_code

NOW = utcnow()
HOURS_48 = timedelta(hours=48)


# --- helpers ---------------------------------------------------------------------------------

def full_date(make, capacity=30, taken=None, **offer_fields):
    """A published company visit with one date 14 days ahead, taken up to `taken` (full)."""
    offer = make.offer(slot_capacity=capacity, **offer_fields)
    slot = offer.slots[0]
    fill(slot, capacity if taken is None else taken)
    return offer, slot


def fill(slot, taken):
    db.session.execute(update(Slot).where(Slot.id == slot.id).values(taken=taken))
    db.session.commit()
    db.session.refresh(slot)


def free(slot, room, now=NOW):
    """Room given back as a cancelled acceptance does, then offered down the line."""
    db.session.execute(update(Slot).where(Slot.id == slot.id, Slot.taken >= room)
                       .values(taken=Slot.taken - room))
    offered = waitlist.offer_freed_room(slot.id, now=now)
    db.session.commit()
    return offered


def teacher(make):
    return make.owner_of(make.school())


def join(make, slot, actor=None, group=24, **fields):
    fields.setdefault("level_id", slot.offer.levels[0].id)
    return waitlist.join_waitlist(actor=actor or teacher(make), slot=slot, group_size=group,
                                  **fields)


def state(entry):
    db.session.expire_all()
    return db.session.get(WaitlistEntry, entry.id)


def taken(slot):
    return db.session.scalar(select(Slot.taken).where(Slot.id == slot.id))


def mails(kind, user=None):
    query = select(OutboxMessage).where(OutboxMessage.kind == kind)
    if user is not None:
        query = query.where(OutboxMessage.user_id == user.id)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def token_in(message):
    """The token of the link in an offer's e-mail."""
    return re.search(r"/wachtlijst/([A-Za-z0-9_-]{20,})", message.body_text).group(1)


def token_of(entry):
    [message] = mails("waitlist.offered", entry.requested_by)
    return token_in(message)


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def refusal(error):
    return error.value.errors


# --- joining ---------------------------------------------------------------------------------

def test_a_teacher_joins_the_line_of_a_full_date(make):
    _offer, slot = full_date(make)
    first = join(make, slot, message="Klas 3B wil graag komen.")
    second = join(make, slot, group=10)

    assert (first.status, first.group_size, first.message) == (
        "waiting", 24, "Klas 3B wil graag komen.")
    assert first.school_id != second.school_id
    assert (waitlist.position(first), waitlist.position(second)) == (1, 2)
    assert taken(slot) == 30  # joining holds nothing
    [event, _second] = events("waitlist.joined")
    assert (event.actor_id, event.subject_type, event.details["slot_id"]) == (
        first.requested_by_id, "offers", slot.id)
    assert mails("waitlist.joined") == mails("waitlist.offered") == []


def test_a_date_with_room_for_the_group_is_to_be_requested_instead(make):
    _offer, slot = full_date(make, capacity=30, taken=20)

    with pytest.raises(ValidationFailed) as error:
        join(make, slot, group=10)
    assert refusal(error) == {"": _("There is room on this date for your group: request it "
                                    "instead.")}
    assert join(make, slot, group=11).status == "waiting"  # 11 > 10 places left


def test_counted_teachers_make_a_group_too_big_for_the_room(make):
    _offer, slot = full_date(make, capacity=30, taken=20, counts_teachers=True)

    entry = join(make, slot, group=9, teachers=2)  # 11 people on 10 places

    assert (entry.group_size, entry.teachers) == (9, 2)


def test_a_past_date_is_refused(make):
    _offer, slot = full_date(make)

    with pytest.raises(ValidationFailed) as error:
        join(make, slot, today=slot.day + timedelta(days=1))
    assert refusal(error) == {"": _("This date has passed; choose a later one.")}
    assert db.session.scalar(select(func.count(WaitlistEntry.id))) == 0


def test_a_group_that_could_never_fit_the_date_is_refused(make):
    _offer, slot = full_date(make, capacity=20, max_group_size=30)

    with force_locale("en"), pytest.raises(ValidationFailed) as error:
        join(make, slot, group=21)
    assert refusal(error) == {
        "group_size": "This date has room for 20 in all, so this group can never get in."}


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"group": 31}, "group_size", "This offer takes groups of at most %(n)d pupils."),
    ({"group": 0}, "group_size", "A group has at least one pupil."),
    ({"teachers": 21}, "teachers", "Enter 0 to 20 accompanying teachers."),
    ({"level_id": None}, "level_id", "Choose one of the levels this offer serves."),
])
def test_the_group_rules_of_a_request_apply(make, fields, field, message):
    _offer, slot = full_date(make, capacity=40)
    if "level_id" in fields:
        fields["level_id"] = level_by_code("mbo_3").id  # not one of the offer's levels

    with pytest.raises(ValidationFailed) as error:
        join(make, slot, **fields)

    assert refusal(error)[field] == _(message, n=30)


def test_the_smallest_group_of_the_date_applies(make):
    offer = make.offer()
    slot = make.slot(offer, capacity=30, min_group=15, days=21)
    fill(slot, 30)

    with pytest.raises(ValidationFailed) as error:
        join(make, slot, group=10)

    assert refusal(error) == {
        "group_size": _("This offer takes groups of at least %(n)d pupils.", n=15)}


def test_one_place_in_line_per_school_and_date(make):
    _offer, slot = full_date(make)
    first = join(make, slot)
    colleague = make.user(security.TEACHER)
    from portal.organisations import services as organisations
    organisations.add_member(actor=make.admin(), organisation=first.school, user=colleague)

    with pytest.raises(ValidationFailed) as error:
        join(make, slot, actor=colleague, group=12)

    assert refusal(error) == {"": _("Your school is already on the waiting list for this date.")}
    assert db.session.scalar(select(func.count(WaitlistEntry.id))) == 1


@pytest.mark.parametrize("role", [security.COMPANY_MEMBER, security.MODERATOR])
def test_only_teachers_join(make, role):
    _offer, slot = full_date(make)
    with pytest.raises(NotAllowed):
        join(make, slot, actor=make.user(role))


def test_a_teacher_without_a_school_cannot_join(make):
    _offer, slot = full_date(make)
    with pytest.raises(NotAllowed):
        join(make, slot, actor=make.user(security.TEACHER))


def test_a_paused_or_withdrawn_offer_takes_nobody_in_line(make):
    offer, slot = full_date(make)
    owner = make.owner_of(offer.company)
    lifecycle.pause_offer(actor=owner, offer=offer, reason="Verbouwing.")

    with pytest.raises(ValidationFailed) as error:
        join(make, slot)
    assert refusal(error) == {
        "": _("The company has paused this offer; it takes no new requests for now.")}

    draft, draft_slot = full_date(make, status="draft")
    with pytest.raises(NotFound):
        join(make, draft_slot)


# --- room that comes free --------------------------------------------------------------------

def test_freed_room_is_offered_to_the_first_in_line(make):
    _offer, slot = full_date(make)
    first, second = join(make, slot, group=24), join(make, slot, group=10)

    [offered] = free(slot, 24)

    first, second = state(first), state(second)
    assert offered.id == first.id
    assert (first.status, first.room_held, first.offered_at) == ("offered", 24, NOW)
    assert first.offer_expires_at == NOW + HOURS_48
    assert first.token_hash and len(first.token_hash) == 64
    assert (second.status, waitlist.position(second)) == ("waiting", 1)
    assert taken(slot) == 30  # held for the first in line, so nobody else requests it
    [message] = mails("waitlist.offered")
    assert message.user_id == first.requested_by_id
    token = token_in(message)
    assert waitlist.token_hash(token) == first.token_hash  # only the hash is kept
    assert token not in first.token_hash
    until = (NOW + HOURS_48).astimezone(PORTAL_TIMEZONE).strftime("%H:%M")
    assert until in message.body_text  # the time in Dutch local time
    assert [e.details["entry_id"] for e in events("waitlist.offered")] == [first.id]


def test_a_bigger_first_group_keeps_its_place_while_a_smaller_one_fits(make):
    """The rule: free room goes to the first in line whose group fits; the bigger group ahead
    keeps its place and gets the next room that is big enough."""
    _offer, slot = full_date(make)
    big, small = join(make, slot, group=24), join(make, slot, group=10)

    free(slot, 12)

    assert (state(big).status, state(small).status) == ("waiting", "offered")
    assert state(small).room_held == 10
    assert taken(slot) == 28  # two places stay free: too few for the big group
    assert waitlist.position(state(big)) == 1

    free(slot, 24)  # another school cancels its 24: now the big group fits

    assert state(big).status == "offered"
    assert taken(slot) == 28 - 24 + 24


def test_room_left_over_goes_further_down_the_line(make):
    _offer, slot = full_date(make, counts_teachers=True)
    a, b, c = (join(make, slot, group=8, teachers=1), join(make, slot, group=12),
               join(make, slot, group=9))

    offered = free(slot, 20)

    assert [e.id for e in offered] == [a.id, c.id]  # 9 + 9 of 20; b's 12 no longer fits
    assert [state(e).status for e in (a, b, c)] == ["offered", "waiting", "offered"]
    assert (state(a).room_held, taken(slot)) == (9, 28)


def test_an_offer_never_lasts_past_the_start_of_the_date(make):
    slot = make.slot(make.offer(), capacity=30, days=1, starts_at=time(9, 0))
    fill(slot, 30)
    entry = join(make, slot)
    start = waitlist.slot_start(slot)

    free(slot, 24, now=start - timedelta(hours=10))

    assert state(entry).offer_expires_at == start


def test_nothing_is_offered_for_a_date_that_has_begun_or_a_paused_offer(make):
    offer, slot = full_date(make)
    entry = join(make, slot)

    assert free(slot, 24, now=waitlist.slot_start(slot)) == []
    assert state(entry).status == "waiting"

    fill(slot, 30)
    lifecycle.pause_offer(actor=make.owner_of(offer.company), offer=offer)
    assert free(slot, 24) == []
    assert (state(entry).status, taken(slot)) == ("waiting", 6)

    lifecycle.resume_offer(actor=make.owner_of(offer.company), offer=offer)
    assert waitlist.expire_offers(now=NOW) == 1  # the time-driven run offers standing room
    assert (state(entry).status, taken(slot)) == ("offered", 30)


# --- taking and declining ---------------------------------------------------------------------

def test_taking_the_room_makes_an_accepted_request_on_the_held_room(make):
    offer, slot = full_date(make, counts_teachers=True)
    entry = join(make, slot, group=20, teachers=2, message="Met twee begeleiders.")
    free(slot, 22)
    assert taken(slot) == 30

    booking = waitlist.take_offered_room(actor=entry.requested_by, token=token_of(entry),
                                         now=NOW + timedelta(hours=1))

    db.session.expire_all()
    booking = db.session.get(Booking, booking.id)
    assert (booking.status, booking.slot_id, booking.school_id) == (
        "accepted", slot.id, entry.school_id)
    assert (booking.group_size, booking.teachers, booking.room_taken) == (20, 2, 22)
    assert booking.education_level_id == entry.education_level_id
    assert booking.wanted_on == slot.day
    assert [(m.side, m.kind, m.body, m.author_id) for m in booking.messages] == [
        ("school", "request", "Met twee begeleiders.", entry.requested_by_id)]
    assert taken(slot) == 30  # no second claim on the room
    entry = state(entry)
    assert (entry.status, entry.booking_id, entry.room_held) == ("booked", booking.id, 0)
    [message] = mails("waitlist.booked")
    assert message.user_id == make.owner_of(offer.company).id
    [taken_mail] = mails("waitlist.taken")
    assert taken_mail.user_id == entry.requested_by_id
    assert message.ics_method == taken_mail.ics_method == "REQUEST"
    assert "BEGIN:VEVENT" in message.ics and f"booking-{booking.id}@" in message.ics
    assert booking.sequence == 1
    assert [e.subject_id for e in events("waitlist.booked")] == [booking.id]


def test_an_offer_is_taken_once(make):
    _offer, slot = full_date(make)
    entry = join(make, slot)
    free(slot, 24)
    token = token_of(entry)
    waitlist.take_offered_room(actor=entry.requested_by, token=token, now=NOW)

    with pytest.raises(ValidationFailed) as error:
        waitlist.take_offered_room(actor=entry.requested_by, token=token, now=NOW)
    assert refusal(error) == {"": _("You have already taken this room.")}
    with pytest.raises(ValidationFailed):
        waitlist.decline_offered_room(actor=entry.requested_by, token=token, now=NOW)
    assert db.session.scalar(select(func.count(Booking.id))) == 1
    assert taken(slot) == 30


def test_a_lapsed_offer_cannot_be_taken(make):
    _offer, slot = full_date(make)
    entry = join(make, slot)
    free(slot, 24)

    with pytest.raises(ValidationFailed) as error:
        waitlist.take_offered_room(actor=entry.requested_by, token=token_of(entry),
                                   now=NOW + HOURS_48)

    assert refusal(error) == {
        "": _("This offer has expired; the room went to the next school in line.")}
    assert db.session.scalar(select(func.count(Booking.id))) == 0
    assert (state(entry).status, taken(slot)) == ("offered", 30)


def test_another_schools_teacher_or_the_company_cannot_use_the_link(make):
    offer, slot = full_date(make)
    entry = join(make, slot)
    free(slot, 24)
    token = token_of(entry)

    for stranger in (teacher(make), make.owner_of(offer.company)):
        with pytest.raises(NotAllowed):
            waitlist.take_offered_room(actor=stranger, token=token, now=NOW)
        with pytest.raises(NotAllowed):
            waitlist.decline_offered_room(actor=stranger, token=token, now=NOW)
    with pytest.raises(NotFound):
        waitlist.take_offered_room(actor=entry.requested_by, token="x" * 43, now=NOW)
    assert (state(entry).status, taken(slot)) == ("offered", 30)


def test_declining_gives_the_room_to_the_next_in_line(make):
    _offer, slot = full_date(make)
    first, second = join(make, slot, group=24), join(make, slot, group=20)
    free(slot, 24)

    waitlist.decline_offered_room(actor=first.requested_by, token=token_of(first), now=NOW)

    assert (state(first).status, state(first).room_held) == ("left", 0)
    assert (state(second).status, state(second).room_held) == ("offered", 20)
    assert taken(slot) == 26
    assert len(events("waitlist.declined")) == 1
    assert len(mails("waitlist.offered", second.requested_by)) == 1


def test_an_offer_of_room_reaches_a_teacher_who_switched_waiting_list_mail_off(make):
    """The room is held for the school on that offer: it cannot be switched off. The other
    waiting-list mail (an offer that lapsed) still follows the teacher's choice."""
    _offer, slot = full_date(make)
    entry = join(make, slot, group=24)
    entry.requested_by.mail_off = ["waitlist"]
    db.session.commit()

    free(slot, 24)

    assert len(mails("waitlist.offered", entry.requested_by)) == 1
    waitlist.expire_offers(now=NOW + HOURS_48)
    assert state(entry).status == "expired"
    assert mails("waitlist.expired", entry.requested_by) == []


def test_the_offer_kind_always_goes_to_an_active_user_only(make):
    user = make.user()
    user.mail_off = list(outbox.CATEGORIES)
    assert "waitlist.offered" in outbox.ALWAYS
    assert outbox.wants(user, "waitlist.offered")
    assert not outbox.wants(user, "waitlist.expired")
    user.is_active = False
    assert not outbox.wants(user, "waitlist.offered")
    assert outbox.wants(user, "account.reset_password")


def test_room_is_not_held_for_a_school_where_nobody_would_read_the_offer(make):
    """The first school in line has no active member left: nobody would answer the offer, so
    the room goes to the next school at once instead of standing held for 48 hours."""
    _offer, slot = full_date(make)
    gone, next_in_line = join(make, slot, group=20), join(make, slot, group=20)
    gone.requested_by.is_active = False
    db.session.commit()

    [offered] = free(slot, 24)

    assert offered.id == next_in_line.id
    assert (state(gone).status, state(gone).room_held) == ("closed", 0)
    assert (state(next_in_line).status, state(next_in_line).room_held) == ("offered", 20)
    assert taken(slot) == 26  # only the next school's room is held
    assert [m.user_id for m in mails("waitlist.offered")] == [next_in_line.requested_by_id]
    [closed] = events("waitlist.closed")
    assert (closed.details["entries"], closed.details["why"]) == ([gone.id], "nobody_at_school")
    assert state(gone).closed_why == "nobody_at_school"  # not a date that found no room


def test_another_member_of_the_school_gets_the_offer_when_the_teacher_left(make):
    _offer, slot = full_date(make)
    entry = join(make, slot, group=20)
    colleague = make.user(security.TEACHER)
    organisations.add_member(actor=make.admin(), organisation=entry.school, user=colleague)
    entry.requested_by.is_active = False
    db.session.commit()

    offered = free(slot, 24)

    assert [e.id for e in offered] == [entry.id]
    assert [m.user_id for m in mails("waitlist.offered")] == [colleague.id]


# --- leaving ---------------------------------------------------------------------------------

def test_leaving_the_line(make):
    _offer, slot = full_date(make)
    waiting = join(make, slot, group=10)

    waitlist.leave_waitlist(actor=waiting.requested_by, entry=waiting, now=NOW)

    assert state(waiting).status == "left"
    with pytest.raises(ValidationFailed):
        waitlist.leave_waitlist(actor=waiting.requested_by, entry=state(waiting), now=NOW)
    assert [e.details["was"] for e in events("waitlist.left")] == ["waiting"]


def test_leaving_while_offered_gives_the_room_to_the_next(make):
    _offer, slot = full_date(make)
    first, second = join(make, slot, group=24), join(make, slot, group=24)
    free(slot, 24)

    waitlist.leave_waitlist(actor=first.requested_by, entry=state(first), now=NOW)

    assert [state(e).status for e in (first, second)] == ["left", "offered"]
    assert taken(slot) == 30


def test_only_the_school_itself_leaves(make):
    _offer, slot = full_date(make)
    entry = join(make, slot)
    with pytest.raises(NotAllowed):
        waitlist.leave_waitlist(actor=teacher(make), entry=entry, now=NOW)
    assert state(entry).status == "waiting"


# --- time-driven work ------------------------------------------------------------------------

def test_after_48_hours_the_offer_lapses_and_the_next_is_offered(make):
    _offer, slot = full_date(make)
    first, second = join(make, slot, group=24), join(make, slot, group=22)
    free(slot, 24)

    assert waitlist.expire_offers(now=NOW + HOURS_48 - timedelta(minutes=1)) == 0
    assert state(first).status == "offered"

    later = NOW + HOURS_48
    assert waitlist.expire_offers(now=later) == 2  # one lapsed, one offered

    first, second = state(first), state(second)
    assert (first.status, first.room_held) == ("expired", 0)
    assert (second.status, second.room_held) == ("offered", 22)
    assert second.offer_expires_at == later + HOURS_48
    assert taken(slot) == 28
    [lapsed] = mails("waitlist.expired")
    assert lapsed.user_id == first.requested_by_id
    assert "/wachtlijst/datum/" in lapsed.body_text  # may join the line again
    assert len(mails("waitlist.offered", second.requested_by)) == 1
    assert [e.actor_id for e in events("waitlist.expired")] == [None]

    outbox = db.session.scalar(select(func.count(OutboxMessage.id)))
    assert waitlist.expire_offers(now=later) == 0  # a second run changes nothing more
    assert waitlist.expire_offers(now=later + timedelta(minutes=5)) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == outbox
    assert (state(second).status, taken(slot)) == ("offered", 28)


def test_a_school_whose_offer_lapsed_may_join_again_at_the_back(make):
    _offer, slot = full_date(make)
    first, second = join(make, slot, group=24), join(make, slot, group=26)
    free(slot, 24)
    waitlist.expire_offers(now=NOW + HOURS_48)  # 24 back; 26 do not fit: nobody offered
    fill(slot, 30)

    again = join(make, slot, actor=first.requested_by, group=24)

    assert (waitlist.position(state(second)), waitlist.position(again)) == (1, 2)


def test_entries_of_a_date_that_began_are_closed(make):
    slot = make.slot(make.offer(), capacity=30, days=1)
    fill(slot, 30)
    offered, waiting = join(make, slot, group=24), join(make, slot, group=24)
    free(slot, 24)
    start = waitlist.slot_start(slot)

    assert waitlist.expire_offers(now=start) == 2

    assert [state(e).status for e in (offered, waiting)] == ["expired", "closed"]
    assert taken(slot) == 6
    [lapsed] = mails("waitlist.expired")
    assert "/wachtlijst/datum/" not in lapsed.body_text  # the date has begun
    [closed] = events("waitlist.closed")
    assert closed.details == {"entries": [waiting.id], "why": "date_began"}
    assert (state(waiting).closed_why, state(offered).closed_why) == ("date_began", None)
    assert waitlist.expire_offers(now=start) == 0


def test_withdrawing_the_offer_closes_its_lines(make):
    offer, slot = full_date(make)
    offered, waiting = join(make, slot, group=24), join(make, slot, group=24)
    free(slot, 24)
    offer.status_reason = "Onze werkplaats sluit."

    closed = waitlist.close_waitlist_for_offer(offer.id, now=NOW)
    db.session.commit()

    assert {e.id for e in closed} == {offered.id, waiting.id}
    assert [state(e).status for e in (offered, waiting)] == ["closed", "closed"]
    assert {state(e).closed_why for e in (offered, waiting)} == {"offer_withdrawn"}
    assert taken(slot) == 6
    told = mails("waitlist.closed")
    assert {m.user_id for m in told} == {offered.requested_by_id, waiting.requested_by_id}
    assert "Onze werkplaats sluit." in told[0].body_text
    assert waitlist.close_waitlist_for_offer(offer.id, now=NOW) == []


def test_a_withdrawn_offer_left_with_entries_is_cleaned_up_by_the_run(make):
    offer, slot = full_date(make)
    entry = join(make, slot)
    offer.status = "withdrawn"
    db.session.commit()

    assert waitlist.expire_offers(now=NOW) == 1
    assert (state(entry).status, state(entry).closed_why) == ("closed", "offer_ended")


def test_an_entry_whose_date_began_is_closed_as_such_whatever_became_of_the_offer(make):
    """The run closes it after the offer ended too (archived the night after its last date,
    the run having missed the start): its date still began while it waited."""
    offer, slot = full_date(make)
    entry = join(make, slot)
    offer.status = "archived"
    db.session.commit()

    assert waitlist.expire_offers(now=waitlist.slot_start(slot) + timedelta(hours=1)) == 1
    assert (state(entry).status, state(entry).closed_why) == ("closed", "date_began")


def test_lists_for_the_pages(make):
    offer, slot = full_date(make)
    other = make.slot(offer, capacity=10, days=21)
    fill(other, 10)
    a = join(make, slot, group=24)
    b = join(make, slot, group=10)
    c = join(make, other, actor=b.requested_by, group=10)

    assert waitlist.waiting_counts(offer.id) == {slot.id: 2, other.id: 1}
    rows = waitlist.entries_of_school(actor=b.requested_by, school=b.school)
    assert [(e.id, position) for e, position in rows] == [(c.id, 1), (b.id, 2)]
    with pytest.raises(NotAllowed):
        waitlist.entries_of_school(actor=a.requested_by, school=b.school)


# --- through the booking services ------------------------------------------------------------

def test_a_cancelled_acceptance_offers_its_room_down_the_line(make):
    from portal.bookings import services as bookings

    offer = make.offer(slot_capacity=30)
    slot, owner = offer.slots[0], make.owner_of(offer.company)
    accepted = make.booking(offer, group_size=24)
    bookings.accept_booking(actor=owner, booking=accepted)
    other = make.booking(offer, group_size=6)
    bookings.accept_booking(actor=owner, booking=other)
    entry = join(make, slot, group=20)

    bookings.cancel_booking(actor=owner, booking=accepted, message="De hal is afgekeurd.")

    entry = state(entry)
    assert (entry.status, entry.room_held, taken(slot)) == ("offered", 20, 26)
    booking = waitlist.take_offered_room(actor=entry.requested_by, token=token_of(entry),
                                         now=utcnow())
    assert (booking.status, taken(slot)) == ("accepted", 26)
    bookings.cancel_booking(actor=entry.requested_by, booking=booking,
                            message="Toch geen vervoer.")
    assert taken(slot) == 6  # the request from the line gives back exactly what it held


def test_withdrawing_the_offer_closes_its_waiting_lists(make):
    from portal.bookings.offer_life import withdraw_offer

    offer, slot = full_date(make)
    offered, waiting = join(make, slot, group=24), join(make, slot, group=24)
    free(slot, 24)

    withdraw_offer(actor=make.owner_of(offer.company), offer=offer, reason="Wij stoppen ermee.")

    assert [state(e).status for e in (offered, waiting)] == ["closed", "closed"]
    assert taken(slot) == 6
    told = mails("waitlist.closed")
    assert len(told) == 2 and "Wij stoppen ermee." in told[0].body_text
