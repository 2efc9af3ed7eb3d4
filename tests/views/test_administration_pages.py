"""The administrator's pages: the overview on /beheer (with where no Technocentrum works), the
Technocentra with their region and moderators, and the invited moderator's own page."""
import pytest
from sqlalchemy import select

from portal import security
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.extensions import db
from portal.geo.models import Province
from portal.organisations.centres import save_centre
from portal.organisations.models import Membership, Technocentrum
from portal.organisations.team_models import Invitation
from tests import factories
from tests.outbox import last_id, link_in, mails_since
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

PASSWORD = "vijf losse woorden erbij"


def province_id(code):
    return db.session.scalar(select(Province.id).where(Province.code == code))


@pytest.fixture
def admin_client(client, make):
    login(client, make.admin())
    return client


def test_the_overview_links_every_administrators_page_and_names_uncovered_places(admin_client,
                                                                                make):
    make.moderator(make.technocentrum(("NL-ZE",)))
    make.company(place="Breda", approved=False)

    page = admin_client.get("/beheer")

    assert page.status_code == 200
    html = text(page)
    for path in ("/beheer/technocentra", "/beheer/referentie", "/moderatie/vakanties",
                 "/beheer/mail", "/moderatie/logboek", "/moderatie/cijfers"):
        assert f'href="{path}"' in html, path
    assert "Breda" in html and "Noord-Brabant" in html
    assert 'href="/beheer"' in html  # the navigation's link


def test_setting_up_a_centre_through_the_page(admin_client, make):
    response = submit(admin_client, "/beheer/technocentra", {
        "centre-name": "Techniek West-Brabant", "centre-provinces": [],
        "centre-places": "Bergen op Zoom\nRoosendaal"})

    centre = find(Technocentrum, Technocentrum.name == "Techniek West-Brabant")
    assert location(response) == f"/beheer/technocentra/{centre.id}"
    assert [p.name for p in centre.places] == ["Bergen op Zoom", "Roosendaal"]
    assert count(AuditEvent, AuditEvent.action == "technocentrum.created") == 1
    page = admin_client.get(location(response))
    assert "Bergen op Zoom" in text(page) and "Roosendaal" in text(page)


def test_changing_a_centres_region_through_the_page(admin_client, make):
    centre = make.technocentrum(("NL-ZE",), name="Zeeland")
    url = f"/beheer/technocentra/{centre.id}"

    response = submit(admin_client, url, {
        "centre-name": "Techniek Zeeland",
        "centre-provinces": [str(province_id("NL-ZE")), str(province_id("BE-VLG"))],
        "centre-places": "Bergen op Zoom"}, action=url)

    assert location(response) == url
    centre = find(Technocentrum, Technocentrum.id == centre.id)
    assert centre.name == "Techniek Zeeland"
    assert sorted(p.code for p in centre.provinces) == ["BE-VLG", "NL-ZE"]
    assert [p.name for p in centre.places] == ["Bergen op Zoom"]


@pytest.mark.parametrize("data, field", [
    ({"centre-name": ""}, "centre-name"),
    ({"centre-provinces": None, "centre-places": ""}, "centre-provinces"),
    ({"centre-places": "Nergenshuizen"}, "centre-places"),
])
def test_bad_input_on_the_centre_page_is_named_beside_the_field(admin_client, make, data,
                                                                field):
    centre = make.technocentrum(("NL-ZE",), name="Zeeland")
    url = f"/beheer/technocentra/{centre.id}"

    response = submit(admin_client, url, data, action=url)

    assert response.status_code == 422
    assert field_error(response, field)
    centre = find(Technocentrum, Technocentrum.id == centre.id)
    assert centre.name == "Zeeland" and [p.code for p in centre.provinces] == ["NL-ZE"]
    assert centre.places == []


def test_a_province_id_the_page_never_offers_is_refused(admin_client, make):
    centre = make.technocentrum(("NL-ZE",), name="Zeeland")
    url = f"/beheer/technocentra/{centre.id}"

    response = submit(admin_client, url, {"centre-provinces": ["999999"]}, action=url,
                      strict=False)

    assert response.status_code == 422 and field_error(response, "centre-provinces")


def test_inviting_a_moderator_who_makes_their_account(client, make):
    centre = make.technocentrum(("NL-ZE",), name="Zeeland")
    login(client, make.admin())
    mark = last_id()
    url = f"/beheer/technocentra/{centre.id}"

    response = submit(client, url, {"invite-email": "Nieuw@Example.nl"},
                      action=f"{url}/uitnodigen")

    assert location(response) == url
    assert "nieuw@example.nl" in text(client.get(url))
    [mail] = mails_since(mark)
    token = link_in(mail, "/moderator-worden")
    logout(client)

    page = client.get(f"/moderator-worden/{token}")
    assert page.status_code == 200 and "nieuw@example.nl" in text(page)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    response = submit(client, f"/moderator-worden/{token}", {
        "join-full_name": "Nina Nieuw", "join-password": PASSWORD,
        "join-password_again": PASSWORD})

    assert location(response) == "/moderatie"
    user = find(User, User.email == "nieuw@example.nl")
    assert user.role == security.MODERATOR
    assert count(Membership, Membership.user_id == user.id,
                 Membership.organisation_id == centre.id) == 1
    assert client.get("/moderatie").status_code == 200  # signed in, as a moderator
    logout(client)
    assert client.get(f"/moderator-worden/{token}").status_code == 410


def test_a_bad_invitation_address_is_named_beside_the_field(admin_client, make):
    centre = make.technocentrum(("NL-ZE",))
    teacher = make.user(security.TEACHER)
    url = f"/beheer/technocentra/{centre.id}"

    for address in ("geen-adres", teacher.email):
        response = submit(admin_client, url, {"invite-email": address},
                          action=f"{url}/uitnodigen")
        assert response.status_code == 422 and field_error(response, "invite-email")
    assert count(Invitation, Invitation.organisation_id == centre.id) == 0


def test_the_join_page_refuses_a_weak_password_and_anyone_signed_in(client, make):
    from portal.administration import moderators

    centre = make.technocentrum(("NL-ZE",))
    invitation, token = moderators.invite_moderator(actor=make.admin(), centre=centre,
                                                    email="nieuw@example.nl")
    url = f"/moderator-worden/{token}"

    response = submit(client, url, {"join-full_name": "Nina", "join-password": "wachtwoord",
                                    "join-password_again": "wachtwoord"})
    assert response.status_code == 422 and field_error(response, "join-password")
    assert count(User, User.email == "nieuw@example.nl") == 0

    login(client, make.user(security.TEACHER))
    assert client.get(url).status_code == 409
    assert count(Invitation, Invitation.id == invitation.id,
                 Invitation.accepted_at.is_(None)) == 1


def test_revoking_an_invitation_and_a_moderator_through_the_page(admin_client, make):
    from portal.administration import moderators

    centre = make.technocentrum(("NL-ZE",), name="Zeeland")
    person = make.moderator(centre)
    invitation, token = moderators.invite_moderator(actor=make.admin(), centre=centre,
                                                    email="nieuw@example.nl")
    url = f"/beheer/technocentra/{centre.id}"
    membership = find(Membership, Membership.user_id == person.id)

    response = submit(admin_client, url, action=f"/beheer/uitnodigingen/{invitation.id}/intrekken")
    assert location(response) == url
    assert find(Invitation, Invitation.id == invitation.id).revoked_at is not None
    assert admin_client.get(f"/moderator-worden/{token}").status_code == 410
    response = submit(admin_client, url, {"revoke-reason": "Vertrokken."},
                      action=f"/beheer/moderatoren/{membership.id}/intrekken")
    assert location(response) == url
    assert count(Membership, Membership.id == membership.id) == 0
    assert not find(User, User.id == person.id).is_active
    log = text(admin_client.get("/moderatie/logboek"))
    assert "Vertrokken." in log


def test_a_revoked_moderator_can_no_longer_sign_in(client, make):
    from portal.administration import moderators

    centre = make.technocentrum(("NL-ZE",))
    person = make.moderator(centre)
    login(client, person)
    [membership] = moderators.moderators_of(centre)

    moderators.revoke_moderator(actor=make.admin(), centre=centre, membership=membership)

    assert location(client.get("/moderatie")).startswith(LOGIN_URL)
    response = submit(client, LOGIN_URL, {"email": person.email, "password": factories.PASSWORD})
    assert response.status_code == 422


@pytest.mark.parametrize("role", [security.MODERATOR, security.TEACHER])
def test_nobody_but_the_administrator_reaches_the_pages(client, make, role):
    person = make.moderator() if role == security.MODERATOR else make.user(role)
    centre = make.technocentrum(("NL-UT",))
    login(client, person)

    for url in ("/beheer", "/beheer/technocentra", f"/beheer/technocentra/{centre.id}"):
        assert client.get(url).status_code == 403, url


def test_the_join_page_says_when_the_address_has_another_account_by_now(client, make):
    from portal.administration import moderators

    centre = make.technocentrum(("NL-ZE",))
    _invitation, token = moderators.invite_moderator(actor=make.admin(), centre=centre,
                                                     email="later@example.nl")
    make.user(security.TEACHER, email="later@example.nl")

    page = client.get(f"/moderator-worden/{token}")

    assert page.status_code == 409 and "later@example.nl" in text(page)
    assert 'id="join-password"' not in text(page)


def test_a_refused_revocation_opens_that_moderators_form_with_the_message(admin_client, make):
    centre = make.technocentrum(("NL-ZE",))
    first, second = make.moderator(centre), make.moderator(centre)
    membership = find(Membership, Membership.user_id == second.id)
    url = f"/beheer/technocentra/{centre.id}"

    response = submit(admin_client, url, {"revoke-reason": "x" * 2001},
                      action=f"/beheer/moderatoren/{membership.id}/intrekken", strict=False)

    assert response.status_code == 422
    assert field_error(response, f"revoke-reason-{membership.id}")
    html = text(response)
    assert html.count("<details class=\"mt-2\" open>") == 1
    assert html.count('id="csrf_token"') == 0  # each row's token without an id of its own
    assert find(User, User.id == second.id).is_active and find(User, User.id == first.id)


def test_the_moderators_pages_name_the_places_besides(client, make):
    centre = make.technocentrum(("NL-ZE",), name="Zeeland")
    moderator = make.moderator(centre)
    save_centre(actor=make.admin(), centre=centre, name="Zeeland",
                province_ids=[province_id("NL-ZE")], places_text="Bergen op Zoom")
    login(client, moderator)

    for url in ("/moderatie", "/moderatie/techniekbus/instellingen"):
        assert "Zeeland; Bergen op Zoom" in text(client.get(url)), url
