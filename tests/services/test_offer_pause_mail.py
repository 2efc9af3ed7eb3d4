"""Pausing an offer tells the schools with an open or accepted request on it, and resuming it
tells them again: one message per request, to whom the school side of the request names."""
import pytest
from sqlalchemy import func, select

from portal import security
from portal.bookings import rules
from portal.bookings import services as bookings
from portal.bookings.notices import SCHOOL, recipients
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.offers import lifecycle, pause_mail
from portal.organisations import teams

PAUSED, RESUMED = "booking.offer_paused", "booking.offer_resumed"


def last_id():
    return db.session.scalar(select(func.max(OutboxMessage.id))) or 0


def mails_since(mark, kind):
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.id > mark, OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


def owner(organisation):
    return next(m.user for m in organisation.memberships if m.is_owner)


def company_owner(offer):
    return owner(offer.company)


def teacher(make, locale="nl"):
    person = make.owner_of(make.school())
    person.locale = locale
    db.session.commit()
    return person


@pytest.fixture
def requests(make):
    """An offer with an open request (an English teacher), an accepted one, a declined one and
    a withdrawn one, and an open request on another offer of the same company."""
    offer = make.offer(title="Rondleiding door de werf")
    waiting = make.booking(offer, teacher(make, "en"))
    accepted = make.booking(offer, teacher(make))
    bookings.accept_booking(actor=company_owner(offer), booking=accepted)
    declined = make.booking(offer, teacher(make))
    bookings.decline_booking(actor=company_owner(offer), booking=declined, message="Vol.")
    withdrawn = make.booking(offer, teacher(make))
    bookings.withdraw_booking(actor=withdrawn.requested_by, booking=withdrawn)
    elsewhere = make.booking(make.offer(offer.company), teacher(make))
    db.session.expire_all()
    return offer, waiting, accepted, declined, withdrawn, elsewhere


def test_the_statuses_told_are_the_open_and_accepted_ones():
    assert set(pause_mail.TOLD_OF_PAUSE) == set(rules.OPEN) | {rules.ACCEPTED}


def test_a_pause_tells_the_schools_with_open_or_accepted_requests(make, requests):
    offer, waiting, accepted, *_ = requests
    mark = last_id()

    lifecycle.pause_offer(actor=company_owner(offer), offer=offer,
                          reason="De werkplaats wordt verbouwd.")

    messages = mails_since(mark, PAUSED)
    assert [(m.to_address, m.user_id) for m in messages] == [
        (waiting.requested_by.email, waiting.requested_by_id),
        (accepted.requested_by.email, accepted.requested_by_id)]
    english, dutch = messages
    assert english.locale == "en" and dutch.locale == "nl"
    assert english.subject == '"Rondleiding door de werf" is paused'
    assert "stays open" in english.body_text
    assert "De werkplaats wordt verbouwd." in english.body_text
    assert english.body_text.rstrip().endswith(f"/aanvragen/{waiting.id}")
    assert "Techniekpartnerportaal" in dutch.body_html


def test_a_resumption_tells_the_same_schools(make, requests):
    offer, waiting, accepted, *_ = requests
    lifecycle.pause_offer(actor=company_owner(offer), offer=offer)
    mark = last_id()

    lifecycle.resume_offer(actor=company_owner(offer), offer=offer)

    messages = mails_since(mark, RESUMED)
    assert [m.to_address for m in messages] == [waiting.requested_by.email,
                                                 accepted.requested_by.email]
    assert messages[0].subject == '"Rondleiding door de werf" takes requests again'
    assert mails_since(mark, PAUSED) == []


def test_a_pause_without_a_reason_says_none(make, requests):
    offer, waiting, accepted, *_ = requests
    mark = last_id()

    lifecycle.pause_offer(actor=company_owner(offer), offer=offer)

    english = mails_since(mark, PAUSED)[0]
    assert "reason" not in english.body_text


def test_a_refused_pause_or_resumption_writes_no_mail(make, requests):
    offer, *_ = requests
    stranger = make.user(security.COMPANY_MEMBER)
    mark = last_id()

    with pytest.raises(ValidationFailed):  # not paused
        lifecycle.resume_offer(actor=company_owner(offer), offer=offer)
    with pytest.raises(NotAllowed):
        lifecycle.pause_offer(actor=stranger, offer=offer)
    db.session.rollback()
    lifecycle.pause_offer(actor=company_owner(offer), offer=offer)
    with pytest.raises(ValidationFailed):  # paused already
        lifecycle.pause_offer(actor=company_owner(offer), offer=offer)

    assert len(mails_since(mark, PAUSED)) == 2  # the one pause that happened
    assert mails_since(mark, RESUMED) == []


def test_when_the_teacher_left_the_school_its_members_hear_it(make):
    offer = make.offer()
    school = make.school()
    leaver = make.user(security.TEACHER)
    _, token = teams.invite_member(actor=owner(school), organisation=school, email=leaver.email)
    teams.accept_invitation(actor=leaver, token=token)
    booking = make.booking(offer, leaver)
    teams.leave_organisation(actor=leaver, organisation=school)
    mark = last_id()

    lifecycle.pause_offer(actor=company_owner(offer), offer=offer)

    told = [m.to_address for m in mails_since(mark, PAUSED)]
    assert told == [owner(school).email]
    assert told == [user.email for user in recipients(booking, SCHOOL)]


def test_a_teacher_who_switched_booking_mail_off_is_not_told(make, requests):
    offer, waiting, accepted, *_ = requests
    waiting.requested_by.mail_off = ["booking"]
    db.session.commit()
    mark = last_id()

    lifecycle.pause_offer(actor=company_owner(offer), offer=offer)

    assert [m.to_address for m in mails_since(mark, PAUSED)] == [accepted.requested_by.email]
