"""The queue's bulk approval through the page: tick items, write one note, approve; or approve a
waiting company with the offers listed under it in one click."""
import pytest

from portal.offers.models import Offer
from portal.organisations.models import Company
from tests.outbox import last_id, mails_since
from tests.views.helpers import (
    csrf_token,
    find_form,
    form_alert,
    location,
    login,
    reload,
    submit,
    text,
)

QUEUE_URL = "/moderatie"
BULK_URL = "/moderatie/goedkeuren"


@pytest.fixture
def zeeland(make):
    return make.moderator(make.technocentrum(("NL-ZE",), name="Technocentrum Zeeland"))


@pytest.fixture
def newcomer(make):
    """A waiting company with two waiting offers."""
    company = make.company(place="Vlissingen", approved=False, name="Vlissingse Lasserij")
    make.offer(company, status="pending", title="Lassen voor beginners")
    make.offer(company, status="pending", title="Snijbranden")
    return company


@pytest.fixture
def other(make):
    return make.offer(make.company(place="Goes", name="Goese Metaal"), status="pending",
                      title="Gastles draaien", offer_type="guest_lesson")


def offers_of(company):
    return sorted((o.title, o.status) for o in reload(Company, company.id).offers)


def test_ticked_items_are_approved_with_one_note(client, zeeland, newcomer, other):
    login(client, zeeland)
    first, second = sorted(newcomer.offers, key=lambda o: o.id)
    mark = last_id()

    response = submit(client, QUEUE_URL, {
        "company": newcomer.id, "offer": [f"{first.id}:{first.revision}",
                                          f"{other.id}:{other.revision}"],
        "note": "Welkom!"}, action=BULK_URL)

    assert response.status_code == 302 and location(response) == QUEUE_URL
    assert reload(Company, newcomer.id).status == "approved"
    assert offers_of(newcomer) == [("Lassen voor beginners", "published"),
                                   ("Snijbranden", "pending")]
    assert reload(Offer, other.id).status == "published"
    assert {m.kind for m in mails_since(mark)} == {"moderation.approved_together"}
    page = text(client.get(QUEUE_URL))
    assert "Goedgekeurd: 3 items." in page
    assert "Snijbranden" in page and "Gastles draaien" not in page


def test_a_company_with_its_offers_in_one_click(client, zeeland, newcomer, other):
    login(client, zeeland)
    page = text(client.get(QUEUE_URL))
    assert "Goedkeuren met de 2 aanbiedingen" in page

    response = submit(client, QUEUE_URL, {"note": ""}, button=str(newcomer.id))

    assert response.status_code == 302
    assert reload(Company, newcomer.id).status == "approved"
    assert offers_of(newcomer) == [("Lassen voor beginners", "published"),
                                   ("Snijbranden", "published")]
    assert reload(Offer, other.id).status == "pending"  # not under that company


def test_an_offer_changed_after_the_page_was_read_is_left_and_named(client, make, zeeland,
                                                                    newcomer):
    login(client, zeeland)
    page = text(client.get(QUEUE_URL))
    first = min(newcomer.offers, key=lambda o: o.id)
    make.revise(first, title="Lassen voor gevorderden")  # after the moderator read the page
    form = find_form(page, BULK_URL)
    data = form.defaults()
    data.update(together=[str(newcomer.id)])

    response = client.post(BULK_URL, data=data, follow_redirects=True)

    assert reload(Company, newcomer.id).status == "approved"
    assert offers_of(newcomer) == [("Lassen voor gevorderden", "pending"),
                                   ("Snijbranden", "published")]
    assert ("Niet goedgekeurd, het bedrijf heeft het veranderd nadat u het las: "
            "Lassen voor gevorderden") in text(response)


def test_an_offer_without_its_waiting_company_answers_422_and_changes_nothing(
        client, zeeland, newcomer, other):
    login(client, zeeland)
    first = min(newcomer.offers, key=lambda o: o.id)
    mark = last_id()

    response = submit(client, QUEUE_URL, {
        "offer": [f"{first.id}:{first.revision}", f"{other.id}:{other.revision}"]},
        action=BULK_URL)

    assert response.status_code == 422 and form_alert(response)
    assert "vink ook het bedrijf Vlissingse Lasserij aan" in text(response)
    assert f'value="{first.id}:{first.revision}" id="tick-offer-{first.id}" checked' in text(
        response)  # still ticked
    assert reload(Offer, other.id).status == "pending"
    assert offers_of(newcomer) == [("Lassen voor beginners", "pending"),
                                   ("Snijbranden", "pending")]
    assert mails_since(mark) == []


def test_nothing_ticked_answers_422(client, zeeland, other):
    login(client, zeeland)

    response = submit(client, QUEUE_URL, {"note": "Goed zo"}, action=BULK_URL)

    assert response.status_code == 422
    assert "Vink minstens één bedrijf, aanbod of wijziging aan." in text(response)
    assert reload(Offer, other.id).status == "pending"


def test_a_note_too_long_answers_422_next_to_it(client, zeeland, other):
    login(client, zeeland)

    response = submit(client, QUEUE_URL, {"offer": f"{other.id}:{other.revision}",
                                          "note": "x" * 2001}, action=BULK_URL)

    assert response.status_code == 422
    assert 'id="note-error"' in text(response)
    assert reload(Offer, other.id).status == "pending"


@pytest.mark.parametrize("data", [{"company": "abc"}, {"offer": "12"},
                                  {"offer": "1:2:3"}, {"offer": "99999999999999999999:1"},
                                  {"together": "1", "with": "x"}])
def test_values_the_page_never_sends_answer_400(client, zeeland, other, data):
    login(client, zeeland)
    token = csrf_token(text(client.get(QUEUE_URL)))

    response = client.post(BULK_URL, data={"csrf_token": token, **data})

    assert response.status_code == 400
    assert reload(Offer, other.id).status == "pending"


def test_another_regions_moderator_gets_404_and_changes_nothing(client, make, newcomer, other):
    flevoland = make.moderator(make.technocentrum(("NL-FL",)))
    login(client, flevoland)
    token = csrf_token(text(client.get(QUEUE_URL)))

    response = client.post(BULK_URL, data={"csrf_token": token, "company": newcomer.id,
                                           "offer": f"{other.id}:{other.revision}"})

    assert response.status_code == 404
    assert reload(Company, newcomer.id).status == "pending"
    assert reload(Offer, other.id).status == "pending"


@pytest.mark.parametrize("role", ["teacher", "company_member"])
def test_other_roles_may_not_approve(client, make, role, other):
    login(client, make.user(role))
    token = csrf_token(text(client.get("/zoeken")))

    response = client.post(BULK_URL, data={"csrf_token": token,
                                           "offer": f"{other.id}:{other.revision}"})

    assert response.status_code == 403
    assert reload(Offer, other.id).status == "pending"


def test_the_filters_stay_after_approving(client, zeeland, newcomer, other):
    login(client, zeeland)
    url = f"{QUEUE_URL}?kind=offers"
    page = text(client.get(url))
    assert f'action="{BULK_URL}?kind=offers"' in page

    response = client.post(f"{BULK_URL}?kind=offers", data={
        "csrf_token": csrf_token(page), "offer": f"{other.id}:{other.revision}"})

    assert location(response) == url
