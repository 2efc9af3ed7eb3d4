"""Use cases of offers: a company creates, edits and submits them for moderation."""
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from portal import security
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.offers.models import DRAFT, PENDING, PUBLISHED, REJECTED, Offer
from portal.offers.rules import (
    MAX_CAPACITY,
    MAX_GROUP_SIZE,
    location_mode_fits,
    period_is_valid,
)
from portal.organisations.models import REJECTED as COMPANY_REJECTED
from portal.organisations.services import can_moderate, is_member
from portal.taxonomy.codes import AT_SCHOOL, OFFER_TYPE_CODES
from portal.taxonomy.services import levels_by_ids, sectors_by_ids

EDITABLE = (DRAFT, PENDING, REJECTED)
FIELDS = ("offer_type", "title", "description", "sector_ids", "level_ids", "location_mode",
          "travel_km", "capacity", "max_group_size", "starts_on", "ends_on")


def _clean(fields):
    """Check the fields against the business rules; returns the values to set on the offer."""
    errors = {}
    offer_type = fields.get("offer_type")
    if offer_type not in OFFER_TYPE_CODES:
        errors["offer_type"] = _("Choose a type of offer.")
    elif not location_mode_fits(offer_type, fields.get("location_mode")):
        errors["location_mode"] = _("This location does not suit this type of offer.")
    if not (fields.get("title") or "").strip():
        errors["title"] = _("Enter a title.")
    if not (fields.get("description") or "").strip():
        errors["description"] = _("Describe the offer.")
    sectors = sectors_by_ids(fields.get("sector_ids") or [])
    if not sectors:
        errors["sector_ids"] = _("Choose at least one sector.")
    levels = levels_by_ids(fields.get("level_ids") or [])
    if not levels:
        errors["level_ids"] = _("Choose at least one education level.")
    capacity = fields.get("capacity")
    if capacity is None or not 1 <= capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Capacity is a number from 1 to %(n)d.", n=MAX_CAPACITY)
    group = fields.get("max_group_size")
    if group is not None and not 1 <= group <= MAX_GROUP_SIZE:
        errors["max_group_size"] = _("Group size is a number from 1 to %(n)d.", n=MAX_GROUP_SIZE)
    travel = fields.get("travel_km")
    if travel is not None and not 0 <= travel <= 1000:
        errors["travel_km"] = _("Travel distance is a number of kilometres from 0 to 1000.")
    if not period_is_valid(fields.get("starts_on"), fields.get("ends_on")):
        errors["ends_on"] = _("The period cannot end before it starts.")
    if errors:
        raise ValidationFailed(errors)
    values = {key: fields.get(key) for key in FIELDS if not key.endswith("_ids")}
    values["title"] = values["title"].strip()
    values["description"] = values["description"].strip()
    if values["location_mode"] != AT_SCHOOL:
        values["travel_km"] = None
    return values, sectors, levels


def _require_company_member(actor, company):
    security.require(security.has_role(actor, security.COMPANY_MEMBER)
                     and is_member(actor, company), "not a member of this company")


def create_offer(*, actor, company, **fields):
    """A company member creates a draft offer for their company."""
    _require_company_member(actor, company)
    values, sectors, levels = _clean(fields)
    offer = Offer(company=company, created_by_id=actor.id, place=company.place, status=DRAFT,
                  sectors=sectors, levels=levels, **values)
    db.session.add(offer)
    record_event(actor, "offer.created", offer, offer_type=offer.offer_type)
    db.session.commit()
    return offer


def update_offer(*, actor, offer, **fields):
    """Change an offer that is not yet published."""
    _require_company_member(actor, offer.company)
    if offer.status not in EDITABLE:
        raise ValidationFailed({"": _("A published offer cannot be changed here.")})
    values, sectors, levels = _clean(fields)
    if values["capacity"] < offer.places_taken:
        raise ValidationFailed({"capacity": ngettext(
            "One place is already taken.", "%(num)d places are already taken.",
            offer.places_taken)})
    for key, value in values.items():
        setattr(offer, key, value)
    offer.sectors, offer.levels = sectors, levels
    if offer.status == PENDING:
        # The moderator must see what gets published: a changed offer is submitted again.
        offer.status, offer.submitted_at = DRAFT, None
    record_event(actor, "offer.updated", offer)
    db.session.commit()
    return offer


def submit_offer(*, actor, offer):
    """Send a draft (or rejected) offer to the regional Technocentrum for moderation."""
    _require_company_member(actor, offer.company)
    if offer.company.status == COMPANY_REJECTED:
        raise ValidationFailed({"": _("Your company was not approved, so its offers cannot be "
                                      "submitted.")})
    if not offer.can_submit():
        raise ValidationFailed({"": _("This offer has already been submitted.")})
    offer.status = PENDING
    offer.submitted_at = utcnow()
    offer.decision_reason = None
    record_event(actor, "offer.submitted", offer)
    db.session.commit()
    return offer


def offers_of_company(*, actor, company):
    """All offers of the actor's company, newest first."""
    _require_company_member(actor, company)
    return list(db.session.scalars(
        select(Offer).where(Offer.company_id == company.id)
        .order_by(Offer.created_at.desc(), Offer.id.desc())
    ))


def published_offers_of(company):
    """What anyone may see of a company's offers."""
    return list(db.session.scalars(
        select(Offer).where(Offer.company_id == company.id, Offer.status == PUBLISHED)
        .order_by(Offer.published_at.desc(), Offer.id.desc())
    ))


def get_own_offer(actor, offer_id):
    """The offer if the actor works for its company; NotFound for everyone else."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or not is_member(actor, offer.company):
        raise NotFound("offer")
    return offer


def get_offer_for(actor, offer_id):
    """The offer if the actor may see it: published ones to anyone, others to its company and
    the moderators who may decide it."""
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("offer")
    if (offer.status == PUBLISHED or is_member(actor, offer.company)
            or (offer.status != DRAFT and can_moderate(actor, offer.company))):
        return offer
    raise NotFound("offer")
