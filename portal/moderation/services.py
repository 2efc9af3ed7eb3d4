"""Use cases of a Technocentrum's moderators: the queue and the decisions on it. Every
decision is e-mailed to the members of the company it concerns, in the same transaction."""
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import contains_eager, selectinload

from portal import security
from portal.audit import record_event
from portal.db import PORTAL_TIMEZONE, local_today, utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.geo.models import Place
from portal.geo.names import normalise
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
from portal.offers.models import REJECTED as OFFER_REJECTED
from portal.offers.services import apply_revision, require_accreditation, substance_of
from portal.organisations.models import APPROVED, PENDING, REJECTED, Company, Membership
from portal.organisations.regions import Region
from portal.organisations.services import can_moderate, technocentrum_of
from portal.organisations.team_mail import tell_members
from portal.taxonomy.services import levels_by_ids, sectors_by_ids
from portal.text import clean_text

REASON_MAX = 2000
# The message each decision on an offer writes to its company (templates/mail/<kind>.txt).
OFFER_MAIL = {PUBLISHED: "moderation.offer_approved", OFFER_REJECTED: "moderation.offer_rejected"}
REVISION_MAIL = {REVISION_APPROVED: "moderation.revision_approved",
                 REVISION_REJECTED: "moderation.revision_rejected"}


def moderated_region(actor):
    """The Region the actor moderates; None means everywhere (the administrator)."""
    if security.has_role(actor, security.ADMIN):
        return None
    security.require_role(actor, security.MODERATOR)
    centre = technocentrum_of(actor)
    security.require(centre is not None, "moderator without a Technocentrum")
    return Region.of(centre)


@dataclass
class Waiting:
    """An item of the moderation queue and since when it waits: a company since it registered,
    an offer since it was submitted, a change to a published offer since it was proposed."""

    subject: object  # a Company or an Offer
    since: datetime
    days: int  # whole days waited (local dates)
    offers: list = field(default_factory=list)  # a pending company's own waiting offers


def _waiting(subject, since, today, offers=()):
    return Waiting(subject, since, (today - since.astimezone(PORTAL_TIMEZONE).date()).days,
                   list(offers))


def _offer_since(offer):
    revision = offer.pending_revision if offer.status in (PUBLISHED, PAUSED) else None
    return revision.created_at if revision is not None else offer.submitted_at or offer.created_at


# What the queue can show (QueueFilters.kind): companies, new offers, changes to published
# offers, or reports (portal/moderation/reports.py); None is everything.
COMPANIES, NEW_OFFERS, CHANGES, REPORTS = "companies", "offers", "changes", "reports"


@dataclass(frozen=True)
class QueueFilters:
    kind: str | None = None
    offer_type: str | None = None  # of the offers (a company: of its waiting offers)
    place: str = ""  # the start of the place's name: a company's place, an offer's place


def moderation_queue(*, actor, today=None, filters=QueueFilters()):
    """The actor's region's queue, oldest first: the pending companies, each with its waiting
    offers under it (they are decided after the company), and the waiting offers and changes
    of every other company. Each item says since when it waits. `filters` narrows it."""
    companies, offers = _queue(actor, today or local_today())
    return _filtered(companies, offers, filters)


def _filtered(companies, offers, filters):
    place = normalise(filters.place)

    def fits(offer):
        return ((filters.offer_type is None or offer.offer_type == filters.offer_type)
                and (not place or _at(offer.place, place)))

    if filters.kind not in (None, COMPANIES):
        companies = []
    companies = [replace(item, offers=[o for o in item.offers if fits(o.subject)])
                 for item in companies if not place or _at(item.subject.place, place)]
    if filters.offer_type is not None:
        companies = [item for item in companies if item.offers]
    if filters.kind in (COMPANIES, REPORTS):
        offers = []
    elif filters.kind is not None:
        offers = [item for item in offers
                  if (item.subject.status == OFFER_PENDING) == (filters.kind == NEW_OFFERS)]
    return companies, [item for item in offers if fits(item.subject)]


def _at(place, start):
    """Whether the place's name (or its label) starts with this (folded) text."""
    return any(normalise(name).startswith(start) for name in (place.name, place.label))


def _queue(actor, today):
    region = moderated_region(actor)
    companies = (select(Company).join(Company.place).where(Company.status == PENDING)
                 .options(contains_eager(Company.place)))
    offers = (select(Offer).join(Offer.company).join(Place, Company.place_id == Place.id)
              .where(or_(Offer.status == OFFER_PENDING, Offer.id.in_(
                  select(OfferRevision.offer_id)
                  .where(OfferRevision.status == REVISION_PENDING))))
              .options(contains_eager(Offer.company), selectinload(Offer.sectors),
                       selectinload(Offer.levels), selectinload(Offer.revisions),
                       selectinload(Offer.place)))
    if region is not None:
        companies = companies.where(region.holds(Place))
        offers = offers.where(region.holds(Place))
    offers = [_waiting(o, _offer_since(o), today)
              for o in db.session.scalars(offers.order_by(Offer.id)).unique()]
    offers.sort(key=lambda item: (item.since, item.subject.id))
    by_company = {}
    for item in offers:
        by_company.setdefault(item.subject.company_id, []).append(item)
    companies = [_waiting(c, c.created_at, today, by_company.pop(c.id, ()))
                 for c in db.session.scalars(companies.options(selectinload(Company.sectors))
                                             .order_by(Company.created_at, Company.id))]
    return companies, [item for item in offers if item.subject.company_id in by_company]


def accreditations_to_check(*, actor):
    """Approved companies of the actor's region whose SBB leerbedrijf-ID waits for a check."""
    region = moderated_region(actor)
    query = (select(Company).join(Company.place)
             .where(Company.status == APPROVED, Company.sbb_number.is_not(None),
                    Company.sbb_verified_at.is_(None)))
    if region is not None:
        query = query.where(region.holds(Place))
    return list(db.session.scalars(query.order_by(Company.updated_at, Company.id)))


def require_reason(reason, missing=None):
    """The reason cleaned, or ValidationFailed on "reason": `missing` (by default: the
    company reads it) when empty, or when too long."""
    reason = clean_text(reason or "", multiline=True)
    if not reason:
        raise ValidationFailed({"reason": missing or _("Give a reason; the company will read "
                                                       "it.")})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": _("Keep the reason under %(n)d characters.",
                                            n=REASON_MAX)})
    return reason


def _decide_company(actor, company, status, reason):
    """One conditional UPDATE: of two moderators deciding at once, one wins, the other is
    told, and nothing is decided twice."""
    security.require(can_moderate(actor, company), "outside the moderator's region")
    result = db.session.execute(
        update(Company).where(Company.id == company.id, Company.status == PENDING)
        .values(status=status, decision_reason=reason, decided_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": _("A decision has already been made about this company.")})
    record_event(actor, f"company.{status}", company, reason=reason)
    tell_members(company, f"moderation.company_{status}", reason=reason)
    db.session.commit()
    db.session.refresh(company)
    return company


def approve_company(*, actor, company):
    """The company may now publish offers."""
    return _decide_company(actor, company, APPROVED, None)


def reject_company(*, actor, company, reason):
    return _decide_company(actor, company, REJECTED, require_reason(reason))


def _stale(offer, seen):
    db.session.rollback()
    db.session.refresh(offer)
    if offer.status == OFFER_PENDING and offer.revision != seen:
        return ValidationFailed({"": _(
            "The company changed this offer after you opened it. Read the new version, "
            "then decide.")})
    return ValidationFailed({"": _("This offer is not waiting for a decision.")})


def _decide_offer(actor, offer, status, reason, seen):
    """Decide on a submitted offer, naming the revision the moderator saw: one conditional
    UPDATE, so a changed offer or a colleague's decision first makes it fail."""
    security.require(can_moderate(actor, offer.company), "outside the moderator's region")
    values = {"status": status, "decision_reason": reason}
    if status == PUBLISHED:
        values["published_at"] = utcnow()
    result = db.session.execute(
        update(Offer).where(Offer.id == offer.id, Offer.status == OFFER_PENDING,
                            Offer.revision == seen)
        .values(**values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise _stale(offer, seen)
    record_event(actor, f"offer.{status}", offer, reason=reason, revision=seen)
    tell_members(offer.company, OFFER_MAIL[status], offer=offer, reason=reason)
    db.session.commit()
    db.session.refresh(offer)
    return offer


def _decide_revision(actor, offer, status, reason, seen):
    """Decide on a proposed change to a published offer; `seen` is the version number the
    moderator read (the proposal's number). One conditional UPDATE, so a proposal the company
    replaced or took back, or one a colleague decided first, is not decided again."""
    security.require(can_moderate(actor, offer.company), "outside the moderator's region")
    revision = db.session.scalar(select(OfferRevision).where(
        OfferRevision.offer_id == offer.id, OfferRevision.number == seen))
    result = db.session.execute(
        update(OfferRevision).where(OfferRevision.offer_id == offer.id,
                                    OfferRevision.number == seen,
                                    OfferRevision.status == REVISION_PENDING)
        .values(status=status, reason=reason, decided_by_id=actor.id, decided_at=utcnow())
        .execution_options(synchronize_session=False))
    if revision is None or result.rowcount != 1:
        db.session.rollback()
        decided = revision is not None and revision.status in (REVISION_APPROVED,
                                                               REVISION_REJECTED)
        raise ValidationFailed({"": _(
            "A colleague has already decided on this change.") if decided else _(
            "The company changed this offer after you opened it. Read the new version, "
            "then decide.")})
    if status == REVISION_APPROVED:
        apply_revision(offer, revision.content)
    record_event(actor, f"offer.revision_{status}", offer, revision=seen, reason=reason)
    tell_members(offer.company, REVISION_MAIL[status], offer=offer, reason=reason)
    db.session.commit()
    db.session.refresh(offer)
    return offer


def approve_offer(*, actor, offer, seen=None):
    """Publish the offer as the moderator read it, or, for a published offer, approve its
    proposed change. `seen` is the version number shown to the moderator (Offer.revision);
    None takes the current one."""
    security.require(can_moderate(actor, offer.company), "outside the moderator's region")
    seen = offer.revision if seen is None else seen
    if offer.status in (PUBLISHED, PAUSED):
        return _decide_revision(actor, offer, REVISION_APPROVED, None, seen)
    if offer.waits_for_its_company():
        raise ValidationFailed({"": _("Approve the company first, then its offers.")})
    if offer.status == OFFER_PENDING and not offer.company.is_approved:
        raise ValidationFailed({"": _("The company is not approved (it is rejected or "
                                      "suspended), so its offers cannot be published.")})
    if offer.status == OFFER_PENDING:
        require_accreditation(offer.offer_type, offer.company)
    return _decide_offer(actor, offer, PUBLISHED, None, seen)


def reject_offer(*, actor, offer, reason, seen=None):
    reason = require_reason(reason)
    seen = offer.revision if seen is None else seen
    if offer.status in (PUBLISHED, PAUSED):
        return _decide_revision(actor, offer, REVISION_REJECTED, reason, seen)
    return _decide_offer(actor, offer, OFFER_REJECTED, reason, seen)


def revision_changes(offer, revision):
    """(field, published value, proposed value) of every field a revision changes; sectors
    and levels as their names."""
    current = substance_of(offer)
    changes = []
    for name, proposed in revision.content.items():
        if proposed == current.get(name):
            continue
        if name in ("sector_ids", "level_ids"):
            rows = sectors_by_ids if name == "sector_ids" else levels_by_ids
            changes.append((name, [r.name for r in rows(current[name])],
                            [r.name for r in rows(proposed)]))
        else:
            changes.append((name, current.get(name), proposed))
    return changes


def get_company_to_moderate(actor, company_id):
    """A company the actor decides on; other regions' companies are not even shown."""
    company = db.session.get(Company, company_id, options=[
        selectinload(Company.memberships).joinedload(Membership.user)])
    if company is None or not can_moderate(actor, company):
        raise NotFound("company")
    return company


def get_offer_to_moderate(actor, offer_id):
    """A submitted offer of the actor's region; drafts and other regions' offers are hidden."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or offer.status == "draft" or not can_moderate(actor, offer.company):
        raise NotFound("offer")
    return offer
