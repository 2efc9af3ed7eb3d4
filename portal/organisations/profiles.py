"""Companies and schools keep their own profile: data, locations and a logo."""
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from portal import security
from portal.audit import record_event
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.geo.services import resolve_place
from portal.i18n import gettext as _
from portal.labels import SCHOOL_STAGES
from portal.organisations import logos
from portal.organisations.models import APPROVED, PENDING, REJECTED, SUSPENDED, Company, Location
from portal.organisations.services import (
    _clean_company_number,
    _number_holder,
    _require_sectors,
    get_company_for,
    is_member,
)
from portal.taxonomy.services import sectors_by_ids
from portal.text import clean_text

# --- profiles: companies and schools keep their own data ------------------------------------


def _require_member_of(actor, organisation, *roles):
    security.require(security.has_role(actor, *roles) and is_member(actor, organisation),
                     "only the organisation's own members")


def _changed(row, values):
    """Set the values that differ from the row's; return the names of those fields."""
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    return changed


def _back_to_moderation(company, was):
    """One conditional UPDATE from the status `was` read (a moderator's decision committed at
    the same moment is not overwritten: the change is refused and shown again)."""
    result = db.session.execute(
        update(Company).where(Company.id == company.id, Company.status == was)
        .values(status=PENDING, decision_reason=None, decided_at=None)
        .execution_options(synchronize_session=False))
    # (the audit log keeps the earlier decision and its reason)
    if result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": _("The Technocentrum decided on your company meanwhile; "
                                      "read its decision, then try again.")})
    db.session.expire(company, ["status", "decision_reason", "decided_at"])


def update_company(*, actor, company, name, number, place_name, sector_ids, description="",
                   website=None):
    """A member keeps the company's profile. A new KvK or enterprise number sends an approved
    company back to its Technocentrum: that number is what the approval vouched for."""
    _require_member_of(actor, company, security.COMPANY_MEMBER)
    errors, values = {}, {"name": clean_text(name or "")}
    if not values["name"]:
        errors["name"] = _("Enter the company's name.")
    try:
        column_name, digits = _clean_company_number(number)
    except ValidationFailed as error:
        errors.update(error.errors)
    else:
        values.update({"kvk_number": None, "enterprise_number": None, column_name: digits})
        if getattr(company, column_name) != digits and _number_holder(
                column_name, digits, other_than=company) is not None:
            errors["number"] = _("A company with this number is already registered.")
    try:
        values["place"] = resolve_place(place_name)
    except ValidationFailed as error:
        errors.update(error.errors)
    try:
        sectors = _require_sectors(sector_ids)
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)
    values.update(description=clean_text(description or "", multiline=True),
                  website=clean_text(website or "") or None)
    changed = _changed(company, values)
    if {s.id for s in company.sectors} != {s.id for s in sectors}:
        company.sectors = sectors
        changed.append("sectors")
    new_number = {"kvk_number", "enterprise_number"} & set(changed)
    fields = [f for f in changed if f not in new_number] + (["number"] if new_number else [])
    if fields:
        record_event(actor, "company.updated", company, fields=fields)
    if new_number and company.status == SUSPENDED:
        db.session.rollback()
        raise ValidationFailed({"number": _(
            "Your company is suspended: ask the Technocentrum before you change its number.")})
    if new_number and company.status == APPROVED:
        _back_to_moderation(company, APPROVED)
        record_event(actor, "company.resubmitted", company, cause="number")
    db.session.commit()
    return company


def resubmit_company(*, actor, company):
    """A rejected company, its data corrected, asks its Technocentrum to check it again. Its
    number may have been registered by another company since the rejection freed it."""
    _require_member_of(actor, company, security.COMPANY_MEMBER)
    if company.status != REJECTED:
        raise ValidationFailed({"": _(
            "Only a rejected company can be submitted for checking again.")})
    column_name = "kvk_number" if company.kvk_number else "enterprise_number"
    if _number_holder(column_name, getattr(company, column_name), other_than=company):
        raise ValidationFailed({"number": _(
            "Another company has registered this number since. Check the number and correct it "
            "before you submit your company again.")})
    _back_to_moderation(company, REJECTED)
    record_event(actor, "company.resubmitted", company, cause="correction")
    db.session.commit()
    return company


def update_school(*, actor, school, name, place_name, stage, sector_ids=()):
    """A teacher or coordinator of the school keeps its name, place, kind and profiles."""
    _require_member_of(actor, school, *security.SCHOOL_ROLES)
    errors, values = {}, {"name": clean_text(name or ""), "school_stage": stage}
    if not values["name"]:
        errors["name"] = _("Enter the school's name.")
    if stage not in SCHOOL_STAGES:
        errors["stage"] = _("Choose the kind of school.")
    try:
        values["place"] = resolve_place(place_name)
    except ValidationFailed as error:
        errors.update(error.errors)
    sectors = sectors_by_ids(sector_ids or ())
    if len(sectors) != len(set(sector_ids or ())):
        errors["sectors"] = _("Choose the profiles from the list.")
    if errors:
        raise ValidationFailed(errors)
    changed = ["stage" if f == "school_stage" else f for f in _changed(school, values)]
    if {s.id for s in school.sectors} != {s.id for s in sectors}:
        school.sectors = sectors
        changed.append("sectors")
    if changed:
        record_event(actor, "school.updated", school, fields=changed)
    db.session.commit()
    return school


# --- the logo ------------------------------------------------------------------------------


def _logo_message(reason):
    return {
        "empty": _("Choose an image file for the logo."),
        "size": _("The file is too large: a logo may have at most %(mb)d MB.",
                  mb=logos.MAX_BYTES // (1024 * 1024)),
        "pixels": _("The image has too many pixels. Save it smaller, e.g. 1000 by 1000 pixels, "
                    "and try again."),
    }.get(reason, _("This file is not a PNG, JPEG or WebP image. Save the logo in one of these "
                    "formats and try again."))


def set_company_logo(*, actor, company, upload):
    """A member uploads the company's logo (a file-like object): PNG, JPEG or WebP by its
    content, whatever its name, at most 2 MB; fitted into 400 x 400 pixels and stored anew."""
    _require_member_of(actor, company, security.COMPANY_MEMBER)
    try:
        image, extension = logos.normalise(logos.read_limited(upload))
    except logos.InvalidImage as error:
        raise ValidationFailed({"logo": _logo_message(error.reason)}) from None
    previous, stored = company.logo, logos.store(image, extension)
    company.logo = stored
    record_event(actor, "company.logo_changed", company)
    try:
        db.session.commit()
    except Exception:
        logos.delete(stored)
        raise
    logos.delete(previous)  # only once the new name is saved: the page never points at nothing
    return company


def remove_company_logo(*, actor, company):
    _require_member_of(actor, company, security.COMPANY_MEMBER)
    previous = company.logo
    if previous is None:
        raise ValidationFailed({"": _("The company has no logo.")})
    company.logo = None
    record_event(actor, "company.logo_removed", company)
    db.session.commit()
    logos.delete(previous)
    return company


def get_company_logo(actor, company_id):
    """The file name of the logo of a company the actor may see (get_company_for)."""
    company = get_company_for(actor, company_id)
    if company.logo is None:
        raise NotFound("logo")
    return company.logo


# --- locations -----------------------------------------------------------------------------


def locations_of(company):
    """The company's locations, the one it started with first."""
    return list(db.session.scalars(
        select(Location).where(Location.organisation_id == company.id)
        .options(selectinload(Location.place)).order_by(Location.id)))


def get_own_location(actor, location_id):
    """A location of the actor's own company; others' locations are not even shown."""
    location = db.session.get(Location, location_id)
    if location is None or not is_member(actor, location.company):
        raise NotFound("location")
    return location


def _location_values(company, name, place_name, address, location=None):
    errors, name, address = {}, clean_text(name or ""), clean_text(address or "") or None
    if not name:
        errors["name"] = _("Give the location a name, e.g. Werkplaats Terneuzen.")
    elif len(name) > 120:
        errors["name"] = _("Keep the name under %(n)d characters.", n=120)
    elif any(other.name.casefold() == name.casefold() and other is not location
             for other in company.locations):
        errors["name"] = _("Your company already has a location with this name.")
    if address is not None and len(address) > 200:
        errors["address"] = _("Keep the address under %(n)d characters.", n=200)
    try:
        place = resolve_place(place_name)
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)
    return {"name": name, "place": place, "address": address}


def add_location(*, actor, company, name, place_name, address=None):
    """A member adds a place where the company works; its offers can then happen there."""
    _require_member_of(actor, company, security.COMPANY_MEMBER)
    location = Location(**_location_values(company, name, place_name, address))
    company.locations.append(location)
    db.session.flush()
    record_event(actor, "company.location_added", company, location_id=location.id,
                 name=location.name)
    db.session.commit()
    return location


def update_location(*, actor, location, name, place_name, address=None):
    company = location.company
    _require_member_of(actor, company, security.COMPANY_MEMBER)
    changed = _changed(location, _location_values(company, name, place_name, address, location))
    if changed:
        record_event(actor, "company.location_changed", company, location_id=location.id,
                     fields=changed)
    db.session.commit()
    return location


def remove_location(*, actor, location):
    """A member removes a location; a company keeps at least one."""
    company = location.company
    _require_member_of(actor, company, security.COMPANY_MEMBER)
    if len(company.locations) <= 1:
        raise ValidationFailed({"": _(
            "A company keeps at least one location. Add the new one first, then remove this "
            "one.")})
    offers = db.metadata.tables["offers"]  # offers lie to the right of this feature
    if db.session.scalar(select(offers.c.id).where(offers.c.location_id == location.id)
                         .limit(1)) is not None:
        raise ValidationFailed({"": _(
            "An offer happens at this location. Move the offer to another location first.")})
    company.locations.remove(location)  # delete-orphan: the row goes
    record_event(actor, "company.location_removed", company, location_id=location.id,
                 name=location.name)
    db.session.commit()
    return company
