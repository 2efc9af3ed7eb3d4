"""Public pages, where each role lands, the error page, the language switch, the place lookup."""
import re

import pytest

from portal import security
from tests.views.helpers import LOGIN_URL, location, login, text

NAVBAR = 'class="navbar'
_HTML_LANG = re.compile(r'<html lang="([a-z]+)"')


def html_lang(response):
    return _HTML_LANG.search(text(response)).group(1)


@pytest.mark.parametrize("url", ["/", "/zoeken", LOGIN_URL, "/account/registreren"])
def test_public_pages_render_for_visitors(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert NAVBAR in text(response)
    assert f'href="{LOGIN_URL}"' in text(response)  # nobody is signed in


def test_a_company_member_lands_on_the_company_dashboard(client, make):
    company = make.company(name="Landingsbedrijf")
    login(client, make.owner_of(company))

    response = client.get("/")

    assert location(response) == "/bedrijf"
    assert "Landingsbedrijf" in text(client.get("/bedrijf"))


def test_a_teacher_lands_on_the_search(client, make):
    login(client, make.owner_of(make.school()))

    assert location(client.get("/")) == "/zoeken"


def test_a_moderator_lands_on_the_moderation_queue(client, make):
    login(client, make.moderator())

    response = client.get("/")

    assert location(response) == "/moderatie"
    assert client.get("/moderatie").status_code == 200


def test_the_administrator_lands_on_the_moderation_queue(client, make):
    login(client, make.admin())

    assert location(client.get("/")) == "/moderatie"


def test_the_navbar_offers_each_role_its_pages(client, make):
    login(client, make.owner_of(make.school()))

    page = text(client.get("/zoeken"))

    assert 'href="/aanvragen"' in page
    assert 'href="/aanbod/nieuw"' not in page
    assert 'href="/moderatie"' not in page


def test_an_unknown_address_shows_the_404_page_in_the_portal_layout(client):
    response = client.get("/bestaat-niet")

    assert response.status_code == 404
    assert NAVBAR in text(response)
    assert "<footer" in text(response)
    assert 'href="/"' in text(response)


def test_a_forbidden_page_uses_the_layout_too(client, make):
    login(client, make.user(security.TEACHER))

    response = client.get("/moderatie")

    assert response.status_code == 403
    assert NAVBAR in text(response)


def test_the_language_switch(client):
    assert html_lang(client.get("/")) == "nl"

    response = client.get("/taal/en?next=/zoeken")

    assert response.status_code == 302
    assert location(response) == "/zoeken"
    page = client.get("/zoeken")
    assert html_lang(page) == "en"
    assert 'href="/taal/nl?next=' in text(page)  # the switch back

    client.get("/taal/nl")
    assert html_lang(client.get("/zoeken")) == "nl"


def test_an_unknown_language_changes_nothing(client):
    client.get("/taal/en")

    response = client.get("/taal/xx")

    assert response.status_code == 302
    assert html_lang(client.get("/")) == "en"


def test_the_language_is_kept_per_visitor(client, new_client):
    client.get("/taal/en")

    assert html_lang(new_client().get("/")) == "nl"


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example/x"])
def test_the_language_switch_does_not_redirect_off_site(client, target):
    response = client.get("/taal/en", query_string={"next": target})

    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
    assert location(response) == "/"


def test_the_place_lookup_forgives_a_typo(client):
    response = client.get("/plaatsen/zoek?q=Vlisingen")

    assert response.status_code == 200
    assert response.is_json
    places = response.get_json()
    assert places[0]["label"].startswith("Vlissingen")
    assert isinstance(places[0]["id"], int)
    assert len(places) <= 8


def test_the_place_lookup_of_nothing_is_an_empty_list(client):
    response = client.get("/plaatsen/zoek?q=")

    assert response.status_code == 200
    assert response.get_json() == []


def test_a_request_too_large_gets_a_page_that_says_so(client, app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/account/inloggen", data=b"x" * (limit + 1),
                           headers={"Content-Type": "application/octet-stream"})
    assert response.status_code == 413
    assert "<html" in response.get_data(as_text=True)
