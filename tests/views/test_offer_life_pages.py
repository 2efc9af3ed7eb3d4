"""An offer's later life through its buttons (pause, resume, copy) and a company's accreditation
as a training company (erkend leerbedrijf) through its page."""
import pytest

from portal.audit import AuditEvent
from portal.offers.models import Offer
from portal.organisations.accreditation import set_sbb_number, verify_sbb_number
from portal.organisations.models import Company
from tests.views.helpers import (
    count,
    csrf_token,
    field_error,
    location,
    login,
    reload,
    submit,
    text,
)


@pytest.fixture
def company(make):
    return make.company()


@pytest.fixture
def member(client, make, company):
    user = make.owner_of(company)
    login(client, user)
    client.get("/taal/en")
    return user


# --- pause, resume, copy -------------------------------------------------------------------


def test_pause_and_resume_with_the_buttons(client, member, make, company, new_client):
    offer = make.offer(company)
    url = f"/aanbod/{offer.id}"

    response = submit(client, url, action=f"{url}/pauzeren")

    assert response.status_code == 302
    assert location(response) == url
    assert reload(Offer, offer.id).status == "paused"
    page = text(client.get(url))
    assert f'action="{url}/pauzeren"' not in page
    assert "The offer is paused" in page  # the flash
    teacher = new_client()
    login(teacher, make.owner_of(make.school()))
    seen = text(teacher.get(url))
    assert f'href="/aanvragen/aanbod/{offer.id}"' not in seen  # no new requests now

    response = submit(client, url, action=f"{url}/hervatten")

    assert response.status_code == 302
    assert reload(Offer, offer.id).status == "published"
    assert f'href="/aanvragen/aanbod/{offer.id}"' in text(teacher.get(url))


def test_pausing_a_paused_offer_twice_says_so(client, member, make, company):
    offer = make.offer(company)
    url = f"/aanbod/{offer.id}"
    token = csrf_token(text(client.get(url)))
    client.post(f"{url}/pauzeren", data={"csrf_token": token})

    response = client.post(f"{url}/pauzeren", data={"csrf_token": token},
                           follow_redirects=True)

    assert "Only a published offer can be paused." in text(response)
    assert reload(Offer, offer.id).status == "paused"
    assert count(AuditEvent, AuditEvent.action == "offer.paused",
                 AuditEvent.subject_id == offer.id) == 1


def test_copy_an_offer_with_its_button(client, member, make, company):
    offer = make.offer(company, title="Lasdag voor de derde klas")
    url = f"/aanbod/{offer.id}"

    response = submit(client, url, action=f"{url}/kopieren")

    assert response.status_code == 302
    copy = reload(Offer, int(location(response).split("/")[2]))
    assert location(response) == f"/aanbod/{copy.id}/bewerken"
    assert (copy.id != offer.id, copy.status, copy.title) == (True, "draft",
                                                              "Lasdag voor de derde klas")
    assert "A copy has been saved as a draft" in text(client.get(location(response)))
    assert count(Offer, Offer.company_id == company.id) == 2


def test_another_companys_member_gets_404_on_the_buttons(client, make):
    offer = make.offer()
    login(client, make.owner_of(make.company()))
    token = csrf_token(text(client.get("/aanbod/nieuw/company_visit")))

    for action in ("pauzeren", "hervatten", "kopieren", "indienen"):
        response = client.post(f"/aanbod/{offer.id}/{action}", data={"csrf_token": token})
        assert response.status_code == 404, action
    assert reload(Offer, offer.id).status == "published"
    assert count(Offer, Offer.company_id == offer.company_id) == 1


def test_the_buttons_need_a_token(client, member, make, company):
    offer = make.offer(company)

    for action in ("pauzeren", "kopieren"):
        assert client.post(f"/aanbod/{offer.id}/{action}").status_code == 400
    assert reload(Offer, offer.id).status == "published"
    assert count(Offer, Offer.company_id == company.id) == 1


# --- the accreditation page --------------------------------------------------------------


def test_state_the_sbb_number_then_wait_for_the_check(client, member, company):
    response = submit(client, "/bedrijf/leerbedrijf", {"sbb_number": "100 200 300"})

    assert response.status_code == 302
    assert location(response) == "/aanbod/nieuw"
    saved = reload(Company, company.id)
    assert (saved.sbb_number, saved.sbb_verified_at) == ("100200300", None)
    assert "Waiting for the Technocentrum to check 100200300." in text(
        client.get("/bedrijf/leerbedrijf"))
    assert "waiting for the check" in text(client.get("/aanbod/nieuw"))
    assert location(client.get("/aanbod/nieuw/apprenticeship")) == "/bedrijf/leerbedrijf"


@pytest.mark.parametrize("number", ["12345", "12ab5678", ""])
def test_a_bad_sbb_number_answers_422_at_the_field(client, member, company, number):
    response = submit(client, "/bedrijf/leerbedrijf", {"sbb_number": number})

    assert response.status_code == 422
    assert field_error(response, "sbb_number")
    assert reload(Company, company.id).sbb_number is None


def test_once_verified_the_company_offers_bbl_places(client, member, make, company):
    set_sbb_number(actor=member, company=company, number="100200300")
    verify_sbb_number(actor=make.admin(), company=company, seen="100200300")

    assert "Checked: 100200300" in text(client.get("/bedrijf/leerbedrijf"))
    page = client.get("/aanbod/nieuw/apprenticeship")
    assert page.status_code == 200
    assert 'name="hours_per_week"' in text(page)


def test_a_member_without_company_is_sent_to_register_it(client, make):
    from portal import security

    login(client, make.user(security.COMPANY_MEMBER))

    assert location(client.get("/bedrijf/leerbedrijf")) == "/bedrijf/registreren"


# --- every page renders --------------------------------------------------------------------


def test_every_page_of_an_offers_life_renders(client, make, new_client):
    company = make.company()
    login(client, make.owner_of(company))
    visit, placement = make.offer(company), make.placement(company)
    for url in ("/aanbod/nieuw", "/bedrijf/leerbedrijf", "/bedrijf", f"/aanbod/{visit.id}",
                f"/aanbod/{visit.id}/data", f"/aanbod/datum/{visit.slots[0].id}",
                f"/aanbod/{visit.id}/bewerken", f"/aanbod/{visit.id}/intrekken",
                f"/aanbod/{placement.id}", f"/aanbod/{placement.id}/bewerken"):
        assert client.get(url).status_code == 200, url

    teacher = new_client()
    school_member = make.owner_of(make.school())
    login(teacher, school_member)
    booking = make.booking(visit, school_member)
    for url in (f"/aanvragen/aanbod/{visit.id}", f"/aanvragen/aanbod/{placement.id}",
                "/zoeken", f"/aanbod/{visit.id}", f"/aanvragen/{booking.id}"):
        assert teacher.get(url).status_code == 200, url

    admin = new_client()
    login(admin, make.admin())
    for url in ("/moderatie", "/moderatie/vakanties", f"/moderatie/aanbod/{visit.id}",
                f"/moderatie/bedrijven/{company.id}"):
        assert admin.get(url).status_code == 200, url
