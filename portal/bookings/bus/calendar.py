"""The calendar entry of a Techniekbus ride (iCalendar): from the school's departure to its
return, under one UID in the confirmation, every change (a higher SEQUENCE) and the
cancellation (METHOD:CANCEL)."""
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, format_time
from icalendar import Calendar, Event

from portal.bookings.calendar import CANCEL, PUBLISH, REQUEST
from portal.db import PORTAL_TIMEZONE, utcnow
from portal.i18n import get_locale, gettext, ngettext
from portal.notifications.outbox import external_url


def uid_of(ride):
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "localhost"
    return f"bus-ride-{ride.id}@{host}"


def ride_ics(ride, method, *, locale=None, now=None):
    if method not in (REQUEST, CANCEL, PUBLISH):
        raise ValueError(f"unknown iTIP method {method!r}")
    with force_locale(locale or str(get_locale() or "nl")):
        calendar = Calendar()
        calendar.add("PRODID", "-//Technology Partner Portal//Techniekbus//EN")
        calendar.add("VERSION", "2.0")
        calendar.add("CALSCALE", "GREGORIAN")
        calendar.add("METHOD", method)
        calendar.add_component(_event(ride, now or utcnow(), method == CANCEL))
        calendar.add_missing_timezones(first_date=date(ride.day.year - 1, 1, 1),
                                       last_date=date(ride.day.year + 2, 1, 1))
        return calendar.to_ical().decode("utf-8")


def _event(ride, now, cancelled):
    booking, offer = ride.booking, ride.booking.offer
    event = Event()
    event.add("UID", uid_of(ride))
    event.add("SEQUENCE", ride.sequence)
    event.add("DTSTAMP", now.astimezone(UTC))
    event.add("DTSTART", datetime.combine(ride.day, ride.departs_at, tzinfo=PORTAL_TIMEZONE))
    event.add("DTEND", datetime.combine(ride.day, ride.returns_at, tzinfo=PORTAL_TIMEZONE))
    event.add("SUMMARY", gettext("Techniekbus to %(company)s – %(title)s",
                                 company=offer.company.name, title=offer.title))
    school = booking.school
    event.add("LOCATION", ", ".join(p for p in (school.name, school.place.name
                                                if school.place else None) if p))
    link = external_url("bus.ride", ride_id=ride.id)
    event.add("DESCRIPTION", "\n".join([
        gettext("Bus: %(name)s", name=ride.bus.name),
        gettext("Leaves the school at %(time)s", time=format_time(ride.departs_at, "HH:mm")),
        gettext("Visit: %(start)s–%(end)s", start=format_time(booking.slot.starts_at, "HH:mm"),
                end=format_time(booking.slot.ends_at, "HH:mm")),
        gettext("Back at the school at %(time)s", time=format_time(ride.returns_at, "HH:mm")),
        ngettext("%(num)d passenger", "%(num)d passengers", ride.passengers),
        gettext("The ride on the portal: %(url)s", url=link)]))
    event.add("URL", link)
    event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    return event
