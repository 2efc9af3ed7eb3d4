"""Through the pages: a password that is common, leaked or the user's own name, and text made
only of invisible characters, are refused with the message next to the field (422), and nothing
changes; an override inside a title is taken out and the title kept."""
import re

import pytest
from sqlalchemy import select

from portal import security
from portal.accounts.models import User
from portal.bookings.models import Booking
from portal.extensions import db
from portal.offers.models import Offer
from portal.organisations.models import Company
from portal.taxonomy.services import level_by_code, sector_by_code
from tests.factories import PASSWORD
from tests.outbox import last_id, link_in, mails_since
from tests.views.helpers import count, field_error, find, login, reload, submit, text

ZWSP, RLO, PDF, LRI, PDI, FILLER = "\u200b", "\u202e", "\u202c", "\u2066", "\u2069", "\u3164"
INVISIBLE = [ZWSP * 3, RLO, RLO + ZWSP + PDF, LRI + PDI, FILLER, " \u2800\u034f "]
ids = [repr(value) for value in INVISIBLE]

REGISTER_URL = "/account/registreren"
SETTINGS_URL = "/account/instellingen"
RESET_PATH = "/account/wachtwoord-herstellen"
LEAKED = "This password is one of the most used, or was leaked"


def english(client):
    client.get("/taal/en")
    return client


def error_next_to(response, name):
    """The message shown under the field `name`."""
    found = re.search(rf'id="{re.escape(name)}-error"[^>]*>(.*?)</div>', text(response), re.S)
    assert found, f"no error next to {name}"
    return found.group(1).replace("&#39;", "'").strip()


def registration(**overrides):
    data = {"role": security.TEACHER, "full_name": "Ilse de Smid", "email": "ilse@school.nl",
            "password": "kraanvogel op de dijk", "password_again": "kraanvogel op de dijk"}
    data.update(overrides)
    return data


# Passwords ------------------------------------------------------------------------------------

def test_the_forms_tell_the_password_rule(client, make):
    english(client)
    assert "not a much-used password, and not your name or e-mail address" in text(
        client.get(REGISTER_URL))
    login(client, make.user())
    assert "not a much-used password, and not your name or e-mail address" in text(
        client.get(SETTINGS_URL))


@pytest.mark.parametrize(("password", "start"), [
    ("1234567890", LEAKED), ("wachtwoord123", LEAKED), ("qwertyuiop", LEAKED),
    ("passwordpassword", "Repeated characters or words"),
    ("ilse-de-smid!", "Do not use your name in your password"),
])
def test_registration_refuses_a_weak_password_next_to_the_field(client, password, start):
    english(client)

    response = submit(client, REGISTER_URL, registration(password=password,
                                                         password_again=password))

    assert response.status_code == 422
    assert error_next_to(response, "password").startswith(start)
    assert count(User, User.email == "ilse@school.nl") == 0


def reset_url(client, user):
    mark = last_id()
    submit(client, "/account/wachtwoord-vergeten", {"email": user.email})
    [mail] = mails_since(mark, "account.reset_password")
    return f"{RESET_PATH}/{link_in(mail, RESET_PATH)}"


def test_a_reset_refuses_a_common_password_next_to_the_field(client, make):
    user = make.user(email="dirk@school.nl", full_name="Dirk Docent")
    english(client)
    url = reset_url(client, user)

    response = submit(client, url, {"new_password": "wachtwoord123",
                                    "new_password_again": "wachtwoord123"})

    assert response.status_code == 422
    assert error_next_to(response, "new_password").startswith(LEAKED)
    db.session.expire_all()
    assert security.verify_password(reload(User, user.id).password_hash, PASSWORD)
    # The link was not used up: a good password still goes through.
    assert submit(client, url, {"new_password": "kraanvogel op de dijk",
                                "new_password_again": "kraanvogel op de dijk"}).status_code == 302


def test_a_password_change_refuses_the_users_name_next_to_the_field(client, make):
    user = make.user(full_name="Gerda Visser")
    login(client, user)
    english(client)
    hash_before = reload(User, user.id).password_hash

    response = submit(client, SETTINGS_URL, {
        "password-current_password": PASSWORD, "password-new_password": "visser-fietst-graag",
        "password-new_password_again": "visser-fietst-graag"},
        action=f"{SETTINGS_URL}/wachtwoord")

    assert response.status_code == 422
    assert error_next_to(response, "password-new_password").startswith(
        "Do not use your name in your password")
    assert reload(User, user.id).password_hash == hash_before


# Invisible text -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", INVISIBLE, ids=ids)
def test_a_name_of_invisible_characters_is_asked_for_again(client, name):
    english(client)

    response = submit(client, REGISTER_URL, registration(full_name=name))

    assert response.status_code == 422
    assert error_next_to(response, "full_name") == "Enter your name."
    assert count(User, User.email == "ilse@school.nl") == 0


@pytest.mark.parametrize("name", INVISIBLE, ids=ids)
def test_a_company_name_of_invisible_characters_is_refused(client, make, name):
    member = make.user(security.COMPANY_MEMBER)
    login(client, member)
    english(client)

    response = submit(client, "/bedrijf/registreren", {
        "name": name, "number": make.kvk(), "place": "Vlissingen",
        "sectors": [sector_by_code("metaal").id], "description": "Scheepsbouw."})

    assert response.status_code == 422
    assert error_next_to(response, "name") == "Enter the company's name."
    assert db.session.scalars(select(Company.id)).all() == []


def offer_form(**overrides):
    data = {"title": "Gastles drones bouwen", "description": "Een technicus bouwt een drone.",
            "location_mode": "school", "sector_ids": [sector_by_code("ict").id],
            "level_ids": [level_by_code("havo").id], "topic": "Drones",
            "duration_minutes": 90, "max_group_size": 28, "travel_km": 40}
    data.update(overrides)
    return data


@pytest.fixture
def member(client, make):
    company = make.company(name="Drone Werkplaats")
    login(client, make.owner_of(company))
    english(client)
    return company


@pytest.mark.parametrize("title", INVISIBLE, ids=ids)
def test_an_offer_title_of_invisible_characters_is_refused(client, member, title):
    response = submit(client, "/aanbod/nieuw/guest_lesson", offer_form(title=title))

    assert response.status_code == 422
    assert error_next_to(response, "title") == "Enter a title."
    assert count(Offer, Offer.company_id == member.id) == 0


def test_an_edit_to_an_invisible_title_changes_nothing(client, make, member):
    offer = make.offer(member, status="draft")

    response = submit(client, f"/aanbod/{offer.id}/bewerken", {"title": ZWSP + RLO})

    assert response.status_code == 422
    assert error_next_to(response, "title") == "Enter a title."
    assert reload(Offer, offer.id).title == "Rondleiding door de werkplaats"


def test_an_override_inside_a_title_goes_and_the_title_stays(client, member):
    response = submit(client, "/aanbod/nieuw/guest_lesson", offer_form(
        title=f"Gastles {RLO}senord{PDF} bouwen", description=f"Regel 1\r\n{LRI}Regel 2{PDI}"))

    assert response.status_code == 302
    offer = find(Offer, Offer.company_id == member.id)
    assert offer.title == "Gastles senord bouwen"
    assert offer.description == "Regel 1\nRegel 2"
    page = text(client.get(f"/aanbod/{offer.id}"))
    assert "Gastles senord bouwen" in page
    assert RLO not in page and LRI not in page


@pytest.mark.parametrize("body", INVISIBLE, ids=ids)
def test_a_message_of_invisible_characters_is_refused(client, make, body):
    offer = make.offer(make.company(), slot_capacity=60)
    booking = make.booking(offer)
    login(client, booking.requested_by)
    english(client)

    response = submit(client, f"/aanvragen/{booking.id}", {"body": body}, button="message")

    assert response.status_code == 422
    assert field_error(response, "body")
    assert error_next_to(response, "body")
    assert len(reload(Booking, booking.id).messages) == 1
