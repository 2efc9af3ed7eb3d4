"""Sessions that can be ended: signing out, a new password and "sign out on every other device"
end the sessions of the user at once; a cookie copied before no longer works, in any browser."""
from sqlalchemy import select

from portal import security
from portal.accounts.models import User
from portal.accounts.services import load_user
from portal.audit import AuditEvent
from portal.extensions import db
from tests.factories import PASSWORD
from tests.outbox import link_in, mails_since
from tests.views.helpers import LOGOUT_URL, location, login, submit

SETTINGS_URL = "/account/instellingen"
PRIVATE_PAGE = "/account/instellingen"


def cookie_of(client):
    return client.get_cookie("session").value


def replay(new_client, cookie):
    """Another browser that sends a copied session cookie: is it signed in?"""
    thief = new_client()
    thief.set_cookie("session", cookie, domain="localhost")
    return thief.get(PRIVATE_PAGE).status_code == 200


def on_two_devices(client, new_client, user):
    """The user signed in on `client` and on a phone; returns the phone."""
    phone = new_client()
    login(client, user)
    login(phone, user)
    return phone


def signed_out(browser):
    return location(browser.get(PRIVATE_PAGE)).startswith("/account/inloggen")


def test_a_cookie_copied_before_signing_out_no_longer_works(client, make, new_client):
    user = make.user(security.TEACHER)
    login(client, user)
    copied = cookie_of(client)
    assert replay(new_client, copied)  # the copy works while the session lives

    submit(client, "/zoeken", action=LOGOUT_URL)

    assert not replay(new_client, copied)
    assert signed_out(client)


def test_signing_out_ends_the_session_on_other_devices_too(client, make, new_client):
    phone = on_two_devices(client, new_client, make.user(security.TEACHER))

    submit(client, "/zoeken", action=LOGOUT_URL)

    assert signed_out(phone)


def test_a_new_password_ends_other_sessions_and_keeps_this_one(client, make, new_client):
    phone = on_two_devices(client, new_client, make.user(security.TEACHER))
    copied = cookie_of(client)

    response = submit(client, SETTINGS_URL, {
        "password-current_password": PASSWORD, "password-new_password": "fiets regen koffie",
        "password-new_password_again": "fiets regen koffie"},
        action="/account/instellingen/wachtwoord")

    assert response.status_code == 302
    assert client.get(PRIVATE_PAGE).status_code == 200
    assert signed_out(phone)
    assert not replay(new_client, copied)


def test_a_password_reset_by_e_mail_ends_every_session(client, make, new_client):
    user = make.user(security.TEACHER)
    login(client, user)
    stranger = new_client()
    submit(stranger, "/account/wachtwoord-vergeten", {"email": user.email})
    [mail] = mails_since(0, "account.reset_password")
    url = f"/account/wachtwoord-herstellen/{link_in(mail, '/account/wachtwoord-herstellen')}"

    submit(stranger, url, {"new_password": "fiets regen koffie",
                           "new_password_again": "fiets regen koffie"})

    assert signed_out(client)
    assert stranger.get(PRIVATE_PAGE).status_code == 200


def test_sign_out_on_every_other_device(client, make, new_client):
    user = make.user(security.COMPANY_MEMBER)
    phone = on_two_devices(client, new_client, user)
    copied = cookie_of(phone)

    response = submit(client, SETTINGS_URL, action="/account/instellingen/overal-uitloggen")

    assert response.headers["Location"].endswith("/account/instellingen#sessions")
    assert client.get(PRIVATE_PAGE).status_code == 200
    assert signed_out(phone)
    assert not replay(new_client, copied)
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "user.sessions_ended", AuditEvent.actor_id == user.id))


def test_ending_sessions_needs_a_signed_in_user_and_a_token(client, make):
    assert client.post("/account/instellingen/overal-uitloggen").status_code == 400
    user = make.user()
    login(client, user)
    token = db.session.get(User, user.id).session_token

    assert client.post("/account/instellingen/overal-uitloggen").status_code == 400
    assert db.session.get(User, user.id).session_token == token


def test_the_session_loader_refuses_what_is_not_a_present_session(make):
    user = make.user()
    present = user.get_id()

    assert load_user(present) == user
    for wrong in (str(user.id), f"{user.id}:", f"{user.id}:not-the-token",
                  f"{user.id + 1}:{user.session_token}", "99999999999999999999:x", "x:y", "",
                  None, f" {present}"):
        assert load_user(wrong) is None, wrong
    user.is_active = False
    assert load_user(present) is None
