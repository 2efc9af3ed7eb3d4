"""The conversation on a request, and the contact details the parties share once accepted."""
import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.bookings import services
from portal.bookings.conversation import conversation_of, post_message
from portal.bookings.parties import contact_details
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.notifications.models import HELD, OutboxMessage


def owner(booking):
    return booking.offer.company.memberships[0].user


def said(booking):
    return [(m.side, m.kind, m.body) for m in conversation_of(booking)]


def mails(kind):
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                   .order_by(OutboxMessage.id)))


def test_both_sides_talk_in_order_and_each_message_stays(make):
    booking = make.booking(message="Kan het in de ochtend?")
    teacher, company_owner = booking.requested_by, owner(booking)

    post_message(actor=company_owner, booking=booking, body="  Ja, om 9 uur.  ")
    post_message(actor=teacher, booking=booking, body="Fijn, tot dan.")
    make.accepted(booking, message="Welkom!")
    post_message(actor=company_owner, booking=booking, body="Neem dichte schoenen mee.")

    assert said(booking) == [
        ("school", "request", "Kan het in de ochtend?"),
        ("company", "message", "Ja, om 9 uur."),
        ("school", "message", "Fijn, tot dan."),
        ("company", "accept", "Welkom!"),
        ("company", "message", "Neem dichte schoenen mee."),
    ]
    authors = [m.author_id for m in conversation_of(booking)]
    assert authors == [teacher.id, company_owner.id, teacher.id, company_owner.id,
                       company_owner.id]


def test_the_other_side_is_told_and_the_audit_log_keeps_no_text(make):
    booking = make.booking()

    post_message(actor=booking.requested_by, booking=booking, body="Is er een lift?")

    [mail] = mails("booking.message")
    assert mail.to_address == owner(booking).email
    assert booking.school.name in mail.subject and booking.offer.title in mail.subject
    assert "Is er een lift?" in mail.body_text
    assert f"/aanvragen/{booking.id}" in mail.body_text
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "booking.message_posted"))
    assert event.details == {"side": "school", "length": len("Is er een lift?")}


def test_a_company_with_the_daily_digest_gets_the_message_held(make):
    booking = make.booking()
    company_owner = owner(booking)
    company_owner.mail_digest = True
    db.session.commit()

    post_message(actor=booking.requested_by, booking=booking, body="Vraagje.")

    assert [m.status for m in mails("booking.message")] == [HELD]


@pytest.mark.parametrize("body", ["", "   ", "x" * 4001])
def test_an_empty_or_too_long_message_is_refused(make, body):
    booking = make.booking()

    with pytest.raises(ValidationFailed) as failed:
        post_message(actor=booking.requested_by, booking=booking, body=body)

    assert set(failed.value.errors) == {"body"}
    assert len(said(booking)) == 1
    assert mails("booking.message") == []


def test_only_the_two_parties_write(make):
    booking = make.booking()
    for outsider in (make.owner_of(make.school()), make.owner_of(make.company()), make.admin()):
        with pytest.raises(NotAllowed):
            post_message(actor=outsider, booking=booking, body="Hallo?")
    assert len(said(booking)) == 1


def test_the_conversation_closes_once_the_request_ended(make):
    booking = make.booking()
    services.decline_booking(actor=owner(booking), booking=booking, message="Vol.")

    with pytest.raises(ValidationFailed) as failed:
        post_message(actor=booking.requested_by, booking=booking, body="Jammer!")

    assert set(failed.value.errors) == {""}
    assert [kind for _, kind, _ in said(booking)] == ["request", "decline"]


def test_messages_go_on_after_the_date(make):
    booking = make.past_booking()

    post_message(actor=booking.requested_by, booking=booking, body="Bedankt voor de dag!")

    assert said(booking)[-1] == ("school", "message", "Bedankt voor de dag!")


def test_a_cancel_keeps_the_acceptance_and_adds_its_reason(make):
    booking = make.booking()
    make.accepted(booking, message="Welkom om 9 uur.")

    services.cancel_booking(actor=booking.requested_by, booking=booking, message="Bus ziek.")

    assert [(side, kind) for side, kind, _ in said(booking)][1:] == [
        ("company", "accept"), ("school", "cancel")]
    assert said(booking)[1][2] == "Welkom om 9 uur."  # not overwritten


# --- contact details --------------------------------------------------------------------------


def test_contact_details_are_shared_only_once_accepted(make):
    company = make.company()
    offer = make.offer(company)
    booking = make.booking(offer)

    assert contact_details(booking, "school") is None
    assert contact_details(booking, "company") is None

    make.accepted(booking)

    for_school = contact_details(booking, "school")
    for_company = contact_details(booking, "company")
    assert for_school["organisation"] == company
    assert for_school["person"] == make.owner_of(company)  # the offer's contact person
    assert for_school["location"] is not None  # a visit at the company: where to go
    assert for_company["organisation"] == booking.school
    assert for_company["person"] == booking.requested_by
    assert for_company["place"] == booking.school.place


def test_a_contact_who_left_the_company_is_replaced_by_its_owner(make):
    from portal.offers import services as offers
    from portal.organisations.teams import accept_invitation, invite_member

    company = make.company()
    colleague = make.user("company_member")
    _invitation, token = invite_member(actor=make.owner_of(company), organisation=company,
                                       email=colleague.email)
    accept_invitation(actor=colleague, token=token)
    offer = make.offer(company)
    offers.update_offer(actor=make.owner_of(company), offer=offer,
                        **make.offer_fields(contact_id=colleague.id))
    booking = make.accepted(make.booking(offer))
    assert contact_details(booking, "school")["person"] == colleague

    membership = next(m for m in company.memberships if m.user_id == colleague.id)
    db.session.delete(membership)
    db.session.commit()
    db.session.expire_all()

    assert contact_details(booking, "school")["person"] == make.owner_of(company)
