"""The settings page: each small form sent on its own, answered with a redirect back, or with the
page again (422) and the message next to the field, nothing changed."""
import re

import pytest
from sqlalchemy import select

from portal import security
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from tests.factories import PASSWORD
from tests.views.helpers import (
    LOGIN_URL,
    count,
    field_error,
    find,
    location,
    login,
    logout,
    submit,
    text,
)

SETTINGS_URL = "/account/instellingen"
NEW_PASSWORD = "een nieuw lang wachtwoord"


def send(client, section, data):
    return submit(client, SETTINGS_URL, data, action=f"{SETTINGS_URL}/{section}")


def user_now(user):
    return find(User, User.id == user.id)


def mails(kind, to=None):
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.kind == kind)
    if to is not None:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def html_lang(client, url="/zoeken"):
    return re.search(r'<html lang="([a-z]+)"', text(client.get(url))).group(1)


def test_the_page_needs_signing_in(client):
    response = client.get(SETTINGS_URL)

    assert response.status_code == 302
    assert location(response).startswith(LOGIN_URL)


def test_the_navigation_links_the_settings(client, make):
    login(client, make.user())

    assert f'href="{SETTINGS_URL}"' in text(client.get("/zoeken"))
    page = client.get(SETTINGS_URL)
    assert page.status_code == 200
    assert 'aria-current="page" href="/account/instellingen"' in text(page)
    assert 'form="resend-confirmation"' not in text(page)
    assert text(page).count('action="/account/bevestigen/opnieuw"') == 1


def test_the_calendar_link_appears_only_once_its_page_exists(client, make, app):
    login(client, make.user())

    page = text(client.get(SETTINGS_URL))

    if "calendar.feed_page" in app.view_functions:
        with app.test_request_context():
            from flask import url_for
            assert f'href="{url_for("calendar.feed_page")}"' in page
    else:
        assert 'id="calendar"' not in page


# Language ----------------------------------------------------------------------------------

def test_the_chosen_language_is_saved_for_the_site_and_the_mail(client, make):
    user = make.user()
    login(client, user)
    assert html_lang(client) == "nl"

    response = send(client, "taal", {"language-locale": "en"})

    assert response.status_code == 302
    assert location(response) == SETTINGS_URL
    assert user_now(user).locale == "en"
    assert "Your language is saved." in text(client.get(SETTINGS_URL))
    assert html_lang(client) == "en"


def test_signing_in_takes_the_language_of_the_account(client, make):
    user = make.user()
    user.locale = "en"
    db.session.commit()

    login(client, user)

    assert html_lang(client) == "en"


def test_a_language_chosen_just_before_signing_in_stays(client, make):
    user = make.user()
    user.locale = "en"
    db.session.commit()
    client.get("/taal/nl")

    login(client, user)

    assert html_lang(client) == "nl"


def test_a_language_not_offered_is_refused(client, make):
    user = make.user()
    login(client, user)

    response = submit(client, SETTINGS_URL, {"language-locale": "de"}, strict=False,
                      action=f"{SETTINGS_URL}/taal")

    assert response.status_code == 422
    assert field_error(response, "language-locale")
    assert user_now(user).locale == "nl"


# E-mail choices ----------------------------------------------------------------------------

def test_mail_choices_are_saved_and_account_mail_always_comes(client, make):
    user = make.user()
    client.get("/taal/en")  # chosen before signing in, so the page reads in English
    login(client, user)
    page = text(client.get(SETTINGS_URL))
    assert "always comes" in page
    assert "an offer of a place from a waiting list" in page  # that one cannot be switched off
    assert 'name="mail-digest"' not in page  # the digest is for companies

    response = send(client, "e-mail", {"mail-receive": ["team", "waitlist"]})

    assert response.status_code == 302
    assert sorted(user_now(user).mail_off) == ["booking", "moderation", "reminder"]
    page = text(client.get(SETTINGS_URL))
    assert re.search(r'value="team"[^>]*checked|checked[^>]*value="team"', page)
    assert not re.search(r'value="booking"[^>]*checked|checked[^>]*value="booking"', page)


def test_a_company_member_can_take_the_daily_digest(client, make):
    member = make.user(security.COMPANY_MEMBER)
    login(client, member)

    response = send(client, "e-mail", {"mail-digest": "y"})

    assert response.status_code == 302
    assert user_now(member).mail_digest is True
    assert user_now(member).mail_off == []


def test_a_teacher_cannot_send_the_digest_anyway(client, make):
    user = make.user()
    login(client, user)

    # The field is not on a teacher's form: a forged one is ignored.
    response = client.post(f"{SETTINGS_URL}/e-mail", data={
        "mail-csrf_token": re.search(r'name="mail-csrf_token"[^>]*value="([^"]+)"',
                                     text(client.get(SETTINGS_URL))).group(1),
        "mail-receive": ["booking"], "mail-digest": "y"})

    assert response.status_code == 302
    assert user_now(user).mail_digest is False


# A new address -----------------------------------------------------------------------------

def test_a_new_address_is_used_once_confirmed(client, make, new_client):
    user = make.user(email="oud@bedrijf.nl", full_name="Bram Bedrijf")
    login(client, user)

    response = send(client, "adres", {"address-new_email": "nieuw@bedrijf.nl",
                                      "address-password": PASSWORD})

    assert response.status_code == 302
    assert location(response) == SETTINGS_URL
    assert user_now(user).email == "oud@bedrijf.nl"
    assert "nieuw@bedrijf.nl" in text(client.get(SETTINGS_URL))  # waiting for its link
    assert len(mails("account.email_change_notice", "oud@bedrijf.nl")) == 1
    body = mails("account.confirm_email", "nieuw@bedrijf.nl")[-1].body_text
    url = re.search(r"https?://[^/\s]+(/account/bevestigen/\S+)", body).group(1)
    # The old address still signs in until the link is opened and confirmed.
    login(new_client(), user)
    page = text(client.get(url))
    assert "nieuw@bedrijf.nl" in page and "oud@bedrijf.nl" in page
    assert user_now(user).email == "oud@bedrijf.nl"  # opening the link changed nothing

    response = submit(client, url)

    assert location(response) == SETTINGS_URL
    assert user_now(user).email == "nieuw@bedrijf.nl"
    assert user_now(user).email_confirmed_at is not None
    logout(client)
    assert submit(client, LOGIN_URL, {"email": "nieuw@bedrijf.nl",
                                      "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize(("data", "field"), [
    ({"address-new_email": "bezet@bedrijf.nl", "address-password": PASSWORD},
     "address-new_email"),
    ({"address-new_email": "vrij@bedrijf.nl", "address-password": "niet het wachtwoord"},
     "address-password"),
    ({"address-new_email": "geen adres", "address-password": PASSWORD}, "address-new_email"),
])
def test_a_wrong_address_change_answers_422_and_changes_nothing(client, make, data, field):
    make.user(email="bezet@bedrijf.nl")
    user = make.user(email="eigen@bedrijf.nl")
    login(client, user)

    response = send(client, "adres", data)

    assert response.status_code == 422
    assert field_error(response, field)
    assert user_now(user).email == "eigen@bedrijf.nl"
    assert mails("account.email_change_notice") == []


def test_an_address_taken_before_the_link_is_opened_is_explained(client, make):
    user = make.user(email="oud@bedrijf.nl")
    client.get("/taal/en")  # chosen before signing in, so the page reads in English
    login(client, user)
    send(client, "adres", {"address-new_email": "gewild@bedrijf.nl",
                           "address-password": PASSWORD})
    body = mails("account.confirm_email", "gewild@bedrijf.nl")[-1].body_text
    url = re.search(r"https?://[^/\s]+(/account/bevestigen/\S+)", body).group(1)
    make.user(email="gewild@bedrijf.nl")

    page = client.get(url)

    assert page.status_code == 409
    assert "This address is in use by another account" in text(page)
    assert user_now(user).email == "oud@bedrijf.nl"


# Password ----------------------------------------------------------------------------------

def test_a_new_password_with_the_current_one(client, make):
    user = make.user()
    login(client, user)

    response = send(client, "wachtwoord", {
        "password-current_password": PASSWORD, "password-new_password": NEW_PASSWORD,
        "password-new_password_again": NEW_PASSWORD})

    assert response.status_code == 302
    assert security.verify_password(user_now(user).password_hash, NEW_PASSWORD)
    assert len(mails("account.password_changed", user.email)) == 1
    assert count(AuditEvent, AuditEvent.action == "user.password_changed") == 1


@pytest.mark.parametrize(("data", "field"), [
    ({"password-current_password": "niet het wachtwoord"}, "password-current_password"),
    ({"password-new_password_again": "iets anders helemaal"}, "password-new_password_again"),
    ({"password-new_password": "kort", "password-new_password_again": "kort"},
     "password-new_password"),
])
def test_a_wrong_password_change_answers_422_and_changes_nothing(client, make, data, field):
    user = make.user()
    login(client, user)
    hash_before = user_now(user).password_hash

    response = send(client, "wachtwoord", {
        "password-current_password": PASSWORD, "password-new_password": NEW_PASSWORD,
        "password-new_password_again": NEW_PASSWORD, **data})

    assert response.status_code == 422
    assert field_error(response, field)
    assert 'id="error-summary"' in text(response)
    # The page says itself that the address waits for confirmation: no notice above it.
    assert 'form="resend-confirmation"' not in text(response)
    assert user_now(user).password_hash == hash_before
    assert mails("account.password_changed") == []
    assert count(AuditEvent, AuditEvent.action == "user.password_changed") == 0


def test_a_settings_form_without_token_is_refused(client, make):
    user = make.user()
    login(client, user)

    response = client.post(f"{SETTINGS_URL}/taal", data={"language-locale": "en"})

    assert response.status_code == 400
    assert user_now(user).locale == "nl"
