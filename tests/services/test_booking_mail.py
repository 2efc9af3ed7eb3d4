"""The e-mail of a request's life: who gets which message, what its subject names, the link to
the request and the calendar entry; written with the change, so a refused change sends nothing.
"""
from datetime import datetime, time, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.bookings import counter, services
from portal.bookings.models import Booking
from portal.bookings.waitlist import join_waitlist
from portal.db import PORTAL_TIMEZONE
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.views import slot_when


def owner(booking):
    return booking.offer.company.memberships[0].user


def mails(kind=None):
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query))


def booking_mails():
    return [(m.kind, m.to_address) for m in mails() if m.kind.startswith("booking.")]


def the_date(booking, locale="nl"):
    with force_locale(locale):
        return slot_when(booking.slot)


def assert_names_the_request(mail, booking, party_name):
    assert booking.offer.title in mail.subject
    assert party_name in mail.subject
    assert the_date(booking, mail.locale) in mail.subject
    assert f"/aanvragen/{booking.id}" in mail.body_text
    assert f"/aanvragen/{booking.id}" in mail.body_html


def test_a_new_request_tells_the_companys_contact(make):
    booking = make.booking(message="Wij komen met 3K.")

    [mail] = mails("booking.requested")

    assert mail.to_address == owner(booking).email
    assert_names_the_request(mail, booking, booking.school.name)
    assert "Wij komen met 3K." in mail.body_text
    assert mail.ics is None


def test_an_acceptance_tells_the_teacher_with_a_calendar_entry(make):
    booking = make.booking()

    make.accepted(booking, message="Tot dan!")

    [mail] = mails("booking.accepted")
    assert mail.to_address == booking.requested_by.email
    assert_names_the_request(mail, booking, booking.offer.company.name)
    assert "Tot dan!" in mail.body_text
    assert mail.ics_method == "REQUEST"
    assert "METHOD:REQUEST" in mail.ics and "SEQUENCE:1" in mail.ics
    assert db.session.get(Booking, booking.id).sequence == 1


def test_a_decline_and_a_withdrawal_tell_the_other_side_why(make):
    declined = make.booking()
    services.decline_booking(actor=owner(declined), booking=declined, message="Vol in mei.")
    withdrawn = make.booking()
    services.withdraw_booking(actor=withdrawn.requested_by, booking=withdrawn,
                              message="Toets verschoven.")

    [no] = mails("booking.declined")
    [gone] = mails("booking.withdrawn")
    assert no.to_address == declined.requested_by.email and "Vol in mei." in no.body_text
    assert_names_the_request(no, declined, declined.offer.company.name)
    assert gone.to_address == owner(withdrawn).email
    assert "Toets verschoven." in gone.body_text
    assert_names_the_request(gone, withdrawn, withdrawn.school.name)


@pytest.mark.parametrize("by_school", [True, False])
def test_a_cancellation_tells_the_other_side_and_cancels_the_calendar_entry(make, by_school):
    booking = make.accepted(make.booking())
    actor = booking.requested_by if by_school else owner(booking)

    services.cancel_booking(actor=actor, booking=booking, message="De bus is uitgevallen.")

    [mail] = mails("booking.cancelled")
    other = owner(booking) if by_school else booking.requested_by
    assert mail.to_address == other.email
    by = booking.school.name if by_school else booking.offer.company.name
    assert_names_the_request(mail, booking, by)
    assert "De bus is uitgevallen." in mail.body_text
    assert mail.ics_method == "CANCEL" and "METHOD:CANCEL" in mail.ics
    assert "SEQUENCE:2" in mail.ics
    booking = db.session.get(Booking, booking.id)
    assert (booking.cancelled_by, booking.cancelled_late) == (
        "school" if by_school else "company", False)
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "booking.cancelled"))
    assert event.details == {"reason": "De bus is uitgevallen.",
                             "side": "school" if by_school else "company", "late": False}


def test_a_cancellation_within_48_hours_is_marked_late(make):
    booking = make.accepted(make.booking())
    start = datetime.combine(booking.slot.day, booking.slot.starts_at, tzinfo=PORTAL_TIMEZONE)

    services.cancel_booking(actor=booking.requested_by, booking=booking, message="Ziek.",
                            now=start - timedelta(hours=47),
                            today=booking.slot.day - timedelta(days=2))

    assert db.session.get(Booking, booking.id).cancelled_late is True
    [mail] = mails("booking.cancelled")
    assert mail.locale == "nl"
    assert "dat telt als late annulering" in mail.body_text


def test_freed_room_goes_to_the_waiting_list(make):
    offer = make.offer(slot_capacity=24)
    booking = make.accepted(make.booking(offer, group_size=24))
    waiting_teacher = make.owner_of(make.school())
    join_waitlist(actor=waiting_teacher, slot=offer.slots[0], group_size=20,
                  level_id=offer.levels[0].id)

    services.cancel_booking(actor=booking.requested_by, booking=booking, message="Ziek.")

    [offered] = mails("waitlist.offered")
    assert offered.to_address == waiting_teacher.email
    db.session.expire_all()
    assert offer.slots[0].taken == 20  # held for the school in line


def test_the_counter_proposal_mails(make):
    offer = make.offer(max_group_size=30)
    booking = make.booking(offer, group_size=28)
    counter.counter_propose(actor=owner(booking), booking=booking, group_size=20,
                            message="Wij hebben plek voor twintig.")
    [proposed] = mails("booking.counter_proposed")
    assert proposed.to_address == booking.requested_by.email
    assert_names_the_request(proposed, booking, offer.company.name)
    assert "Wij hebben plek voor twintig." in proposed.body_text
    assert "20" in proposed.body_text and "28" in proposed.body_text

    counter.accept_counter_proposal(actor=booking.requested_by, booking=booking)

    [accepted] = mails("booking.counter_accepted")
    assert_names_the_request(accepted, booking, booking.school.name)


def test_messages_are_in_the_recipients_language(make):
    booking = make.booking()
    teacher = booking.requested_by
    teacher.locale = "en"
    db.session.commit()

    make.accepted(booking)

    [mail] = mails("booking.accepted")
    assert mail.locale == "en"
    assert "accepted your request" in mail.subject


def test_a_refused_change_sends_nothing(make):
    offer = make.offer(slot_capacity=24)
    first, second = make.booking(offer, group_size=24), make.booking(offer, group_size=24)
    make.accepted(first)
    before = booking_mails()

    with pytest.raises(ValidationFailed):
        services.accept_booking(actor=owner(second), booking=second)

    assert booking_mails() == before


def test_a_user_who_switched_booking_mail_off_gets_none(make):
    booking = make.booking()
    teacher = booking.requested_by
    teacher.mail_off = ["booking"]
    db.session.commit()

    make.accepted(booking)

    assert mails("booking.accepted") == []


def test_every_booking_mail_renders_in_both_languages(make):
    """Each kind of the life of a request, once in Dutch and once in English."""
    offer = make.offer(max_group_size=30)
    later = make.slot(offer, days=21, starts_at=time(13, 0), ends_at=time(15, 0))
    booking = make.booking(offer, group_size=24)
    for user in (booking.requested_by, owner(booking)):
        user.locale = "en"
    db.session.commit()
    counter.counter_propose(actor=owner(booking), booking=booking, slot_id=later.id,
                            message="Liever later.")
    counter.accept_counter_proposal(actor=booking.requested_by, booking=booking)
    services.cancel_booking(actor=owner(booking), booking=booking, message="Storing.")
    other = make.booking(offer)
    counter.counter_propose(actor=owner(other), booking=other, group_size=20, message="Minder.")
    counter.decline_counter_proposal(actor=other.requested_by, booking=other, message="Nee.")

    kinds = {m.kind for m in mails() if m.kind.startswith("booking.")}
    assert {"booking.requested", "booking.counter_proposed", "booking.counter_accepted",
            "booking.confirmed", "booking.cancelled", "booking.cancellation_confirmed",
            "booking.counter_declined"} <= kinds
    for mail in mails():
        assert mail.subject and "{" not in mail.subject and "%(" not in mail.body_text
