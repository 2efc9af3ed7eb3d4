"""The Techniekbus through its pages: a teacher books with the price shown first, the ride's
page changes and cancels it, and the Technocentrum keeps its buses, rules and bus days."""
from datetime import time, timedelta

import pytest

from portal.bookings.bus import services as bus_services
from portal.bookings.bus.models import Bus, BusBlock, BusRide, BusRules
from portal.db import local_today
from tests.views.helpers import (
    count,
    csrf_token,
    field_error,
    find_all,
    find_form,
    form_alert,
    forms,
    location,
    login,
    reload,
    submit,
    text,
)


@pytest.fixture
def zeeland(make):
    return make.technocentrum(("NL-ZE",), name="Technocentrum Zeeland")


@pytest.fixture
def bus(make, zeeland):
    return make.bus(zeeland)


@pytest.fixture
def visit(make, bus):
    return make.visit_to_ride()


def book_url(visit):
    return f"/techniekbus/aanvraag/{visit.id}"


def booked(visit, bus):
    return bus_services.book_ride(actor=visit.requested_by, booking=visit, bus_id=bus.id,
                                  departs_at=time(8, 15), returns_at=time(12, 15), teachers=2,
                                  price_cents=0)


def test_the_teacher_checks_the_price_then_confirms(client, visit, bus):
    login(client, visit.requested_by)
    assert f'href="{book_url(visit)}"' in text(client.get(f"/aanvragen/{visit.id}"))

    checked = submit(client, book_url(visit), {"teachers": 2}, button="check")
    assert checked.status_code == 200
    page = text(checked)
    assert "Controleer, en bevestig dan" in page and "0,00" in page
    assert count(BusRide) == 0

    form = find_form(page, None)
    data = form.defaults()
    data["action"] = ["confirm"]
    confirmed = client.post(book_url(visit), data=data)

    [ride] = find_all(BusRide)
    assert location(confirmed) == f"/techniekbus/ritten/{ride.id}"
    assert "08:15" in text(client.get(f"/techniekbus/ritten/{ride.id}"))


def test_a_confirmation_at_another_price_is_refused(client, visit, bus):
    login(client, visit.requested_by)
    token = csrf_token(text(client.get(book_url(visit))))

    response = client.post(book_url(visit), data={
        "csrf_token": token, "bus_id": bus.id, "departs_at": "08:15", "returns_at": "12:15",
        "teachers": 2, "price_cents": "999", "action": "confirm"})

    assert response.status_code == 422 and form_alert(response)
    assert count(BusRide) == 0


def test_times_outside_the_visit_answer_422_next_to_the_field(client, visit, bus):
    login(client, visit.requested_by)

    response = submit(client, book_url(visit), {"departs_at": "10:00"}, button="check")

    assert response.status_code == 422 and field_error(response, "departs_at")


def test_other_people_cannot_book_the_bus_for_the_visit(client, make, visit, bus):
    login(client, make.owner_of(make.school(place="Goes")))
    assert client.get(book_url(visit)).status_code == 404
    login(client, make.owner_of(visit.offer.company))
    assert client.get(book_url(visit)).status_code == 403


def test_the_ride_is_changed_and_cancelled_on_its_page(client, visit, bus):
    ride = booked(visit, bus)
    login(client, visit.requested_by)
    url = f"/techniekbus/ritten/{ride.id}"

    changed = submit(client, url, {"departs_at": "08:30"}, action=f"{url}/wijzigen")
    assert location(changed) == url
    assert reload(BusRide, ride.id).departs_at == time(8, 30)

    refused = submit(client, url, {"cancel-reason": ""}, action=f"{url}/annuleren")
    assert refused.status_code == 422 and field_error(refused, "cancel-reason")
    cancelled = submit(client, url, {"cancel-reason": "Klas ziek."}, action=f"{url}/annuleren")
    assert location(cancelled) == url
    assert reload(BusRide, ride.id).status == "cancelled"
    assert "Klas ziek." in text(client.get(url))


def test_the_technocentrum_sees_the_ride_another_region_does_not(client, make, zeeland, visit,
                                                                 bus):
    ride = booked(visit, bus)
    login(client, make.moderator(zeeland))
    assert client.get(f"/techniekbus/ritten/{ride.id}").status_code == 200
    login(client, make.moderator(make.technocentrum(("NL-FL",))))
    assert client.get(f"/techniekbus/ritten/{ride.id}").status_code == 404


def test_the_week_and_month_views_show_the_rides(client, make, zeeland, visit, bus):
    ride = booked(visit, bus)
    login(client, make.moderator(zeeland))

    week = text(client.get(f"/moderatie/techniekbus?week={ride.day.strftime('%G-W%V')}"))
    month = text(client.get(f"/moderatie/techniekbus?maand={ride.day.strftime('%Y-%m')}"))
    empty = text(client.get(
        f"/moderatie/techniekbus?week={(ride.day + timedelta(days=7)).strftime('%G-W%V')}"))

    assert f'href="/techniekbus/ritten/{ride.id}"' in week
    assert f'href="/techniekbus/ritten/{ride.id}"' in month
    assert f'href="/techniekbus/ritten/{ride.id}"' not in empty and "Vrij" in empty


@pytest.mark.parametrize("query", ["week=2027-W99", "maand=2027-13", "week=x"])
def test_a_malformed_period_answers_400(client, make, zeeland, query):
    login(client, make.moderator(zeeland))

    assert client.get(f"/moderatie/techniekbus?{query}").status_code == 400


def form_with(page, name):
    """The page's POST form that has the field `name` (pages with several forms)."""
    return next(f for f in forms(page) if name in f.names)


def test_the_technocentrum_adds_a_bus_and_sets_its_rules(client, make, zeeland):
    login(client, make.moderator(zeeland))
    url = "/moderatie/techniekbus/instellingen"
    data = form_with(text(client.get(url)), "bus-name").defaults()
    data.update({"bus-name": ["Techniekbus 2"], "bus-seats": ["49"]})

    added = client.post(url, data=data)

    assert location(added) == f"{url}?centrum={zeeland.id}"
    assert [(b.name, b.seats, b.run_days) for b in find_all(Bus)] == [
        ("Techniekbus 2", 49, 0b0011111)]
    saved = submit(client, url, {"rules-price": "12,50", "rules-surcharge": "5",
                                 "rules-surcharge_places": "Goes"})
    assert saved.status_code == 302
    rules = reload(BusRules, zeeland.id)
    assert (rules.price_cents, rules.surcharge_cents) == (1250, 500)
    assert [p.name for p in rules.surcharge_places] == ["Goes"]


@pytest.mark.parametrize("field, value", [("rules-price", "twaalf"),
                                          ("rules-max_distance_km", "0"),
                                          ("rules-surcharge_places", "Atlantis")])
def test_bad_rules_answer_422_next_to_the_field(client, make, zeeland, field, value):
    login(client, make.moderator(zeeland))

    response = submit(client, "/moderatie/techniekbus/instellingen", {field: value})

    assert response.status_code == 422 and field_error(response, field)
    assert reload(BusRules, zeeland.id) is None


def test_a_period_is_added_and_removed_on_the_bus_page(client, make, zeeland, bus):
    login(client, make.moderator(zeeland))
    url = f"/moderatie/techniekbus/bussen/{bus.id}"
    start = local_today() + timedelta(days=30)
    data = form_with(text(client.get(url)), "block-reason").defaults()
    data.update({"block-starts_on": [start.isoformat()],
                 "block-ends_on": [(start + timedelta(days=6)).isoformat()],
                 "block-reason": ["Kerstvakantie"]})

    assert location(client.post(url, data=data)) == url

    [block] = find_all(BusBlock)
    assert (block.reason, block.starts_on) == ("Kerstvakantie", start)
    removed = submit(client, url, action=f"/moderatie/techniekbus/blokkades/{block.id}/"
                                         "verwijderen")
    assert location(removed) == url
    assert find_all(BusBlock) == []


def test_another_regions_moderator_cannot_manage_the_bus(client, make, bus):
    login(client, make.moderator(make.technocentrum(("NL-FL",))))

    assert client.get(f"/moderatie/techniekbus/bussen/{bus.id}").status_code == 404
    assert client.get(f"/moderatie/techniekbus?centrum={bus.technocentrum_id}").status_code \
        == 403


def test_a_refused_period_keeps_the_bus_as_it_is_on_the_page(client, make, zeeland, bus):
    login(client, make.moderator(zeeland))
    url = f"/moderatie/techniekbus/bussen/{bus.id}"
    data = form_with(text(client.get(url)), "block-reason").defaults()
    data.update({"block-starts_on": [""], "block-reason": ["Onderhoud"]})

    refused = client.post(url, data=data)

    assert refused.status_code == 422 and field_error(refused, "block-starts_on")
    bus_form = form_with(text(refused), "bus-name").defaults()
    assert (bus_form["bus-name"], bus_form["bus-seats"], bus_form["bus-active"]) == (
        [bus.name], ["53"], ["y"])
    assert len(bus_form["bus-run_days"]) == 7
