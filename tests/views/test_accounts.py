"""Registering, signing in and out through the account pages."""
import pytest

from portal import security
from portal.accounts.models import User
from portal.organisations.models import Company
from portal.taxonomy.services import sector_by_code
from tests.outbox import last_id, link_in, mails_since
from tests.views.helpers import (
    LOGIN_URL,
    LOGOUT_URL,
    count,
    csrf_token,
    field_error,
    find,
    form_alert,
    location,
    login,
    submit,
    text,
)

REGISTER_URL = "/account/registreren"
CONFIRM_PATH = "/account/bevestigen"


def registration(**overrides):
    data = {"role": security.COMPANY_MEMBER, "full_name": "Ilse de Smid",
            "email": "ilse@smederij.nl", "password": "lang genoeg wachtwoord",
            "password_again": "lang genoeg wachtwoord"}
    data.update(overrides)
    return data


def signed_in(client):
    """Whether the client's cookie carries a signed-in user: /welkom sends others to sign in."""
    response = client.get("/welkom")
    assert response.status_code == 302
    return not location(response).startswith(LOGIN_URL)


def confirm_by_mail(client, email):
    """Open the link of the confirmation e-mail to `email` and press its button."""
    [mail] = mails_since(0, "account.confirm_email")
    assert mail.to_address == email
    url = f"{CONFIRM_PATH}/{link_in(mail, CONFIRM_PATH)}"
    return submit(client, url)


def test_a_company_member_registers_confirms_and_lands_on_the_company_registration(client):
    response = submit(client, REGISTER_URL, registration())

    assert location(response) == "/account/registreren/verstuurd"
    page = client.get(location(response))
    assert "ilse@smederij.nl" in text(page)
    assert not signed_in(client)  # registering signs no one in: the e-mail link does
    user = find(User, User.email == "ilse@smederij.nl")
    assert user.role == security.COMPANY_MEMBER
    assert user.password_hash != "lang genoeg wachtwoord"

    response = confirm_by_mail(client, "ilse@smederij.nl")

    followed = client.get(location(response), follow_redirects=True)
    assert followed.request.path == "/bedrijf/registreren"
    assert followed.status_code == 200
    assert "Ilse de Smid" in text(followed)  # the navbar names the signed-in user
    assert find(User, User.email == "ilse@smederij.nl").email_confirmed_at is not None


def test_a_teacher_registers_and_the_link_leads_to_the_school_registration(client):
    submit(client, REGISTER_URL, registration(role=security.TEACHER))

    response = confirm_by_mail(client, "ilse@smederij.nl")

    assert client.get(location(response), follow_redirects=True).request.path == (
        "/school/registreren")


def test_registering_from_an_invitation_returns_to_it_after_the_link(client):
    submit(client, f"{REGISTER_URL}?next=/zoeken", registration(role=security.TEACHER))

    assert location(confirm_by_mail(client, "ilse@smederij.nl")) == "/zoeken"


def test_a_known_address_gets_the_same_answer_and_an_e_mail(client, make, new_client):
    known = make.user(email="bezet@example.nl", full_name="Bea Zet")
    mark = last_id()
    fresh = new_client()

    taken = submit(client, REGISTER_URL, registration(email="Bezet@Example.nl"))
    new = submit(fresh, REGISTER_URL, registration(email="nieuw@example.nl"))

    assert taken.status_code == new.status_code == 302
    assert location(taken) == location(new)
    taken_page, new_page = client.get(location(taken)), fresh.get(location(new))
    assert text(taken_page).replace("bezet@example.nl", "X") == (
        text(new_page).replace("nieuw@example.nl", "X"))
    assert count(User, User.email == "bezet@example.nl") == 1
    assert find(User, User.email == "bezet@example.nl").full_name == "Bea Zet"  # untouched
    [told] = mails_since(mark, "account.already_registered")
    assert told.to_address == known.email and told.user_id == known.id
    assert "/account/inloggen" in told.body_text
    assert not signed_in(client)


def test_a_known_address_with_a_bad_password_gets_the_same_messages(client, make):
    make.user(email="bezet@example.nl")

    for email in ("bezet@example.nl", "nieuw@example.nl"):
        response = submit(client, REGISTER_URL,
                          registration(email=email, password="kort", password_again="kort"))
        assert response.status_code == 422
        assert field_error(response, "password")
        assert not field_error(response, "email")


@pytest.mark.parametrize(("overrides", "field"), [
    ({"password_again": "een ander wachtwoord"}, "password_again"),
    ({"password": "kort", "password_again": "kort"}, "password"),
    ({"email": "geen-adres"}, "email"),
    ({"full_name": "   "}, "full_name"),
])
def test_a_wrong_registration_answers_422_next_to_the_field(client, overrides, field):
    data = registration(**{"email": "fout@example.nl", **overrides})
    response = submit(client, REGISTER_URL, data)

    assert response.status_code == 422
    assert field_error(response, field)
    assert "is-invalid" in text(response)
    assert count(User, User.email == data["email"]) == 0
    assert not signed_in(client)


def test_a_role_outside_self_service_cannot_be_chosen(client):
    response = submit(client, REGISTER_URL, registration(role=security.ADMIN), strict=False)

    assert response.status_code == 422
    assert field_error(response, "role")
    assert count(User, User.email == "ilse@smederij.nl") == 0


def test_signing_in_redirects_home_and_keeps_the_user(client, make):
    user = make.user(security.COMPANY_MEMBER)

    response = login(client, user)

    assert location(response) == "/"
    assert signed_in(client)
    assert location(client.get("/")) == "/bedrijf"


def test_another_browser_is_not_signed_in(client, make, new_client):
    login(client, make.user())

    assert signed_in(client)
    assert not signed_in(new_client())


def test_a_wrong_password_answers_422_with_one_alert_for_the_form(client, make):
    user = make.user()

    response = submit(client, LOGIN_URL, {"email": user.email, "password": "niet het wachtwoord"})

    assert response.status_code == 422
    assert form_alert(response)
    assert not field_error(response, "password")  # which part was wrong is not told
    assert not signed_in(client)


def test_an_unknown_e_mail_answers_like_a_wrong_password(client):
    response = submit(client, LOGIN_URL, {"email": "niemand@example.nl", "password": "whatever1"})

    assert response.status_code == 422
    assert form_alert(response)


def test_signing_out_is_a_post_with_a_token(client, make):
    user = make.user()
    login(client, user)

    assert client.get(LOGOUT_URL).status_code == 405
    assert client.post(LOGOUT_URL).status_code == 400
    assert signed_in(client)

    response = submit(client, "/zoeken", action=LOGOUT_URL)

    assert response.status_code == 302
    assert not signed_in(client)


def test_a_registration_without_token_is_refused_and_changes_nothing(client):
    response = client.post(REGISTER_URL, data=registration())

    assert response.status_code == 400
    assert count(User, User.email == "ilse@smederij.nl") == 0


def test_a_token_from_another_session_is_refused(client, new_client):
    token = csrf_token(text(client.get(REGISTER_URL)))
    other = new_client()
    other.get(REGISTER_URL)

    response = other.post(REGISTER_URL, data={**registration(), "csrf_token": token})

    assert response.status_code == 400
    assert count(User, User.email == "ilse@smederij.nl") == 0


def test_a_signed_in_form_without_token_is_refused_and_changes_nothing(client, make):
    member = make.user(security.COMPANY_MEMBER)
    login(client, member)

    response = client.post("/bedrijf/registreren", data={
        "name": "Zonder Token BV", "number": make.kvk(), "place": "Vlissingen",
        "sectors": [str(sector_by_code("metaal").id)]})

    assert response.status_code == 400
    assert count(Company, Company.name == "Zonder Token BV") == 0


def test_a_signed_in_user_is_sent_away_from_the_registration(client, make):
    login(client, make.user())

    assert client.get(REGISTER_URL).status_code == 302


@pytest.mark.parametrize("target", ["/zoeken", "/aanvragen?x=1"])
def test_login_follows_next_to_a_local_path(client, make, target):
    response = login(client, make.user(), next=target)

    assert location(response) == target


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "http:/zoeken",
                                    "/\\evil.example", "zoeken"])
def test_login_does_not_follow_next_off_site(client, make, target):
    response = login(client, make.user(), next=target)

    header = response.headers["Location"]
    assert "evil.example" not in header or header.startswith("/%5C")
    assert not header.startswith(("//", "/\\", "http"))
    assert location(response) in ("/", "/%5Cevil.example")
