"""Use cases of organisations: registering companies and schools, Technocentra and members.
The profiles, locations and logos organisations keep themselves are in profiles.py."""
from sqlalchemy import select

from portal import security
from portal.audit import record_event
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.geo.models import Province
from portal.geo.services import resolve_place
from portal.i18n import gettext as _
from portal.labels import SCHOOL_STAGES
from portal.organisations.centres import save_centre
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
from portal.text import clean_text

# The name of the location a company starts with: data in the users' language, not the UI's.
MAIN_LOCATION = "Hoofdvestiging"


def _organisation_of(user, model):
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(model).join(Membership, Membership.organisation_id == model.id)
        .where(Membership.user_id == user.id).order_by(Membership.id).limit(1)
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


def may_report(actor, company, member=None):
    """Whether the actor may report this company (or one of its offers) to its Technocentrum:
    anyone signed in but its own members, while the company is approved. `member` is
    is_member(actor, company) when the caller knows it already."""
    if not getattr(actor, "is_authenticated", False) or not company.is_approved:
        return False
    return not (is_member(actor, company) if member is None else member)


def company_is_open(company_id):
    """Whether the company is approved (not pending, rejected or suspended), read with a shared
    lock on its row on PostgreSQL: a suspension committing at the same moment waits for this
    transaction, or this one waits and sees it (on SQLite a writing request holds the database's
    write lock from its BEGIN)."""
    return db.session.scalar(select(Company.status).where(Company.id == company_id)
                             .with_for_update(read=True)) == APPROVED


def can_moderate(actor, organisation):
    """Whether the actor decides on this organisation: the administrator everywhere, a moderator
    where their Technocentrum works (the province of the organisation's place)."""
    if security.has_role(actor, security.ADMIN):
        return True
    if not security.has_role(actor, security.MODERATOR) or organisation.place is None:
        return False
    centre = technocentrum_of(actor)
    return centre is not None and centre.covers(organisation.place)


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
    name = clean_text(name or "")
    if not name:
        raise ValidationFailed({"name": _("Enter the company's name.")})
    numbers = _company_numbers(number)
    place = resolve_place(place_name)
    company = Company(name=name, place=place, sectors=_require_sectors(sector_ids),
                      description=clean_text(description or "", multiline=True),
                      website=clean_text(website or "") or None,
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
    errors, name = {}, clean_text(name or "")
    if not name:
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
    school = School(name=name, brin_code=brin, location_code=location, place=place,
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


def create_technocentrum(*, actor, name, provinces):
    """The administrator sets up a regional Technocentrum working in these provinces (the
    demo data and the tests; the administrator's page adds places besides: centres.py)."""
    return save_centre(actor=actor, name=name, province_ids=[p.id for p in provinces],
                       places_text="")


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


def technocentrum_for_staff(*, actor, technocentrum_id=None):
    """The Technocentrum a staff page shows (search weights, the Techniekbus): a moderator's
    own (asking for another is refused), the administrator's choice, by default the first by
    name (None when there is none yet)."""
    if security.has_role(actor, security.ADMIN):
        if technocentrum_id is None:
            return db.session.scalar(select(Technocentrum)
                                     .order_by(Technocentrum.name, Technocentrum.id).limit(1))
        centre = db.session.get(Technocentrum, technocentrum_id)
        if centre is None:
            raise NotFound("technocentrum")
        return centre
    security.require_role(actor, security.MODERATOR)
    own = technocentrum_of(actor)
    security.require(own is not None, "moderator without a Technocentrum")
    security.require(technocentrum_id in (None, own.id), "another region's page")
    return own


def all_technocentra():
    return list(db.session.scalars(select(Technocentrum)
                                   .order_by(Technocentrum.name, Technocentrum.id)))
