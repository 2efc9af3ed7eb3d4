"""Reporting an offer or a company through the pages, and the moderator's answers: dismissing a
report, suspending a company (from a report or its page) and lifting the suspension."""
import pytest

from portal.moderation.models import Report
from portal.organisations.models import Company
from tests.views.helpers import (
    LOGIN_URL,
    count,
    csrf_token,
    field_error,
    form_alert,
    location,
    login,
    reload,
    submit,
    text,
)


@pytest.fixture
def zeeland(make):
    return make.moderator(make.technocentrum(("NL-ZE",), name="Technocentrum Zeeland"))


@pytest.fixture
def offer(make):
    return make.offer(make.company(place="Vlissingen", name="Scheldewerf"),
                      title="Rondleiding op de werf")


@pytest.fixture
def teacher(make):
    return make.owner_of(make.school())


def report_url(offer):
    return f"/melden/aanbod/{offer.id}"


def test_a_teacher_reports_an_offer_from_its_page(client, zeeland, offer, teacher):
    login(client, teacher)
    page = text(client.get(f"/aanbod/{offer.id}"))
    assert f'href="{report_url(offer)}"' in page

    response = submit(client, report_url(offer), {"reason": "Geen veiligheidsschoenen."})

    assert location(response) == f"/aanbod/{offer.id}"
    assert "Dank u" in text(client.get(f"/aanbod/{offer.id}"))
    assert count(Report, Report.offer_id == offer.id) == 1
    login(client, zeeland)
    queue = text(client.get("/moderatie"))
    assert "Meldingen: 1" in queue and "Geen veiligheidsschoenen." in queue


def test_a_report_without_reason_answers_422_next_to_it(client, offer, teacher):
    login(client, teacher)

    response = submit(client, report_url(offer), {"reason": ""})

    assert response.status_code == 422
    assert field_error(response, "reason") and form_alert(response)
    assert count(Report) == 0


def test_a_second_report_is_refused_and_the_page_says_so(client, offer, teacher):
    login(client, teacher)
    submit(client, report_url(offer), {"reason": "Eerste keer."})
    page = client.get(report_url(offer))
    assert "U hebt dit al gemeld" in text(page)

    response = client.post(report_url(offer), data={"csrf_token": csrf_token(
        text(client.get("/zoeken"))), "reason": "Tweede keer."})

    assert response.status_code == 422
    assert count(Report) == 1


def test_the_company_cannot_report_itself_and_sees_no_link(client, make, offer):
    login(client, make.owner_of(offer.company))

    assert report_url(offer) not in text(client.get(f"/aanbod/{offer.id}"))
    assert client.get(report_url(offer)).status_code == 403


def test_a_visitor_is_sent_to_sign_in_and_sees_no_link(client, offer):
    assert report_url(offer) not in text(client.get(f"/aanbod/{offer.id}"))
    assert location(client.get(report_url(offer))).startswith(LOGIN_URL)


def test_a_company_is_reported_from_its_page(client, offer, teacher):
    login(client, teacher)
    url = f"/melden/bedrijf/{offer.company_id}"
    assert f'href="{url}"' in text(client.get(f"/bedrijven/{offer.company_id}"))

    response = submit(client, url, {"reason": "Geen technisch bedrijf."})

    assert location(response) == f"/bedrijven/{offer.company_id}"
    assert count(Report, Report.offer_id.is_(None)) == 1


# --- the moderator ---------------------------------------------------------------------------


@pytest.fixture
def reported(make, offer, teacher):
    from portal.moderation.reports import report_offer

    return report_offer(actor=teacher, offer=offer, reason="Onveilig: geen <b>helmen</b>.")


def test_the_moderator_reads_the_report_and_dismisses_it(client, zeeland, reported, teacher):
    login(client, zeeland)
    page = text(client.get(f"/moderatie/meldingen/{reported.id}"))
    assert "Onveilig: geen &lt;b&gt;helmen&lt;/b&gt;." in page  # escaped
    assert teacher.email in page

    response = submit(client, f"/moderatie/meldingen/{reported.id}",
                      {"decision": "dismiss", "note": "Helmen staan in de tekst."})

    assert location(response) == "/moderatie"
    assert reload(Report, reported.id).status == "dismissed"
    assert "Geen open meldingen." in text(client.get("/moderatie"))


def test_suspending_from_a_report_needs_a_note(client, zeeland, reported):
    login(client, zeeland)

    response = submit(client, f"/moderatie/meldingen/{reported.id}", {"decision": "suspend"})

    assert response.status_code == 422 and field_error(response, "note")
    assert reload(Company, reported.company_id).status == "approved"
    assert reload(Report, reported.id).status == "open"


def test_suspending_from_a_report_hides_the_offer(client, make, zeeland, reported, teacher):
    login(client, zeeland)

    response = submit(client, f"/moderatie/meldingen/{reported.id}",
                      {"decision": "suspend", "note": "Onveilige werkplaats."})

    assert location(response) == "/moderatie"
    assert reload(Company, reported.company_id).status == "suspended"
    assert reload(Report, reported.id).status == "upheld"
    login(client, teacher)
    assert client.get(f"/aanbod/{reported.offer_id}").status_code == 404
    login(client, make.owner_of(reported.company))
    assert "geschorst" in text(client.get("/bedrijf"))


def test_another_regions_moderator_gets_404(client, make, reported):
    flevoland = make.moderator(make.technocentrum(("NL-FL",)))
    login(client, flevoland)

    assert client.get(f"/moderatie/meldingen/{reported.id}").status_code == 404
    token = csrf_token(text(client.get("/moderatie")))
    response = client.post(f"/moderatie/bedrijven/{reported.company_id}/schorsen",
                           data={"csrf_token": token, "suspend-reason": "Nee."})
    assert response.status_code == 404
    assert reload(Company, reported.company_id).status == "approved"


def test_suspend_and_lift_from_the_companys_page(client, zeeland, offer):
    login(client, zeeland)
    url = f"/moderatie/bedrijven/{offer.company_id}"

    refused = submit(client, url, {"suspend-reason": ""},
                     action=f"{url}/schorsen")
    assert refused.status_code == 422 and field_error(refused, "suspend-reason")
    assert reload(Company, offer.company_id).status == "approved"

    done = submit(client, url, {"suspend-reason": "KvK-inschrijving beëindigd."},
                  action=f"{url}/schorsen")
    assert location(done) == url
    page = text(client.get(url))
    assert "KvK-inschrijving beëindigd." in page and "De schorsing opheffen" in page

    lifted = submit(client, url, action=f"{url}/opheffen")
    assert location(lifted) == url
    assert reload(Company, offer.company_id).status == "approved"
