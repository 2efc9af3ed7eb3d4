"""Reports of offers and companies, and suspending a company.

Any signed-in user may report an offer or a company they can see; the report waits in the
queue of the company's region. A moderator dismisses it, or suspends the company: its offers
can no longer be found, opened or requested, its members are told why, and every school with
an open or accepted request of it for a date to come is told. Lifting the suspension makes the
offers findable again (the database keeps `offers.search_until` by trigger, portal/offers/
findable.py, so a status change of the company is enough).

Every decision is one conditional UPDATE, so two moderators never decide the same report or
suspend the same company twice.
"""
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from portal import security
from portal.audit import record_event
from portal.bookings.models import Booking
from portal.bookings.rules import ACCEPTED, OPEN
from portal.db import PORTAL_TIMEZONE, local_today, utcnow
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.geo.models import Place
from portal.geo.names import normalise
from portal.i18n import gettext as _
from portal.moderation.models import DISMISSED, UPHELD, Report
from portal.moderation.models import OPEN as REPORT_OPEN
from portal.moderation.services import (
    REPORTS,
    QueueFilters,
    Waiting,
    moderated_region,
    require_reason,
)
from portal.notifications.outbox import notify, notify_all
from portal.offers.models import SHOWN, Offer
from portal.organisations.models import APPROVED, SUSPENDED, Company
from portal.organisations.services import can_moderate, may_report
from portal.organisations.team_mail import tell_members
from portal.text import clean_text

REASON_MAX = 2000


# --- reporting -------------------------------------------------------------------------------


def report_offer(*, actor, offer, reason):
    """Report an offer anyone can see; its own company's members cannot."""
    if offer.status not in SHOWN or not offer.company.is_approved:
        raise NotFound("offer")
    return _report(actor, offer.company, offer, reason)


def report_company(*, actor, company, reason):
    """Report an approved company (one whose page anyone can see)."""
    if not isinstance(company, Company) or not company.is_approved:
        raise NotFound("company")
    return _report(actor, company, None, reason)


def _report(actor, company, offer, reason):
    security.require(getattr(actor, "is_authenticated", False), "sign in to report")
    if not may_report(actor, company):
        raise NotAllowed("one's own company")
    reason = require_reason(reason, _("Say what is wrong, so the Technocentrum can look into "
                                      "it."))
    if open_report_of(actor, company, offer) is not None:
        raise ValidationFailed({"": already_reported()})
    report = Report(company_id=company.id, offer_id=offer.id if offer else None,
                    reporter_id=actor.id, reason=reason)
    db.session.add(report)
    try:
        db.session.flush()  # two reports at once: the unique index keeps one
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed({"": already_reported()}) from None
    record_event(actor, "offer.reported" if offer else "company.reported", offer or company,
                 report_id=report.id, reason=reason)
    db.session.commit()
    return report


def already_reported():
    return _("You have already reported this; the Technocentrum will look into it.")


def open_report_of(actor, company, offer=None):
    """The actor's open report of this offer (or of the company itself), if any."""
    if actor is None or not actor.is_authenticated:
        return None
    return db.session.scalar(select(Report).where(
        Report.reporter_id == actor.id, Report.status == REPORT_OPEN,
        Report.company_id == company.id,
        Report.offer_id == offer.id if offer else Report.offer_id.is_(None)))


# --- the queue -------------------------------------------------------------------------------


def open_reports(*, actor, today=None, filters=QueueFilters()):
    """The open reports of the actor's region, oldest first, as queue items."""
    if filters.kind not in (None, REPORTS):
        return []
    region = moderated_region(actor)
    query = (select(Report).join(Report.company).join(Place, Company.place_id == Place.id)
             .where(Report.status == REPORT_OPEN)
             .options(contains_eager(Report.company).contains_eager(Company.place),
                      joinedload(Report.offer).joinedload(Offer.place),
                      joinedload(Report.reporter))
             .order_by(Report.created_at, Report.id))
    if region is not None:
        query = query.where(region.holds(Place))
    today = today or local_today()
    place = normalise(filters.place)
    items = []
    for report in db.session.scalars(query).unique():
        offer = report.offer
        if filters.offer_type is not None and (offer is None
                                               or offer.offer_type != filters.offer_type):
            continue
        if place and not any(normalise(name).startswith(place) for where in filter(None, (
                report.company.place, offer.place if offer else None))
                for name in (where.name, where.label)):
            continue
        items.append(Waiting(report, report.created_at, (
            today - report.created_at.astimezone(PORTAL_TIMEZONE).date()).days))
    return items


def get_report_to_moderate(actor, report_id):
    report = db.session.get(Report, report_id)
    if report is None or not can_moderate(actor, report.company):
        raise NotFound("report")
    return report


def reports_of(company):
    """Every report of the company and its offers, newest first (for its moderation page)."""
    return list(db.session.scalars(
        select(Report).where(Report.company_id == company.id)
        .options(joinedload(Report.offer), joinedload(Report.reporter))
        .order_by(Report.created_at.desc(), Report.id.desc())))


# --- decisions -------------------------------------------------------------------------------


def dismiss_report(*, actor, report, note=""):
    """Nothing to do: the report leaves the queue and its reporter hears so."""
    security.require(can_moderate(actor, report.company), "outside the moderator's region")
    note = clean_text(note or "", multiline=True) or None
    if note and len(note) > REASON_MAX:
        raise ValidationFailed({"note": _("Keep it under %(n)d characters.", n=REASON_MAX)})
    result = db.session.execute(
        update(Report).where(Report.id == report.id, Report.status == REPORT_OPEN)
        .values(status=DISMISSED, decided_by_id=actor.id, decided_at=utcnow(),
                decision_note=note)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": _("A colleague has already dealt with this report.")})
    record_event(actor, "report.dismissed", report.subject, report_id=report.id, reason=note)
    _tell_reporters([report], DISMISSED, note)
    db.session.commit()
    db.session.refresh(report)
    return report


@dataclass
class Suspension:
    company: Company
    reports: list  # the open reports it settled
    requests: list  # the requests of schools that were told


def suspend_company(*, actor, company, reason, today=None):
    """Hide the company's offers until a moderator lifts the suspension. Its members read the
    reason; schools with an open or accepted request for a date to come are told; its open
    reports are settled and their reporters told."""
    security.require(can_moderate(actor, company), "outside the moderator's region")
    reason = require_reason(reason)
    result = db.session.execute(
        update(Company).where(Company.id == company.id, Company.status == APPROVED)
        .values(status=SUSPENDED, decision_reason=reason, decided_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": _(
            "This company is not approved (any more), so it cannot be suspended.")})
    settled = list(db.session.scalars(
        update(Report).where(Report.company_id == company.id, Report.status == REPORT_OPEN)
        .values(status=UPHELD, decided_by_id=actor.id, decided_at=utcnow(),
                decision_note=reason)
        .returning(Report).execution_options(synchronize_session=False)))
    db.session.expire(company)
    record_event(actor, "company.suspended", company, reason=reason,
                 reports=[r.id for r in settled])
    tell_members(company, "moderation.company_suspended", reason=reason)
    requests = _requests_to_come(company, today or local_today())
    _tell_schools(company, requests)
    _tell_reporters(settled, UPHELD, None)
    db.session.commit()
    db.session.refresh(company)
    return Suspension(company, settled, requests)


def lift_suspension(*, actor, company):
    """The company's offers can be found and requested again."""
    security.require(can_moderate(actor, company), "outside the moderator's region")
    result = db.session.execute(
        update(Company).where(Company.id == company.id, Company.status == SUSPENDED)
        .values(status=APPROVED, decision_reason=None, decided_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": _("This company is not suspended (any more).")})
    db.session.expire(company)
    record_event(actor, "company.reinstated", company)
    tell_members(company, "moderation.company_reinstated")
    db.session.commit()
    db.session.refresh(company)
    return company


def _requests_to_come(company, today):
    return list(db.session.scalars(
        select(Booking).join(Booking.offer)
        .where(Offer.company_id == company.id, Booking.status.in_((*OPEN, ACCEPTED)),
               Booking.wanted_on >= today)
        .options(joinedload(Booking.requested_by), joinedload(Booking.offer))
        .order_by(Booking.wanted_on, Booking.id)))


def _tell_schools(company, requests):
    """One message per teacher, naming each of their requests of the company."""
    by_teacher = {}
    for booking in requests:
        if booking.requested_by is not None:
            by_teacher.setdefault(booking.requested_by.id, (booking.requested_by, []))[1].append(
                booking)
    for teacher, bookings in by_teacher.values():
        notify(teacher, "booking.company_suspended", company=company, bookings=bookings)


def _tell_reporters(reports, outcome, note):
    for report in reports:
        if report.reporter is not None:
            notify_all([report.reporter], "moderation.report_handled", report=report,
                       outcome=outcome, note=note)
