"""A place field sends the place chosen from its suggestions (a hidden <name>_id next to the text),
so of two villages of one name the one picked is the one stored."""
import re

from sqlalchemy import select

from portal import security
from portal.extensions import db
from portal.geo.models import Place, Province
from portal.organisations.models import Company, School
from portal.taxonomy.services import sector_by_code
from tests.views.helpers import field_error, find, login, submit, text

COMPANY_URL = "/bedrijf/registreren"
SCHOOL_URL = "/school/registreren"


def tielts():
    """The town of Tielt (West Flanders) and the smaller Tielt (Tielt-Winge), in that order."""
    return list(db.session.scalars(select(Place).join(Place.province).where(
        Place.name == "Tielt", Province.code == "BE-VLG").order_by(Place.population.desc())))


def company_form(make, **overrides):
    data = {"name": "Hageland Hout", "number": make.kvk(), "place": "Vlissingen",
            "sectors": [sector_by_code("metaal").id]}
    data.update(overrides)
    return data


def hidden_place_id(response):
    tag = re.search(r'<input[^>]*name="place_id"[^>]*>', text(response))
    assert tag, "the form has no hidden place_id input"
    assert 'type="hidden"' in tag.group(0)
    return re.search(r'value="([^"]*)"', tag.group(0)).group(1)


def test_the_place_field_carries_a_hidden_id_input(client, make):
    login(client, make.user(security.COMPANY_MEMBER))

    page = client.get(COMPANY_URL)

    assert hidden_place_id(page) == ""
    assert 'data-place-lookup="1"' in text(page)


def test_the_smaller_tielt_chosen_by_id_is_the_companys_place(client, make):
    _town, village = tielts()
    login(client, make.user(security.COMPANY_MEMBER))

    response = submit(client, COMPANY_URL, company_form(
        make, place=village.label, place_id=village.id))

    assert response.status_code == 302
    company = find(Company, Company.name == "Hageland Hout")
    assert company.place_id == village.id
    assert company.place.label == "Tielt (bij Tielt-Winge, Vlaanderen)"


def test_a_school_in_the_bigger_tielt_chosen_by_id(client, make):
    town, _village = tielts()
    login(client, make.user(security.TEACHER))

    response = submit(client, SCHOOL_URL, {
        "name": "Sint-Jozefscollege", "stage": "vo", "brin": "31TT", "location": "00",
        "place": town.label, "place_id": town.id})

    assert response.status_code == 302
    assert find(School, School.brin_code == "31TT").place_id == town.id


def test_after_an_error_the_form_keeps_the_chosen_place(client, make):
    _town, village = tielts()
    login(client, make.user(security.COMPANY_MEMBER))

    response = submit(client, COMPANY_URL, company_form(
        make, number="1234", place=village.label, place_id=village.id))

    assert response.status_code == 422
    assert field_error(response, "number")
    assert hidden_place_id(response) == str(village.id)
    assert f'value="{village.label}"' in text(response)


def test_text_typed_after_choosing_wins_over_the_chosen_id(client, make):
    _town, village = tielts()
    login(client, make.user(security.COMPANY_MEMBER))

    response = submit(client, COMPANY_URL, company_form(
        make, place="Vlissingen", place_id=village.id))

    assert response.status_code == 302
    assert find(Company, Company.name == "Hageland Hout").place.name == "Vlissingen"


def test_tielt_typed_without_choosing_asks_which_one(client, make):
    town, village = tielts()
    login(client, make.user(security.COMPANY_MEMBER))

    response = submit(client, COMPANY_URL, company_form(make, place="Tielt"))

    assert response.status_code == 422
    assert field_error(response, "place")
    assert town.label in text(response) and village.label in text(response)
    assert hidden_place_id(response) == ""
