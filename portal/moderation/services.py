"""Use cases of a Technocentrum's moderators: the queue and the decisions on it."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from portal import security
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.geo.models import Place
from portal.offers.models import PENDING as OFFER_PENDING
from portal.offers.models import PUBLISHED, Offer
from portal.offers.models import REJECTED as OFFER_REJECTED
from portal.organisations.models import APPROVED, PENDING, REJECTED, Company, Membership
from portal.organisations.services import can_moderate, technocentrum_of

REASON_MAX = 2000


def _region_province_ids(actor):
    """The provinces the actor moderates; None means all (the administrator)."""
    if security.has_role(actor, security.ADMIN):
        return None
    security.require_role(actor, security.MODERATOR)
    centre = technocentrum_of(actor)
    security.require(centre is not None, "moderator without a Technocentrum")
    return [p.id for p in centre.provinces]


def moderation_queue(*, actor):
    """Pending companies and pending offers in the actor's region, oldest first."""
    provinces = _region_province_ids(actor)
    companies = (select(Company).join(Company.place).where(Company.status == PENDING)
                 .options(contains_eager(Company.place)))
    offers = (select(Offer).join(Offer.company).join(Place, Company.place_id == Place.id)
              .where(Offer.status == OFFER_PENDING)
              .options(contains_eager(Offer.company), selectinload(Offer.sectors),
                       selectinload(Offer.levels)))
    if provinces is not None:
        companies = companies.where(Place.province_id.in_(provinces))
        offers = offers.where(Place.province_id.in_(provinces))
    return (
        list(db.session.scalars(companies.options(selectinload(Company.sectors))
                                .order_by(Company.created_at, Company.id))),
        list(db.session.scalars(offers.order_by(Offer.submitted_at, Offer.id)).unique()),
    )


def _require_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Give a reason; the company will read it.")})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": _("Keep the reason under %(n)d characters.",
                                            n=REASON_MAX)})
    return reason


def _decide_company(actor, company, status, reason):
    security.require(can_moderate(actor, company), "outside the moderator's region")
    if company.status != PENDING:
        raise ValidationFailed({"": _("A decision has already been made about this company.")})
    company.status = status
    company.decision_reason = reason
    company.decided_at = utcnow()
    record_event(actor, f"company.{status}", company, reason=reason)
    db.session.commit()
    return company


def approve_company(*, actor, company):
    """The company may now publish offers."""
    return _decide_company(actor, company, APPROVED, None)


def reject_company(*, actor, company, reason):
    return _decide_company(actor, company, REJECTED, _require_reason(reason))


def _decide_offer(actor, offer, status, reason):
    security.require(can_moderate(actor, offer.company), "outside the moderator's region")
    if offer.status != OFFER_PENDING:
        raise ValidationFailed({"": _("This offer is not waiting for a decision.")})
    offer.status = status
    offer.decision_reason = reason
    if status == PUBLISHED:
        offer.published_at = utcnow()
    record_event(actor, f"offer.{status}", offer, reason=reason)
    db.session.commit()
    return offer


def approve_offer(*, actor, offer):
    """Publish the offer; its company must have been approved first."""
    security.require(can_moderate(actor, offer.company), "outside the moderator's region")
    if offer.status == OFFER_PENDING and not offer.can_publish():
        raise ValidationFailed({"": _("Approve the company first, then its offers.")})
    return _decide_offer(actor, offer, PUBLISHED, None)


def reject_offer(*, actor, offer, reason):
    return _decide_offer(actor, offer, OFFER_REJECTED, _require_reason(reason))


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
