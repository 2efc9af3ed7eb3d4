"""The teacher's questions on the search page: group size, a date or a period, any distance in
km, and a line saying what the hard filters left out."""
import re
from datetime import timedelta

from portal.bookings import services as bookings
from portal.db import local_today
from tests.views.helpers import field_error, login, text

SEARCH_URL = "/zoeken"
_RESULT = re.compile(r'<li class="card mb-3 result">(.*?)</li>', re.S)
DAY = local_today() + timedelta(days=14)


def titles(response):
    return re.findall(r'<h3 class="h5 mb-1"><a [^>]*>([^<]+)</a>', text(response))


def teacher_of(make, place="Middelburg (Zeeland)"):
    return make.owner_of(make.school(place=place))


def visit(make, place, title, capacity=30, days=None, **fields):
    company = make.company(place=place)
    offer = make.offer(company, title=title, slot_capacity=capacity, **fields)
    if days is not None:
        offer.slots[0].day = local_today() + timedelta(days=days)
    return offer


def test_group_size_keeps_only_activities_with_room_for_the_group(client, make):
    teacher = teacher_of(make)
    visit(make, "Vlissingen", "Kleine werkplaats", capacity=12)
    visit(make, "Vlissingen", "Grote hal", capacity=40)
    login(client, teacher)
    client.get("/taal/en")

    response = client.get(SEARCH_URL, query_string={"group_size": 25, "max_km": ""})

    assert response.status_code == 200
    assert titles(response) == ["Grote hal"]
    assert "1 more without room for your group." in text(response)


def test_a_date_keeps_only_offers_with_room_on_that_date(client, make):
    teacher = teacher_of(make)
    on_the_day = visit(make, "Vlissingen", "Op de dag")
    visit(make, "Vlissingen", "Een week later").slots[0].day = \
        on_the_day.slots[0].day + timedelta(days=7)
    login(client, teacher)
    client.get("/taal/en")
    day = on_the_day.slots[0].day

    one_day = client.get(SEARCH_URL, query_string={"wanted_on": day.isoformat()})
    period = client.get(SEARCH_URL, query_string={
        "wanted_on": day.isoformat(), "wanted_until": (day + timedelta(days=10)).isoformat()})

    assert titles(one_day) == ["Op de dag"]
    assert "1 more without room on your date." in text(one_day)
    assert sorted(titles(period)) == ["Een week later", "Op de dag"]


def test_a_full_slot_on_the_date_counts_as_without_room(client, make):
    teacher = teacher_of(make)
    full = visit(make, "Vlissingen", "Vol", capacity=20)
    make.booking(full, group_size=20)
    bookings.accept_booking(actor=make.owner_of(full.company), booking=full.bookings[0])
    login(client, teacher)

    response = client.get(SEARCH_URL, query_string={"wanted_on": full.slots[0].day.isoformat()})

    assert titles(response) == []


def test_any_distance_in_km_and_what_lies_beyond(client, make):
    teacher = teacher_of(make)
    visit(make, "Vlissingen", "Dichtbij")
    visit(make, "Goes", "Wat verder")
    visit(make, "Groningen", "Ver weg")
    login(client, teacher)
    client.get("/taal/en")

    seven = client.get(SEARCH_URL, query_string={"max_km": 8})
    thirty = client.get(SEARCH_URL, query_string={"max_km": 33})
    anywhere = client.get(SEARCH_URL, query_string={"max_km": ""})

    assert titles(seven) == ["Dichtbij"]
    assert "2 more beyond 8 km." in text(seven)
    assert titles(thirty) == ["Dichtbij", "Wat verder"]
    assert "1 more beyond 33 km." in text(thirty)
    assert titles(anywhere) == ["Dichtbij", "Wat verder", "Ver weg"]
    assert "more beyond" not in text(anywhere)


def test_offers_whose_period_has_ended_are_never_shown(client, make):
    teacher = teacher_of(make)
    ended = make.placement(make.company(place="Vlissingen"), title="Afgelopen stage")
    ended.starts_on = local_today() - timedelta(days=60)
    ended.ends_on = local_today() - timedelta(days=1)
    make.placement(make.company(place="Vlissingen"), title="Lopende stage")
    login(client, teacher)

    assert titles(client.get(SEARCH_URL)) == ["Lopende stage"]


def test_bad_dates_and_group_sizes_are_refused_next_to_the_field(client, make):
    login(client, teacher_of(make))
    client.get("/taal/en")

    before = client.get(SEARCH_URL, query_string={
        "wanted_on": DAY.isoformat(), "wanted_until": (DAY - timedelta(days=1)).isoformat()})
    alone = client.get(SEARCH_URL, query_string={"wanted_until": DAY.isoformat()})
    group = client.get(SEARCH_URL, query_string={"group_size": 0})
    not_a_date = client.get(SEARCH_URL, query_string={"wanted_on": "31-02-2027"})

    assert before.status_code == alone.status_code == group.status_code == 400
    assert not_a_date.status_code == 400
    assert field_error(before, "wanted_until")
    assert "cannot lie before the first" in text(before)
    assert field_error(alone, "wanted_until") and "Enter the first date too" in text(alone)
    assert field_error(group, "group_size") and "1 to 500 pupils" in text(group)
    assert field_error(not_a_date, "wanted_on")


def test_a_visitor_can_ask_for_a_date_and_group_too(client, make):
    visit(make, "Vlissingen", "Kleine werkplaats", capacity=12)
    visit(make, "Vlissingen", "Grote hal", capacity=40)

    response = client.get(SEARCH_URL, query_string={"group_size": 25})

    assert titles(response) == ["Grote hal"]


def page_links(response):
    return re.findall(r'class="page-link"[^>]*>(\d+)</a>', response.get_data(as_text=True))


def test_every_offer_found_is_counted_and_the_pages_stay_few_links(client, make):
    company = make.company(place="Vlissingen")
    for n in range(205):
        make.offer(company, title=f"Rondleiding {n}")
    client.get("/taal/en")

    first = client.get(SEARCH_URL)
    middle = client.get(SEARCH_URL, query_string={"page": 6})
    beyond = client.get(SEARCH_URL, query_string={"page": 10_000})

    assert "205 offers found" in text(first)
    assert len(titles(first)) == 20
    assert page_links(first) == ["1", "2", "3", "4", "11"]
    assert page_links(middle) == ["1", "3", "4", "5", "6", "7", "8", "9", "11"]
    assert page_links(beyond)[-1] == "11" and len(titles(beyond)) == 5  # the last page
