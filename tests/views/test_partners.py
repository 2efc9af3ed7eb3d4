"""Partner circles through the pages: a school asks from the company's page, the company
answers on its partners page, either ends it; the teacher's search says "a partner of your
school"; a Technocentrum reads its region's circles."""
import pytest

from portal.organisations import partners
from portal.organisations.partner_models import Partnership
from tests.views.helpers import (
    csrf_token,
    field_error,
    find_all,
    location,
    login,
    reload,
    submit,
    text,
)


@pytest.fixture
def pair(make):
    school = make.school(place="Middelburg (Zeeland)")
    company = make.company(place="Vlissingen", name="Scheldewerf")
    return school, company


def test_a_school_asks_from_the_company_page_and_the_company_accepts(client, make, pair):
    school, company = pair
    login(client, make.owner_of(school))
    page = text(client.get(f"/bedrijven/{company.id}"))
    assert f'href="/partners/vragen/bedrijf/{company.id}"' in page

    asked = submit(client, f"/partners/vragen/bedrijf/{company.id}",
                   {"message": "Elk jaar een gastles?"})

    assert location(asked) == "/partners"
    [partnership] = find_all(Partnership)
    assert (partnership.status, partnership.message) == ("asked", "Elk jaar een gastles?")
    login(client, make.owner_of(company))
    page = text(client.get("/partners"))
    assert "Elk jaar een gastles?" in page
    answered = submit(client, "/partners", action=f"/partners/{partnership.id}/antwoord",
                      button="accept")
    assert location(answered) == "/partners"
    assert reload(Partnership, partnership.id).status == "active"
    assert school.name in text(client.get(f"/bedrijven/{company.id}"))  # partner schools


def test_asking_again_answers_422_and_changes_nothing(client, make, pair):
    school, company = pair
    login(client, make.owner_of(school))
    submit(client, f"/partners/vragen/bedrijf/{company.id}", {"message": ""})
    token = csrf_token(text(client.get("/partners")))

    again = client.post(f"/partners/vragen/bedrijf/{company.id}",
                        data={"csrf_token": token, "message": "Nog eens"})

    assert again.status_code == 422
    assert len(find_all(Partnership)) == 1


def test_a_company_asks_from_a_request_of_the_school(client, make):
    visit = make.booking(make.offer(make.company(place="Vlissingen")))
    login(client, make.owner_of(visit.offer.company))
    assert f'href="/partners/vragen/school/{visit.school_id}"' in text(
        client.get(f"/aanvragen/{visit.id}"))

    submit(client, f"/partners/vragen/school/{visit.school_id}", {"message": ""})

    [partnership] = find_all(Partnership)
    assert (partnership.asked_by, partnership.school_id) == ("company", visit.school_id)


def test_a_company_cannot_ask_a_school_it_never_met(client, make, pair):
    school, company = pair
    login(client, make.owner_of(company))

    assert client.get(f"/partners/vragen/school/{school.id}").status_code == 404
    token = csrf_token(text(client.get("/partners")))
    response = client.post(f"/partners/vragen/school/{school.id}",
                           data={"csrf_token": token, "message": "Hallo"})
    assert response.status_code == 404
    assert find_all(Partnership) == []


def test_ending_needs_a_reason_next_to_the_field(client, make, pair):
    school, company = pair
    active = make.partners(school, company)
    login(client, make.owner_of(company))
    url = f"/partners/{active.id}/beeindigen"

    refused = submit(client, "/partners", {f"end-{active.id}-reason": ""}, action=url)
    assert refused.status_code == 422 and field_error(refused, f"end-{active.id}-reason")
    assert reload(Partnership, active.id).status == "active"

    ended = submit(client, "/partners", {f"end-{active.id}-reason": "Werkplaats dicht."},
                   action=url)
    assert location(ended) == "/partners"
    assert reload(Partnership, active.id).status == "ended"


def test_strangers_get_404_and_other_roles_403(client, make, pair):
    school, company = pair
    asked = partners.ask(actor=make.owner_of(school), other=company)
    login(client, make.owner_of(make.company(place="Goes")))
    token = csrf_token(text(client.get("/partners")))
    response = client.post(f"/partners/{asked.id}/antwoord",
                           data={"csrf_token": token, "answer": "accept"})
    assert response.status_code == 404
    assert reload(Partnership, asked.id).status == "asked"
    login(client, make.moderator(make.technocentrum(("NL-ZE",))))
    assert client.get("/partners").status_code == 403
    login(client, make.owner_of(make.school(place="Goes")))
    assert client.get(f"/partners/vragen/school/{school.id}").status_code == 403


def test_the_teachers_search_says_a_partner_of_your_school(client, make, pair):
    school, company = pair
    make.offer(company, title="Rondleiding op de werf")
    make.partners(school, company)
    login(client, make.owner_of(school))

    page = text(client.get("/zoeken"))

    assert "een partner van uw school" in page


def test_the_technocentrum_reads_the_circles_of_its_region(client, make, pair):
    school, company = pair
    make.partners(school, company)
    login(client, make.moderator(make.technocentrum(("NL-ZE",))))
    page = text(client.get("/moderatie/kringen"))
    assert "Scheldewerf" in page and school.name in page
    login(client, make.moderator(make.technocentrum(("NL-FL",))))
    assert "Scheldewerf" not in text(client.get("/moderatie/kringen"))
