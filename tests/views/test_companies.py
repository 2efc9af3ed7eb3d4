"""Registering companies and schools through their forms, and who may open those forms."""
from portal import security
from portal.organisations.models import Company, Membership, School
from portal.taxonomy.services import sector_by_code
from tests.views.helpers import (
    LOGIN_URL,
    count,
    field_error,
    find,
    location,
    login,
    submit,
    text,
)

COMPANY_URL = "/bedrijf/registreren"
SCHOOL_URL = "/school/registreren"


def sector_ids(*codes):
    return [sector_by_code(code).id for code in codes]


def company_form(make, **overrides):
    data = {"name": "Scheldewerf Techniek", "number": make.kvk(), "place": "Vlisingen",
            "sectors": sector_ids("metaal", "maritiem"),
            "description": "Scheepsbouw en onderhoud.", "website": "https://scheldewerf.example"}
    data.update(overrides)
    return data


def signed_in_member(client, make):
    member = make.user(security.COMPANY_MEMBER)
    login(client, member)
    return member


def test_a_member_registers_a_company_with_a_misspelt_place(client, make):
    member = signed_in_member(client, make)
    data = company_form(make)

    response = submit(client, COMPANY_URL, data)

    assert response.status_code == 302
    assert location(response) == "/bedrijf"
    company = find(Company, Company.name == "Scheldewerf Techniek")
    assert company.status == "pending"
    assert company.place.name == "Vlissingen"
    assert company.kvk_number == data["number"]
    assert sorted(s.code for s in company.sectors) == ["maritiem", "metaal"]
    assert company.website == "https://scheldewerf.example"
    assert [m.user_id for m in company.memberships] == [member.id]
    assert company.memberships[0].is_owner

    dashboard = client.get("/bedrijf")
    assert dashboard.status_code == 200
    assert "Scheldewerf Techniek" in text(dashboard)
    assert "Vlissingen (Zeeland)" in text(dashboard)
    assert "text-bg-warning" in text(dashboard)  # the "waiting" badge


def test_a_belgian_enterprise_number_is_accepted(client, make):
    signed_in_member(client, make)

    response = submit(client, COMPANY_URL, company_form(
        make, name="Brugse Staal", number="BE 0403.170.701", place="Brugge"))

    assert response.status_code == 302
    company = find(Company, Company.name == "Brugse Staal")
    assert company.enterprise_number == "0403170701"
    assert company.place.label == "Brugge (Vlaanderen)"
    assert company.kvk_number is None


def test_a_wrong_kvk_number_answers_422_on_number(client, make):
    signed_in_member(client, make)

    response = submit(client, COMPANY_URL, company_form(make, number="1234"))

    assert response.status_code == 422
    assert field_error(response, "number")
    assert 'value="Scheldewerf Techniek"' in text(response)  # what was typed stays
    assert count(Company, Company.name == "Scheldewerf Techniek") == 0


def test_a_kvk_number_that_is_taken_answers_422_on_number(client, make):
    taken = make.company().kvk_number
    signed_in_member(client, make)

    response = submit(client, COMPANY_URL, company_form(make, number=taken))

    assert response.status_code == 422
    assert field_error(response, "number")
    assert count(Company, Company.kvk_number == taken) == 1


def test_an_ambiguous_place_answers_422_naming_both(client, make):
    signed_in_member(client, make)

    response = submit(client, COMPANY_URL, company_form(make, place="Middelburg"))

    assert response.status_code == 422
    assert field_error(response, "place")
    assert "Middelburg (Zeeland)" in text(response)
    assert "Middelburg (Vlaanderen)" in text(response)
    assert count(Company, Company.name == "Scheldewerf Techniek") == 0


def test_the_label_of_a_suggestion_picks_the_place(client, make):
    signed_in_member(client, make)

    response = submit(client, COMPANY_URL, company_form(make, place="Middelburg (Vlaanderen)"))

    assert response.status_code == 302
    company = find(Company, Company.name == "Scheldewerf Techniek")
    assert company.place.label == "Middelburg (Vlaanderen)"


def test_without_sectors_the_form_answers_422_on_sectors(client, make):
    signed_in_member(client, make)

    response = submit(client, COMPANY_URL, company_form(make, sectors=None))

    assert response.status_code == 422
    assert field_error(response, "sectors")


def test_a_member_with_a_company_is_sent_to_the_dashboard(client, make):
    company = make.company()
    login(client, make.owner_of(company))

    response = client.get(COMPANY_URL)

    assert response.status_code == 302
    assert location(response) == "/bedrijf"


def test_a_teacher_may_not_open_the_company_registration(client, make):
    login(client, make.user(security.TEACHER))

    assert client.get(COMPANY_URL).status_code == 403
    assert client.get("/bedrijf").status_code == 403


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(COMPANY_URL)

    assert response.status_code == 302
    assert location(response).startswith(LOGIN_URL)
    assert "next=" in location(response)


def test_a_teacher_registers_the_school(client, make):
    teacher = make.user(security.TEACHER)
    login(client, teacher)

    response = submit(client, SCHOOL_URL, {
        "name": "Scalda Vlissingen", "stage": "mbo", "brin": "25lh", "location": "01",
        "place": "Vlisingen", "sectors": sector_ids("maritiem")})

    assert response.status_code == 302
    assert location(response) == "/zoeken"
    school = find(School, School.brin_code == "25LH")
    assert (school.name, school.location_code, school.school_stage) == (
        "Scalda Vlissingen", "01", "mbo")
    assert school.place.name == "Vlissingen"
    assert count(Membership, Membership.user_id == teacher.id,
                 Membership.organisation_id == school.id) == 1
    assert "Scalda Vlissingen" in text(client.get("/zoeken"))


def test_a_wrong_brin_answers_422_on_brin(client, make):
    login(client, make.user(security.TEACHER))

    response = submit(client, SCHOOL_URL, {"name": "School X", "stage": "vo", "brin": "XYZ1",
                                           "place": "Goes"})

    assert response.status_code == 422
    assert field_error(response, "brin")
    assert count(School, School.name == "School X") == 0


def test_a_company_member_may_not_register_a_school(client, make):
    login(client, make.user(security.COMPANY_MEMBER))

    assert client.get(SCHOOL_URL).status_code == 403
