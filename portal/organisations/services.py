"""Use cases of organisations: registering companies and schools, Technocentra and members,
and the profiles, locations and logos the organisations keep themselves."""
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import security
from portal.audit import record_event
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.geo.models import Province
from portal.geo.services import resolve_place
from portal.labels import SCHOOL_STAGES
from portal.organisations import logos
from portal.organisations.models import (
    APPROVED,
    PENDING,
    REJECTED,
    Company,
    Location,
    Membership,
    Organisation,
    School,
    Technocentrum,
    technocentrum_provinces,
)
from portal.organisations.rules import (
    InvalidIdentifier,
    clean_brin,
    clean_location_code,
    identify_company_number,
)
from portal.taxonomy.services import sectors_by_ids

# The name of the location a company starts with: data in the users' language, not the UI's.
MAIN_LOCATION = "Hoofdvestiging"


def _organisation_of(user, model):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(model).join(Membership, Membership.organisation_id == model.id)
        .where(Membership.user_id == user.id).limit(1)
    )


def company_of(user):
    """The company the user works for, or None."""
    return _organisation_of(user, Company)


def school_of(user):
    return _organisation_of(user, School)


def technocentrum_of(user):
    return _organisation_of(user, Technocentrum)


def is_member(user, organisation):
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    return db.session.scalar(
        select(Membership.id).where(Membership.user_id == user.id,
                                    Membership.organisation_id == organisation.id)
    ) is not None


def can_moderate(actor, organisation):
    """Whether the actor decides on this organisation: the administrator everywhere, a moderator
    where their Technocentrum works (the province of the organisation's place)."""
    if security.has_role(actor, security.ADMIN):
        return True
    if not security.has_role(actor, security.MODERATOR) or organisation.place is None:
        return False
    centre = technocentrum_of(actor)
    return centre is not None and centre.covers(organisation.place.province_id)


def _identifier_message(reason):
    return {
        "empty": _("Enter a KvK number or a Belgian enterprise number."),
        "checksum": _("This enterprise number fails its check digits; check for a typing error."),
    }.get(reason, _("A KvK number has 8 digits; a Belgian enterprise number has 10 digits."))


def _clean_company_number(number):
    """("kvk_number" or "enterprise_number", digits) for the number a user typed."""
    try:
        kind, digits = identify_company_number(number or "")
    except InvalidIdentifier as exc:
        raise ValidationFailed({"number": _identifier_message(exc.reason)}) from None
    return ("kvk_number" if kind == "kvk" else "enterprise_number"), digits


def _number_holder(column_name, digits, other_than=None):
    """The id of a company holding this number, if any. A rejected company holds none: its
    claim may have been false, and the real company must be able to register."""
    query = select(Organisation.id).where(getattr(Organisation, column_name) == digits,
                                          Organisation.status != REJECTED)
    if other_than is not None:
        query = query.where(Organisation.id != other_than.id)
    return db.session.scalar(query.limit(1))


def _company_numbers(number):
    column_name, digits = _clean_company_number(number)
    if _number_holder(column_name, digits) is not None:
        raise ValidationFailed({"number": _("A company with this number is already registered.")})
    return {column_name: digits}


def _require_sectors(sector_ids):
    sectors = sectors_by_ids(sector_ids)
    if not sectors or len(sectors) != len(set(sector_ids)):
        raise ValidationFailed({"sectors": _("Choose at least one sector.")})
    return sectors


def register_company(*, actor, name, number, place_name, sector_ids, description="",
                     website=None):
    """A company member registers their company; it waits for the regional Technocentrum."""
    security.require_role(actor, security.COMPANY_MEMBER)
    if company_of(actor) is not None:
        raise ValidationFailed({"": _("You already belong to a company.")})
    if not (name or "").strip():
        raise ValidationFailed({"name": _("Enter the company's name.")})
    numbers = _company_numbers(number)
    place = resolve_place(place_name)
    company = Company(name=name.strip(), place=place, sectors=_require_sectors(sector_ids),
                      description=(description or "").strip(), website=website or None,
                      status=PENDING, **numbers)
    company.memberships.append(Membership(user=actor, is_owner=True))
    company.locations.append(Location(name=MAIN_LOCATION, place=place))
    db.session.add(company)
    record_event(actor, "company.registered", company, name=company.name)
    db.session.commit()
    return company


class SchoolTaken(ValidationFailed):
    """The school location is registered already; `school` is the one the teacher may ask to
    join instead (portal.organisations.teams.request_to_join)."""

    def __init__(self, school):
        self.school = school
        super().__init__({"brin": _(
            "This school location is already registered. Ask to join it: a colleague there "
            "approves your request.")})


def register_school(*, actor, name, brin, location, place_name, stage, sector_ids=()):
    """A teacher registers their school location (BRIN code + location number). SchoolTaken
    when a colleague registered it before: the teacher asks to join it instead."""
    security.require_role(actor, *security.SCHOOL_ROLES)
    if school_of(actor) is not None:
        raise ValidationFailed({"": _("You already belong to a school.")})
    errors = {}
    if not (name or "").strip():
        errors["name"] = _("Enter the school's name.")
    if stage not in SCHOOL_STAGES:  # the codes; the labels are for the form
        errors["stage"] = _("Choose the kind of school.")
    try:
        brin, location = clean_brin(brin or ""), clean_location_code(location or "")
    except InvalidIdentifier:
        errors["brin"] = _("A BRIN code is 2 digits and 2 letters, e.g. 25LH; a location 2 digits.")
    try:
        place = resolve_place(place_name)
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)
    taken = db.session.scalar(select(School).where(School.brin_code == brin,
                                                   School.location_code == location))
    if taken is not None:
        raise SchoolTaken(taken)
    school = School(name=name.strip(), brin_code=brin, location_code=location, place=place,
                    school_stage=stage, sectors=sectors_by_ids(sector_ids), status=APPROVED)
    school.memberships.append(Membership(user=actor, is_owner=True))
    db.session.add(school)
    record_event(actor, "school.registered", school, brin=brin, location=location)
    db.session.commit()
    return school


def uncovered_provinces():
    """Provinces (and Belgian regions) where no Technocentrum with a moderator works, by code.

    A company registered there waits in no moderator's queue, only in the administrator's; the
    list is meant to stay empty. (Only moderators can be members of a Technocentrum.)
    """
    covered = (select(technocentrum_provinces.c.province_id)
               .join(Membership, Membership.organisation_id
                     == technocentrum_provinces.c.technocentrum_id))
    return list(db.session.scalars(
        select(Province).where(Province.id.not_in(covered)).order_by(Province.code)))


def create_technocentrum(*, actor, name, provinces, place=None):
    """The administrator sets up a regional Technocentrum and the provinces it works in."""
    security.require_role(actor, security.ADMIN)
    if not (name or "").strip():
        raise ValidationFailed({"name": _("Enter a name.")})
    if not provinces:
        raise ValidationFailed({"provinces": _("Choose at least one province.")})
    centre = Technocentrum(name=name.strip(), provinces=list(provinces), place=place,
                           status=APPROVED)
    db.session.add(centre)
    record_event(actor, "technocentrum.created", centre,
                 provinces=[p.code for p in provinces])
    db.session.commit()
    return centre


def add_member(*, actor, organisation, user, is_owner=False):
    """The administrator (or the organisation's owner) adds a user to an organisation."""
    owner = db.session.scalar(select(Membership).where(
        Membership.organisation_id == organisation.id, Membership.user_id == actor.id,
        Membership.is_owner.is_(True)))
    security.require(security.has_role(actor, security.ADMIN) or owner is not None)
    fitting_role = {
        "company": (security.COMPANY_MEMBER,),
        "school": security.SCHOOL_ROLES,
        "technocentrum": (security.MODERATOR,),
    }[organisation.kind]
    if user.role not in fitting_role:
        raise ValidationFailed({"user": _("This user's role does not fit this organisation.")})
    if is_member(user, organisation):
        raise ValidationFailed({"user": _("This user is already a member.")})
    membership = Membership(user=user, organisation=organisation, is_owner=is_owner)
    db.session.add(membership)
    record_event(actor, "membership.added", organisation, user_id=user.id)
    db.session.commit()
    return membership


def get_company_for(actor, company_id):
    """A company page: approved companies for anyone, others for their members and moderators."""
    company = db.session.get(Company, company_id)
    if company is None or not (company.is_approved or is_member(actor, company)
                               or can_moderate(actor, company)):
        raise NotFound("company")
    return company


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


def _back_to_moderation(company):
    company.status = PENDING
    company.decision_reason = None  # the audit log keeps the earlier decision and its reason
    company.decided_at = None


def update_company(*, actor, company, name, number, place_name, sector_ids, description="",
                   website=None):
    """A member keeps the company's profile. A new KvK or enterprise number sends an approved
    company back to its Technocentrum: that number is what the approval vouched for."""
    _require_member_of(actor, company, security.COMPANY_MEMBER)
    errors, values = {}, {"name": (name or "").strip()}
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
    values.update(description=(description or "").strip(), website=website or None)
    changed = _changed(company, values)
    if {s.id for s in company.sectors} != {s.id for s in sectors}:
        company.sectors = sectors
        changed.append("sectors")
    new_number = {"kvk_number", "enterprise_number"} & set(changed)
    fields = [f for f in changed if f not in new_number] + (["number"] if new_number else [])
    if fields:
        record_event(actor, "company.updated", company, fields=fields)
    if new_number and company.status == APPROVED:
        _back_to_moderation(company)
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
    _back_to_moderation(company)
    record_event(actor, "company.resubmitted", company, cause="correction")
    db.session.commit()
    return company


def update_school(*, actor, school, name, place_name, stage, sector_ids=()):
    """A teacher or coordinator of the school keeps its name, place, kind and profiles."""
    _require_member_of(actor, school, *security.SCHOOL_ROLES)
    errors, values = {}, {"name": (name or "").strip(), "school_stage": stage}
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
    errors, name, address = {}, (name or "").strip(), (address or "").strip() or None
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
