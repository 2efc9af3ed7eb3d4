"""The daily digest: a user's held messages in one e-mail a day, after 07:00 local time."""
from datetime import datetime, timedelta

from sqlalchemy import select

from portal import security
from portal.db import PORTAL_TIMEZONE
from portal.extensions import db
from portal.notifications.digest import DIGEST, extract, send_digests
from portal.notifications.models import DIGESTED, HELD, PENDING, OutboxMessage
from portal.notifications.outbox import external_url

# 08:00 in Amsterdam on a winter day, and the same day before 07:00.
MORNING = datetime(2026, 2, 10, 8, 0, tzinfo=PORTAL_TIMEZONE)
EARLY = datetime(2026, 2, 10, 6, 30, tzinfo=PORTAL_TIMEZONE)


def hold(user, subject, text, at=MORNING - timedelta(hours=12)):
    """A message held for the user's digest, as notify writes one."""
    message = OutboxMessage(kind="booking.requested", user_id=user.id, to_address=user.email,
                            locale=user.locale, subject=subject, body_text=text,
                            body_html=f"<p>{text}</p>", status=HELD, next_attempt_at=at,
                            created_at=at)
    db.session.add(message)
    db.session.commit()
    return message


def digest_user(make, role=security.COMPANY_MEMBER, locale="en", **fields):
    user = make.user(role)
    user.mail_digest, user.locale = True, locale
    for name, value in fields.items():
        setattr(user, name, value)
    db.session.commit()
    return user


def digests(user):
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.user_id == user.id, OutboxMessage.kind == DIGEST)
        .order_by(OutboxMessage.id)).all()


def test_held_messages_go_out_together_in_one_digest(make):
    company = digest_user(make)
    first = hold(company, "New request for Rondleiding",
                 "Hello Sanne,\n\nScheldemond College asks for Rondleiding with 24 pupils.")
    second = hold(company, "New message about Rondleiding", "Hello Sanne,\n\nKomen jullie ook?")

    assert send_digests(now=MORNING) == 1

    [digest] = digests(company)
    assert (digest.status, digest.to_address, digest.locale) == (PENDING, company.email, "en")
    assert digest.subject == "Your daily summary: 2 new messages"
    text = digest.body_text
    assert "New request for Rondleiding\nScheldemond College asks for Rondleiding with 24" in text
    assert "New message about Rondleiding\nKomen jullie ook?" in text
    assert "Hello Sanne," not in text  # the held messages' greetings are left out
    assert external_url("bookings.company_dashboard") in text
    assert external_url("bookings.company_dashboard") in digest.body_html
    for held in (first, second):
        db.session.refresh(held)
        assert (held.status, held.digest_id) == (DIGESTED, digest.id)


def test_a_teacher_digest_links_to_their_requests(make):
    teacher = digest_user(make, security.TEACHER)
    hold(teacher, "The company answered", "Hello,\n\nWelkom op 3 maart.")

    send_digests(now=MORNING)

    [digest] = digests(teacher)
    assert external_url("bookings.mine") in digest.body_text


def test_each_user_gets_their_own_digest_in_their_language(make):
    english, dutch = digest_user(make), digest_user(make, locale="nl")
    hold(english, "One", "Hello,\n\nA.")
    hold(dutch, "Twee", "Hallo,\n\nB.")

    assert send_digests(now=MORNING) == 2

    [for_english], [for_dutch] = digests(english), digests(dutch)
    assert "Twee" not in for_english.body_text and "One" not in for_dutch.body_text
    assert (for_english.locale, for_dutch.locale) == ("en", "nl")
    assert for_dutch.to_address == dutch.email


def test_the_digest_goes_out_once_a_day(make):
    company = digest_user(make)
    hold(company, "New request", "Hello,\n\nA request.")

    assert send_digests(now=MORNING) == 1
    assert send_digests(now=MORNING) == 0
    # Another message the same day waits for tomorrow's digest.
    later = hold(company, "Another request", "Hello,\n\nAnother.", at=MORNING + timedelta(hours=1))
    assert send_digests(now=MORNING + timedelta(hours=2)) == 0
    assert len(digests(company)) == 1
    db.session.refresh(later)
    assert later.status == HELD

    assert send_digests(now=MORNING + timedelta(days=1)) == 1
    assert [d.subject for d in digests(company)] == [
        "Your daily summary: 1 new message", "Your daily summary: 1 new message"]
    db.session.refresh(later)
    assert later.status == DIGESTED


def test_nothing_before_seven_in_the_morning(make):
    company = digest_user(make)
    held = hold(company, "New request", "Hello,\n\nA request.", at=EARLY - timedelta(hours=1))

    assert send_digests(now=EARLY) == 0

    assert digests(company) == []
    db.session.refresh(held)
    assert held.status == HELD


def test_no_held_messages_no_digest(make):
    company = digest_user(make)

    assert send_digests(now=MORNING) == 0
    assert digests(company) == []


def test_the_digest_goes_out_even_with_booking_mail_switched_off(make):
    # The user chose the digest for exactly these messages: it is never switched off with them.
    company = digest_user(make, mail_off=["booking"])
    hold(company, "New request", "Hello,\n\nA request.")

    assert send_digests(now=MORNING) == 1


def test_a_deactivated_user_gets_no_digest(make):
    company = digest_user(make, is_active=False)
    hold(company, "New request", "Hello,\n\nA request.")

    assert send_digests(now=MORNING) == 0


def test_an_extract_is_the_start_of_the_text_without_greeting():
    assert extract("Hello Sanne,\n\nFirst  line\nsecond.\n\nMore.") == "First line second."
    assert extract("No greeting here.\n\nMore.") == "No greeting here."
    long = extract("Hello,\n\n" + "woord " * 100)
    assert len(long) <= 201 and long.endswith("\u2026")


def test_a_company_with_the_digest_gets_new_requests_in_it_not_one_by_one(make):
    offer = make.offer()
    owner = make.owner_of(offer.company)
    owner.mail_digest, owner.locale = True, "en"
    db.session.commit()

    booking = make.booking(offer)

    db.session.expire_all()
    [held] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.user_id == owner.id, OutboxMessage.kind == "booking.requested")).all()
    assert held.status == HELD
    # The digest goes out the next morning: the request's extract, a link to the dashboard.
    tomorrow = held.created_at.astimezone(PORTAL_TIMEZONE).replace(hour=7, minute=30) \
        + timedelta(days=1)
    assert send_digests(now=tomorrow) == 1
    [digest] = digests(owner)
    assert held.subject in digest.body_text
    assert f"{booking.school.name} has requested your offer." in digest.body_text
    db.session.refresh(held)
    assert (held.status, held.digest_id) == (DIGESTED, digest.id)
