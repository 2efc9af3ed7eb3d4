"""A company's offers through their pages: create, edit, submit, and who may see them."""
from datetime import date, timedelta

import pytest

from portal import security
from portal.offers.models import Offer
from portal.taxonomy.services import level_by_code, sector_by_code
from tests.views.helpers import (
    count,
    csrf_token,
    field_error,
    find,
    find_form,
    location,
    login,
    reload,
    submit,
    text,
)

NEW_URL = "/aanbod/nieuw"


def offer_form(**overrides):
    start = date.today() + timedelta(days=7)
    data = {"kind": "guest_lesson:school",
            "title": "Gastles drones bouwen", "description": "Een technicus bouwt met de klas "
            "een drone en laat hem vliegen.",
            "sector_ids": [sector_by_code("elektrotechniek").id, sector_by_code("ict").id],
            "level_ids": [level_by_code("vmbo_kb").id, level_by_code("havo").id],
            "capacity": 4, "max_group_size": 28, "travel_km": 40,
            "starts_on": start.isoformat(), "ends_on": (start + timedelta(days=90)).isoformat()}
    data.update(overrides)
    return data


@pytest.fixture
def company(make):
    return make.company(name="Drone Werkplaats")


@pytest.fixture
def member(client, make, company):
    user = make.owner_of(company)
    login(client, user)
    return user


def test_a_member_creates_a_draft_offer_with_every_field(client, member, company):
    data = offer_form()

    response = submit(client, NEW_URL, data)

    assert response.status_code == 302
    offer = find(Offer, Offer.title == "Gastles drones bouwen")
    assert location(response) == f"/aanbod/{offer.id}"
    assert (offer.status, offer.company_id, offer.created_by_id) == ("draft", company.id,
                                                                     member.id)
    assert (offer.offer_type, offer.location_mode, offer.travel_km) == (
        "guest_lesson", "school", 40)
    assert sorted(s.code for s in offer.sectors) == ["elektrotechniek", "ict"]
    assert sorted(lvl.code for lvl in offer.levels) == ["havo", "vmbo_kb"]
    assert (offer.capacity, offer.max_group_size) == (4, 28)
    assert (offer.starts_on.isoformat(), offer.ends_on.isoformat()) == (
        data["starts_on"], data["ends_on"])
    assert offer.place_id == company.place_id

    page = client.get(location(response))
    assert page.status_code == 200
    assert "Gastles drones bouwen" in text(page)
    assert "een drone en laat hem vliegen" in text(page)
    assert f'action="/aanbod/{offer.id}/indienen"' in text(page)


def test_a_visit_at_the_company_forgets_a_travel_distance(client, member):
    response = submit(client, NEW_URL, offer_form(
        kind="company_visit:company", title="Rondleiding werf"))

    assert response.status_code == 302
    assert find(Offer, Offer.title == "Rondleiding werf").travel_km is None


def test_without_title_the_form_answers_422_and_saves_nothing(client, member):
    response = submit(client, NEW_URL, offer_form(title=""))

    assert response.status_code == 422
    assert field_error(response, "title")
    assert "Een technicus bouwt" in text(response)  # the rest of the form is kept
    assert count(Offer, Offer.description.like("Een technicus bouwt%")) == 0


def test_the_form_offers_only_the_places_each_type_allows(client, member):
    form = find_form(text(client.get(NEW_URL)))

    kinds = form.choices("kind")
    assert kinds[0] == ""  # nothing is chosen for the company up front
    assert {"guest_lesson:school", "guest_lesson:online", "company_visit:company",
            "assignment:online"} <= set(kinds)
    assert "guest_lesson:company" not in kinds
    assert "company_visit:school" not in kinds


def test_a_combination_the_rules_refuse_answers_422_on_the_type(client, member):
    # Not on offer in the form; a hand-made request is refused next to the field all the same.
    response = submit(client, NEW_URL, offer_form(kind="guest_lesson:company"), strict=False)

    assert response.status_code == 422
    assert field_error(response, "kind")
    assert count(Offer, Offer.title == "Gastles drones bouwen") == 0


def test_without_a_type_the_form_answers_422_and_says_so(client, member):
    response = submit(client, NEW_URL, offer_form(kind=""))

    assert response.status_code == 422
    assert field_error(response, "kind")


def test_a_period_ending_before_it_starts_answers_422_on_ends_on(client, member):
    response = submit(client, NEW_URL, offer_form(starts_on="2031-05-01", ends_on="2031-04-01"))

    assert response.status_code == 422
    assert field_error(response, "ends_on")


def test_a_member_submits_the_draft_with_the_button_on_its_page(client, member, make, company):
    offer = make.offer(company, status="draft")
    url = f"/aanbod/{offer.id}"

    response = submit(client, url, action=f"{url}/indienen")

    assert response.status_code == 302
    assert location(response) == url
    assert reload(Offer, offer.id).status == "pending"
    assert f'action="{url}/indienen"' not in text(client.get(url))


def test_a_submit_without_token_changes_nothing(client, member, make, company):
    offer = make.offer(company, status="draft")

    assert client.post(f"/aanbod/{offer.id}/indienen").status_code == 400
    assert reload(Offer, offer.id).status == "draft"


def test_a_member_edits_a_draft_through_the_edit_page(client, member, make, company):
    offer = make.offer(company, status="draft")
    url = f"/aanbod/{offer.id}/bewerken"
    assert 'value="Rondleiding door de werkplaats"' in text(client.get(url))

    response = submit(client, url, {"title": "Rondleiding met lasdemonstratie", "capacity": 6})

    assert response.status_code == 302
    changed = reload(Offer, offer.id)
    assert (changed.title, changed.capacity, changed.offer_type) == (
        "Rondleiding met lasdemonstratie", 6, "company_visit")
    assert [lvl.code for lvl in changed.levels] == ["vmbo_kb"]  # the ticked boxes came back


@pytest.mark.parametrize("status", ["draft", "pending", "published"])
def test_another_companys_member_cannot_open_the_edit_page(client, make, status):
    offer = make.offer(make.company(), status=status)
    login(client, make.owner_of(make.company()))

    response = client.get(f"/aanbod/{offer.id}/bewerken")

    assert response.status_code in (403, 404)
    assert 'name="title"' not in text(response)


@pytest.mark.parametrize("status", ["draft", "published"])
def test_another_companys_member_cannot_change_an_offer(client, make, status):
    offer = make.offer(make.company(), status=status)
    login(client, make.owner_of(make.company()))
    token = csrf_token(text(client.get(NEW_URL)))

    response = client.post(f"/aanbod/{offer.id}/bewerken",
                           data={**offer_form(title="Gekaapt"), "csrf_token": token})
    submitted = client.post(f"/aanbod/{offer.id}/indienen", data={"csrf_token": token})

    assert response.status_code in (403, 404)
    assert submitted.status_code in (403, 404)
    unchanged = reload(Offer, offer.id)
    assert (unchanged.title, unchanged.status) == ("Rondleiding door de werkplaats", status)


def test_a_teacher_cannot_open_the_offer_form(client, make):
    login(client, make.user(security.TEACHER))

    assert client.get(NEW_URL).status_code == 403


def test_a_member_without_company_is_sent_to_register_it(client, make):
    login(client, make.user(security.COMPANY_MEMBER))

    response = client.get(NEW_URL)

    assert response.status_code == 302
    assert location(response) == "/bedrijf/registreren"


def test_a_visitor_sees_a_published_offer_but_not_a_draft(client, make, company):
    published = make.offer(company, title="Open lasdag")
    draft = make.offer(company, status="draft", title="Geheime lasdag")
    pending = make.offer(company, status="pending", title="Wachtende lasdag")

    page = client.get(f"/aanbod/{published.id}")
    assert page.status_code == 200
    assert "Open lasdag" in text(page)
    assert "Drone Werkplaats" in text(page)
    assert "/account/inloggen?next=" in text(page)  # teachers are invited to sign in

    for hidden in (draft, pending):
        response = client.get(f"/aanbod/{hidden.id}")
        assert response.status_code == 404
        assert hidden.title not in text(response)
    assert client.get("/aanbod/999999").status_code == 404


def test_a_teacher_sees_the_request_button_on_a_published_offer(client, make):
    offer = make.offer()
    login(client, make.owner_of(make.school()))

    assert f'href="/aanvragen/aanbod/{offer.id}"' in text(client.get(f"/aanbod/{offer.id}"))
