"""The part of the walk's world that a request's life after it is sent needs, and the waiting
lists, e-mail, calendar feed and account links (pages_life.py visits them).

All through the services, as in world.py. Where the world needs time to have passed (a date
that is over, a link or an offer of room that expired), the request or link is made in the past
(`today=`/`now=`) or its one time column is moved back with an UPDATE, as world.py does for an
expired invitation. The links e-mailed (waiting-list offers, address confirmations) are read
from the outbox, as the recipient would.
"""
import re
import smtplib
from datetime import timedelta

from sqlalchemy import select, update

from portal import security
from portal.accounts import confirmation, preferences, recovery, tokens
from portal.accounts.models import CONFIRM_EMAIL, RESET_PASSWORD
from portal.accounts.services import CONFIRM_LIFETIME, find_user_by_email
from portal.bookings import counter, waitlist
from portal.bookings.calendar import renew_calendar_token
from portal.bookings.conversation import post_message
from portal.bookings.models import Booking, WaitlistEntry
from portal.bookings.outcomes import evaluate, report_outcome
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.notifications.worker import deliver_due
from portal.offers.models import Slot
from tests import factories

WAITLIST_LINK = r"/wachtlijst/([\w-]{20,})"
CONFIRM_LINK = r"/account/bevestigen/([\w-]{20,})"


def _email(key):
    return f"a11y-{key}@e2e.example"


def _user(world, key):
    return find_user_by_email(world.logins[key])


def _newest_mail(address, kind):
    return db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == address,
                                    OutboxMessage.kind == kind)
        .order_by(OutboxMessage.id.desc()).limit(1))


def _link_in_mail(address, kind, pattern):
    """The secret of the link in the newest mail of `kind` to `address`."""
    return re.search(pattern, _newest_mail(address, kind).body_text).group(1)


def build_life(world, company):
    """Add the states of pages_life.py's visits to the world of world.build."""
    owner, teacher = _user(world, "company"), _user(world, "teacher")
    _counter_proposal(world, company, owner, teacher)
    _after_the_date(world, company, owner, teacher)
    # The accepted request's conversation: the request, the answer, and a message each way.
    accepted = db.session.get(Booking, world.bookings["accepted"])
    post_message(actor=teacher, booking=accepted,
                 body="Wij komen met 24 leerlingen en twee begeleiders.")
    post_message(actor=owner, booking=accepted, body="Fijn, tot dan!")
    _waiting_lists(world, company, teacher)
    _accounts(world)
    renew_calendar_token(actor=teacher)
    _mail(world, teacher)


def _counter_proposal(world, company, owner, teacher):
    """A request for a date that the company answers with another date and a smaller group."""
    offer = factories.offer(company, slot_capacity=30,
                            title="A11y aanbod 400: tegenvoorstel werkplaats")
    first = offer.slots[0]
    later = factories.slot(offer, capacity=30, days=21)
    requested = factories.booking(offer, teacher, slot_id=first.id)
    counter.counter_propose(actor=owner, booking=requested, slot_id=later.id, group_size=20,
                            message="Op die dag is de werkplaats dicht. Kan het een week "
                                    "later, met twintig leerlingen?")
    world.bookings["counter_proposed"] = requested.id


def _after_the_date(world, company, owner, teacher):
    """Requests on dates that passed (made and accepted a week before them): one waiting for
    "did it take place?", one the company says did not, one to evaluate, one evaluated."""
    offer = factories.offer(company, title="A11y aanbod 401: na de datum")
    world.bookings["outcome_due"] = factories.past_booking(offer, teacher, days_ago=3).id
    no_show = factories.past_booking(offer, teacher, days_ago=4)
    report_outcome(actor=owner, booking=no_show, held=False)
    world.bookings["no_show"] = no_show.id
    world.bookings["evaluation_due"] = factories.completed_booking(
        offer, teacher, days_ago=5).id
    evaluated = factories.completed_booking(offer, teacher, days_ago=6)
    evaluate(actor=teacher, booking=evaluated, rating=4, pupils_reached=22, girls=9,
             comment="De leerlingen mochten zelf aan de draaibank: een groot succes.")
    evaluate(actor=owner, booking=evaluated, rating=5, host_again=True,
             comment="Een nieuwsgierige en goed voorbereide klas.")
    world.bookings["evaluated"] = evaluated.id


def _full_date(company, number):
    """A published offer whose one date is full: its room taken as accepted requests of other
    schools would take it."""
    offer = factories.offer(company, slot_capacity=30, title=f"A11y aanbod {number}: vol")
    slot = offer.slots[0]
    db.session.execute(update(Slot).where(Slot.id == slot.id).values(taken=30))
    db.session.commit()
    return offer, db.session.get(Slot, slot.id)


def _offered_room(company, teacher, number):
    """The teacher's school in line for a full date, then offered room that came free there;
    returns the secret of the link in the e-mail and the entry."""
    offer, slot = _full_date(company, number)
    entry = waitlist.join_waitlist(actor=teacher, slot=slot, group_size=24,
                                   level_id=offer.levels[0].id)
    db.session.execute(update(Slot).where(Slot.id == slot.id).values(taken=Slot.taken - 24))
    waitlist.offer_freed_room(slot.id, now=utcnow())
    db.session.commit()
    return _link_in_mail(teacher.email, "waitlist.offered", WAITLIST_LINK), entry.id


def _waiting_lists(world, company, teacher):
    """The teacher's school: in line for a full date, offered room on another (the link open),
    and offered room on a third that it let lapse."""
    offer, full = _full_date(company, 410)
    waitlist.join_waitlist(actor=teacher, slot=full, group_size=24, level_id=offer.levels[0].id)
    world.slots["full"] = full.id
    world.tokens["waitlist-expired"], lapsed = _offered_room(company, teacher, 411)
    db.session.execute(update(WaitlistEntry).where(WaitlistEntry.id == lapsed)
                       .values(offer_expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    waitlist.expire_offers(now=utcnow())
    world.tokens["waitlist-open"], _ = _offered_room(company, teacher, 412)


def _accounts(world):
    """Password reset links (open, expired, used) of an account that reads English, and links
    confirming an address: expired, used, and one for an address another account took since."""
    now = utcnow()
    person = factories.user(security.TEACHER, email=_email("reset"), full_name="A11y Reset")
    preferences.set_locale(actor=person, locale="en")
    recovery.request_password_reset(email=person.email)
    world.mails["en"] = _newest_mail(person.email, "account.reset_password").id
    preferences.request_email_change(actor=person, password=factories.PASSWORD,
                                     new_email=_email("reset-new"))
    world.tokens["confirm-used"] = _link_in_mail(_email("reset-new"), "account.confirm_email",
                                                 CONFIRM_LINK)
    used = tokens.issue_token(person, RESET_PASSWORD, now=now, lifetime=recovery.RESET_LIFETIME)
    db.session.commit()
    # A new password closes the change of address asked for before (its link counts as used).
    recovery.reset_password(actor=None, token=used, password=factories.PASSWORD)
    world.tokens["reset-used"] = used
    world.tokens["reset-expired"] = tokens.issue_token(
        person, RESET_PASSWORD, now=now - timedelta(hours=3), lifetime=recovery.RESET_LIFETIME)
    world.tokens["reset-open"] = tokens.issue_token(person, RESET_PASSWORD, now=now,
                                                    lifetime=recovery.RESET_LIFETIME)
    world.tokens["confirm-expired"] = tokens.issue_token(
        _user(world, "teacher-empty"), CONFIRM_EMAIL, now=now - timedelta(days=8),
        lifetime=CONFIRM_LIFETIME)
    db.session.commit()
    # company-empty confirmed its address with the link of its registration mail.
    address = world.logins["company-empty"]
    confirmation.confirm_email(actor=None, token=_link_in_mail(
        address, "account.confirm_email", CONFIRM_LINK))
    # The colleague asked for a new address that another account has taken since.
    preferences.request_email_change(actor=_user(world, "company-colleague"),
                                     password=factories.PASSWORD, new_email=_email("taken"))
    world.tokens["confirm-address-taken"] = _link_in_mail(
        _email("taken"), "account.confirm_email", CONFIRM_LINK)
    factories.user(security.TEACHER, email=_email("taken"), full_name="A11y Nieuwe Eigenaar")


BOUNCE = _email("bounce")


class _MailServer:
    """An SMTP server for deliver_due that takes every message but those to BOUNCE, which it
    refuses for good."""

    def send_message(self, email, from_addr=None, to_addrs=()):
        if BOUNCE in to_addrs:
            raise smtplib.SMTPRecipientsRefused({BOUNCE: (550, b"5.1.1 Mailbox unknown")})

    def quit(self):
        pass

    def close(self):
        pass


def _mail(world, teacher):
    """Mails for the mailbox's pages, then the outbox delivered as the worker would: the mails
    to an address that does not exist fail for good, and one mail written later waits for
    over an hour (the administrator's page lists both)."""
    world.mails["nl"] = _newest_mail(teacher.email, "booking.counter_proposed").id
    world.mails["calendar"] = _newest_mail(teacher.email, "booking.accepted").id
    factories.user(security.TEACHER, email=BOUNCE, full_name="A11y Onbestelbaar")
    recovery.request_password_reset(email=BOUNCE)
    while deliver_due(now=utcnow(), smtp_factory=_MailServer)["claimed"]:
        pass
    recovery.request_password_reset(email=world.logins["company-sbb"])
    waiting = _newest_mail(world.logins["company-sbb"], "account.reset_password")
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == waiting.id)
                       .values(created_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
