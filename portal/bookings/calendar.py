"""Calendar entries (iCalendar, RFC 5545/5546) of accepted requests, and each user's feed.

One request is one event with the same UID everywhere: in the invitation mailed on acceptance,
in the update on a change (a higher SEQUENCE), in the cancellation (METHOD:CANCEL) and in the
personal feed. So a calendar that received the invitation and subscribes to the feed shows the
activity once, and a cancellation removes it. Times of a date are Europe/Amsterdam with its
VTIMEZONE; a placement is an all-day entry on its start date.
"""
import hashlib
import re
import secrets
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from icalendar import Calendar, Event, vCalAddress, vDuration, vText
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from portal import security
from portal.accounts.models import User
from portal.audit import AuditEvent, record_event
from portal.bookings import rules
from portal.bookings.models import Booking
from portal.db import PORTAL_TIMEZONE, utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import get_locale, gettext, ngettext
from portal.notifications.outbox import external_url
from portal.offers.models import Offer
from portal.organisations.models import Location, Membership, School
from portal.taxonomy.codes import AT_SCHOOL, ONLINE

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"
TZID = "Europe/Amsterdam"
# Requests shown in the feed: accepted ones, and those that took place, from this far back.
FEED_STATUSES = (rules.ACCEPTED, rules.COMPLETED)
FEED_DAYS_BACK = 60
# How often a subscribed calendar should fetch the feed again (a hint; Google decides itself).
FEED_REFRESH = timedelta(hours=1)


def uid_of(booking):
    """The request's UID: the same in every mail and in the feed, so calendars merge them."""
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"booking-{booking.id}@{host}"


def booking_ics(booking, method, *, locale=None, now=None):
    """The .ics text of one request: METHOD REQUEST for a new or changed accepted request,
    METHOD CANCEL for a cancellation (PUBLISH: a plain entry to download and import).
    Text in `locale`, or the current language."""
    if method not in (REQUEST, CANCEL, PUBLISH):
        raise ValueError(f"unknown iTIP method {method!r}")
    now = now or utcnow()
    with force_locale(locale or str(get_locale() or "nl")):
        calendar = _calendar(method)
        calendar.add_component(_event(booking, now, cancelled=method == CANCEL))
        return _finish(calendar, [booking])


def feed_ics(user, now):
    """The user's personal feed (METHOD PUBLISH): the accepted and completed requests of their
    organisations, from FEED_DAYS_BACK days ago on, in the user's language."""
    bookings = feed_bookings(user, now)
    with force_locale(user.locale or "nl"):
        calendar = _calendar(PUBLISH)
        calendar.add("X-WR-CALNAME", gettext("%(name)s – Technology Partner Portal",
                                             name=user.full_name))
        calendar.add("X-WR-CALDESC", gettext("Your accepted activities on the Technology "
                                             "Partner Portal."))
        calendar.add("X-WR-TIMEZONE", TZID)
        calendar.add("REFRESH-INTERVAL", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", vDuration(FEED_REFRESH))
        for booking in bookings:
            calendar.add_component(_event(booking, now, cancelled=False))
        return _finish(calendar, bookings)


def feed_bookings(user, now):
    """The requests in the user's feed, with what their entries show loaded in a few queries."""
    organisation_ids = select(Membership.organisation_id).where(Membership.user_id == user.id)
    since = now.astimezone(PORTAL_TIMEZONE).date() - timedelta(days=FEED_DAYS_BACK)
    query = (
        select(Booking).join(Offer, Offer.id == Booking.offer_id)
        .where(Booking.status.in_(FEED_STATUSES), Booking.wanted_on >= since,
               or_(Booking.school_id.in_(organisation_ids),
                   Offer.company_id.in_(organisation_ids)))
        .options(selectinload(Booking.offer).selectinload(Offer.company),
                 selectinload(Booking.offer).selectinload(Offer.location)
                 .selectinload(Location.place),
                 selectinload(Booking.offer).selectinload(Offer.place),
                 selectinload(Booking.offer).selectinload(Offer.contact),
                 selectinload(Booking.slot),
                 selectinload(Booking.school).selectinload(School.place),
                 selectinload(Booking.requested_by), selectinload(Booking.decided_by))
        .order_by(Booking.wanted_on, Booking.id))
    return list(db.session.scalars(query))


def _calendar(method):
    calendar = Calendar()
    calendar.add("PRODID", "-//Technology Partner Portal//Requests//EN")
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    return calendar


def _finish(calendar, bookings):
    """Add the VTIMEZONE (only for the years the entries need, to keep the file small)."""
    days = [_day(b) for b in bookings if b.slot is not None]
    if days:
        calendar.add_missing_timezones(first_date=date(min(days).year - 1, 1, 1),
                                       last_date=date(max(days).year + 2, 1, 1))
    return calendar.to_ical().decode("utf-8")


def _day(booking):
    return booking.slot.day if booking.slot is not None else booking.wanted_on


def when(booking):
    """(start, end) of the request: aware datetimes in Europe/Amsterdam for a date with times,
    dates for a placement (which starts on a day and has no times)."""
    slot = booking.slot
    if slot is None:
        return booking.wanted_on, booking.wanted_on + timedelta(days=1)
    start = datetime.combine(slot.day, slot.starts_at, tzinfo=PORTAL_TIMEZONE)
    end = datetime.combine(slot.day, slot.ends_at, tzinfo=PORTAL_TIMEZONE)
    return start, max(end, start)


def where(booking):
    """Where it happens, as one line: the company's location, the school, or online."""
    offer = booking.offer
    if offer.location_mode == ONLINE:
        return gettext("Online")
    if offer.location_mode == AT_SCHOOL:
        school = booking.school
        parts = [school.name, school.place.name if school.place is not None else None]
    else:
        location = offer.location
        place = location.place if location is not None else offer.place
        parts = [location.name if location is not None else offer.company.name,
                 location.address if location is not None else None,
                 place.name if place is not None else None]
    return ", ".join(p for p in parts if p)


def _event(booking, now, *, cancelled):
    offer = booking.offer
    start, end = when(booking)
    event = Event()
    event.add("UID", uid_of(booking))
    event.add("SEQUENCE", booking.sequence)
    event.add("DTSTAMP", now.astimezone(UTC))
    event.add("DTSTART", start)
    event.add("DTEND", end)
    if booking.slot is None:
        event.add("TRANSP", "TRANSPARENT")  # a placement does not fill the whole day of a diary
    event.add("SUMMARY", f"{offer.title} – {offer.company.name} / {booking.school.name}")
    event.add("LOCATION", where(booking))
    link = external_url("bookings.detail", booking_id=booking.id)
    event.add("DESCRIPTION", _description(booking, link))
    event.add("URL", link)
    event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{_portal_address()}")
    organizer.params["CN"] = vText(gettext("Technology Partner Portal"))
    event.add("ORGANIZER", organizer)
    for person in (offer.contact or booking.decided_by, booking.requested_by):
        if person is not None:
            attendee = vCalAddress(f"mailto:{person.email}")
            attendee.params["CN"] = vText(person.full_name)
            attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
            attendee.params["PARTSTAT"] = vText("DECLINED" if cancelled else "ACCEPTED")
            attendee.params["RSVP"] = vText("FALSE")
            event.add("ATTENDEE", attendee)
    return event


def _description(booking, link):
    offer = booking.offer
    lines = [offer.title,
             gettext("Company: %(name)s", name=offer.company.name),
             gettext("School: %(name)s", name=booking.school.name)]
    if booking.slot is not None:
        lines.append(ngettext("Group: %(num)d pupil", "Group: %(num)d pupils",
                              booking.group_size))
    else:
        lines.append(ngettext("%(num)d place from this date", "%(num)d places from this date",
                              booking.group_size))
    company_person = offer.contact or booking.decided_by
    for label, person in ((gettext("Contact at the company: %(who)s"), company_person),
                          (gettext("Teacher: %(who)s"), booking.requested_by)):
        if person is not None:
            lines.append(label % {"who": f"{person.full_name} <{person.email}>"})
    lines.append(gettext("The request on the portal: %(url)s", url=link))
    return "\n".join(lines)


def _portal_address():
    """The bare address of the portal's sender (MAIL_FROM may be 'Name <address>')."""
    sender = current_app.config["MAIL_FROM"]
    return sender.rsplit("<", 1)[-1].rstrip(">").strip() if "<" in sender else sender.strip()


# --- the personal feed's secret address -----------------------------------------------------

RENEWED = "user.calendar_feed_renewed"
REVOKED = "user.calendar_feed_revoked"
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{20,100}")


def token_hash(token):
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def has_organisation(user):
    """Whether the user works for a company, school or Technocentrum: only they have a feed."""
    return db.session.scalar(select(Membership.id).where(Membership.user_id == user.id)
                             .limit(1)) is not None


def _require_feed_user(actor):
    security.require(getattr(actor, "is_authenticated", False) and actor.is_active
                     and has_organisation(actor), "no organisation, so no calendar feed")


def renew_calendar_token(*, actor):
    """A new secret feed address for the actor; the previous one stops working at once.

    Returns the token, the only time it exists in clear: only its SHA-256 is kept."""
    _require_feed_user(actor)
    token = secrets.token_urlsafe(32)
    replaced = actor.calendar_token_hash is not None
    actor.calendar_token_hash = token_hash(token)
    record_event(actor, RENEWED, actor, replaced=replaced)
    db.session.commit()
    return token


def revoke_calendar_token(*, actor):
    """Stop the actor's feed address: calendars subscribed to it get nothing any more."""
    _require_feed_user(actor)
    if actor.calendar_token_hash is None:
        raise ValidationFailed({"": gettext("You have no calendar feed address to stop.")})
    actor.calendar_token_hash = None
    record_event(actor, REVOKED, actor)
    db.session.commit()


def user_by_feed_token(token):
    """The active user whose feed address holds `token`, or None (unknown, renewed, revoked)."""
    if not token or not _TOKEN_SHAPE.fullmatch(token):
        return None
    return db.session.scalar(select(User).where(User.calendar_token_hash == token_hash(token),
                                                User.is_active.is_(True)))


def feed_created_at(user):
    """When the user's current feed address was made (its audit event), or None."""
    if user.calendar_token_hash is None:
        return None
    return db.session.scalar(
        select(AuditEvent.created_at)
        .where(AuditEvent.action == RENEWED, AuditEvent.subject_type == User.__tablename__,
               AuditEvent.subject_id == user.id)
        .order_by(AuditEvent.id.desc()).limit(1))
