"""A Technocentrum's moderators decide on the companies and offers of their region."""
import re

import pytest

from portal import security
from portal.audit import AuditEvent
from portal.moderation.services import approve_offer
from portal.offers.models import Offer
from portal.offers.services import update_offer
from portal.organisations.accreditation import set_sbb_number
from portal.organisations.models import Company
from tests.views.helpers import (
    LOGIN_URL,
    count,
    csrf_token,
    field_error,
    find_form,
    form_alert,
    location,
    login,
    reload,
    submit,
    text,
)

QUEUE_URL = "/moderatie"


@pytest.fixture
def zeeland(make):
    return make.moderator(make.technocentrum(("NL-ZE",), name="Technocentrum Zeeland"))


@pytest.fixture
def flevoland(make):
    return make.moderator(make.technocentrum(("NL-FL",), name="Technocentrum Flevoland"))


@pytest.fixture
def pending_company(make):
    return make.company(place="Vlissingen", approved=False, name="Vlissingse Lasserij")


@pytest.fixture
def pending_offer(make, pending_company):
    return make.offer(pending_company, status="pending", title="Lassen voor beginners")


def test_the_zeeland_moderator_sees_what_waits_in_zeeland(client, zeeland, pending_offer):
    login(client, zeeland)

    page = client.get(QUEUE_URL)

    assert page.status_code == 200
    assert "Vlissingse Lasserij" in text(page)
    assert f'href="/moderatie/bedrijven/{pending_offer.company_id}"' in text(page)
    assert f'href="/moderatie/aanbod/{pending_offer.id}"' in text(page)
    assert "Technocentrum Zeeland" in text(page)


def test_the_flevoland_moderator_does_not(client, flevoland, pending_offer):
    login(client, flevoland)

    page = client.get(QUEUE_URL)

    assert page.status_code == 200
    assert "Vlissingse Lasserij" not in text(page)
    assert "Lassen voor beginners" not in text(page)
    assert f"/moderatie/aanbod/{pending_offer.id}" not in text(page)


def test_the_administrator_sees_every_region(client, make, pending_offer):
    login(client, make.admin())

    assert "Lassen voor beginners" in text(client.get(QUEUE_URL))


def test_approving_the_company_through_its_decision_form(client, zeeland, pending_company):
    login(client, zeeland)
    url = f"/moderatie/bedrijven/{pending_company.id}"

    response = submit(client, url, {"decision": "approve"})

    assert response.status_code == 302
    assert location(response) == QUEUE_URL
    company = reload(Company, pending_company.id)
    assert company.status == "approved"
    assert company.decided_at is not None
    assert "Vlissingse Lasserij" not in text(client.get(QUEUE_URL))
    assert 'name="decision"' not in text(client.get(url))  # decided: the form is gone


def test_a_second_decision_on_a_decided_company_is_refused(client, zeeland, pending_company):
    login(client, zeeland)
    url = f"/moderatie/bedrijven/{pending_company.id}"
    token = csrf_token(text(client.get(url)))
    submit(client, url, {"decision": "approve"})

    response = client.post(url, data={"csrf_token": token, "decision": "reject",
                                      "reason": "Toch niet."})

    assert response.status_code == 422
    assert form_alert(response)
    assert reload(Company, pending_company.id).status == "approved"


def test_approving_the_offer_publishes_it(client, zeeland, pending_offer, new_client):
    login(client, zeeland)
    submit(client, f"/moderatie/bedrijven/{pending_offer.company_id}", {"decision": "approve"})

    response = submit(client, f"/moderatie/aanbod/{pending_offer.id}", {"decision": "approve"})

    assert response.status_code == 302
    offer = reload(Offer, pending_offer.id)
    assert offer.status == "published"
    assert offer.published_at is not None
    visitor = new_client().get(f"/aanbod/{pending_offer.id}")
    assert visitor.status_code == 200
    assert "Lassen voor beginners" in text(visitor)


def test_an_offer_of_a_pending_company_cannot_be_approved(client, zeeland, pending_offer):
    login(client, zeeland)
    url = f"/moderatie/aanbod/{pending_offer.id}"
    page = text(client.get(url))
    assert f'href="/moderatie/bedrijven/{pending_offer.company_id}"' in page
    assert 'value="approve"' not in page and 'value="reject"' in page  # only what can be done

    response = client.post(url, data={"csrf_token": csrf_token(page), "decision": "approve"})

    assert response.status_code == 422
    assert field_error(response, "decision")
    assert text(response).count("Keur eerst het bedrijf goed") == 1  # the refusal, once
    assert reload(Offer, pending_offer.id).status == "pending"
    # rejecting it stays possible
    assert submit(client, url, {"decision": "reject", "reason": "Geen werkplaats."}
                  ).status_code == 302
    assert reload(Offer, pending_offer.id).status == "rejected"


def test_the_queue_shows_a_pending_companys_offers_under_it_oldest_first(
        client, make, zeeland, pending_offer):
    other = make.offer(make.company(place="Goes", name="Goese Metaal"), status="pending",
                       title="Draaien en frezen")
    login(client, zeeland)

    page = text(client.get(QUEUE_URL))

    companies, offers = page.split("Aanbod dat wacht")
    assert "Lassen voor beginners" in companies and "Lassen voor beginners" not in offers
    assert "Draaien en frezen" in offers and "Draaien en frezen" not in companies
    assert "1 aanbod van dit bedrijf wacht:" in companies
    assert companies.count("wacht sinds") == 2 and offers.count("wacht sinds") == 1
    assert "(vandaag)" in offers
    assert f'href="/moderatie/aanbod/{other.id}"' in offers


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_without_reason_answers_422_on_reason(client, zeeland, pending_company,
                                                        reason):
    login(client, zeeland)

    response = submit(client, f"/moderatie/bedrijven/{pending_company.id}",
                      {"decision": "reject", "reason": reason})

    assert response.status_code == 422
    assert field_error(response, "reason")
    assert reload(Company, pending_company.id).status == "pending"


def test_without_a_decision_the_form_answers_422_on_decision(client, zeeland, pending_company):
    login(client, zeeland)

    response = submit(client, f"/moderatie/bedrijven/{pending_company.id}", {"reason": "x"})

    assert response.status_code == 422
    assert field_error(response, "decision")
    assert reload(Company, pending_company.id).status == "pending"


def test_the_company_reads_the_reason_of_a_rejection(client, make, zeeland, pending_company,
                                                     new_client):
    login(client, zeeland)
    reason = "Het KvK-nummer hoort bij een ander bedrijf."

    response = submit(client, f"/moderatie/bedrijven/{pending_company.id}",
                      {"decision": "reject", "reason": reason})

    assert response.status_code == 302
    company = reload(Company, pending_company.id)
    assert (company.status, company.decision_reason) == ("rejected", reason)
    member = new_client()
    login(member, make.owner_of(pending_company))
    dashboard = member.get("/bedrijf")
    assert reason in text(dashboard)
    assert "alert-danger" in text(dashboard)


def test_the_company_reads_the_reason_an_offer_was_rejected(client, make, zeeland, new_client):
    offer = make.offer(make.company(), status="pending", title="Solderen")
    login(client, zeeland)

    submit(client, f"/moderatie/aanbod/{offer.id}",
           {"decision": "reject", "reason": "Vermeld de leeftijd."})

    assert reload(Offer, offer.id).status == "rejected"
    member = new_client()
    login(member, make.owner_of(offer.company))
    assert "Vermeld de leeftijd." in text(member.get("/bedrijf"))
    assert "Vermeld de leeftijd." in text(member.get(f"/aanbod/{offer.id}"))


def test_another_regions_moderator_gets_404_and_changes_nothing(client, flevoland,
                                                                 pending_offer):
    login(client, flevoland)
    token = csrf_token(text(client.get(QUEUE_URL)))
    company_url = f"/moderatie/bedrijven/{pending_offer.company_id}"
    offer_url = f"/moderatie/aanbod/{pending_offer.id}"

    for url in (company_url, offer_url):
        assert client.get(url).status_code == 404
        for decision in ("approve", "reject"):
            response = client.post(url, data={"csrf_token": token, "decision": decision,
                                              "reason": "Buiten de regio."})
            assert response.status_code == 404
    assert reload(Company, pending_offer.company_id).status == "pending"
    assert reload(Offer, pending_offer.id).status == "pending"
    assert count(AuditEvent, AuditEvent.action.in_(
        ["company.approved", "company.rejected", "offer.published", "offer.rejected"]),
        AuditEvent.subject_id.in_([pending_offer.id, pending_offer.company_id])) == 0


@pytest.mark.parametrize("role", [security.TEACHER, security.COMPANY_MEMBER])
def test_other_roles_may_not_moderate(client, make, pending_company, role):
    login(client, make.user(role))

    assert client.get(QUEUE_URL).status_code == 403
    assert client.get(f"/moderatie/bedrijven/{pending_company.id}").status_code == 403


def test_a_visitor_is_sent_to_sign_in(client):
    response = client.get(QUEUE_URL)

    assert response.status_code == 302
    assert location(response).startswith(LOGIN_URL)


def test_the_administrator_reads_the_audit_log_as_sentences(client, make, pending_offer):
    login(client, make.admin())
    company = pending_offer.company

    page = text(client.get("/moderatie/logboek"))

    owner = make.owner_of(company).full_name
    assert "<code>" not in page and "offer.submitted" not in page and "users #" not in page
    assert f'{owner} registered the company' not in page  # Dutch by default
    assert "heeft het bedrijf" in page
    assert f'href="/moderatie/bedrijven/{company.id}"' in page
    assert f'href="/moderatie/aanbod/{pending_offer.id}"' in page
    client.get("/taal/en")
    english = text(client.get("/moderatie/logboek"))
    assert f"{owner} submitted the offer" in english
    assert "signed in" in english


def test_every_event_the_services_write_has_a_sentence(app):
    import re
    from pathlib import Path

    from portal.moderation.audit_text import _sentences

    # Every event code a service names, however it reaches record_event (directly, through a
    # helper such as bookings' _answer, or built from a status).
    source = "\n".join(p.read_text() for p in Path(app.root_path).rglob("*.py")
                       if "record_event(" in p.read_text())
    subjects = ("user|company|school|technocentrum|membership|offer|booking|slot|holiday|"
                "report|bus|partnership|moderator|sector|topsector|level|qualification|mail|"
                "matching")
    written = set(re.findall(rf'"((?:{subjects})\.[a-z_]+)"', source))
    written -= {"booking.company_suspended"}  # a message to teachers (reports.py), not an event
    written |= {f"company.{s}" for s in ("approved", "rejected")}
    written |= {f"offer.{s}" for s in ("published", "rejected", "revision_approved",
                                       "revision_rejected")}
    with app.test_request_context():
        assert written - set(_sentences()) == set()
    assert {"booking.accepted", "booking.declined", "booking.withdrawn"} <= written
    assert {"membership.invited", "membership.owner_changed"} <= written  # teams.py is read
    assert {"slot.series_added", "offer.paused", "holiday.imported"} <= written
    assert {"report.dismissed", "company.suspended", "offer.reported"} <= written
    assert {"moderator.invited", "moderator.revoked", "technocentrum.changed",
            "sector.changed", "level.moved", "qualification.removed"} <= written


def test_the_audit_log_escapes_names_and_shows_reasons(client, make):
    company = make.company(name="<img src=x onerror=alert(1)>", approved=False)
    offer = make.offer(company, status="pending", title="<script>alert(2)</script>")
    from portal.moderation import services as moderation

    moderation.reject_company(actor=make.admin(), company=company, reason="<b>Geen KvK</b>")
    login(client, make.admin())

    page = text(client.get("/moderatie/logboek"))

    assert "<img src=x" not in page and "<script>alert" not in page and "<b>Geen" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert '<q lang="nl">&lt;b&gt;Geen KvK&lt;/b&gt;</q>' in page
    assert f'href="/moderatie/aanbod/{offer.id}"' in page


def test_a_moderator_may_not_read_the_audit_log(client, zeeland):
    login(client, zeeland)

    assert client.get("/moderatie/logboek").status_code == 403


# --- changes to published offers, and decisions on an old version ---------------------------


def open_form(client, url):
    """The decision form as the moderator's browser holds it after opening `url`."""
    page = client.get(url)
    assert page.status_code == 200
    return find_form(text(page)).defaults()


def send(client, url, form, **changes):
    """Send a form held since earlier, with the moderator's choices."""
    return client.post(url, data={**form, **{k: [v] for k, v in changes.items()}})


def propose(make, offer, **changes):
    """The company changes its offer through the service, as its edit page does."""
    return update_offer(actor=make.owner_of(offer.company), offer=offer,
                        **make.offer_fields(offer_type=offer.offer_type, **changes))


@pytest.fixture
def published_offer(make):
    return make.offer(make.company(place="Vlissingen"), title="Lassen voor beginners")


def test_the_moderator_sees_the_proposed_change_next_to_the_published_text(
        client, make, zeeland, published_offer):
    propose(make, published_offer, title="Lassen en solderen voor beginners",
            max_group_size=12)
    login(client, zeeland)
    client.get("/taal/en")

    assert "a change to a published offer" in text(client.get(QUEUE_URL))
    page = text(client.get(f"/moderatie/aanbod/{published_offer.id}"))

    rows = re.findall(r"<tr role=\"row\"><th scope=\"row\"[^>]*>(.*?)</th>\s*"
                      r"<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td></tr>", page, re.S)
    assert [tuple(cell.strip() for cell in row) for row in rows] == [
        ("Title", "Lassen voor beginners", "Lassen en solderen voor beginners")]
    assert 'name="decision"' in page
    assert f'name="seen" type="hidden" value="{published_offer.pending_revision.number}"' in page


def test_approving_the_change_publishes_it(client, make, zeeland, published_offer, new_client):
    propose(make, published_offer, title="Lassen en solderen voor beginners")
    login(client, zeeland)

    response = submit(client, f"/moderatie/aanbod/{published_offer.id}",
                      {"decision": "approve"})

    assert response.status_code == 302
    offer = reload(Offer, published_offer.id)
    assert (offer.title, offer.status, offer.pending_revision) == (
        "Lassen en solderen voor beginners", "published", None)
    assert "Lassen en solderen" in text(new_client().get(f"/aanbod/{offer.id}"))


def test_rejecting_the_change_keeps_the_published_text(client, make, zeeland, published_offer,
                                                       new_client):
    propose(make, published_offer, title="Gratis lassen voor iedereen")
    login(client, zeeland)

    response = submit(client, f"/moderatie/aanbod/{published_offer.id}",
                      {"decision": "reject", "reason": "Geen lesaanbod."})

    assert response.status_code == 302
    offer = reload(Offer, published_offer.id)
    assert (offer.title, offer.revisions[-1].status, offer.revisions[-1].reason) == (
        "Lassen voor beginners", "rejected", "Geen lesaanbod.")
    assert "Gratis lassen" not in text(new_client().get(f"/aanbod/{offer.id}"))


def test_a_change_changed_again_after_the_moderator_opened_it_is_not_approved(
        client, make, zeeland, published_offer, new_client):
    propose(make, published_offer, title="Eerste voorstel")
    login(client, zeeland)
    client.get("/taal/en")
    url = f"/moderatie/aanbod/{published_offer.id}"
    held = open_form(client, url)
    propose(make, published_offer, title="Tweede voorstel")  # after the moderator's GET

    response = send(client, url, held, decision="approve")

    assert response.status_code == 422
    assert "changed this offer after you opened it" in text(response)
    offer = reload(Offer, published_offer.id)
    assert offer.title == "Lassen voor beginners"
    assert [r.status for r in offer.revisions] == ["superseded", "pending"]
    assert "Eerste voorstel" not in text(new_client().get(f"/aanbod/{offer.id}"))


def test_a_pending_offer_changed_after_the_moderator_opened_it_is_not_published(
        client, make, zeeland, new_client):
    offer = make.offer(make.company(place="Vlissingen"), status="pending",
                       title="Lassen voor beginners")
    login(client, zeeland)
    client.get("/taal/en")
    url = f"/moderatie/aanbod/{offer.id}"
    held = open_form(client, url)
    assert held["seen"] == [str(offer.revision)]
    propose(make, offer, title="Lassen, nu zonder veiligheidsbril")  # after the GET

    response = send(client, url, held, decision="approve")

    assert response.status_code == 422
    assert "The company changed this offer after you opened it." in text(response)
    assert "Lassen, nu zonder veiligheidsbril" in text(response)  # the new version is shown
    changed = reload(Offer, offer.id)
    assert (changed.status, changed.published_at) == ("pending", None)
    assert new_client().get(f"/aanbod/{offer.id}").status_code == 404
    assert count(AuditEvent, AuditEvent.action == "offer.published",
                 AuditEvent.subject_id == offer.id) == 0


def test_after_a_refusal_the_page_shown_decides_on_the_version_it_shows(client, make,
                                                                        zeeland):
    offer = make.offer(make.company(place="Vlissingen"), status="pending")
    login(client, zeeland)
    url = f"/moderatie/aanbod/{offer.id}"
    held = open_form(client, url)
    propose(make, offer, title="Nieuwe titel")
    refusal = send(client, url, held, decision="approve")
    assert refusal.status_code == 422

    again = find_form(text(refusal)).defaults()  # the form on the page now shown
    response = send(client, url, again, decision="approve")

    assert response.status_code == 302
    assert reload(Offer, offer.id).status == "published"


def test_a_form_opened_on_a_pending_offer_never_approves_a_later_proposal(client, make,
                                                                          zeeland):
    offer = make.offer(make.company(place="Vlissingen"), status="pending",
                       title="Lassen voor beginners")
    login(client, zeeland)
    url = f"/moderatie/aanbod/{offer.id}"
    held = open_form(client, url)  # the moderator reads the pending offer
    assert held["seen"] == [str(offer.revision)]
    approve_offer(actor=make.admin(), offer=offer)  # a colleague publishes it
    propose(make, offer, title="Iets heel anders")  # the company proposes a change, unseen

    send(client, url, held, decision="approve")

    changed = reload(Offer, offer.id)
    assert changed.title == "Lassen voor beginners"
    assert changed.pending_revision is not None


# --- accreditation of training companies ----------------------------------------------------


@pytest.fixture
def stated(make):
    company = make.company(place="Vlissingen", name="Leerbedrijf Vlissingen")
    set_sbb_number(actor=make.owner_of(company), company=company, number="100200300")
    return company


def test_the_moderator_confirms_an_sbb_number(client, zeeland, stated):
    login(client, zeeland)
    assert "Leerbedrijf Vlissingen" in text(client.get(QUEUE_URL))
    url = f"/moderatie/bedrijven/{stated.id}"

    response = submit(client, url, action=f"{url}/leerbedrijf")

    assert response.status_code == 302
    assert location(response) == url
    company = reload(Company, stated.id)
    assert (company.sbb_number, company.sbb_verified_at is not None) == ("100200300", True)
    assert f'action="{url}/leerbedrijf"' not in text(client.get(url))
    assert "Leerbedrijf Vlissingen" not in text(client.get(QUEUE_URL))
    assert count(AuditEvent, AuditEvent.action == "company.sbb_verified",
                 AuditEvent.subject_id == stated.id) == 1


def test_a_number_changed_after_the_moderator_looked_is_not_confirmed(client, make, zeeland,
                                                                      stated):
    login(client, zeeland)
    client.get("/taal/en")
    url = f"/moderatie/bedrijven/{stated.id}"
    page = text(client.get(url))
    held = find_form(page, f"{url}/leerbedrijf").defaults()
    assert held["seen"] == ["100200300"]
    set_sbb_number(actor=make.owner_of(stated), company=stated, number="999888777")

    response = client.post(f"{url}/leerbedrijf", data=held, follow_redirects=True)

    assert "This number has changed or was verified already" in text(response)
    company = reload(Company, stated.id)
    assert (company.sbb_number, company.sbb_verified_at) == ("999888777", None)


def test_another_regions_moderator_cannot_confirm(client, flevoland, stated):
    login(client, flevoland)
    token = csrf_token(text(client.get(QUEUE_URL)))

    response = client.post(f"/moderatie/bedrijven/{stated.id}/leerbedrijf",
                           data={"csrf_token": token, "seen": "100200300"})

    assert response.status_code == 404
    assert reload(Company, stated.id).sbb_verified_at is None


def test_the_queue_filtered_through_its_form(client, make, zeeland, pending_offer):
    make.offer(make.company(place="Goes", name="Goese Metaal"), status="pending",
               title="Gastles draaien", offer_type="guest_lesson", location_mode="school",
               travel_km=30)
    login(client, zeeland)
    assert 'name="kind"' in text(client.get(QUEUE_URL))

    page = client.get(f"{QUEUE_URL}?kind=offers&offer_type=guest_lesson&place=go")

    assert page.status_code == 200
    assert "Gastles draaien" in text(page)
    assert "Vlissingse Lasserij" not in text(page) and "Lassen voor beginners" not in text(page)
    assert 'option selected value="guest_lesson"' in text(page)
    assert 'value="go"' in text(page) and 'href="/moderatie">' in text(page)  # "show everything"
    assert "Vlissingse Lasserij" in text(client.get(f"{QUEUE_URL}?kind=companies&place=vlis"))


@pytest.mark.parametrize("query, name", [("kind=everything", "kind"),
                                         ("offer_type=cooking", "offer_type"),
                                         ("place=" + "x" * 81, "place")])
def test_a_bad_filter_answers_400_next_to_its_field_and_shows_the_whole_queue(
        client, zeeland, pending_offer, query, name):
    login(client, zeeland)

    page = client.get(f"{QUEUE_URL}?{query}")

    assert page.status_code == 400
    assert field_error(page, name) and form_alert(page)
    assert "Lassen voor beginners" in text(page)


def test_a_filter_never_shows_another_regions_queue(client, flevoland, pending_offer):
    login(client, flevoland)

    page = text(client.get(f"{QUEUE_URL}?kind=companies&place=vlissingen"))

    assert "Vlissingse Lasserij" not in page and "Lassen voor beginners" not in page


def test_the_decision_pages_show_the_history(client, make, zeeland, pending_offer):
    login(client, zeeland)
    submit(client, f"/moderatie/bedrijven/{pending_offer.company_id}",
           {"decision": "reject", "reason": "Geen <b>werkplaats</b> gevonden."})

    company = text(client.get(f"/moderatie/bedrijven/{pending_offer.company_id}"))
    history = company.split("Geschiedenis")[1]
    assert history.index("aangemeld") < history.index("afgekeurd")  # oldest first
    assert "Geen &lt;b&gt;werkplaats&lt;/b&gt; gevonden." in history  # the reason, escaped
    offer = text(client.get(f"/moderatie/aanbod/{pending_offer.id}"))
    assert "Lassen voor beginners" in offer.split("Geschiedenis")[1]
