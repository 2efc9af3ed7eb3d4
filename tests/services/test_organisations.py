"""Organisations: registering companies and schools, and who moderates which of them."""
import pytest
from sqlalchemy import func, select

from portal import security
from portal.audit import AuditEvent
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.organisations import services as organisations
from portal.organisations.models import Membership, Organisation
from portal.taxonomy.services import sector_by_code


def sectors(*codes):
    return [sector_by_code(code).id for code in codes or ("metaal",)]


def register(actor, number="12345678", place="Vlissingen", name="Scheldestaal B.V.",
             sector_ids=None):
    return organisations.register_company(
        actor=actor, name=name, number=number, place_name=place,
        sector_ids=sectors() if sector_ids is None else sector_ids,
        description="Staalconstructies voor de scheepsbouw.")


def counts():
    """Rows a failed registration must leave alone."""
    return tuple(db.session.scalar(select(func.count(model.id)))
                 for model in (Organisation, Membership, AuditEvent))


def refused(call, *args, **kwargs):
    """Run a call that must fail validation without writing; return the error keys."""
    before = counts()
    with pytest.raises(ValidationFailed) as failed:
        call(*args, **kwargs)
    assert counts() == before
    return set(failed.value.errors)


# --- companies -----------------------------------------------------------------------------


def test_register_company_with_a_kvk_number(make):
    owner = make.user(security.COMPANY_MEMBER)

    company = register(owner, number="1234 5678")

    assert company.kvk_number == "12345678"
    assert company.enterprise_number is None
    assert company.country_code == "NL"
    assert company.status == "pending"
    assert [(m.user_id, m.is_owner) for m in company.memberships] == [(owner.id, True)]
    assert organisations.company_of(owner).id == company.id
    assert [s.code for s in company.sectors] == ["metaal"]


def test_register_company_with_a_belgian_enterprise_number(make):
    company = register(make.user(security.COMPANY_MEMBER), number="BE 0403.170.701",
                       place="Gent (Vlaanderen)", name="Gentse Metaalwerken NV")

    assert company.enterprise_number == "0403170701"
    assert company.kvk_number is None
    assert company.country_code == "BE"
    assert company.place.province.code == "BE-VLG"


@pytest.mark.parametrize("number", ["1234567", "BE 0403.170.702", "", "ABCDEFGH"])
def test_bad_company_numbers_are_refused(make, number):
    owner = make.user(security.COMPANY_MEMBER)

    assert refused(register, owner, number=number) == {"number"}


@pytest.mark.parametrize("first, second", [("12345678", "1234.5678"),
                                           ("0403170701", "BE 0403.170.701")])
def test_a_company_number_is_registered_once(make, first, second):
    register(make.user(security.COMPANY_MEMBER), number=first)

    assert refused(register, make.user(security.COMPANY_MEMBER), number=second) == {"number"}


@pytest.mark.parametrize("typed, name, province", [
    ("Vlisingen", "Vlissingen", "NL-ZE"),
    ("Den Bosch", "'s-Hertogenbosch", "NL-NB"),
    ("Middelburg (Zeeland)", "Middelburg", "NL-ZE"),
])
def test_the_place_is_resolved_forgiving_typos_and_aliases(make, typed, name, province):
    company = register(make.user(security.COMPANY_MEMBER), place=typed)

    assert (company.place.name, company.place.province.code) == (name, province)


def test_an_ambiguous_place_asks_which_one_is_meant(make):
    owner = make.user(security.COMPANY_MEMBER)
    before = counts()

    with pytest.raises(ValidationFailed) as failed:
        register(owner, place="Middelburg")

    assert set(failed.value.errors) == {"place"}
    assert "Middelburg (Zeeland)" in failed.value.errors["place"]
    assert "Middelburg (Vlaanderen)" in failed.value.errors["place"]
    assert counts() == before


@pytest.mark.parametrize("place", ["Qqqxqq", "   "])
def test_an_unknown_place_is_refused(make, place):
    assert refused(register, make.user(security.COMPANY_MEMBER), place=place) == {"place"}


def test_a_company_needs_a_name_and_a_sector(make):
    owner = make.user(security.COMPANY_MEMBER)

    assert refused(register, owner, name="  ") == {"name"}
    assert refused(register, owner, sector_ids=[]) == {"sectors"}


@pytest.mark.parametrize("role", [security.TEACHER, security.MODERATOR])
def test_only_company_members_register_companies(make, role):
    actor = make.user(role)
    before = counts()

    with pytest.raises(NotAllowed):
        register(actor)

    assert counts() == before


def test_a_member_cannot_register_a_second_company(make):
    owner = make.user(security.COMPANY_MEMBER)
    register(owner, number="12345678")

    assert refused(register, owner, number="87654321", name="Tweede Bedrijf B.V.") == {""}


# --- schools -------------------------------------------------------------------------------


def register_school(actor, brin="25LH", location="00", place="Goes", stage="vo"):
    return organisations.register_school(
        actor=actor, name="Het Goese Lyceum", brin=brin, location=location, place_name=place,
        stage=stage, sector_ids=sectors("elektrotechniek"))


def test_register_school(make):
    teacher = make.user(security.TEACHER)

    school = register_school(teacher, brin="25lh", location="01", stage="mbo")

    assert (school.brin_code, school.location_code) == ("25LH", "01")
    assert school.school_stage == "mbo"
    assert school.place.name == "Goes"
    assert school.status == "approved"
    assert organisations.school_of(teacher).id == school.id
    assert [m.is_owner for m in school.memberships] == [True]


def test_a_school_location_is_registered_once(make):
    register_school(make.user(security.TEACHER), brin="25LH", location="00")

    assert refused(register_school, make.user(security.TEACHER), brin="25LH",
                   location="00") == {"brin"}
    # Another location of the same school is a school of its own.
    assert register_school(make.user(security.TEACHER), brin="25LH", location="01").id


def test_school_errors_come_together(make):
    errors = refused(register_school, make.user(security.TEACHER), brin="2LHX",
                     place="Middelburg", stage="universiteit")

    assert errors == {"brin", "place", "stage"}


def test_a_company_member_cannot_register_a_school(make):
    with pytest.raises(NotAllowed):
        register_school(make.user(security.COMPANY_MEMBER))


# --- who moderates what --------------------------------------------------------------------


def test_admin_moderates_everywhere(make):
    admin = make.admin()

    for place in ("Vlissingen", "Almere Stad", "Gent (Vlaanderen)"):
        assert organisations.can_moderate(admin, make.company(place=place, approved=False))


def test_a_moderator_moderates_only_in_the_provinces_of_their_technocentrum(make):
    zeeland = make.moderator(make.technocentrum(provinces=("NL-ZE",)))
    vlissingen = make.company(place="Vlissingen", approved=False)
    almere = make.company(place="Almere Stad", approved=False)

    assert organisations.can_moderate(zeeland, vlissingen)
    assert not organisations.can_moderate(zeeland, almere)


def test_a_technocentrum_covering_flanders_moderates_a_company_in_gent(make):
    cross_border = make.moderator(make.technocentrum(provinces=("NL-ZE", "BE-VLG")))
    zeeland_only = make.moderator(make.technocentrum(provinces=("NL-ZE",)))
    gent = make.company(place="Gent (Vlaanderen)", approved=False,
                        number="BE 0403.170.701")

    assert organisations.can_moderate(cross_border, gent)
    assert not organisations.can_moderate(zeeland_only, gent)


def test_teachers_and_company_members_never_moderate(make):
    company = make.company(place="Vlissingen", approved=False)

    assert not organisations.can_moderate(make.user(security.TEACHER), company)
    assert not organisations.can_moderate(make.owner_of(company), company)


def test_a_moderator_without_a_technocentrum_moderates_nothing(make):
    loose = make.user(security.MODERATOR)

    assert not organisations.can_moderate(loose, make.company(place="Vlissingen"))
