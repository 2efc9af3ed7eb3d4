"""The privacy pages: the public statement, the account's own page, downloading one's data and
deleting one's account (only one's own: there is no id in any of these addresses)."""
import json

from portal import security
from portal.accounts.models import User
from portal.bookings.conversation import post_message
from portal.bookings.models import Booking
from portal.db import local_today
from portal.privacy.deletion import DELETED_NAME, deleted_email
from tests.factories import PASSWORD
from tests.outbox import last_id, mails_since
from tests.views.helpers import (
    LOGIN_URL,
    csrf_token,
    field_error,
    form_alert,
    location,
    login,
    reload,
    submit,
    text,
)

POLICY_URL = "/privacy"
ACCOUNT_URL = "/account/privacy"
EXPORT_URL = "/account/privacy/export"
DELETE_URL = "/account/verwijderen"
PRIVATE_PAGE = "/account/instellingen"


def teacher(make, name="Anna de Vries"):
    person = make.user(security.TEACHER, full_name=name)
    make.school(person)
    return person


def english(client):
    client.get("/taal/en")


def delete(client, password=PASSWORD, confirm="y"):
    return submit(client, DELETE_URL, {"password": password, "confirm": confirm})


# --- the public page and the links to it ------------------------------------------------------


def test_the_privacy_page_is_public_and_says_what_is_kept_and_how_long(client, app):
    english(client)
    response = client.get(POLICY_URL)
    page = text(response)
    assert response.status_code == 200
    assert "Privacy" in page
    days = app.config["AUDIT_RETENTION_DAYS"]
    assert f"{days} days" in page
    assert "never asks for or keeps the name or any other personal data of a pupil" in page
    assert f'href="{LOGIN_URL}?next=' in page  # sign in to download or delete


def test_the_footer_and_the_settings_page_link_to_it(client, make):
    assert f'href="{POLICY_URL}"' in text(client.get("/"))
    login(client, make.user(security.TEACHER))
    settings = text(client.get(PRIVATE_PAGE))
    assert f'href="{ACCOUNT_URL}"' in settings and f'href="{POLICY_URL}"' in settings


def test_the_account_page_needs_signing_in(client, make):
    assert location(client.get(ACCOUNT_URL)).startswith(LOGIN_URL)
    assert location(client.get(DELETE_URL)).startswith(LOGIN_URL)
    login(client, make.user(security.TEACHER))
    page = text(client.get(ACCOUNT_URL))
    assert f'action="{EXPORT_URL}"' in page and f'href="{DELETE_URL}"' in page


# --- downloading ---------------------------------------------------------------------------


def test_the_download_is_a_json_file_of_the_users_own_data(client, make):
    me, other = teacher(make), teacher(make, name="Bram Geheim")
    make.booking(make.offer(), other, message="Bericht van Bram.")
    login(client, me)

    response = submit(client, ACCOUNT_URL, action=EXPORT_URL)

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="portal-gegevens-{local_today().isoformat()}.json"')
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == me.email
    body = response.get_data(as_text=True)
    assert other.email not in body and "Bram" not in body
    assert me.password_hash not in body


def test_the_download_needs_a_post_with_its_token(client, make):
    login(client, make.user(security.TEACHER))
    assert client.get(EXPORT_URL).status_code == 405
    assert client.post(EXPORT_URL).status_code == 400  # no CSRF token


def test_a_visitor_cannot_download(client):
    page = text(client.get(LOGIN_URL))
    response = client.post(EXPORT_URL, data={"csrf_token": csrf_token(page)})
    assert location(response).startswith(LOGIN_URL)


# --- deleting --------------------------------------------------------------------------------


def test_a_wrong_password_is_refused_next_to_the_field_and_nothing_changes(client, make):
    me = teacher(make)
    login(client, me)

    response = delete(client, password="niet mijn wachtwoord")

    assert response.status_code == 422
    assert field_error(response, "password")
    me = reload(User, me.id)
    assert me.deleted_at is None and me.full_name == "Anna de Vries" and me.is_active
    assert client.get(PRIVATE_PAGE).status_code == 200  # still signed in


def test_the_box_must_be_ticked(client, make):
    me = teacher(make)
    login(client, me)

    response = delete(client, confirm=None)

    assert response.status_code == 422 and field_error(response, "confirm")
    assert reload(User, me.id).deleted_at is None


def test_the_owner_of_a_team_with_colleagues_is_sent_to_hand_over(client, make):
    from portal.organisations import teams

    company = make.company(name="Metaal BV")
    me = make.owner_of(company)
    colleague = make.user(security.COMPANY_MEMBER)
    _invitation, token = teams.invite_member(actor=me, organisation=company,
                                             email=colleague.email)
    teams.accept_invitation(actor=colleague, token=token)
    login(client, me)
    english(client)

    page = text(client.get(DELETE_URL))
    assert "Metaal BV" in page and 'href="/team/eigenaar"' in page
    assert 'name="password"' not in page  # no form while it cannot be done
    response = client.post(DELETE_URL, data={"csrf_token": csrf_token(page),
                                              "password": PASSWORD, "confirm": "y"})
    assert response.status_code == 422 and form_alert(response)
    assert reload(User, me.id).deleted_at is None


def test_deleting_signs_out_and_an_old_cookie_no_longer_works(client, make, new_client):
    me = teacher(make)
    old_email = me.email
    login(client, me)
    copied = client.get_cookie("session").value

    response = delete(client)

    assert response.status_code == 302 and location(response) == "/"
    assert "verwijderd" in text(client.get("/"))  # the flash, in Dutch
    assert location(client.get(PRIVATE_PAGE)).startswith(LOGIN_URL)
    thief = new_client()
    thief.set_cookie("session", copied, domain="localhost")
    assert location(thief.get(PRIVATE_PAGE)).startswith(LOGIN_URL)
    me = reload(User, me.id)
    assert me.full_name == DELETED_NAME and me.email == deleted_email(me.id)
    # Nor can the old address and password sign in.
    response = submit(new_client(), LOGIN_URL, {"email": old_email, "password": PASSWORD})
    assert response.status_code == 422


def test_another_user_cannot_delete_someone_elses_account(client, make, new_client):
    """There is no id in the address: a user can only ever delete the account signed in,
    and another's password does not help."""
    victim, me = teacher(make, name="Slachtoffer"), teacher(make, name="Iemand Anders")
    login(client, me)

    response = delete(client, password="not the victims password either")
    assert response.status_code == 422
    response = client.post(f"{DELETE_URL}?user_id={victim.id}", data={
        "csrf_token": csrf_token(text(client.get(DELETE_URL))), "password": PASSWORD,
        "confirm": "y", "user_id": victim.id})

    assert response.status_code == 302
    assert reload(User, victim.id).deleted_at is None  # the victim is untouched
    assert reload(User, me.id).deleted_at is not None  # only the account signed in went


def test_the_conversation_shows_the_anonymised_name_and_the_company_is_told(client, make,
                                                                           new_client):
    me = teacher(make, name="Anna de Vries")
    company = make.company()
    contact = make.owner_of(company)
    booking = make.booking(make.offer(company), me, message="Wij komen graag.")
    post_message(actor=me, booking=booking, body="Is er parkeerruimte?")
    login(client, me)
    mark = last_id()

    delete(client)

    [notice] = mails_since(mark, "booking.withdrawn")
    assert notice.user_id == contact.id
    company_side = new_client()
    login(company_side, contact)
    page = text(company_side.get(f"/aanvragen/{booking.id}"))
    assert "Anna de Vries" not in page and me.email not in page
    assert f'<span class="fw-semibold">{DELETED_NAME}</span>' in page  # as the author
    assert "Is er parkeerruimte?" in page  # the record of the conversation stays
    assert reload(Booking, booking.id).status == "withdrawn"


def test_the_team_page_no_longer_lists_a_deleted_colleague(client, make, new_client):
    from portal.organisations import teams

    company = make.company()
    owner = make.owner_of(company)
    colleague = make.user(security.COMPANY_MEMBER, full_name="Carla Collega")
    _invitation, token = teams.invite_member(actor=owner, organisation=company,
                                             email=colleague.email)
    teams.accept_invitation(actor=colleague, token=token)
    login(client, colleague)
    delete(client)

    team = new_client()
    login(team, owner)
    response = team.get("/team")
    assert response.status_code == 200
    assert "Carla Collega" not in text(response) and colleague.email not in text(response)
