"""Each type of offer through its own page: the page asks for that type's fields and no other,
saves them, and answers bad input with 422 and the message next to the field."""
import html
import re
from datetime import timedelta

import pytest

from portal.db import local_today
from portal.offers.models import Offer
from portal.offers.rules import DETAIL_FIELDS, TYPE_FIELDS
from portal.organisations.accreditation import set_sbb_number, verify_sbb_number
from portal.taxonomy.services import level_by_code, sector_by_code
from tests.views.helpers import count, find, find_form, location, login, submit, text

START = local_today() + timedelta(days=30)

# What a company fills in on each type's page, besides title, description, sectors and levels.
TYPE_FORMS = {
    "guest_lesson": {"location_mode": "school", "topic": "Zonnepanelen",
                     "given_by": "Ingrid, techniekambassadeur", "duration_minutes": 60,
                     "travel_km": 35, "max_group_size": 30},
    "company_visit": {"min_group_size": 10, "max_group_size": 30, "min_age": 12,
                      "duration_minutes": 120, "safety_rules": "Blijf achter de gele lijn.",
                      "protective_gear": "Veiligheidsbril", "wheelchair_access": "y",
                      "counts_teachers": "y"},
    "taster_day": {"pupils_per_day": 3, "days": 2, "min_age": 14,
                   "safety_rules": "Altijd onder begeleiding.", "protective_gear": "Overall"},
    "internship": {"crebo": "25623", "starts_on": START.isoformat(),
                   "ends_on": (START + timedelta(days=120)).isoformat(), "capacity": 2,
                   "allowance_euros": 350},
    "apprenticeship": {"crebo": "99999", "qualification_name": "Monteur windturbines",
                       "mbo_level": 3, "hours_per_week": 32, "starts_on": START.isoformat(),
                       "capacity": 1},
    "teacher_placement": {"days": 5, "subjects": "PLC-programmeren",
                          "starts_on": START.isoformat(),
                          "ends_on": (START + timedelta(days=60)).isoformat(), "capacity": 1},
    "assignment": {"location_mode": "online", "deliverable": "Een ontwerp voor een slimme kas.",
                   "duration_weeks": 8, "max_group_size": 5},
}
# What each type's offer holds afterwards (crebo 25623 is known: the register names it).
SAVED = {
    "guest_lesson": {"location_mode": "school", "topic": "Zonnepanelen",
                     "given_by": "Ingrid, techniekambassadeur", "duration_minutes": 60,
                     "travel_km": 35, "max_group_size": 30, "capacity": None},
    "company_visit": {"location_mode": "company", "min_group_size": 10, "max_group_size": 30,
                      "min_age": 12, "duration_minutes": 120,
                      "safety_rules": "Blijf achter de gele lijn.",
                      "protective_gear": "Veiligheidsbril", "wheelchair_access": True,
                      "counts_teachers": True, "capacity": None},
    "taster_day": {"location_mode": "company", "pupils_per_day": 3, "days": 2, "min_age": 14,
                   "safety_rules": "Altijd onder begeleiding.", "protective_gear": "Overall"},
    "internship": {"location_mode": "company", "crebo": "25623",
                   "qualification_name": "Verspaner", "mbo_level": 2, "starts_on": START,
                   "ends_on": START + timedelta(days=120), "capacity": 2,
                   "allowance_euros": 350},
    "apprenticeship": {"crebo": "99999", "qualification_name": "Monteur windturbines",
                       "mbo_level": 3, "hours_per_week": 32, "starts_on": START,
                       "capacity": 1},
    "teacher_placement": {"days": 5, "subjects": "PLC-programmeren", "starts_on": START,
                          "ends_on": START + timedelta(days=60), "capacity": 1},
    "assignment": {"location_mode": "online", "deliverable": "Een ontwerp voor een slimme kas.",
                   "duration_weeks": 8, "max_group_size": 5},
}
GROUP = ("guest_lesson", "company_visit", "taster_day", "assignment")


def common(title):
    return {"title": title, "description": "Wat er gebeurt en wat leerlingen leren.",
            "sector_ids": [sector_by_code("metaal").id], "level_ids": [level_by_code("mbo_3").id]}


def error_text(response, name):
    """The message shown next to the field `name`."""
    found = re.search(rf'<div id="{name}-error"[^>]*>(.*?)</div>', text(response), re.S)
    assert found, f"no error next to {name}"
    return html.unescape(found.group(1).strip())


@pytest.fixture
def company(make):
    company = make.company()
    set_sbb_number(actor=make.owner_of(company), company=company, number="123456789")
    verify_sbb_number(actor=make.admin(), company=company, seen="123456789")
    return company


@pytest.fixture
def member(client, make, company):
    user = make.owner_of(company)
    login(client, user)
    client.get("/taal/en")  # the messages below are read in English
    return user


@pytest.mark.parametrize("offer_type", list(TYPE_FORMS))
def test_the_page_of_a_type_asks_for_its_own_fields_only(client, member, offer_type):
    form = find_form(text(client.get(f"/aanbod/nieuw/{offer_type}")))

    own = set(TYPE_FIELDS[offer_type])
    assert own <= form.names
    assert form.names & (set(DETAIL_FIELDS) - own) == set()


@pytest.mark.parametrize("offer_type", list(TYPE_FORMS))
def test_an_offer_of_each_type_is_created_through_its_page(client, member, company, offer_type):
    title = f"Aanbod {offer_type}"

    response = submit(client, f"/aanbod/nieuw/{offer_type}",
                      {**common(title), **TYPE_FORMS[offer_type]})

    assert response.status_code == 302
    offer = find(Offer, Offer.title == title)
    assert (offer.offer_type, offer.status, offer.company_id) == (offer_type, "draft",
                                                                  company.id)
    target = f"/aanbod/{offer.id}/data" if offer_type in GROUP else f"/aanbod/{offer.id}"
    assert location(response) == target
    for name, value in SAVED[offer_type].items():
        assert getattr(offer, name) == value, name
    for name in set(DETAIL_FIELDS) - set(TYPE_FIELDS[offer_type]):
        assert getattr(offer, name) is None, name
    assert client.get(f"/aanbod/{offer.id}").status_code == 200


# One mistake per type: (changed fields, the field that says so, what it says).
MISTAKES = {
    "guest_lesson": ({"topic": ""}, "topic", "Fill this in for this type of offer."),
    "company_visit": ({"min_group_size": 40}, "min_group_size",
                      "The smallest group cannot be larger than the largest."),
    "taster_day": ({"days": 61}, "days", "Enter a number from 1 to 60."),
    "internship": ({"crebo": "2562"}, "crebo", "A crebo code has 5 digits, e.g. 25180."),
    "apprenticeship": ({"qualification_name": ""}, "qualification_name",
                       "We do not know this crebo code; enter the qualification's name."),
    "teacher_placement": ({"ends_on": (START - timedelta(days=1)).isoformat()}, "ends_on",
                          "The period cannot end before it starts."),
    "assignment": ({"deliverable": ""}, "deliverable", "Fill this in for this type of offer."),
}


@pytest.mark.parametrize("offer_type", list(MISTAKES))
def test_bad_input_answers_422_next_to_the_field_and_saves_nothing(client, member,
                                                                   offer_type):
    changed, field, message = MISTAKES[offer_type]
    title = f"Fout {offer_type}"

    response = submit(client, f"/aanbod/nieuw/{offer_type}",
                      {**common(title), **TYPE_FORMS[offer_type], **changed})

    assert response.status_code == 422
    assert error_text(response, field) == message
    assert 'id="error-summary"' in text(response)
    assert count(Offer, Offer.title == title) == 0
    assert f'value="{title}"' in text(response)  # what was typed is kept


def test_a_lesson_at_the_school_needs_a_travel_distance(client, member):
    response = submit(client, "/aanbod/nieuw/guest_lesson",
                      {**common("Les zonder afstand"), **TYPE_FORMS["guest_lesson"],
                       "travel_km": ""})

    assert response.status_code == 422
    assert error_text(response, "travel_km") == "Say how far you travel to a school."
    assert count(Offer, Offer.title == "Les zonder afstand") == 0


def test_the_page_names_a_known_qualification(client, member, make, company):
    offer = make.placement(company, status="draft")

    page = text(client.get(f"/aanbod/{offer.id}/bewerken"))

    assert "Known qualification: Verspaner, MBO level 2." in page


def test_bbl_places_wait_for_the_accreditation(client, make):
    login(client, make.owner_of(make.company()))

    response = client.get("/aanbod/nieuw/apprenticeship")

    assert response.status_code == 302
    assert location(response) == "/bedrijf/leerbedrijf"
