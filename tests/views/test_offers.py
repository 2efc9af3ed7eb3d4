"""A company's offers through their pages: choose a type, create, edit, submit, and who may see
them. The pages of each type's own fields, slots and the offer's later life have files of
their own (test_offer_types.py, test_slot_pages.py, test_offer_life_pages.py)."""
from datetime import timedelta

import pytest

from portal import security
from portal.db import local_today
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

CHOOSE_URL = "/aanbod/nieuw"
NEW_URL = "/aanbod/nieuw/guest_lesson"


def offer_form(**overrides):
    """A guest lesson at the school, as its page asks for it."""
    data = {"title": "Gastles drones bouwen", "description": "Een technicus bouwt met de klas "
            "een drone en laat hem vliegen.", "location_mode": "school",
            "sector_ids": [sector_by_code("elektrotechniek").id, sector_by_code("ict").id],
            "level_ids": [level_by_code("vmbo_kb").id, level_by_code("havo").id],
            "topic": "Drones", "duration_minutes": 90, "max_group_size": 28, "travel_km": 40}
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


def test_the_company_first_chooses_a_type(client, member):
    page = text(client.get(CHOOSE_URL))

    for code in ("guest_lesson", "company_visit", "taster_day", "internship",
                 "apprenticeship", "teacher_placement", "assignment"):
        assert f'href="/aanbod/nieuw/{code}"' in page
    assert 'name="kind"' not in page  # the old combined type-and-place select is gone
    assert 'href="/bedrijf/leerbedrijf"' in page  # BBL places need the accreditation first


def test_an_unknown_type_has_no_page(client, member):
    assert client.get("/aanbod/nieuw/kermis").status_code == 404


def test_a_member_creates_a_draft_offer_with_every_field(client, member, company):
    data = offer_form(given_by="Ingrid, techniekambassadeur")

    response = submit(client, NEW_URL, data)

    assert response.status_code == 302
    offer = find(Offer, Offer.title == "Gastles drones bouwen")
    assert location(response) == f"/aanbod/{offer.id}/data"  # a group activity needs dates
    assert (offer.status, offer.company_id, offer.created_by_id) == ("draft", company.id,
                                                                     member.id)
    assert (offer.offer_type, offer.location_mode, offer.travel_km) == (
        "guest_lesson", "school", 40)
    assert sorted(s.code for s in offer.sectors) == ["elektrotechniek", "ict"]
    assert sorted(lvl.code for lvl in offer.levels) == ["havo", "vmbo_kb"]
    assert (offer.topic, offer.given_by, offer.duration_minutes, offer.max_group_size) == (
        "Drones", "Ingrid, techniekambassadeur", 90, 28)
    assert offer.capacity is None  # its room lies on its slots
    assert offer.place_id == company.place_id

    page = client.get(f"/aanbod/{offer.id}")
    assert page.status_code == 200
    assert "Gastles drones bouwen" in text(page)
    assert "een drone en laat hem vliegen" in text(page)
    assert f'action="/aanbod/{offer.id}/indienen"' in text(page)


def test_a_lesson_online_forgets_a_travel_distance(client, member):
    response = submit(client, NEW_URL, offer_form(location_mode="online", title="Online les"))

    assert response.status_code == 302
    assert find(Offer, Offer.title == "Online les").travel_km is None


def test_a_company_visit_page_asks_no_travel_distance_nor_place(client, member):
    form = find_form(text(client.get("/aanbod/nieuw/company_visit")))

    assert "travel_km" not in form.names
    assert form.choices("location_mode") is None  # one place only: a hidden field
    assert form.defaults()["location_mode"] == ["company"]


def test_without_title_the_form_answers_422_and_saves_nothing(client, member):
    response = submit(client, NEW_URL, offer_form(title=""))

    assert response.status_code == 422
    assert field_error(response, "title")
    assert "Een technicus bouwt" in text(response)  # the rest of the form is kept
    assert count(Offer, Offer.description.like("Een technicus bouwt%")) == 0


@pytest.mark.parametrize("offer_type, places", [
    ("guest_lesson", {"school", "online"}),
    ("assignment", {"company", "school", "online"}),
])
def test_the_form_offers_only_the_places_each_type_allows(client, member, offer_type, places):
    form = find_form(text(client.get(f"/aanbod/nieuw/{offer_type}")))

    assert set(form.choices("location_mode")) == places
    assert "location_mode" not in form.defaults()  # nothing is chosen for the company


def test_a_place_the_rules_refuse_answers_422_on_the_place(client, member):
    # Not on offer in the form; a hand-made request is refused next to the field all the same.
    response = submit(client, NEW_URL, offer_form(location_mode="company"), strict=False)

    assert response.status_code == 422
    assert field_error(response, "location_mode")
    assert count(Offer, Offer.title == "Gastles drones bouwen") == 0


def test_without_a_place_the_form_answers_422_and_says_so(client, member):
    response = submit(client, NEW_URL, offer_form(location_mode=None))

    assert response.status_code == 422
    assert field_error(response, "location_mode")
    assert count(Offer, Offer.title == "Gastles drones bouwen") == 0


def test_a_period_ending_before_it_starts_answers_422_on_ends_on(client, member):
    response = submit(client, "/aanbod/nieuw/internship", {
        "title": "BOL-stage", "description": "Meedraaien in de werkplaats.",
        "sector_ids": [sector_by_code("metaal").id], "level_ids": [level_by_code("mbo_3").id],
        "crebo": "25623", "capacity": 2, "starts_on": "2031-05-01", "ends_on": "2031-04-01"})

    assert response.status_code == 422
    assert field_error(response, "ends_on")
    assert count(Offer, Offer.title == "BOL-stage") == 0


def test_a_member_submits_the_draft_with_the_button_on_its_page(client, member, make, company):
    offer = make.offer(company, status="draft")
    url = f"/aanbod/{offer.id}"

    response = submit(client, url, action=f"{url}/indienen")

    assert response.status_code == 302
    assert location(response) == url
    assert reload(Offer, offer.id).status == "pending"
    assert f'action="{url}/indienen"' not in text(client.get(url))


def test_a_draft_without_dates_is_not_submitted_and_says_why(client, member, make, company):
    offer = make.offer(company, status="draft", slot_capacity=None)
    url = f"/aanbod/{offer.id}"

    response = submit(client, url, action=f"{url}/indienen", follow_redirects=True)

    assert reload(Offer, offer.id).status == "draft"
    assert "alert-danger" in text(response)


def test_a_submit_without_token_changes_nothing(client, member, make, company):
    offer = make.offer(company, status="draft")

    assert client.post(f"/aanbod/{offer.id}/indienen").status_code == 400
    assert reload(Offer, offer.id).status == "draft"


def test_a_member_edits_a_draft_through_the_edit_page(client, member, make, company):
    offer = make.offer(company, status="draft")
    url = f"/aanbod/{offer.id}/bewerken"
    assert 'value="Rondleiding door de werkplaats"' in text(client.get(url))

    response = submit(client, url, {"title": "Rondleiding met lasdemonstratie",
                                    "max_group_size": 24})

    assert response.status_code == 302
    changed = reload(Offer, offer.id)
    assert (changed.title, changed.max_group_size, changed.offer_type) == (
        "Rondleiding met lasdemonstratie", 24, "company_visit")
    assert [lvl.code for lvl in changed.levels] == ["vmbo_kb"]  # the ticked boxes came back
    assert changed.duration_minutes == 90  # and so did the numbers not touched


def test_a_draft_becomes_another_type_and_keeps_none_of_the_old_fields(client, member, make,
                                                                       company):
    offer = make.offer(company, status="draft")
    url = f"/aanbod/{offer.id}/bewerken?type=assignment"

    response = submit(client, url, {"location_mode": "online",
                                    "deliverable": "Een prototype van een mal."})

    assert response.status_code == 302
    changed = reload(Offer, offer.id)
    assert (changed.offer_type, changed.location_mode, changed.deliverable) == (
        "assignment", "online", "Een prototype van een mal.")
    assert (changed.duration_minutes, changed.max_group_size) == (None, 30)


def test_a_pending_offer_changed_on_its_page_stays_pending(client, member, make, company):
    offer = make.offer(company, status="pending")
    before = offer.revision

    response = submit(client, f"/aanbod/{offer.id}/bewerken", {"title": "Nieuwe rondleiding"})

    assert response.status_code == 302
    changed = reload(Offer, offer.id)
    assert (changed.title, changed.status, changed.revision) == (
        "Nieuwe rondleiding", "pending", before + 1)


@pytest.mark.parametrize("status", ["draft", "pending", "published"])
def test_another_companys_member_cannot_open_the_edit_page(client, make, status):
    offer = make.offer(make.company(), status=status)
    login(client, make.owner_of(make.company()))

    response = client.get(f"/aanbod/{offer.id}/bewerken")

    assert response.status_code == 404
    assert 'name="title"' not in text(response)


@pytest.mark.parametrize("status", ["draft", "published"])
def test_another_companys_member_cannot_change_an_offer(client, make, status):
    offer = make.offer(make.company(), status=status)
    login(client, make.owner_of(make.company()))
    token = csrf_token(text(client.get(CHOOSE_URL + "/company_visit")))

    response = client.post(f"/aanbod/{offer.id}/bewerken",
                           data={**offer_form(title="Gekaapt", location_mode="company"),
                                 "csrf_token": token})
    submitted = client.post(f"/aanbod/{offer.id}/indienen", data={"csrf_token": token})

    assert response.status_code == 404
    assert submitted.status_code == 404
    unchanged = reload(Offer, offer.id)
    assert (unchanged.title, unchanged.status) == ("Rondleiding door de werkplaats", status)
    assert unchanged.revisions == []


def test_a_teacher_cannot_open_the_offer_form(client, make):
    login(client, make.user(security.TEACHER))

    assert client.get(CHOOSE_URL).status_code == 403
    assert client.get(NEW_URL).status_code == 403


def test_a_member_without_company_is_sent_to_register_it(client, make):
    login(client, make.user(security.COMPANY_MEMBER))

    for url in (CHOOSE_URL, NEW_URL):
        response = client.get(url)
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


def test_a_placement_shows_its_places_and_period(client, make):
    start = local_today() + timedelta(days=30)
    offer = make.placement(places=3, starts_on=start, ends_on=start + timedelta(days=100))

    page = text(client.get(f"/aanbod/{offer.id}"))

    assert "Verspaner" in page  # the register's name of crebo 25623
    assert "25623" in page
