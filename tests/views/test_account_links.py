"""The pages of e-mailed links: a forgotten password, and confirming an address (with the notice
under the navigation until it is confirmed)."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import create_app, security
from portal.accounts.models import AccountToken, User
from portal.config import TestingConfig
from portal.extensions import db, limiter
from portal.notifications.models import OutboxMessage
from tests.factories import PASSWORD
from tests.views.helpers import (
    LOGIN_URL,
    count,
    csrf_token,
    field_error,
    find,
    find_form,
    location,
    login,
    submit,
    text,
)

FORGOT_URL = "/account/wachtwoord-vergeten"
RESET_PATH = "/account/wachtwoord-herstellen"
CONFIRM_PATH = "/account/bevestigen"
RESEND_URL = "/account/bevestigen/opnieuw"
NEW_PASSWORD = "een nieuw lang wachtwoord"


def mails(kind, to=None):
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.kind == kind)
    if to is not None:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def link(kind, to, path):
    """The path of the link in the newest mail of `kind` to `to`, as its reader clicks it."""
    body = mails(kind, to)[-1].body_text
    return re.findall(rf"https?://[^/\s]+({re.escape(path)}/[A-Za-z0-9_-]+)", body)[-1]


def age_links(user, created=None, expires=None):
    """Move the user's links back in time: made earlier, or expired."""
    db.session.expire_all()
    for token in db.session.scalars(select(AccountToken).where(AccountToken.user_id == user.id)):
        if created is not None:
            token.created_at = token.created_at + created
        if expires is not None:
            token.expires_at = token.expires_at + expires
    db.session.commit()


def english(client):
    """Choose English before signing in, so the pages below read in English."""
    client.get("/taal/en")
    return client


def signed_in_as(client):
    """The name the navigation shows, or None when nobody is signed in."""
    page = text(client.get("/zoeken"))
    found = re.search(r'<span class="visually-hidden">[^<]*</span>([^<]+)<span', page)
    return found.group(1) if found else None


def request_reset(client, email):
    return submit(client, FORGOT_URL, {"email": email})


# A forgotten password ----------------------------------------------------------------------

def test_the_login_page_links_to_the_forgotten_password_form(client):
    assert f'href="{FORGOT_URL}"' in text(client.get(LOGIN_URL))


def test_known_and_unknown_addresses_get_the_same_answer(client, make, new_client):
    user = make.user(email="bekend@school.nl")
    english(client)

    known = request_reset(client, "bekend@school.nl")
    unknown = request_reset(new_client(), "onbekend@school.nl")

    assert known.status_code == unknown.status_code == 302
    assert location(known) == location(unknown)
    assert text(client.get(location(known))).count("If an account uses this address") == 1
    assert [m.to_address for m in mails("account.reset_password")] == [user.email]


def test_a_wrong_address_shape_answers_422(client):
    response = submit(client, FORGOT_URL, {"email": "geen adres"})

    assert response.status_code == 422
    assert field_error(response, "email")


def test_the_mailed_link_sets_a_new_password_and_signs_in(client, make, new_client):
    user = make.user(email="docent@school.nl", full_name="Dirk Docent")
    english(client)
    request_reset(new_client(), "docent@school.nl")
    url = link("account.reset_password", user.email, RESET_PATH)

    page = client.get(url)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    response = submit(client, url, {"new_password": NEW_PASSWORD,
                                    "new_password_again": NEW_PASSWORD})

    assert response.status_code == 302
    assert signed_in_as(client) == "Dirk Docent"
    assert security.verify_password(find(User, User.id == user.id).password_hash, NEW_PASSWORD)
    # The link worked once: opened again, it says so and offers a new one.
    again = client.get(url)
    assert again.status_code == 410
    assert "This link has been used already" in text(again)


def test_two_different_passwords_answer_422_and_change_nothing(client, make):
    user = make.user()
    request_reset(client, user.email)
    url = link("account.reset_password", user.email, RESET_PATH)

    response = submit(client, url, {"new_password": NEW_PASSWORD,
                                    "new_password_again": "iets heel anders"})

    assert response.status_code == 422
    assert field_error(response, "new_password_again")
    assert security.verify_password(find(User, User.id == user.id).password_hash, PASSWORD)
    assert signed_in_as(client) is None


def test_an_expired_link_explains_itself_and_offers_a_new_one(client, make):
    user = make.user(email="laat@school.nl")
    english(client)
    request_reset(client, user.email)
    url = link("account.reset_password", user.email, RESET_PATH)
    age_links(user, expires=timedelta(hours=-3))

    page = client.get(url)

    assert page.status_code == 410
    assert "This link has expired" in text(page)
    # Its form asks for the address again (empty) and sends a new link.
    form = find_form(text(page), FORGOT_URL)
    data = form.defaults()
    assert data["email"] == [""]
    age_links(user, created=timedelta(hours=-3))
    response = client.post(FORGOT_URL, data={**data, "email": "laat@school.nl"})
    assert response.status_code == 302
    assert len(mails("account.reset_password")) == 2


def test_an_unknown_link_answers_404_with_a_form_for_a_new_one(client):
    english(client)
    page = client.get(f"{RESET_PATH}/verzonnen")

    assert page.status_code == 404
    assert "This link does not work" in text(page)
    assert f'action="{FORGOT_URL}"' in text(page)


def test_a_link_of_another_account_is_refused_for_a_signed_in_user(client, make):
    owner = make.user()
    other = make.user(full_name="Olga Ander")
    request_reset(client, owner.email)
    url = link("account.reset_password", owner.email, RESET_PATH)
    english(client)
    login(client, other)

    page = client.get(url)

    assert page.status_code == 403
    assert "This link is for another account" in text(page)
    assert signed_in_as(client) == "Olga Ander"


# Confirming an address ---------------------------------------------------------------------

def registered(client, email="nieuw@bedrijf.nl", lang=None):
    if lang:
        client.get(f"/taal/{lang}")
    submit(client, "/account/registreren", {
        "role": security.COMPANY_MEMBER, "full_name": "Nora Nieuw", "email": email,
        "password": PASSWORD, "password_again": PASSWORD})
    return find(User, User.email == email)


def test_a_new_account_sees_the_notice_until_the_address_is_confirmed(client):
    user = registered(client, lang="en")
    login(client, user)  # before opening the link
    url = link("account.confirm_email", user.email, CONFIRM_PATH)
    page = text(client.get("/zoeken"))
    assert "Please confirm your e-mail address" in page
    assert 'form="resend-confirmation"' in page and 'id="resend-confirmation"' in page

    response = submit(client, url)

    assert response.status_code == 302
    assert location(response) == "/account/instellingen"
    assert find(User, User.id == user.id).email_confirmed_at is not None
    assert "Please confirm your e-mail address" not in text(client.get("/zoeken"))


def test_the_registration_page_language_becomes_the_account_language(client):
    user = registered(client, lang="en")

    assert user.locale == "en"
    assert mails("account.confirm_email", user.email)[-1].locale == "en"


def test_the_notice_button_sends_a_new_link(client, make):
    user = make.user()
    login(client, user)
    before = len(mails("account.confirm_email", user.email))
    age_links(user, created=timedelta(minutes=-5))

    response = submit(client, "/zoeken?q=las", action=RESEND_URL)

    assert response.status_code == 302
    assert location(response) == "/zoeken?q=las"
    assert len(mails("account.confirm_email", user.email)) == before + 1


def test_a_confirmation_link_works_without_being_signed_in(client, make):
    user = make.user()
    url = link("account.confirm_email", user.email, CONFIRM_PATH)

    response = submit(client, url)

    # The link of a new account signs it in and goes on to registering an organisation.
    assert location(response) == "/welkom"
    assert signed_in_as(client) == user.full_name
    assert find(User, User.id == user.id).email_confirmed_at is not None
    # Opened again: the address is confirmed, and the page says so kindly.
    assert location(client.get(url)) == "/"
    assert location(client.post(url, data={"csrf_token": csrf_token(
        text(client.get(LOGIN_URL)))})) == "/"


def writes(statements):
    return [s for s in statements
            if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_opening_a_confirmation_link_shows_the_address_and_changes_nothing(
        client, make, count_queries):
    """Mail programs open links to check them: the GET only shows the address and a button."""
    user = make.user(email="docent@school.nl")
    url = link("account.confirm_email", user.email, CONFIRM_PATH)

    with count_queries() as statements:
        first, second = client.get(url), client.get(url)

    assert writes(statements) == []
    assert first.status_code == second.status_code == 200
    page = text(first)
    assert "docent@school.nl" in page
    form = find_form(page)
    assert form.action in ("", None, url) and "csrf_token" in form.names
    assert first.headers["Referrer-Policy"] == "no-referrer"
    assert find(User, User.id == user.id).email_confirmed_at is None
    assert count(AccountToken, AccountToken.used_at.is_not(None)) == 0

    assert location(submit(client, url)) == "/welkom"
    assert find(User, User.id == user.id).email_confirmed_at is not None


def test_the_confirm_button_needs_its_csrf_token(client, make):
    user = make.user()
    url = link("account.confirm_email", user.email, CONFIRM_PATH)

    response = client.post(url)

    assert response.status_code == 400
    assert find(User, User.id == user.id).email_confirmed_at is None
    assert count(AccountToken, AccountToken.used_at.is_not(None)) == 0


def test_opening_a_reset_link_only_shows_the_form(client, make, count_queries):
    user = make.user()
    request_reset(client, user.email)
    url = link("account.reset_password", user.email, RESET_PATH)

    with count_queries() as statements:
        page = client.get(url)

    assert page.status_code == 200 and 'name="new_password"' in text(page)
    assert writes(statements) == []
    assert count(AccountToken, AccountToken.used_at.is_not(None)) == 0


def test_an_expired_confirmation_link_offers_a_new_one(client, make, new_client):
    user = make.user()
    url = link("account.confirm_email", user.email, CONFIRM_PATH)
    age_links(user, expires=timedelta(days=-8))

    signed_out = english(new_client()).get(url)
    assert signed_out.status_code == 410
    assert "This link has expired" in text(signed_out)
    assert f'href="{LOGIN_URL}?next=' in text(signed_out)

    login(client, user)
    signed_in = client.get(url)
    assert signed_in.status_code == 410
    assert f'action="{RESEND_URL}"' in text(signed_in)
    assert find(User, User.id == user.id).email_confirmed_at is None


def test_a_reset_link_does_not_confirm_an_address(client, make):
    user = make.user()
    request_reset(client, user.email)
    reset_url = link("account.reset_password", user.email, RESET_PATH)

    page = client.get(reset_url.replace(RESET_PATH, CONFIRM_PATH))

    assert page.status_code == 404
    assert find(User, User.id == user.id).email_confirmed_at is None
    assert count(AccountToken, AccountToken.used_at.is_not(None)) == 0


@pytest.mark.own_app
def test_the_forgotten_password_form_is_rate_limited(tmp_path):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limits.sqlite'}"
        RATELIMIT_ENABLED = True

    app = create_app(Config)
    try:
        with app.app_context():
            db.create_all()
        client = app.test_client()
        token = csrf_token(text(client.get(FORGOT_URL)))

        def ask(email):
            return client.post(FORGOT_URL, data={"csrf_token": token, "email": email})

        same_address = [ask("x@example.nl").status_code for _ in range(6)]
        another_address = ask("y@example.nl").status_code
    finally:
        limiter.enabled = False  # the limiter is one object; the shared app runs without limits
    # Nobody floods one mailbox; others on the same network still get their link.
    assert same_address == [302] * 5 + [429]
    assert another_address == 302
