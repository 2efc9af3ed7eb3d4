"""Who gets which calendar entry: every side that holds the activity in its calendar gets every
change of it. An acceptance (direct, or of a counter-proposal) sends the invitation (METHOD
REQUEST) to both sides, a cancellation (by either side, or by withdrawing the offer) the
cancellation (METHOD CANCEL) to both, all under the request's one UID, each change with a
higher SEQUENCE."""
import pytest
from icalendar import Calendar
from sqlalchemy import select

from portal.bookings import calendar, counter, services
from portal.bookings.offer_life import withdraw_offer
from portal.extensions import db
from portal.notifications.models import OutboxMessage


def owner(booking):
    return booking.offer.company.memberships[0].user


def entries():
    """(kind, address, METHOD, UID, SEQUENCE, STATUS) of every mail with a calendar entry, in
    the order they were written; the entry parsed back with icalendar."""
    found = []
    for mail in db.session.scalars(select(OutboxMessage).where(OutboxMessage.ics.is_not(None))
                                   .order_by(OutboxMessage.id)):
        parsed = Calendar.from_ical(mail.ics)
        [event] = parsed.walk("VEVENT")
        assert str(parsed["METHOD"]) == mail.ics_method
        found.append((mail.kind, mail.to_address, str(parsed["METHOD"]), str(event["UID"]),
                      int(event["SEQUENCE"]), str(event["STATUS"])))
    return found


def sides(booking):
    return booking.requested_by.email, owner(booking).email


def test_a_direct_acceptance_sends_the_invitation_to_both_sides(make):
    booking = make.booking()
    teacher, company = sides(booking)

    make.accepted(booking)

    uid = calendar.uid_of(booking)
    assert entries() == [
        ("booking.accepted", teacher, "REQUEST", uid, 1, "CONFIRMED"),
        ("booking.confirmed", company, "REQUEST", uid, 1, "CONFIRMED"),
    ]


def test_an_accepted_counter_proposal_sends_the_invitation_to_both_sides(make):
    offer = make.offer(max_group_size=30)
    booking = make.booking(offer, group_size=28)
    teacher, company = sides(booking)
    counter.counter_propose(actor=owner(booking), booking=booking, group_size=20,
                            message="Twintig past.")
    assert entries() == []  # a proposal is no appointment yet

    counter.accept_counter_proposal(actor=booking.requested_by, booking=booking)

    uid = calendar.uid_of(booking)
    assert entries() == [
        ("booking.counter_accepted", company, "REQUEST", uid, 1, "CONFIRMED"),
        ("booking.confirmed", teacher, "REQUEST", uid, 1, "CONFIRMED"),
    ]


@pytest.mark.parametrize("by_school", [True, False])
def test_a_cancellation_sends_the_cancellation_to_both_sides(make, by_school):
    booking = make.accepted(make.booking())
    teacher, company = sides(booking)
    canceller, other = (teacher, company) if by_school else (company, teacher)
    actor = booking.requested_by if by_school else owner(booking)

    services.cancel_booking(actor=actor, booking=booking, message="De bus is uitgevallen.")

    uid = calendar.uid_of(booking)
    assert entries()[2:] == [
        ("booking.cancelled", other, "CANCEL", uid, 2, "CANCELLED"),
        ("booking.cancellation_confirmed", canceller, "CANCEL", uid, 2, "CANCELLED"),
    ]
    [confirmation] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "booking.cancellation_confirmed"))
    assert "De bus is uitgevallen." in confirmation.body_text
    assert booking.offer.title in confirmation.subject


def test_whoever_got_the_invitation_gets_the_cancellation_with_a_higher_sequence(make):
    offer = make.offer(max_group_size=30)
    booking = make.booking(offer, group_size=28)
    counter.counter_propose(actor=owner(booking), booking=booking, group_size=20,
                            message="Twintig past.")
    counter.accept_counter_proposal(actor=booking.requested_by, booking=booking)

    services.cancel_booking(actor=owner(booking), booking=booking, message="Storing.")

    by_address = {}
    for _kind, address, method, uid, sequence, _status in entries():
        by_address.setdefault(address, []).append((method, uid, sequence))
    assert set(by_address) == set(sides(booking))
    for received in by_address.values():
        (invited, first_uid, first), (cancelled, last_uid, last) = received
        assert (invited, cancelled) == ("REQUEST", "CANCEL")
        assert first_uid == last_uid == calendar.uid_of(booking)
        assert last > first


def test_withdrawing_the_offer_cancels_the_entry_on_both_sides(make):
    offer = make.offer(max_group_size=30)
    accepted = make.accepted(make.booking(offer))
    waiting = make.booking(offer)  # open: nobody has it in a calendar
    teacher, company = sides(accepted)

    withdraw_offer(actor=owner(accepted), offer=offer, reason="De hal wordt verbouwd.")

    uid = calendar.uid_of(accepted)
    assert entries()[2:] == [
        ("booking.cancelled", teacher, "CANCEL", uid, 2, "CANCELLED"),
        ("booking.cancellation_confirmed", company, "CANCEL", uid, 2, "CANCELLED"),
    ]
    [declined] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "booking.declined"))
    assert declined.to_address == waiting.requested_by.email and declined.ics is None


def test_each_side_gets_the_entry_in_its_own_language(make):
    booking = make.booking()
    booking.requested_by.locale = "en"
    db.session.commit()

    make.accepted(booking)

    mails = {m.kind: m for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.ics.is_not(None)))}
    for kind, locale, portal in (("booking.accepted", "en", "Technology Partner Portal"),
                                 ("booking.confirmed", "nl", "Techniekpartnerportaal")):
        [event] = Calendar.from_ical(mails[kind].ics).walk("VEVENT")
        assert mails[kind].locale == locale
        assert str(event["ORGANIZER"].params["CN"]) == portal


def test_the_confirmations_name_the_other_party_in_both_languages(make):
    for locale in ("nl", "en"):
        booking = make.booking()
        for user in (booking.requested_by, owner(booking)):
            user.locale = locale
        db.session.commit()
        make.accepted(booking)
        services.cancel_booking(actor=booking.requested_by, booking=booking, message="Ziek.")

        confirmed, cancelled = (db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == kind, OutboxMessage.to_address == address)).one()
            for kind, address in (("booking.confirmed", owner(booking).email),
                                  ("booking.cancellation_confirmed",
                                   booking.requested_by.email)))
        assert booking.school.name in confirmed.subject  # the company reads whom it hosts
        assert booking.offer.company.name in cancelled.body_text
        for mail in (confirmed, cancelled):
            assert mail.locale == locale
            assert "{" not in mail.subject and "%(" not in mail.body_text
            assert f"/aanvragen/{booking.id}" in mail.body_html


def test_a_user_who_switched_booking_mail_off_gets_no_confirmation(make):
    booking = make.booking()
    boss = owner(booking)
    boss.mail_off = ["booking"]
    db.session.commit()

    make.accepted(booking)

    assert [kind for kind, *_rest in entries()] == ["booking.accepted"]
