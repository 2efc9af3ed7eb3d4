"""The dates of a group activity through their pages: the offer's slots page (one date, or a
series every week that skips the school holidays) and the page of one slot."""
from datetime import timedelta

import pytest
from sqlalchemy import delete

from portal.bookings import services as bookings
from portal.db import local_today
from portal.extensions import db
from portal.offers.models import Slot
from portal.taxonomy.holidays import add_holiday
from portal.taxonomy.models import SchoolHoliday
from tests.views.helpers import (
    count,
    csrf_token,
    field_error,
    find,
    forms,
    location,
    login,
    reload,
    submit,
    text,
)

TODAY = local_today()


def submit_having(client, url, field, data):
    """Like helpers.submit, for the form on the page that has `field` (a page with two forms
    posting to itself)."""
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} answered {page.status_code}"
    [form] = [f for f in forms(text(page)) if f.method == "post" and field in f.names]
    values = form.defaults()
    for name, value in data.items():
        assert name in form.names, f"the form has no field {name!r}"
        offered = form.choices(name)
        assert offered is None or str(value) in offered, f"{name}: {value} not in {offered}"
        values[name] = [str(value)]
    return client.post(form.action or url, data=values)


def next_tuesday(after):
    return after + timedelta(days=(1 - after.weekday()) % 7 or 7)


@pytest.fixture
def company(make):
    return make.company(place="Vlissingen")  # holiday region zuid


@pytest.fixture
def member(client, make, company):
    user = make.owner_of(company)
    login(client, user)
    client.get("/taal/en")
    return user


@pytest.fixture
def draft(make, company):
    return make.offer(company, status="draft", slot_capacity=None)


def slot_data(**changes):
    data = {"slot-day": (TODAY + timedelta(days=9)).isoformat(), "slot-starts_at": "09:00",
            "slot-ends_at": "11:30", "slot-capacity": 28}
    data.update(changes)
    return data


# --- the slots page ----------------------------------------------------------------------


def test_a_new_group_activity_is_sent_to_its_dates(client, member, draft):
    page = client.get(f"/aanbod/{draft.id}/data")

    assert page.status_code == 200
    assert "No dates from today on." in text(page)


def test_add_one_date(client, member, draft):
    url = f"/aanbod/{draft.id}/data"

    response = submit_having(client, url, "slot-day", slot_data(**{"slot-min_group": 20}))

    assert response.status_code == 302
    assert location(response) == url
    slot = find(Slot, Slot.offer_id == draft.id)
    assert (slot.day, slot.starts_at.strftime("%H:%M"), slot.ends_at.strftime("%H:%M"),
            slot.capacity, slot.min_group) == (TODAY + timedelta(days=9), "09:00", "11:30",
                                               28, 20)
    page = text(client.get(url))
    assert "The date has been added." in page
    assert f'href="/aanbod/datum/{slot.id}"' in page


@pytest.mark.parametrize("changes, field", [
    ({"slot-day": (TODAY - timedelta(days=1)).isoformat()}, "slot-day"),
    ({"slot-day": ""}, "slot-day"),
    ({"slot-ends_at": "08:00"}, "slot-ends_at"),
    ({"slot-capacity": 0}, "slot-capacity"),
    ({"slot-capacity": 501}, "slot-capacity"),
    ({"slot-min_group": 29}, "slot-min_group"),
])
def test_a_bad_date_answers_422_at_its_field(client, member, draft, changes, field):
    response = submit_having(client, f"/aanbod/{draft.id}/data", "slot-day", slot_data(**changes))

    assert response.status_code == 422
    assert field_error(response, field)
    assert 'id="error-summary"' in text(response)
    assert count(Slot, Slot.offer_id == draft.id) == 0


@pytest.fixture
def one_holiday(make):
    """Region zuid with one holiday only: the third Tuesday of the series below."""
    db.session.execute(delete(SchoolHoliday).where(SchoolHoliday.region == "zuid"))
    db.session.commit()
    first = next_tuesday(TODAY + timedelta(days=7))
    add_holiday(actor=make.admin(), region="zuid", name="Testvakantie",
                starts_on=first + timedelta(days=12), ends_on=first + timedelta(days=16))
    return first


def series_data(first, **changes):
    data = {"series-weekday": 1, "series-first": first.isoformat(),
            "series-last": (first + timedelta(weeks=4)).isoformat(),
            "series-starts_at": "13:00", "series-ends_at": "15:00", "series-capacity": 25}
    data.update(changes)
    return data


def test_add_a_series_that_skips_the_companys_school_holidays(client, member, draft,
                                                              one_holiday):
    url = f"/aanbod/{draft.id}/data"
    form = [f for f in forms(text(client.get(url))) if "series-region" in f.names][0]
    assert form.defaults()["series-region"] == ["zuid"]  # the region of Vlissingen's schools

    response = submit_having(client, url, "series-weekday", series_data(one_holiday))

    assert response.status_code == 302
    days = [s.day for s in reload(type(draft), draft.id).slots]
    assert days == [one_holiday + timedelta(weeks=n) for n in (0, 1, 3, 4)]
    assert "4 dates added. One date skipped for the school holidays." in text(client.get(url))


def test_a_series_without_a_region_skips_nothing(client, member, draft, one_holiday):
    response = submit_having(client, f"/aanbod/{draft.id}/data", "series-weekday",
                             series_data(one_holiday, **{"series-region": ""}))

    assert response.status_code == 302
    assert count(Slot, Slot.offer_id == draft.id) == 5


@pytest.mark.parametrize("changes, field", [
    ({"series-last": "2020-01-01"}, "series-last"),
    ({"series-first": (TODAY - timedelta(days=7)).isoformat()}, "series-first"),
    ({"series-first": ""}, "series-first"),
    ({"series-ends_at": "12:00"}, "series-ends_at"),
    ({"series-capacity": 0}, "series-capacity"),
])
def test_a_bad_series_answers_422_at_its_field(client, member, draft, changes, field):
    first = next_tuesday(TODAY)

    response = submit_having(client, f"/aanbod/{draft.id}/data", "series-weekday",
                             series_data(first, **changes))

    assert response.status_code == 422
    assert field_error(response, field)
    assert count(Slot, Slot.offer_id == draft.id) == 0


def test_a_series_of_more_than_80_dates_answers_422(client, member, draft):
    first = next_tuesday(TODAY)

    response = submit_having(client, f"/aanbod/{draft.id}/data", "series-weekday",
                             series_data(first, **{
                                 "series-last": (first + timedelta(weeks=80)).isoformat(),
                                 "series-region": ""}))

    assert response.status_code == 422
    assert field_error(response, "series-last")
    assert "A series has at most 80 dates" in text(response)
    assert count(Slot, Slot.offer_id == draft.id) == 0


def test_a_placement_has_no_slots_page(client, member, make, company):
    placement = make.placement(company, status="draft")

    assert client.get(f"/aanbod/{placement.id}/data").status_code == 404


# --- the page of one slot ----------------------------------------------------------------


@pytest.fixture
def taken(make, company):
    """A published visit whose slot of 60 has an accepted request for 24 pupils."""
    offer = make.offer(company, slot_capacity=60)
    booking = make.booking(offer, group_size=24)
    bookings.accept_booking(actor=make.owner_of(company), booking=booking)
    return offer.slots[0]


def test_change_the_room_of_a_slot(client, member, taken):
    url = f"/aanbod/datum/{taken.id}"
    assert "24 of 60 places taken" in text(client.get(url))

    response = submit(client, url, {"capacity": 30, "min_group": 10}, button="change")

    assert response.status_code == 302
    assert location(response) == f"/aanbod/{taken.offer_id}/data"
    changed = reload(Slot, taken.id)
    assert (changed.capacity, changed.min_group, changed.taken) == (30, 10, 24)


def test_room_below_what_is_taken_answers_422(client, member, taken):
    response = submit(client, f"/aanbod/datum/{taken.id}", {"capacity": 20}, button="change")

    assert response.status_code == 422
    assert field_error(response, "capacity")
    assert "24 places are already taken." in text(response)
    assert reload(Slot, taken.id).capacity == 60


def test_remove_a_date_nobody_asked_for(client, member, make, draft):
    slot = make.slot(draft)
    url = f"/aanbod/datum/{slot.id}"

    response = submit(client, url, button="remove")

    assert response.status_code == 302
    assert location(response) == f"/aanbod/{draft.id}/data"
    assert reload(Slot, slot.id) is None


def test_a_date_with_requests_cannot_be_removed(client, member, taken):
    url = f"/aanbod/datum/{taken.id}"
    page = text(client.get(url))
    assert 'value="remove"' not in page  # the button is not offered

    # A hand-made request is refused all the same, and says why.
    response = client.post(url, data={"csrf_token": csrf_token(page), "action": "remove"},
                           follow_redirects=True)

    assert response.status_code == 200
    assert "Schools have asked for this date, so it stays" in text(response)
    assert reload(Slot, taken.id) is not None


# --- other people --------------------------------------------------------------------------


def test_another_companys_member_gets_404_on_the_slot_pages(client, make, taken):
    login(client, make.owner_of(make.company()))
    token = csrf_token(text(client.get("/aanbod/nieuw/company_visit")))
    slots_url, slot_url = f"/aanbod/{taken.offer_id}/data", f"/aanbod/datum/{taken.id}"

    assert client.get(slots_url).status_code == 404
    assert client.get(slot_url).status_code == 404
    assert client.post(slots_url, data={"csrf_token": token, "kind": "slot",
                                        **slot_data()}).status_code == 404
    assert client.post(slot_url, data={"csrf_token": token, "action": "change",
                                       "capacity": 100}).status_code == 404
    assert client.post(slot_url, data={"csrf_token": token,
                                       "action": "remove"}).status_code == 404
    assert count(Slot, Slot.offer_id == taken.offer_id) == 1
    assert reload(Slot, taken.id).capacity == 60


def test_a_teacher_gets_no_slot_pages(client, make, taken):
    login(client, make.owner_of(make.school()))

    assert client.get(f"/aanbod/{taken.offer_id}/data").status_code == 403
    assert client.get(f"/aanbod/datum/{taken.id}").status_code == 403
