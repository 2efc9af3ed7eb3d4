"""A teacher finds offers and requests one; the company answers through the request's page."""
import re
from datetime import timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import update

from portal import security
from portal.bookings import services as bookings
from portal.bookings.models import Booking
from portal.db import local_today
from portal.extensions import db
from portal.offers.models import Offer, Slot
from portal.taxonomy.services import level_by_code
from tests.views.helpers import (
    count,
    csrf_token,
    field_error,
    find,
    find_form,
    form_alert,
    forms,
    location,
    login,
    reload,
    submit,
    text,
)

SEARCH_URL = "/zoeken"
WANTED = (local_today() + timedelta(days=14)).isoformat()
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
    """A company visit with one slot, 14 days ahead, for 60 pupils; groups of at most 30."""
    company = make.company(place="Vlissingen", name="Vlissingse Lasserij")
    return make.offer(company, title="Rondleiding lasrobots", slot_capacity=60,
                      max_group_size=30)


@pytest.fixture
def placement(make):
    """An internship with 3 places from 10 to 40 days ahead."""
    company = make.company(place="Vlissingen", name="Vlissingse Lasserij")
    return make.placement(company, places=3, title="BOL-stage lasser",
                          starts_on=local_today() + timedelta(days=10),
                          ends_on=local_today() + timedelta(days=40))


def request_offer(client, offer, strict=True, **overrides):
    """Send the offer's request form: its first slot for 24 pupils, or one place from 14 days
    ahead for a placement."""
    data = {"group_size": 24, "level_id": offer.levels[0].id, "message": "Graag in de ochtend."}
    if offer.has_slots:
        data["slot_id"] = offer.slots[0].id
    else:
        data.update(wanted_on=WANTED, group_size=1)
    data.update(overrides)
    return submit(client, f"/aanvragen/aanbod/{offer.id}", data, strict=strict)


def english(client):
    """Switch this browser to the English interface (the texts below are its own)."""
    client.get("/taal/en")


def when(slot):
    """A slot as the English interface names it: "Mon 14 Dec 2026, 9:00–11:30"."""
    return "{}, {}\u2013{}".format(format_date(slot.day, "EEE d MMM yyyy", locale="en"),
                                   slot.starts_at.strftime("%-H:%M"),
                                   slot.ends_at.strftime("%-H:%M"))


def accepted(make, offer, slot, pupils):
    """An accepted request of another school taking `pupils` on `slot`."""
    booking = make.booking(offer, slot_id=slot.id, group_size=pupils)
    bookings.accept_booking(actor=make.owner_of(offer.company), booking=booking)
    return booking


def slot_labels(response):
    """{slot id: its label} of the radio list on the request page."""
    return dict(re.findall(r'<input[^>]*name="slot_id"[^>]*value="(\d+)"[^>]*>\s*'
                           r'<label[^>]*>([^<]*)</label>', text(response)))


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
    client.get(SEARCH_URL)  # the process reads the new offers (portal/matching/store.py)
    with count_queries() as many:
        assert len(results(client.get(SEARCH_URL))) == 15

    assert len(many) == len(few), "\n".join(many)


def test_a_teacher_requests_a_slot_for_a_group(client, teacher, offer):
    slot = offer.slots[0]
    login(client, teacher)
    assert 'name="level_id"' in text(client.get(f"/aanvragen/aanbod/{offer.id}"))

    response = request_offer(client, offer, teachers=2)

    assert response.status_code == 302
    booking = find(Booking, Booking.offer_id == offer.id)
    assert location(response) == f"/aanvragen/{booking.id}"
    assert (booking.status, booking.slot_id, booking.wanted_on) == ("requested", slot.id,
                                                                    slot.day)
    assert (booking.group_size, booking.teachers) == (24, 2)
    assert booking.requested_by_id == teacher.id
    assert [(m.kind, m.body) for m in booking.messages] == [("request", "Graag in de ochtend.")]
    assert reload(Slot, slot.id).taken == 0  # no room is taken until the company accepts
    mine = client.get("/aanvragen")
    assert mine.status_code == 200
    assert "Rondleiding lasrobots" in text(mine)
    assert f'href="/aanvragen/{booking.id}"' in text(mine)


def test_the_request_page_lists_the_upcoming_slots_with_room(client, make, teacher, offer):
    first = offer.slots[0]  # 14 days ahead, 60 pupils
    full = make.slot(offer, capacity=24, days=21)
    accepted(make, offer, full, 24)
    some_left = make.slot(offer, capacity=30, days=28)
    accepted(make, offer, some_left, 20)
    passed = make.slot(offer, capacity=60, days=7)
    db.session.execute(update(Slot).where(Slot.id == passed.id)
                       .values(day=local_today() - timedelta(days=1)))  # time has passed
    db.session.commit()
    login(client, teacher)
    english(client)

    page = client.get(f"/aanvragen/aanbod/{offer.id}")

    assert page.status_code == 200
    assert slot_labels(page) == {str(first.id): f"{when(first)} \u00b7 60 places left",
                                 str(some_left.id): f"{when(some_left)} \u00b7 10 places left"}
    assert find_form(text(page)).choices("slot_id") == [str(first.id), str(some_left.id)]
    assert {"group_size", "teachers"} <= find_form(text(page)).names
    assert "wanted_on" not in find_form(text(page)).names


def test_a_group_too_big_for_the_chosen_slot_answers_422_on_group_size(client, make, teacher,
                                                                       offer):
    slot = make.slot(offer, capacity=30, days=28)
    accepted(make, offer, slot, 20)
    before = count(Booking, Booking.offer_id == offer.id)
    login(client, teacher)
    english(client)

    response = request_offer(client, offer, slot_id=slot.id, group_size=12)

    assert response.status_code == 422
    assert field_error(response, "group_size")
    assert "Only 10 places are left on this date." in text(response)
    assert count(Booking, Booking.offer_id == offer.id) == before
    assert reload(Slot, slot.id).taken == 20
    assert request_offer(client, offer, slot_id=slot.id, group_size=10).status_code == 302


def test_accompanying_teachers_count_where_the_offer_says_so(client, make, teacher):
    offer = make.offer(slot_capacity=30, counts_teachers=True)
    login(client, teacher)
    english(client)
    assert "They count toward the room on this date." in text(
        client.get(f"/aanvragen/aanbod/{offer.id}"))

    response = request_offer(client, offer, group_size=28, teachers=3)

    assert response.status_code == 422
    assert field_error(response, "group_size")
    assert count(Booking, Booking.offer_id == offer.id) == 0
    assert request_offer(client, offer, group_size=27, teachers=3).status_code == 302


def test_a_full_slot_is_not_offered(client, make, teacher, offer):
    full = make.slot(offer, capacity=24, days=21)
    accepted(make, offer, full, 24)
    before = count(Booking, Booking.offer_id == offer.id)
    login(client, teacher)

    page = client.get(f"/aanvragen/aanbod/{offer.id}")
    assert find_form(text(page)).choices("slot_id") == [str(offer.slots[0].id)]

    response = request_offer(client, offer, strict=False, slot_id=full.id)  # an old page's

    assert response.status_code == 422
    assert field_error(response, "slot_id")
    assert count(Booking, Booking.offer_id == offer.id) == before
    assert reload(Slot, full.id).taken == 24


def test_a_group_above_the_maximum_answers_422_on_group_size(client, teacher, offer):
    login(client, teacher)

    response = request_offer(client, offer, group_size=31)

    assert response.status_code == 422
    assert field_error(response, "group_size")
    assert count(Booking, Booking.offer_id == offer.id) == 0


def test_a_teacher_requests_places_from_a_date(client, teacher, placement):
    login(client, teacher)
    english(client)
    page = client.get(f"/aanvragen/aanbod/{placement.id}")
    assert "Number of students (places)" in text(page)
    assert "slot_id" not in find_form(text(page)).names
    assert "teachers" not in find_form(text(page)).names

    response = request_offer(client, placement, group_size=2)

    assert response.status_code == 302
    booking = find(Booking, Booking.offer_id == placement.id)
    assert (booking.slot_id, booking.group_size, booking.wanted_on.isoformat()) == (
        None, 2, WANTED)


def test_more_students_than_free_places_answers_422_on_group_size(client, teacher, placement):
    login(client, teacher)

    response = request_offer(client, placement, group_size=4)

    assert response.status_code == 422
    assert field_error(response, "group_size")
    assert count(Booking, Booking.offer_id == placement.id) == 0


def test_a_date_outside_the_period_answers_422_on_wanted_on(client, teacher, placement):
    login(client, teacher)

    for wanted_on in ("2001-01-01", (local_today() + timedelta(days=41)).isoformat()):
        response = request_offer(client, placement, wanted_on=wanted_on)

        assert response.status_code == 422
        assert field_error(response, "wanted_on")
    assert count(Booking, Booking.offer_id == placement.id) == 0


def test_a_level_the_offer_does_not_serve_is_refused(client, teacher, offer):
    login(client, teacher)

    response = request_offer(client, offer, level_id=level_by_code("wo").id, strict=False)

    assert response.status_code == 422
    assert field_error(response, "level_id")
    assert count(Booking, Booking.offer_id == offer.id) == 0


def test_an_offer_with_every_slot_full_says_so_and_refuses_a_request(client, make, teacher):
    offer = make.offer(slot_capacity=24)
    accepted(make, offer, offer.slots[0], 24)
    login(client, teacher)
    url = f"/aanvragen/aanbod/{offer.id}"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="slot_id"' not in text(page)

    response = client.post(url, data={"csrf_token": csrf_token(text(page)),
                                      "slot_id": offer.slots[0].id, "group_size": 20,
                                      "level_id": offer.levels[0].id})

    assert response.status_code == 422
    assert count(Booking, Booking.offer_id == offer.id) == 1


def test_a_full_placement_says_so_and_refuses_a_request(client, make, teacher):
    offer = make.placement(places=1)
    bookings.accept_booking(actor=make.owner_of(offer.company), booking=make.booking(offer))
    login(client, teacher)
    url = f"/aanvragen/aanbod/{offer.id}"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="wanted_on"' not in text(page)

    response = client.post(url, data={"csrf_token": csrf_token(text(page)), "wanted_on": WANTED,
                                      "group_size": 1, "level_id": offer.levels[0].id})

    assert response.status_code == 422
    assert form_alert(response)
    assert count(Booking, Booking.offer_id == offer.id) == 1


def test_a_paused_offer_says_so_and_takes_no_request(client, make, teacher, offer):
    from portal.offers.lifecycle import pause_offer

    pause_offer(actor=make.owner_of(offer.company), offer=offer)
    login(client, teacher)
    english(client)
    url = f"/aanvragen/aanbod/{offer.id}"
    page = client.get(url)
    assert page.status_code == 200
    assert "The company has paused this offer" in text(page)
    assert 'name="slot_id"' not in text(page)

    response = client.post(url, data={"csrf_token": csrf_token(text(page)),
                                      "slot_id": offer.slots[0].id, "group_size": 20,
                                      "level_id": offer.levels[0].id})

    assert response.status_code == 422
    assert "The company has paused this offer" in text(response)
    assert count(Booking, Booking.offer_id == offer.id) == 0


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
    assert reload(Slot, booking.slot_id).taken == 24
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

    response = submit(client, url, {"message": "Vol in mei.", "end_reason": "no_room"},
                      button="decline")

    assert response.status_code == 302
    declined = reload(Booking, booking.id)
    assert (declined.status, declined.messages[-1].body) == ("declined", "Vol in mei.")


def test_the_teacher_withdraws_an_open_request(client, booking, teacher, offer):
    login(client, teacher)
    url = f"/aanvragen/{booking.id}"
    page = text(client.get(url))
    assert 'value="accept"' not in page and 'value="decline"' not in page
    assert 'value="cancel"' not in page

    response = submit(client, url, {"message": ""}, button="withdraw")

    assert response.status_code == 302
    assert reload(Booking, booking.id).status == "withdrawn"
    assert reload(Slot, booking.slot_id).taken == 0
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
    assert reload(Slot, booking.slot_id).taken == 0  # the group's room is given back


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
    assert reload(Slot, booking.slot_id).taken == 0


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


def test_the_last_room_on_a_slot_cannot_be_given_twice(client, make, teacher):
    offer = make.offer(slot_capacity=24)
    first = make.booking(offer, teacher, group_size=24)
    second = make.booking(offer, make.owner_of(make.school()), group_size=24)
    login(client, make.owner_of(offer.company))
    submit(client, f"/aanvragen/{first.id}", button="accept")
    url = f"/aanvragen/{second.id}"

    response = submit(client, url, button="accept")

    assert response.status_code == 422
    assert form_alert(response)
    assert status_style(response) == "warning"  # the page does not claim it was accepted
    assert reload(Slot, offer.slots[0].id).taken == 24
    assert reload(Booking, second.id).status == "requested"
    assert reload(Booking, first.id).status == "accepted"


def test_the_last_place_of_a_placement_cannot_be_given_twice(client, make, teacher):
    offer = make.placement(places=1)
    first = make.booking(offer, teacher)
    second = make.booking(offer, make.owner_of(make.school()))
    login(client, make.owner_of(offer.company))
    submit(client, f"/aanvragen/{first.id}", button="accept")

    response = submit(client, f"/aanvragen/{second.id}", button="accept")

    assert response.status_code == 422
    assert form_alert(response)
    assert reload(Offer, offer.id).places_taken == 1
    assert reload(Booking, second.id).status == "requested"


# --- search results show the room ----------------------------------------------------------


def test_search_results_show_the_next_slots_with_room(client, make, teacher, offer):
    first = offer.slots[0]
    accepted(make, offer, first, 24)
    full = make.slot(offer, capacity=24, days=21)
    accepted(make, offer, full, 24)
    later = make.slot(offer, capacity=30, days=28)
    login(client, teacher)
    english(client)

    [found] = results(client.get(SEARCH_URL))

    assert f"36 places left on {when(first)}" in found
    assert f"30 places left on {when(later)}" in found
    assert when(full) not in found  # a full slot is not offered


def test_search_results_show_the_free_places_of_a_placement(client, make, teacher, placement):
    bookings.accept_booking(actor=make.owner_of(placement.company),
                            booking=make.booking(placement, group_size=2))
    login(client, teacher)
    english(client)

    [found] = results(client.get(SEARCH_URL))

    assert "BOL-stage lasser" in found
    assert "1 of 3 places free" in found


def test_search_leaves_out_offers_without_room(client, make, teacher, offer):
    full = make.offer(title="Rondleiding vol", slot_capacity=24)
    accepted(make, full, full.slots[0], 24)
    passed = make.offer(title="Rondleiding voorbij")
    db.session.execute(update(Slot).where(Slot.offer_id == passed.id)
                       .values(day=local_today() - timedelta(days=1)))  # time has passed
    db.session.commit()
    make.placement(title="Stage afgelopen", starts_on=local_today() - timedelta(days=90),
                   ends_on=local_today() - timedelta(days=1))
    taken = make.placement(title="Stage bezet", places=1)
    bookings.accept_booking(actor=make.owner_of(taken.company), booking=make.booking(taken))
    login(client, teacher)

    for page in (client.get(SEARCH_URL), client.get(SEARCH_URL, query_string={"max_km": ""})):
        found = results(page)
        assert len(found) == 1
        assert "Rondleiding lasrobots" in found[0]


# --- withdrawing an offer ------------------------------------------------------------------


@pytest.fixture
def requests_on_offer(make, offer):
    """An open request (24 pupils), an accepted one (24 pupils) and a declined one."""
    open_one = make.booking(offer)
    taken = accepted(make, offer, offer.slots[0], 24)
    declined = make.booking(offer)
    bookings.decline_booking(actor=make.owner_of(offer.company), booking=declined,
                             message="Vol.")
    return open_one, taken, declined


def withdraw_url(offer):
    return f"/aanbod/{offer.id}/intrekken"


def test_the_withdraw_page_says_how_many_schools_are_affected(client, make, offer,
                                                              requests_on_offer):
    login(client, make.owner_of(offer.company))
    english(client)

    page = client.get(withdraw_url(offer))

    assert page.status_code == 200
    assert "2 requests on this offer are open or accepted" in text(page)
    assert "reason" in find_form(text(page)).names


def test_withdrawing_without_a_reason_answers_422_and_changes_nothing(client, make, offer,
                                                                      requests_on_offer):
    login(client, make.owner_of(offer.company))
    english(client)

    response = submit(client, withdraw_url(offer), {"reason": "  "})

    assert response.status_code == 422
    assert field_error(response, "reason")
    assert re.search(r'id="reason-error"[^>]*>Give a reason; the schools with requests will '
                     r'read it\.<', text(response))
    assert reload(Offer, offer.id).status == "published"
    assert [reload(Booking, b.id).status for b in requests_on_offer] == [
        "requested", "accepted", "declined"]
    assert reload(Slot, offer.slots[0].id).taken == 24


def test_withdrawing_with_a_reason_answers_the_schools(client, make, offer, requests_on_offer,
                                                       new_client):
    open_one, taken, declined = requests_on_offer
    login(client, make.owner_of(offer.company))

    response = submit(client, withdraw_url(offer), {"reason": "De hal wordt verbouwd."})

    assert response.status_code == 302
    assert location(response) == f"/aanbod/{offer.id}"
    withdrawn = reload(Offer, offer.id)
    assert (withdrawn.status, withdrawn.status_reason) == ("withdrawn", "De hal wordt verbouwd.")
    assert [reload(Booking, b.id).status for b in requests_on_offer] == [
        "declined", "cancelled", "declined"]
    assert [m.body for m in reload(Booking, declined.id).messages][1:] == ["Vol."]
    assert reload(Slot, offer.slots[0].id).taken == 0
    school_side = new_client()
    login(school_side, make.owner_of(taken.school))
    assert "De hal wordt verbouwd." in text(school_side.get(f"/aanvragen/{taken.id}"))


def test_another_company_cannot_withdraw_the_offer(client, make, offer, requests_on_offer):
    login(client, make.owner_of(make.company()))
    token = csrf_token(text(client.get("/bedrijf")))

    assert client.get(withdraw_url(offer)).status_code == 404
    response = client.post(withdraw_url(offer), data={"csrf_token": token, "reason": "Weg."})

    assert response.status_code == 404
    assert reload(Offer, offer.id).status == "published"
    assert [reload(Booking, b.id).status for b in requests_on_offer] == [
        "requested", "accepted", "declined"]


def test_a_teacher_cannot_withdraw_an_offer(client, make, teacher, offer):
    login(client, teacher)

    assert client.get(withdraw_url(offer)).status_code == 403
    assert reload(Offer, offer.id).status == "published"


def test_a_withdrawn_offer_offers_no_request_form(client, make, teacher, offer):
    from portal.bookings.offer_life import withdraw_offer

    withdraw_offer(actor=make.owner_of(offer.company), offer=offer, reason="Sluiting.")
    login(client, teacher)

    page = client.get(f"/aanvragen/aanbod/{offer.id}")

    assert page.status_code in (200, 404)
    assert 'name="slot_id"' not in text(page)
