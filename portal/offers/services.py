"""Use cases of offers: a company creates, edits, submits and duplicates them.

Until an offer is published every change applies at once. Once published, practical fields
(numbers, dates, contact person) change at once, while a change to what the offer says makes a
revision that waits for the moderator; the published version stays visible meanwhile.
"""
from sqlalchemy import select, update

from portal import security
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.i18n import ngettext
from portal.offers import rules
from portal.offers.models import (
    ARCHIVED,
    DRAFT,
    PAUSED,
    PENDING,
    PUBLISHED,
    REVISION_PENDING,
    REVISION_SUPERSEDED,
    SHOWN,
    WITHDRAWN,
    Offer,
    OfferRevision,
)
from portal.organisations.accreditation import is_accredited
from portal.organisations.models import REJECTED as COMPANY_REJECTED
from portal.organisations.models import SUSPENDED as COMPANY_SUSPENDED
from portal.organisations.models import Membership
from portal.organisations.profiles import locations_of
from portal.organisations.services import can_moderate, is_member
from portal.taxonomy.codes import APPRENTICESHIP, AT_COMPANY, AT_SCHOOL, OFFER_TYPE_CODES
from portal.taxonomy.services import levels_by_ids, qualification, sectors_by_ids
from portal.text import clean_text

COMMON = ("offer_type", "location_mode", "title", "description", "sector_ids", "level_ids",
          "contact_id", "location_id")
FIELDS = COMMON + rules.DETAIL_FIELDS
TEXT_MAX = {"title": 160, "topic": 200, "given_by": 200, "protective_gear": 300,
            "subjects": 300, "qualification_name": 200, "description": 8000,
            "safety_rules": 4000, "deliverable": 4000}
# The texts of several lines (text areas in the form); the others are one line.
MULTILINE = ("description", "safety_rules", "deliverable")


NOT_ACCREDITED = _l(
    "Only an accredited training company (erkend leerbedrijf) offers BBL places: state your "
    "SBB leerbedrijf-ID and wait until the Technocentrum has checked it.")


def suspended_message():
    return _("The Technocentrum has suspended your company: its offers are hidden and take no "
             "requests until the suspension is lifted.")


def company_closed_message():
    """For a school: the company of the offer may not take requests now."""
    return _("The Technocentrum has suspended this company: it takes no requests for now.")


def require_accreditation(offer_type, company, field=""):
    """BBL places only from a company whose SBB leerbedrijf-ID a moderator has checked."""
    if offer_type == APPRENTICESHIP and not is_accredited(company):
        raise ValidationFailed({field: str(NOT_ACCREDITED)})


def _problem_message(field, code):
    low, high = rules.LIMITS.get(field, (0, 0))
    return {
        "required": _("Fill this in for this type of offer."),
        "range": _("Enter a number from %(low)d to %(high)d.", low=low, high=high),
        "order": (_("The period cannot end before it starts.") if field == "ends_on"
                  else _("The smallest group cannot be larger than the largest.")),
        "travel": _("Say how far you travel to a school."),
    }[code]


def _text_fields(fields, errors):
    values = {}
    for name, limit in TEXT_MAX.items():
        value = fields.get(name)
        if isinstance(value, str):
            value = clean_text(value, multiline=name in MULTILINE)
        if value and len(value) > limit:
            errors[name] = _("Keep it under %(n)d characters.", n=limit)
        values[name] = value or None
    return values


def _clean_crebo(values, errors):
    crebo = values.get("crebo")
    if crebo is None:
        return
    crebo = str(crebo).strip()
    if not rules.is_well_formed_crebo(crebo):
        errors["crebo"] = _("A crebo code has 5 digits, e.g. 25180.")
        return
    values["crebo"] = crebo
    known = qualification(crebo)
    if known is not None:  # the register's name and level, not what was typed
        values["qualification_name"], values["mbo_level"] = known.name, known.level
    elif not values.get("qualification_name"):
        errors["qualification_name"] = _("We do not know this crebo code; enter the "
                                         "qualification's name.")


def _clean(fields, company):
    """Check the fields against the business rules; returns the values, sectors and levels."""
    errors = {}
    offer_type = fields.get("offer_type")
    location_mode = fields.get("location_mode")
    if offer_type not in OFFER_TYPE_CODES:
        errors["offer_type"] = _("Choose a type of offer.")
    elif not rules.location_mode_fits(offer_type, location_mode):
        errors["location_mode"] = _("This location does not suit this type of offer.")
    if offer_type == APPRENTICESHIP and not is_accredited(company):
        errors["offer_type"] = str(NOT_ACCREDITED)
    values = {**fields, **_text_fields(fields, errors)}
    if not values["title"]:
        errors["title"] = _("Enter a title.")
    if not values["description"]:
        errors["description"] = _("Describe the offer.")
    sectors = sectors_by_ids(fields.get("sector_ids") or [])
    if not sectors:
        errors["sector_ids"] = _("Choose at least one sector.")
    levels = levels_by_ids(fields.get("level_ids") or [])
    if not levels:
        errors["level_ids"] = _("Choose at least one education level.")
    values = {**values, **rules.only_fields_of(offer_type, values)}
    if location_mode != AT_SCHOOL:
        values["travel_km"] = None
    _clean_crebo(values, errors)  # first: a known crebo brings its name and level
    for name, code in rules.detail_problems(offer_type, values, location_mode).items():
        errors.setdefault(name, _problem_message(name, code))
    contact = fields.get("contact_id")
    if contact and not _is_member_id(contact, company):
        errors["contact_id"] = _("Choose a colleague of your company.")
    location = _location(fields.get("location_id"), location_mode, company, errors)
    if errors:
        raise ValidationFailed(errors)
    clean = {key: values.get(key) for key in FIELDS if not key.endswith("_ids")}
    clean["contact_id"] = contact or None
    clean["location_id"] = location.id if location else None
    clean["place_id"] = location.place_id if location else company.place_id
    return clean, sectors, levels


def _location(location_id, location_mode, company, errors):
    """The company location an activity at the company happens at: the one chosen, or the
    company's first. Lessons at the school and online happen at no location of its own."""
    if location_mode != AT_COMPANY:
        return None
    locations = locations_of(company)
    if not location_id:
        return locations[0] if locations else None
    chosen = next((loc for loc in locations if loc.id == location_id), None)
    if chosen is None:
        errors["location_id"] = _("Choose one of your company's locations.")
    return chosen


def _is_member_id(user_id, company):
    return db.session.scalar(select(Membership.id).where(
        Membership.user_id == user_id, Membership.organisation_id == company.id)) is not None


def _require_company_member(actor, company):
    security.require(security.has_role(actor, security.COMPANY_MEMBER)
                     and is_member(actor, company), "not a member of this company")


def create_offer(*, actor, company, **fields):
    """A company member creates a draft offer for their company."""
    _require_company_member(actor, company)
    values, sectors, levels = _clean(fields, company)
    offer = Offer(company=company, created_by_id=actor.id, status=DRAFT,
                  sectors=sectors, levels=levels, **values)
    db.session.add(offer)
    record_event(actor, "offer.created", offer, offer_type=offer.offer_type)
    db.session.commit()
    return offer


def substance_of(offer):
    """What a moderator judges of an offer, as a revision holds it."""
    content = {name: getattr(offer, name) for name in rules.SUBSTANTIVE
               if not name.endswith("_ids")}
    content["sector_ids"] = sorted(s.id for s in offer.sectors)
    content["level_ids"] = sorted(lvl.id for lvl in offer.levels)
    return content


def _substance(values, sectors, levels):
    content = {name: values.get(name) for name in rules.SUBSTANTIVE if not name.endswith("_ids")}
    content["sector_ids"] = sorted(s.id for s in sectors)
    content["level_ids"] = sorted(lvl.id for lvl in levels)
    return content


def update_offer(*, actor, offer, **fields):
    """Change an offer. Before publication everything changes at once; a published or paused
    offer takes practical changes at once and keeps substantive ones in a revision."""
    _require_company_member(actor, offer.company)
    if offer.status in (WITHDRAWN, ARCHIVED):
        raise ValidationFailed({"": _("A withdrawn or archived offer cannot be changed; "
                                      "duplicate it to start a new one.")})
    live = offer.status in (PUBLISHED, PAUSED)
    if live and fields.get("offer_type") != offer.offer_type:
        raise ValidationFailed({"offer_type": _(
            "The type of a published offer cannot change; duplicate it to offer another type.")})
    if live and fields.get("location_mode") != offer.location_mode:
        # Where it happens decides the travel distance and the location, which change at once;
        # a copy, checked as a whole, is the way to move it.
        raise ValidationFailed({"location_mode": _(
            "Where a published offer happens cannot change; copy it into a new offer.")})
    values, sectors, levels = _clean(fields, offer.company)
    if values.get("capacity") is not None and values["capacity"] < offer.places_taken:
        raise ValidationFailed({"capacity": ngettext(
            "One place is already taken.", "%(num)d places are already taken.",
            offer.places_taken)})
    if not live:
        _apply(offer, values, sectors, levels)
        offer.revision += 1  # a moderator's open form on the old text no longer decides
        record_event(actor, "offer.updated", offer, revision=offer.revision)
        db.session.commit()
        return offer
    for name in rules.PRACTICAL + ("place_id",):
        setattr(offer, name, values.get(name))
    revision = None
    if _substance(values, sectors, levels) != substance_of(offer):
        revision = _propose(actor, offer, _substance(values, sectors, levels))
    elif _supersede(offer):
        offer.revision += 1  # back to the published text: the proposal is taken back
    record_event(actor, "offer.updated", offer, revision=offer.revision,
                 proposed=revision is not None)
    db.session.commit()
    return offer


def _apply(offer, values, sectors, levels):
    for key, value in values.items():
        setattr(offer, key, value)
    offer.sectors, offer.levels = sectors, levels


def _propose(actor, offer, content):
    """Keep a substantive change for the moderator; an older proposal is replaced by it."""
    _supersede(offer)
    offer.revision += 1
    revision = OfferRevision(offer=offer, number=offer.revision, content=content,
                             created_by_id=actor.id)
    db.session.add(revision)
    db.session.flush()
    record_event(actor, "offer.revision_proposed", offer, revision_id=revision.id)
    return revision


def _supersede(offer):
    """Take back the offer's pending proposal, if any; True when there was one."""
    result = db.session.execute(
        update(OfferRevision)
        .where(OfferRevision.offer_id == offer.id, OfferRevision.status == REVISION_PENDING)
        .values(status=REVISION_SUPERSEDED).execution_options(synchronize_session="fetch"))
    return result.rowcount > 0


def apply_revision(offer, content):
    """Make the approved content of a revision the offer's published text."""
    for name, value in content.items():
        if not name.endswith("_ids"):
            setattr(offer, name, value)
    offer.sectors = sectors_by_ids(content.get("sector_ids") or [])
    offer.levels = levels_by_ids(content.get("level_ids") or [])


def submit_offer(*, actor, offer):
    """Send a draft (or rejected) offer to the regional Technocentrum for moderation."""
    _require_company_member(actor, offer.company)
    if offer.company.status == COMPANY_REJECTED:
        raise ValidationFailed({"": _("Your company was not approved, so its offers cannot be "
                                      "submitted.")})
    if offer.company.status == COMPANY_SUSPENDED:
        raise ValidationFailed({"": suspended_message()})
    if not offer.can_submit():
        raise ValidationFailed({"": _("This offer has already been submitted.")})
    if offer.has_slots and not offer.slots:
        raise ValidationFailed({"": _("Add at least one date (a slot) before you submit.")})
    require_accreditation(offer.offer_type, offer.company)
    offer.status = PENDING
    offer.submitted_at = utcnow()
    offer.decision_reason = None
    record_event(actor, "offer.submitted", offer, revision=offer.revision)
    db.session.commit()
    return offer


def duplicate_offer(*, actor, offer):
    """Start a new draft from an offer (for the next school year, or another type)."""
    _require_company_member(actor, offer.company)
    require_accreditation(offer.offer_type, offer.company)
    copied = {name: getattr(offer, name) for name in FIELDS if not name.endswith("_ids")}
    copy = Offer(company=offer.company, created_by_id=actor.id, place_id=offer.place_id,
                 status=DRAFT, sectors=list(offer.sectors), levels=list(offer.levels), **copied)
    db.session.add(copy)
    record_event(actor, "offer.duplicated", copy, source_id=offer.id)
    db.session.commit()
    return copy


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


def colleagues_of(company):
    """(user id, name) of the company's members, for the contact person."""
    return [(m.user.id, m.user.full_name) for m in company.memberships]


def get_own_offer(actor, offer_id):
    """The offer if the actor works for its company; NotFound for everyone else."""
    offer = db.session.get(Offer, offer_id)
    if offer is None or not is_member(actor, offer.company):
        raise NotFound("offer")
    return offer


def get_offer_for(actor, offer_id):
    """The offer if the actor may see it: published, paused, withdrawn and archived ones to
    anyone (schools keep their requests' offers), others to its company and the moderators
    who may decide it."""
    offer = db.session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("offer")
    # A suspended company's offers are hidden from all but its members and moderators.
    if ((offer.status in SHOWN and offer.company.status != COMPANY_SUSPENDED)
            or is_member(actor, offer.company)
            or (offer.status != DRAFT and can_moderate(actor, offer.company))):
        return offer
    raise NotFound("offer")

