"""Calendar entries of requests (.ics) and the personal calendar feed."""
from datetime import date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from portal import security
from portal.audit import AuditEvent
from portal.bookings import calendar
from portal.bookings import services as bookings
from portal.bookings.models import Booking
from portal.db import PORTAL_TIMEZONE, local_today, utcnow
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.offers.models import Slot

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=PORTAL_TIMEZONE)


def _parse(text):
    return Calendar.from_ical(text)


def _event(parsed):
    (event,) = parsed.walk("VEVENT")
    return event


def _accepted(make, offer=None):
    offer = offer or make.offer()
    booking = make.booking(offer)
    bookings.accept_booking(actor=make.owner_of(offer.company), booking=booking)
    return booking


def test_an_accepted_date_parses_back_with_uid_sequence_tzid_and_vtimezone(make):
    booking = _accepted(make)
    text = calendar.booking_ics(booking, "REQUEST", now=NOW)
    assert "DTSTART;TZID=Europe/Amsterdam:" in text
    parsed = _parse(text)
    assert str(parsed["METHOD"]) == "REQUEST"
    assert str(parsed["VERSION"]) == "2.0"
    assert parsed["PRODID"]
    (zone,) = parsed.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Amsterdam"
    event = _event(parsed)
    assert str(event["UID"]) == f"booking-{booking.id}@127.0.0.1"
    assert event["SEQUENCE"] == booking.sequence
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    slot = booking.slot
    assert event.decoded("DTSTART") == datetime.combine(slot.day, slot.starts_at,
                                                        tzinfo=PORTAL_TIMEZONE)
    assert event.decoded("DTEND") == datetime.combine(slot.day, slot.ends_at,
                                                      tzinfo=PORTAL_TIMEZONE)
    assert str(event["STATUS"]) == "CONFIRMED"
    assert booking.offer.title in str(event["SUMMARY"])
    assert booking.school.name in str(event["SUMMARY"])
    assert "Vlissingen" in str(event["LOCATION"])
    assert f"/aanvragen/{booking.id}" in str(event["DESCRIPTION"])
    assert str(event["ORGANIZER"]).startswith("mailto:")
    attendees = [str(a) for a in event.get("ATTENDEE", [])]
    assert f"mailto:{booking.requested_by.email}" in attendees


def test_summer_and_winter_times_are_local_to_amsterdam(make):
    booking = _accepted(make)
    db.session.execute(update(Slot).where(Slot.id == booking.slot_id)
                       .values(day=date(2027, 7, 1), starts_at=time(9, 0)))
    db.session.expire_all()
    event = _event(_parse(calendar.booking_ics(booking, "REQUEST", now=NOW)))
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert event["DTSTART"].to_ical() == b"20270701T090000"


def test_a_placement_is_an_all_day_entry_on_its_start_date(make):
    offer = make.placement()
    booking = _accepted(make, offer)
    text = calendar.booking_ics(booking, "REQUEST", now=NOW)
    assert f"DTSTART;VALUE=DATE:{booking.wanted_on:%Y%m%d}" in text
    event = _event(_parse(text))
    assert event.decoded("DTSTART") == booking.wanted_on
    assert event.decoded("DTEND") == booking.wanted_on + timedelta(days=1)


def test_cancel_keeps_the_uid_with_method_cancel_and_status_cancelled(make):
    booking = _accepted(make)
    accepted = _event(_parse(calendar.booking_ics(booking, "REQUEST", now=NOW)))
    bookings.cancel_booking(actor=booking.requested_by, booking=booking,
                            message="De bus valt uit.")
    text = calendar.booking_ics(booking, "CANCEL", now=NOW)
    parsed = _parse(text)
    assert "METHOD:CANCEL" in text
    cancelled = _event(parsed)
    assert str(cancelled["UID"]) == str(accepted["UID"])
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["SEQUENCE"] == booking.sequence


def test_sequence_follows_every_change_the_booking_counts(make):
    booking = _accepted(make)
    first = _event(_parse(calendar.booking_ics(booking, "REQUEST", now=NOW)))
    booking.sequence += 1  # what the services do on every change sent to the other side
    db.session.flush()
    second = _event(_parse(calendar.booking_ics(booking, "CANCEL", now=NOW)))
    assert second["SEQUENCE"] == first["SEQUENCE"] + 1
    assert second["UID"] == first["UID"]


def test_the_text_is_in_the_language_asked_for(make):
    booking = _accepted(make)
    english = calendar.booking_ics(booking, "REQUEST", locale="en", now=NOW)
    dutch = calendar.booking_ics(booking, "REQUEST", locale="nl", now=NOW)
    assert "CN=\"Technology Partner Portal\"" in _unfolded(english)
    assert "CN=Techniekpartnerportaal" in _unfolded(dutch)


def test_an_unknown_method_is_refused(make):
    with pytest.raises(ValueError):
        calendar.booking_ics(_accepted(make), "REPLY")


def _unfolded(text):
    return text.replace("\r\n ", "")


# --- the feed ---------------------------------------------------------------------------


def test_the_feed_lists_the_accepted_requests_of_both_parties_organisations(make):
    offer = make.offer()
    accepted = _accepted(make, offer)
    waiting = make.booking(offer)  # another school's open request
    elsewhere = _accepted(make)  # another company and school
    for user in (accepted.requested_by, make.owner_of(offer.company)):
        text = calendar.feed_ics(user, utcnow())
        assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
        assert "X-PUBLISHED-TTL:PT1H\r\n" in text
        parsed = _parse(text)
        assert str(parsed["METHOD"]) == "PUBLISH"
        assert user.full_name in str(parsed["X-WR-CALNAME"])
        assert parsed["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
        assert parsed["X-PUBLISHED-TTL"]
        uids = [str(e["UID"]) for e in parsed.walk("VEVENT")]
        assert uids == [calendar.uid_of(accepted)]
        assert calendar.uid_of(waiting) not in uids and calendar.uid_of(elsewhere) not in uids
        assert parsed.walk("VTIMEZONE")


def test_the_feed_keeps_completed_requests_but_not_long_past_or_cancelled_ones(make):
    offer = make.offer(slot_capacity=200)
    done = _accepted(make, offer)
    old = _accepted(make, offer)
    gone = _accepted(make, offer)
    db.session.execute(update(Booking).where(Booking.id == done.id).values(status="completed"))
    long_ago = local_today() - timedelta(days=calendar.FEED_DAYS_BACK + 1)
    db.session.execute(update(Booking).where(Booking.id == old.id).values(wanted_on=long_ago))
    bookings.cancel_booking(actor=gone.requested_by, booking=gone, message="Geen bus.")
    owner = make.owner_of(offer.company)
    uids = [str(e["UID"]) for e in _parse(calendar.feed_ics(owner, utcnow())).walk("VEVENT")]
    assert uids == [calendar.uid_of(done)]


def test_the_feed_takes_the_same_few_queries_for_many_requests(make, count_queries):
    """A school's requests on offers of different companies, at their place or at the
    school: the queries do not grow with the requests."""
    teacher = make.owner_of(make.school())

    def accept_new(**fields):
        offer = make.offer(**fields)
        booking = make.booking(offer, teacher=teacher, group_size=20)
        bookings.accept_booking(actor=make.owner_of(offer.company), booking=booking)

    accept_new()
    db.session.expire_all()
    with count_queries() as few:
        calendar.feed_ics(teacher, utcnow())
    accept_new(offer_type="guest_lesson")
    accept_new(company_=make.company(place="Goes"))
    accept_new()
    db.session.expire_all()
    with count_queries() as many:
        text = calendar.feed_ics(teacher, utcnow())
    assert text.count("BEGIN:VEVENT") == 4
    assert len(many) <= len(few)


def test_an_empty_feed_is_still_a_calendar(make):
    teacher = make.owner_of(make.school())
    parsed = _parse(calendar.feed_ics(teacher, utcnow()))
    assert parsed.walk("VEVENT") == []


# --- the feed's secret address --------------------------------------------------------


def _events(action, user):
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == action, AuditEvent.subject_id == user.id)))


def test_renewing_keeps_only_the_hash_and_the_old_token_stops_working(make):
    teacher = make.owner_of(make.school())
    first = calendar.renew_calendar_token(actor=teacher)
    assert teacher.calendar_token_hash == calendar.token_hash(first) != first
    assert calendar.user_by_feed_token(first) == teacher
    second = calendar.renew_calendar_token(actor=teacher)
    assert second != first
    assert calendar.user_by_feed_token(first) is None
    assert calendar.user_by_feed_token(second) == teacher
    events = _events("user.calendar_feed_renewed", teacher)
    assert [e.details["replaced"] for e in events] == [False, True]
    assert first not in str([e.details for e in events]) and second not in str(
        [e.details for e in events])
    assert calendar.feed_created_at(teacher) == events[-1].created_at


def test_revoking_stops_the_address_and_is_logged(make):
    owner = make.owner_of(make.company())
    token = calendar.renew_calendar_token(actor=owner)
    calendar.revoke_calendar_token(actor=owner)
    assert owner.calendar_token_hash is None
    assert calendar.user_by_feed_token(token) is None
    assert calendar.feed_created_at(owner) is None
    assert len(_events("user.calendar_feed_revoked", owner)) == 1
    with pytest.raises(ValidationFailed):
        calendar.revoke_calendar_token(actor=owner)


def test_a_user_without_an_organisation_has_no_feed(make):
    loner = make.user(security.TEACHER)
    with pytest.raises(NotAllowed):
        calendar.renew_calendar_token(actor=loner)
    assert loner.calendar_token_hash is None


def test_a_deactivated_user_s_feed_is_gone(make):
    teacher = make.owner_of(make.school())
    token = calendar.renew_calendar_token(actor=teacher)
    teacher.is_active = False
    db.session.flush()
    assert calendar.user_by_feed_token(token) is None


@pytest.mark.parametrize("token", ["", "short", "x" * 200, "../../etc/passwd-xxxxxxxxxxxxxxxx"])
def test_malformed_tokens_find_nobody(make, token):
    assert calendar.user_by_feed_token(token) is None


def test_the_mailed_entries_keep_the_uid_and_count_up_from_accept_to_cancel(make):
    """The entries the booking services attach to their mails (booking_ics): the acceptance's
    REQUEST and the cancellation's CANCEL are the same event, the later one with a higher
    SEQUENCE, so a calendar replaces or removes the entry it has."""
    from portal.notifications.models import OutboxMessage

    booking = _accepted(make)
    bookings.cancel_booking(actor=booking.requested_by, booking=booking, message="Geen bus.")
    mailed = [m for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.ics.is_not(None)).order_by(OutboxMessage.id))]
    # Both sides get each entry: the one who acted a confirmation, the other the news.
    assert [m.ics_method for m in mailed] == ["REQUEST", "REQUEST", "CANCEL", "CANCEL"]
    request, cancel = _parse(mailed[0].ics), _parse(mailed[-1].ics)
    assert str(request["METHOD"]) == "REQUEST" and str(cancel["METHOD"]) == "CANCEL"
    first, second = _event(request), _event(cancel)
    assert str(first["UID"]) == str(second["UID"]) == calendar.uid_of(booking)
    assert second["SEQUENCE"] > first["SEQUENCE"]
    assert str(first["STATUS"]) == "CONFIRMED" and str(second["STATUS"]) == "CANCELLED"
    assert first["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert request.walk("VTIMEZONE") and cancel.walk("VTIMEZONE")
