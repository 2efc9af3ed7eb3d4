"""Time-driven work, run by `flask tasks run` every few minutes from cron or a systemd timer.

Every step is safe to run twice and at the same moment on two machines: what a request needs
once (its reminder, its question "did it happen?") is claimed with ONE conditional UPDATE on
the request, and only the run whose UPDATE changed the row writes the mails, in the same
transaction. Each request (and each step) commits on its own, so one failure keeps the rest.
"""
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from portal.audit import AuditEvent
from portal.bookings import calendar, notices, rules
from portal.bookings.models import Booking
from portal.db import PORTAL_TIMEZONE, utcnow
from portal.extensions import db
from portal.offers.models import Slot

REMINDER_BEFORE = timedelta(hours=48)
# "Did it happen?" is asked of dates at most this long ago. Without a bound the first run after
# this step was deployed (or after the timer was off for a while) would ask about every old
# accepted request at once; two weeks covers any outage of the timer worth catching up on.
OUTCOME_LOOKBACK = timedelta(days=14)
# A placement has a start date and no time: its reminder counts from 9:00 on that day.
PLACEMENT_STARTS_AT = time(9, 0)


def run_due(*, now=None):
    """Do whatever time-driven work is due at `now`; one line per step for the command line."""
    now = now or utcnow()
    lines = []
    for label, step in STEPS:
        try:
            done = step(now)
        except Exception:  # one broken step must not stop the others; the log has the cause
            db.session.rollback()
            current_app.logger.exception("time-driven step %r failed", label)
            lines.append(f"{label}: failed (see the log)")
        else:
            lines.append(f"{label}: {done}")
    return lines


def starts_at(booking):
    """When the request's activity starts, as an aware datetime (Europe/Amsterdam)."""
    if booking.slot is not None:
        return datetime.combine(booking.slot.day, booking.slot.starts_at, tzinfo=PORTAL_TIMEZONE)
    return datetime.combine(booking.wanted_on, PLACEMENT_STARTS_AT, tzinfo=PORTAL_TIMEZONE)


def _day():
    """The request's date: its slot's day for a group activity, else its start date."""
    return func.coalesce(Slot.day, Booking.wanted_on)


def _accepted(*where):
    return list(db.session.scalars(
        select(Booking.id).outerjoin(Slot, Slot.id == Booking.slot_id)
        .where(Booking.status == rules.ACCEPTED, *where).order_by(Booking.id)))


def _claim(booking_id, column, now):
    """Mark the request's once-only work done with one conditional UPDATE; True for the one
    run that changed the row (any other run, at once or later, gets False)."""
    result = db.session.execute(
        update(Booking).where(Booking.id == booking_id, column.is_(None),
                              Booking.status == rules.ACCEPTED)
        .values({column.key: now}).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _each(booking_ids, label, work):
    """Run `work(booking)` per request, committing each; a failure is logged and rolled back
    (the request is tried again on the next run). Returns how many were done."""
    done = 0
    for booking_id in booking_ids:
        try:
            booking = db.session.get(Booking, booking_id)
            if booking is not None and work(booking):
                db.session.commit()
                done += 1
            else:
                db.session.rollback()
        except Exception:
            db.session.rollback()
            current_app.logger.exception("%s failed for request %s", label, booking_id)
    return done


def send_reminders(now):
    """Remind both sides of an accepted request 48 hours before it starts. Only inside that
    window: a request whose start has passed without a reminder gets none any more."""
    today = now.astimezone(PORTAL_TIMEZONE).date()
    # Dates that can lie inside the window; the exact times are checked per request.
    candidates = _accepted(Booking.reminded_at.is_(None), _day() >= today,
                           _day() <= today + timedelta(days=3))

    def remind(booking):
        start = starts_at(booking)
        if not start - REMINDER_BEFORE <= now < start:
            return False
        if not _claim(booking.id, Booking.reminded_at, now):
            return False
        # A request accepted less than 48 hours before is reminded at the next run: the mail
        # says when by the days actually left (today, tomorrow, or the date).
        for side in (notices.SCHOOL, notices.COMPANY):
            notices.tell(booking, side, "reminder.upcoming", where=calendar.where,
                         starts=start, days_left=days_until(start, now),
                         **_partner(booking, notices.other_side(side)))
        return True

    return _each(candidates, "reminder", remind)


def days_until(start, now):
    """Calendar days from `now` to `start` in Dutch time: 0 today, 1 tomorrow."""
    return (start.astimezone(PORTAL_TIMEZONE).date() - now.astimezone(PORTAL_TIMEZONE).date()).days


def ask_outcomes(now):
    """From the day after its date, ask each side of an accepted request whether it took place
    (a side that already said so is not asked); only of dates at most OUTCOME_LOOKBACK ago."""
    today = now.astimezone(PORTAL_TIMEZONE).date()
    candidates = _accepted(Booking.outcome_asked_at.is_(None), _day() < today,
                           _day() >= today - OUTCOME_LOOKBACK)

    def ask(booking):
        if not _claim(booking.id, Booking.outcome_asked_at, now):
            return False
        answered = {notices.SCHOOL: booking.school_outcome,
                    notices.COMPANY: booking.company_outcome}
        for side, outcome in answered.items():
            if outcome is None:
                notices.tell(booking, side, "reminder.outcome",
                             **_partner(booking, notices.other_side(side)))
        return True

    return _each(candidates, "outcome question", ask)


def _partner(booking, side):
    """The other party of a message: its organisation and the person to contact there."""
    if side == notices.SCHOOL:
        return {"partner": booking.school, "partner_person": booking.requested_by}
    return {"partner": booking.offer.company,
            "partner_person": booking.offer.contact or booking.decided_by}


def expire_waitlist_offers(now):
    from portal.bookings.waitlist import expire_offers

    return expire_offers(now=now)


def archive_offers(now):
    from portal.offers.lifecycle import archive_ended_offers

    return len(archive_ended_offers(today=now.astimezone(PORTAL_TIMEZONE).date()))


def send_daily_digests(now):
    from portal.notifications.digest import send_digests

    return send_digests(now=now)


def remove_old_audit_events(now):
    """Delete the audit events older than AUDIT_RETENTION_DAYS (the privacy page promises it)
    in one DELETE; a second run finds nothing more. 0 or less keeps every event."""
    days = current_app.config.get("AUDIT_RETENTION_DAYS", 0)
    if not days or days <= 0:
        return 0
    result = db.session.execute(
        delete(AuditEvent).where(AuditEvent.created_at < now - timedelta(days=days))
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def remove_old_search_changes(now):
    """Delete the search's change log older than its KEEP_HOURS (portal/matching/changes.py):
    every search process has read it by then, or reads the offers anew."""
    from portal.matching.changes import prune

    removed = prune(db.session, now)
    db.session.commit()
    return removed


def remove_old_empty_searches(now):
    """Delete the searches that found nothing from before the school years the figures offer
    (portal/matching/empty_searches.py)."""
    from portal.matching.empty_searches import prune

    removed = prune(db.session, now.astimezone(PORTAL_TIMEZONE).date())
    db.session.commit()
    return removed


STEPS = (
    ("reminders sent", send_reminders),
    ("outcome questions sent", ask_outcomes),
    ("waiting-list offers expired", expire_waitlist_offers),
    ("offers archived", archive_offers),
    ("digests sent", send_daily_digests),
    ("audit events removed", remove_old_audit_events),
    ("search changes removed", remove_old_search_changes),
    ("empty searches removed", remove_old_empty_searches),
)
