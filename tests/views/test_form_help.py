"""Forms that help: attributes a screen reader can trust, an error summary that links to the
fields, a request form that tells its limits up front, and a search that takes any distance
and builds its links from its own fields only."""
import re
from datetime import timedelta

import pytest

from portal.bookings.models import Booking
from portal.db import local_today
from tests.views.helpers import (
    LOGIN_URL,
    count,
    field_error,
    find_form,
    login,
    submit,
    text,
)

SEARCH_URL = "/zoeken"


@pytest.fixture
def teacher(make):
    return make.owner_of(make.school(place="Middelburg (Zeeland)"))


@pytest.fixture
def offer(make):
    """A company visit with one slot, 14 days ahead."""
    company = make.company(place="Vlissingen", name="Vlissingse Lasserij")
    return make.offer(company, title="Rondleiding lasrobots", max_group_size=30)


@pytest.fixture
def placement(make):
    """An internship from 10 to 40 days ahead."""
    company = make.company(place="Vlissingen", name="Vlissingse Lasserij")
    return make.placement(company, places=2, title="BOL-stage lasser",
                          starts_on=local_today() + timedelta(days=10),
                          ends_on=local_today() + timedelta(days=40))


@pytest.mark.parametrize("url", [LOGIN_URL, "/account/registreren", SEARCH_URL])
def test_untouched_fields_carry_no_invalid_or_empty_aria(client, url):
    page = text(client.get(url))

    assert "aria-invalid" not in page
    assert '="None"' not in page


def test_no_form_of_any_role_writes_none_into_an_attribute(client, make, teacher, offer,
                                                           placement, new_client):
    login(client, teacher)
    pages = [client.get(SEARCH_URL), client.get(f"/aanvragen/aanbod/{offer.id}"),
             client.get(f"/aanvragen/aanbod/{placement.id}")]
    company_side = new_client()
    login(company_side, make.owner_of(offer.company))
    pages += [company_side.get("/aanbod/nieuw"), company_side.get(f"/aanbod/{offer.id}")]
    moderator = new_client()
    login(moderator, make.admin())
    pending = make.company(approved=False)
    pages.append(moderator.get(f"/moderatie/bedrijven/{pending.id}"))

    for page in pages:
        assert page.status_code == 200
        assert '="None"' not in text(page) and "aria-invalid" not in text(page)


def test_the_error_summary_lists_and_links_every_error(client):
    response = submit(client, "/account/registreren", {"full_name": "", "email": "",
                                                       "password": "", "password_again": ""})

    page = text(response)
    assert response.status_code == 422
    summary = page[page.index('id="error-summary"'):page.index("</ul>", page.index(
        'id="error-summary"'))]
    for target in ("#role-0", "#full_name", "#email", "#password", "#password_again"):
        assert f'href="{target}"' in summary
    opening = re.search(r'<div[^>]*id="error-summary"[^>]*>', page).group(0)
    assert 'tabindex="-1"' in opening and "data-error-summary" in opening
    assert 'aria-invalid="true"' in page
    assert "<title>Fout:" in page


def test_the_request_form_shows_the_period_and_limits_the_date(client, teacher, placement):
    login(client, teacher)

    page = text(client.get(f"/aanvragen/aanbod/{placement.id}"))

    first, last = placement.starts_on.isoformat(), placement.ends_on.isoformat()
    assert re.search(rf'<input[^>]*id="wanted_on"[^>]*min="{first}"', page)
    assert re.search(rf'<input[^>]*id="wanted_on"[^>]*max="{last}"', page)
    assert 'aria-describedby="wanted_on-help"' in page


def test_the_request_form_tells_the_group_limits_and_who_counts(client, make, teacher):
    offer = make.offer(min_group_size=10, max_group_size=30, counts_teachers=True)
    login(client, teacher)
    client.get("/taal/en")

    page = text(client.get(f"/aanvragen/aanbod/{offer.id}"))

    assert "Groups of at least 10 pupils." in page
    assert "Groups of at most 30 pupils." in page
    assert 'aria-describedby="teachers-help"' in page
    assert "They count toward the room on this date." in page
    assert 'href="#slot_id-0"' not in page  # nothing is wrong yet


def test_a_slot_error_links_to_the_first_choice(client, teacher, offer):
    login(client, teacher)

    response = submit(client, f"/aanvragen/aanbod/{offer.id}", {
        "slot_id": None, "group_size": 20, "level_id": offer.levels[0].id})

    assert response.status_code == 422
    assert field_error(response, "slot_id")
    assert 'href="#slot_id-0"' in text(response)
    assert count(Booking) == 0


@pytest.mark.parametrize("kind", ["offer", "placement"])
def test_the_request_form_asks_for_the_level(client, request, teacher, kind):
    offer = request.getfixturevalue(kind)
    login(client, teacher)
    form = find_form(text(client.get(f"/aanvragen/aanbod/{offer.id}")))

    assert form.choices("level_id")[0] == ""  # nothing chosen for the teacher
    when = ({"slot_id": offer.slots[0].id} if kind == "offer"
            else {"wanted_on": (offer.starts_on + timedelta(days=1)).isoformat()})
    response = submit(client, f"/aanvragen/aanbod/{offer.id}", {**when, "group_size": 1})

    assert response.status_code == 422
    assert field_error(response, "level_id")
    assert count(Booking) == 0


@pytest.mark.parametrize("kind", ["offer", "placement"])
def test_a_waiting_request_is_told_before_the_form(client, make, request, teacher, kind):
    offer = request.getfixturevalue(kind)
    waiting = make.booking(offer, teacher, **(
        {} if kind == "offer" else {"wanted_on": offer.starts_on + timedelta(days=2)}))
    login(client, teacher)

    page = text(client.get(f"/aanvragen/aanbod/{offer.id}"))

    assert f'href="/aanvragen/{waiting.id}"' in page
    assert 'id="wanted_on"' not in page and 'name="slot_id"' not in page


@pytest.mark.parametrize("km", [1, 30, 137, 400])
def test_any_whole_number_of_km_is_a_distance(client, teacher, offer, km):
    login(client, teacher)

    response = client.get(SEARCH_URL, query_string={"max_km": km})

    assert response.status_code == 200
    assert f'value="{km}"' in text(response)


@pytest.mark.parametrize("km", ["0", "401", "-5", "ver"])
def test_a_distance_out_of_bounds_answers_400_with_a_message(client, teacher, km):
    login(client, teacher)

    response = client.get(SEARCH_URL, query_string={"max_km": km})

    assert response.status_code == 400
    assert field_error(response, "max_km")
    assert 'href="#max_km"' in text(response)


def test_an_empty_distance_means_any_distance_and_pages_keep_it(client, make, teacher):
    company = make.company(place="Maastricht")
    for n in range(21):
        make.offer(company, title=f"Verre rondleiding {n}")
    login(client, teacher)

    page = text(client.get(SEARCH_URL, query_string={"max_km": "", "q": "verre"}))

    assert "Verre rondleiding" in page  # Maastricht is far beyond the default 50 km
    assert re.search(r'href="/zoeken\?[^"]*max_km=&amp;[^"]*page=2|href="/zoeken\?[^"]*page=2'
                     r'[^"]*max_km=(&amp;|")', page)


def test_a_visitor_sees_no_distance_and_a_distance_in_a_link_does_no_harm(client, offer):
    response = client.get(SEARCH_URL, query_string={"max_km": "30"})

    assert response.status_code == 200
    assert 'id="max_km"' not in text(response)
    assert "Rondleiding lasrobots" in text(response)


@pytest.mark.parametrize("query", [{"_method": "POST"}, {"_external": "", "_scheme": "https"},
                                   {"_anchor": "x", "page": "2"}, {"endpoint": "x"}])
def test_page_links_take_nothing_from_the_address_but_the_form(client, make, query):
    company = make.company(place="Vlissingen")
    for n in range(21):
        make.offer(company, title=f"Rondleiding {n}")

    response = client.get(SEARCH_URL, query_string=query)

    assert response.status_code == 200
    links = re.findall(r'class="page-link" href="([^"]+)"', text(response))
    assert links
    for name in set(query) - {"page"}:
        assert all(f"{name}=" not in link for link in links)
    assert all("#" not in link for link in links)
    assert all(link.startswith("/zoeken?") for link in links)


def test_users_dutch_text_is_marked_dutch_in_the_english_interface(client, offer):
    client.get("/taal/en")

    page = text(client.get(f"/aanbod/{offer.id}"))

    assert '<h1 class="h3" lang="nl">Rondleiding lasrobots</h1>' in page
    assert re.search(r'class="offer-text" lang="nl">', page)


def test_dutch_text_needs_no_mark_in_the_dutch_interface(client, offer):
    page = text(client.get(f"/aanbod/{offer.id}"))

    assert 'lang="nl">Rondleiding' not in page


def test_a_service_error_lands_on_the_form_field_that_asks_for_it(app):
    from flask_wtf import FlaskForm
    from wtforms import SelectField, StringField

    from portal.errors import ValidationFailed
    from portal.views import apply_errors

    class KindForm(FlaskForm):
        kind = SelectField(choices=[])
        title = StringField()

    with app.test_request_context():
        form = KindForm(meta={"csrf": False})
        form.validate()
        apply_errors(form, ValidationFailed({
            "location_mode": "Past niet.", "offer_type": "Past niet.", "title": "Leeg.",
            "": "Het geheel klopt niet.", "unknown": "Ergens anders."}),
            {"offer_type": "kind", "location_mode": "kind"})

    assert form.kind.errors[-1:] == ["Past niet."]  # once, though two service fields named it
    assert form.kind.errors.count("Past niet.") == 1
    assert form.title.errors == ["Leeg."]
    assert form.form_errors == ["Het geheel klopt niet.", "Ergens anders."]
