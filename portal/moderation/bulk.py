"""Approving several items of the moderation queue in one step, with one note: companies, new
offers and changes to published offers, in one transaction.

Each item is its own conditional UPDATE, taken in the order of its id (companies first, then
offers), so two moderators approving overlapping selections at once never decide an item twice
and never wait for each other in a circle. An item a colleague decided first, or that its
company changed after the page was read, is left as it is and named in the outcome: the
moderator opens it and decides on what is there now. Each company hears of everything
approved for it in one message that carries the note.
"""
from dataclasses import dataclass, field

from sqlalchemy import select, update

from portal.audit import record_event
from portal.db import utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.offers.models import (
    PAUSED,
    PUBLISHED,
    REVISION_APPROVED,
    REVISION_PENDING,
    REVISION_REJECTED,
    Offer,
    OfferRevision,
)
from portal.offers.models import PENDING as OFFER_PENDING
from portal.offers.services import apply_revision, require_accreditation
from portal.organisations.models import APPROVED, PENDING, Company
from portal.organisations.services import can_moderate
from portal.organisations.team_mail import tell_members
from portal.text import clean_text

NOTE_MAX = 2000


@dataclass(frozen=True)
class Selection:
    """What the moderator ticked: company ids, and (offer id, version read) of offers."""

    companies: tuple = ()
    offers: tuple = ()


@dataclass
class Approved:
    """What one bulk approval decided, and what it left because it was no longer as read."""

    companies: list = field(default_factory=list)
    offers: list = field(default_factory=list)  # published for the first time
    changes: list = field(default_factory=list)  # published offers whose change was approved
    missed: list = field(default_factory=list)  # (company or offer, why it was left)

    @property
    def count(self):
        return len(self.companies) + len(self.offers) + len(self.changes)


def approve_selected(*, actor, selection, note=""):
    """Approve every selected item still as the moderator read it, in one transaction."""
    note = _clean_note(note)
    if not selection.companies and not selection.offers:
        raise ValidationFailed({"selected": _("Tick at least one company, offer or change.")})
    companies = _load(actor, Company, {int(i) for i in selection.companies})
    seen = {int(offer_id): int(number) for offer_id, number in selection.offers}
    offers = _load(actor, Offer, set(seen))
    _check_rules(offers, {c.id for c in companies})
    outcome = Approved()
    for company in companies:
        _approve_company(actor, company, note, outcome)
    for offer in offers:
        if offer.status in (PUBLISHED, PAUSED):
            _approve_change(actor, offer, seen[offer.id], note, outcome)
        else:
            _publish(actor, offer, seen[offer.id], note, outcome)
    _tell_companies(outcome, note)
    db.session.commit()
    for subject in (*outcome.companies, *outcome.offers, *outcome.changes):
        db.session.refresh(subject)
    return outcome


def _clean_note(note):
    note = clean_text(note or "", multiline=True)
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"note": _("Keep the note under %(n)d characters.", n=NOTE_MAX)})
    return note or None


def _load(actor, model, ids):
    """The selected rows in id order; one of another region (or a draft) is not even there."""
    rows = list(db.session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)))
    company_of = (lambda row: row) if model is Company else (lambda row: row.company)
    if len(rows) != len(ids) or any(
            not can_moderate(actor, company_of(row)) or getattr(row, "status", "") == "draft"
            for row in rows):
        raise NotFound(model.__tablename__)
    return rows


def _check_rules(offers, selected_companies):
    """Refuse the whole selection, before anything changes, when an item may not be approved
    by anyone: an offer whose company waits and is not approved with it, or a BBL place of a
    company whose accreditation nobody checked."""
    problems = []
    for offer in offers:
        if offer.waits_for_its_company() and offer.company_id not in selected_companies:
            problems.append(_("%(title)s: tick its company %(company)s too, or approve the "
                              "company first.", title=offer.title, company=offer.company.name))
        elif offer.status == OFFER_PENDING:
            try:
                require_accreditation(offer.offer_type, offer.company)
            except ValidationFailed as error:
                problems.append(f"{offer.title}: {error.errors['']}")
    if problems:
        raise ValidationFailed({"selected": " ".join(problems)})


def _approve_company(actor, company, note, outcome):
    result = db.session.execute(
        update(Company).where(Company.id == company.id, Company.status == PENDING)
        .values(status=APPROVED, decision_reason=None, decided_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        outcome.missed.append((company, _("a colleague decided on it first")))
        return
    db.session.expire(company)  # its new status is read again when next used
    record_event(actor, "company.approved", company, reason=note, together=True)
    outcome.companies.append(company)


def _publish(actor, offer, seen, note, outcome):
    """Publish a submitted offer as read, if its company is approved by now (a colleague may
    have rejected the company meanwhile)."""
    approved = select(Company.id).where(Company.id == offer.company_id,
                                        Company.status == APPROVED)
    result = db.session.execute(
        update(Offer).where(Offer.id == offer.id, Offer.status == OFFER_PENDING,
                            Offer.revision == seen, Offer.company_id.in_(approved))
        .values(status=PUBLISHED, decision_reason=None, published_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        outcome.missed.append((offer, _why_not(offer, seen)))
        return
    record_event(actor, "offer.published", offer, reason=note, revision=seen, together=True)
    outcome.offers.append(offer)


def _why_not(offer, seen):
    status, revision, company_status = db.session.execute(
        select(Offer.status, Offer.revision, Company.status).join(Offer.company)
        .where(Offer.id == offer.id)).one()
    if status == OFFER_PENDING and revision != seen:
        return _("the company changed it after you read it")
    if status == OFFER_PENDING and company_status != APPROVED:
        return _("its company was not approved")
    return _("a colleague decided on it first")


def _approve_change(actor, offer, seen, note, outcome):
    revision = db.session.scalar(select(OfferRevision).where(
        OfferRevision.offer_id == offer.id, OfferRevision.number == seen))
    result = db.session.execute(
        update(OfferRevision).where(OfferRevision.offer_id == offer.id,
                                    OfferRevision.number == seen,
                                    OfferRevision.status == REVISION_PENDING)
        .values(status=REVISION_APPROVED, reason=note, decided_by_id=actor.id,
                decided_at=utcnow())
        .execution_options(synchronize_session=False))
    if revision is None or result.rowcount != 1:
        decided = revision is not None and db.session.scalar(
            select(OfferRevision.status).where(OfferRevision.id == revision.id)
        ) in (REVISION_APPROVED, REVISION_REJECTED)
        outcome.missed.append((offer, _("a colleague decided on it first") if decided
                               else _("the company changed it after you read it")))
        return
    apply_revision(offer, revision.content)
    record_event(actor, "offer.revision_approved", offer, revision=seen, reason=note,
                 together=True)
    outcome.changes.append(offer)


def _tell_companies(outcome, note):
    """One message per company with everything approved for it."""
    by_company = {}
    for company in outcome.companies:
        by_company.setdefault(company.id, {"company": company, "approved": True})
    for key, offers in (("offers", outcome.offers), ("changes", outcome.changes)):
        for offer in offers:
            entry = by_company.setdefault(offer.company_id, {"company": offer.company,
                                                             "approved": False})
            entry.setdefault(key, []).append(offer)
    for entry in by_company.values():
        tell_members(entry["company"], "moderation.approved_together", note=note,
                     company_approved=entry["approved"], offers=entry.get("offers", []),
                     changes=entry.get("changes", []))
