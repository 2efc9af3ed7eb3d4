"""A teacher finds offers and requests one; the company answers through the request's page."""
import re
from datetime import date, timedelta

import pytest

from portal import security
from portal.bookings import services as bookings
from portal.bookings.models import Booking
from portal.offers.models import Offer
from portal.taxonomy.services import level_by_code
from tests.views.helpers import (
    count,
    csrf_token,
    field_error,
    find,
    form_alert,
    forms,
    location,
    login,
    reload,
    submit,
    text,
)

SEARCH_URL = "/zoeken"
WANTED = (date.today() + timedelta(days=14)).isoformat()
_RESULT = re.compile(r'<li class="card mb-3 result">(.*?)</li>', re.S)
_STATUS = re.compile(r'id="booking-status">\s*<span class="badge text-bg-(\w+)"')


def results(response):
    return _RESULT.findall(text(response))


def status_style(response):
    """The colour of the status badge on a request's page: warning while it is requested."""
    found = _STATUS.search(text(response))
    assert found, "no status on the page"
    return found.group(1)


@pytest.fixture
def teacher(make):
    return make.owner_of(make.school(place="Middelburg (Zeeland)"))


@pytest.fixture
def offer(make):
    company = make.company(place="Vlissingen", name="Vlissingse Lasserij")
    return make.offer(company, title="Rondleiding lasrobots", capacity=2, max_group_size=30)


def request_offer(client, offer, strict=True, **overrides):
    data = {"wanted_on": WANTED, "group_size": 24, "level_id": offer.levels[0].id,
            "message": "Graag in de ochtend."}
    data.update(overrides)
    return submit(client, f"/aanvragen/aanbod/{offer.id}", data, strict=strict)


@pytest.fixture
def lesson(make):
    return make.offer(make.company(place="Goes"), offer_type="guest_lesson",
                      location_mode="school", travel_km=60, title="Gastles elektronica")


def test_a_teacher_sees_results_with_distance_and_reasons(client, teacher, offer, lesson):
    login(client, teacher)

    page = client.get(SEARCH_URL)

    assert page.status_code == 200
    found = results(page)
    assert len(found) == 2
    visit = next(r for r in found if "Rondleiding lasrobots" in r)
    assert re.search(r"<strong>[\d.,]+ km</strong>", visit)
    assert 'class="reason"' in visit
    assert re.search(r'class="reason">[^<]*km', visit)  # "x km from your school"
    assert f'href="/aanbod/{offer.id}"' in visit


def test_the_type_filter_in_the_query_string(client, teacher, offer, lesson):
    login(client, teacher)

    page = client.get(f"{SEARCH_URL}?offer_type=guest_lesson")

    assert page.status_code == 200
    found = results(page)
    assert len(found) == 1
    assert "Gastles elektronica" in found[0]
    search_form = next(f for f in forms(text(page)) if f.method == "get")
    assert search_form.defaults()["offer_type"] == ["guest_lesson"]  # the filter stays chosen


def test_a_visitor_searches_without_distances(client, offer):
    page = client.get(SEARCH_URL)

    assert page.status_code == 200
    assert any("Rondleiding lasrobots" in r for r in results(page))
    assert not any("<strong>" in r for r in results(page))


@pytest.mark.parametrize(("query", "field"), [
    ("offer_type=nonsense", "offer_type"), ("level=abc", "level"), ("sector=999999", "sector")])
def test_a_bad_filter_answers_400_on_the_field(client, teacher, query, field):
    login(client, teacher)

    response = client.get(f"{SEARCH_URL}?{query}")

    assert response.status_code == 400
    assert field_error(response, field)
    assert not results(response)


def test_the_search_runs_as_many_statements_for_15_offers_as_for_3(client, make, teacher,
                                                                   count_queries):
    for _ in range(3):
        make.offer()
    login(client, teacher)
    client.get(SEARCH_URL)  # warm caches that a first request fills

    with count_queries() as few:
        assert len(results(client.get(SEARCH_URL))) == 3
    for code in ("havo", "mbo_2", "vmbo_tl", "vmbo_kb") * 3:
        make.offer(level_ids=[level_by_code(code).id])
    with count_queries() as many:
        assert len(results(client.get(SEARCH_URL))) == 15

    assert len(many) == len(few), "\n".join(many)


def test_a_teacher_requests_an_offer(client, teacher, offer):
    login(client, teacher)
    assert 'name="level_id"' in text(client.get(f"/aanvragen/aanbod/{offer.id}"))

    response = request_offer(client, offer)

    assert response.status_code == 302
    booking = find(Booking, Booking.offer_id == offer.id)
    assert location(response) == f"/aanvragen/{booking.id}"
    assert (booking.status, booking.group_size, booking.wanted_on.isoformat()) == (
        "requested", 24, WANTED)
    assert (booking.requested_by_id, booking.message) == (teacher.id, "Graag in de ochtend.")
    mine = client.get("/aanvragen")
    assert mine.status_code == 200
    assert "Rondleiding lasrobots" in text(mine)
    assert f'href="/aanvragen/{booking.id}"' in text(mine)


def test_a_group_above_the_maximum_answers_422_on_group_size(client, teacher, offer):
    login(client, teacher)

    response = request_offer(client, offer, group_size=31)

    assert response.status_code == 422
    assert field_error(response, "group_size")
    assert count(Booking, Booking.offer_id == offer.id) == 0


def test_a_date_outside_the_period_answers_422_on_wanted_on(client, teacher, offer):
    login(client, teacher)

    response = request_offer(client, offer, wanted_on="2001-01-01")

    assert response.status_code == 422
    assert field_error(response, "wanted_on")


def test_a_level_the_offer_does_not_serve_is_refused(client, teacher, offer):
    login(client, teacher)

    response = request_offer(client, offer, level_id=level_by_code("wo").id, strict=False)

    assert response.status_code == 422
    assert field_error(response, "level_id")
    assert count(Booking, Booking.offer_id == offer.id) == 0


def test_a_full_offer_says_so_and_refuses_a_request(client, make, teacher):
    offer = make.offer(capacity=1)
    bookings.accept_booking(actor=make.owner_of(offer.company), booking=make.booking(offer))
    login(client, teacher)
    url = f"/aanvragen/aanbod/{offer.id}"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="wanted_on"' not in text(page)

    response = client.post(url, data={"csrf_token": csrf_token(text(page)), "wanted_on": WANTED,
                                      "group_size": 20, "level_id": offer.levels[0].id})

    assert response.status_code == 422
    assert form_alert(response)
    assert count(Booking, Booking.offer_id == offer.id) == 1


def test_a_company_member_cannot_open_the_request_form(client, make, offer):
    login(client, make.owner_of(make.company()))

    assert client.get(f"/aanvragen/aanbod/{offer.id}").status_code == 403


def test_a_teacher_without_school_is_sent_to_register_it(client, make, offer):
    login(client, make.user(security.TEACHER))

    response = client.get(f"/aanvragen/aanbod/{offer.id}")

    assert response.status_code == 302
    assert location(response) == "/school/registreren"


def test_a_draft_cannot_be_requested(client, make, teacher):
    draft = make.offer(status="draft")
    login(client, teacher)

    assert client.get(f"/aanvragen/aanbod/{draft.id}").status_code == 404


@pytest.fixture
def booking(make, offer, teacher):
    return make.booking(offer, teacher)


def test_the_company_accepts_and_the_teacher_sees_it(client, make, offer, booking, teacher,
                                                     new_client):
    login(client, make.owner_of(offer.company))
    url = f"/aanvragen/{booking.id}"
    assert 'value="accept"' in text(client.get(url))

    response = submit(client, url, {"message": "Welkom om 9 uur."}, button="accept")

    assert response.status_code == 302
    assert location(response) == url
    assert reload(Booking, booking.id).status == "accepted"
    assert reload(Offer, offer.id).places_taken == 1
    school_side = new_client()
    login(school_side, teacher)
    page = school_side.get(url)
    assert status_style(page) == "success"
    assert "Welkom om 9 uur." in text(page)


def test_declining_needs_a_message(client, make, offer, booking):
    login(client, make.owner_of(offer.company))
    url = f"/aanvragen/{booking.id}"

    response = submit(client, url, {"message": ""}, button="decline")

    assert response.status_code == 422
    assert field_error(response, "message")
    assert 'href="#message"' in text(response)  # the summary links to the field
    assert reload(Booking, booking.id).status == "requested"

    response = submit(client, url, {"message": "Vol in mei."}, button="decline")

    assert response.status_code == 302
    declined = reload(Booking, booking.id)
    assert (declined.status, declined.response) == ("declined", "Vol in mei.")


def test_the_teacher_withdraws_an_open_request(client, booking, teacher, offer):
    login(client, teacher)
    url = f"/aanvragen/{booking.id}"
    page = text(client.get(url))
    assert 'value="accept"' not in page and 'value="decline"' not in page
    assert 'value="cancel"' not in page

    response = submit(client, url, {"message": ""}, button="withdraw")

    assert response.status_code == 302
    assert reload(Booking, booking.id).status == "withdrawn"
    assert reload(Offer, offer.id).places_taken == 0
    assert 'value="withdraw"' not in text(client.get(url))


def test_an_accepted_request_is_cancelled_with_a_reason_by_either_side(client, make, booking,
                                                                        teacher, offer):
    login(client, make.owner_of(offer.company))
    url = f"/aanvragen/{booking.id}"
    submit(client, url, button="accept")
    page = text(client.get(url))
    assert 'value="decline"' not in page  # an accepted request is cancelled, not declined

    response = submit(client, url, {"message": ""}, button="cancel")

    assert response.status_code == 422
    assert field_error(response, "message")
    assert reload(Booking, booking.id).status == "accepted"
    response = submit(client, url, {"message": "De machine is stuk."}, button="cancel")
    assert response.status_code == 302
    assert reload(Booking, booking.id).status == "cancelled"
    assert reload(Offer, offer.id).places_taken == 0


def test_an_answer_refused_because_the_other_side_acted_first_says_so(client, make, booking,
                                                                     teacher, offer):
    login(client, teacher)
    url = f"/aanvragen/{booking.id}"
    token = csrf_token(text(client.get(url)))  # the teacher's page still offers to withdraw
    bookings.decline_booking(actor=make.owner_of(offer.company), booking=booking,
                             message="Vol die week.")

    response = client.post(url, data={"csrf_token": token, "action": "withdraw", "message": ""})

    assert response.status_code == 422
    assert form_alert(response)  # the refusal is shown, though the page offers no card now
    assert "already been answered" in text(response) or "al beantwoord" in text(response)
    assert reload(Booking, booking.id).status == "declined"


def test_an_unknown_action_is_a_bad_request(client, make, booking, offer):
    login(client, make.owner_of(offer.company))
    url = f"/aanvragen/{booking.id}"
    token = csrf_token(text(client.get(url)))

    response = client.post(url, data={"csrf_token": token, "action": "delete", "message": "x"})

    assert response.status_code == 400
    assert reload(Booking, booking.id).status == "requested"


def test_another_company_gets_404_and_changes_nothing(client, make, booking):
    login(client, make.owner_of(make.company()))
    token = csrf_token(text(client.get("/bedrijf")))
    url = f"/aanvragen/{booking.id}"

    assert client.get(url).status_code == 404
    for action in ("accept", "decline", "cancel", "withdraw"):
        response = client.post(url, data={"csrf_token": token, "action": action,
                                          "message": "x"})
        assert response.status_code == 404
    assert reload(Booking, booking.id).status == "requested"
    assert reload(Offer, booking.offer_id).places_taken == 0


def test_another_school_gets_404(client, make, booking):
    login(client, make.owner_of(make.school()))

    assert client.get(f"/aanvragen/{booking.id}").status_code == 404
    assert "Rondleiding lasrobots" not in text(client.get("/aanvragen"))


def test_a_teacher_cannot_accept_their_own_request(client, booking, teacher):
    login(client, teacher)
    token = csrf_token(text(client.get(f"/aanvragen/{booking.id}")))

    response = client.post(f"/aanvragen/{booking.id}",
                           data={"csrf_token": token, "action": "accept", "message": ""})

    assert response.status_code == 403
    assert reload(Booking, booking.id).status == "requested"


def test_the_last_place_cannot_be_given_twice(client, make, teacher):
    offer = make.offer(capacity=1)
    first = make.booking(offer, teacher)
    second = make.booking(offer, make.owner_of(make.school()))
    login(client, make.owner_of(offer.company))
    submit(client, f"/aanvragen/{first.id}", button="accept")
    url = f"/aanvragen/{second.id}"

    response = submit(client, url, button="accept")

    assert response.status_code == 422
    assert form_alert(response)
    assert status_style(response) == "warning"  # the page does not claim it was accepted
    assert reload(Offer, offer.id).places_taken == 1
    assert reload(Booking, second.id).status == "requested"
    assert reload(Booking, first.id).status == "accepted"
