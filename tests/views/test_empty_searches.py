"""Searches that found nothing: one row with the day, the place of the school that searched and
the filters, and nothing of who searched; written only for a school's search (a teacher's, not
a visitor's) sent from its form with something chosen, with one INSERT, and never for a search
that found something."""
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select

from portal.bookings.due import run_due
from portal.db import local_today, utcnow
from portal.extensions import db
from portal.geo.models import Place
from portal.matching.empty_searches import (
    EmptySearch,
    first_kept_day,
    note_empty_search,
    prune,
)
from portal.taxonomy.services import level_by_code, sector_by_code
from tests.views.helpers import login

SEARCH_URL = "/zoeken"
DAY = local_today() + timedelta(days=20)


def logged():
    db.session.expire_all()
    return [(row.day, row.place_id, row.filters)
            for row in db.session.scalars(select(EmptySearch).order_by(EmptySearch.id))]


@pytest.fixture
def teacher(make):
    return make.owner_of(make.school(place="Middelburg (Zeeland)"))


def test_a_teachers_search_that_found_nothing_is_kept_without_the_teacher(client, teacher):
    school_place = teacher.memberships[0].organisation.place
    login(client, teacher)

    response = client.get(SEARCH_URL, query_string={
        "offer_type": "guest_lesson", "sector": sector_by_code("metaal").id,
        "level": level_by_code("vmbo_kb").id, "max_km": 25, "group_size": 24,
        "wanted_on": DAY.isoformat(), "wanted_until": (DAY + timedelta(days=7)).isoformat(),
        "q": "  Drones  Lassen "})

    assert response.status_code == 200
    assert logged() == [(local_today(), school_place.id, {
        "type": "guest_lesson", "sector": "metaal", "level": "vmbo_kb", "km": 25,
        "group": 24, "from": DAY.isoformat(),
        "until": (DAY + timedelta(days=7)).isoformat(), "words": "drones lassen"})]


def test_the_log_holds_nothing_of_who_searched():
    assert {column.key for column in inspect(EmptySearch).columns} == {
        "id", "day", "place_id", "filters"}


def test_a_visitors_search_is_not_logged(client):
    """Visitors (bots among them) are noise, and belong to no region."""
    response = client.get(SEARCH_URL, query_string={"offer_type": "internship", "q": "robots"})

    assert response.status_code == 200 and "robots" in response.get_data(as_text=True)
    assert logged() == []


@pytest.mark.parametrize("role", ["company", "moderator"])
def test_only_a_schools_user_is_logged(client, make, role):
    login(client, make.owner_of(make.company()) if role == "company" else make.moderator())

    client.get(SEARCH_URL, query_string={"q": "robots"})

    assert logged() == []


def test_a_head_request_is_not_logged(client, teacher):
    login(client, teacher)

    response = client.head(SEARCH_URL, query_string={"q": "robots"})

    assert response.status_code == 200
    assert logged() == []


@pytest.mark.parametrize("query", [
    {},  # the page opened
    {"q": "", "offer_type": "", "sector": "", "level": "", "max_km": 50},  # nothing chosen
    {"q": "robots", "page": 2},  # a page of results: the search was logged when sent
    {"q": "robots", "page": 1},
    {"group_size": 0},  # not a search at all (400)
])
def test_only_a_search_sent_with_a_filter_chosen_is_logged(client, teacher, query):
    login(client, teacher)

    client.get(SEARCH_URL, query_string=query)

    assert logged() == []


def test_a_changed_distance_alone_is_a_filter(client, teacher):
    login(client, teacher)

    client.get(SEARCH_URL, query_string={"max_km": 5})

    assert [filters for *_where, filters in logged()] == [{"km": 5}]


def test_a_search_that_found_something_writes_nothing(client, make, teacher, count_queries):
    make.offer(make.company(place="Vlissingen"), title="Lassen met robots")
    login(client, teacher)
    client.get(SEARCH_URL, query_string={"q": "robots"})  # warm what a first search reads

    with count_queries() as statements:
        client.get(SEARCH_URL, query_string={"q": "robots"})

    assert logged() == []
    assert not [s for s in statements if "empty_searches" in s]


def test_an_empty_search_adds_one_insert_and_nothing_else(client, teacher, count_queries):
    login(client, teacher)
    query = {"q": "onderwaterlassen", "offer_type": "company_visit"}
    client.get(SEARCH_URL, query_string={**query, "page": 1})  # warm; a page: not logged

    with count_queries() as paged:
        client.get(SEARCH_URL, query_string={**query, "page": 1})
    with count_queries() as sent:
        client.get(SEARCH_URL, query_string=query)

    added = [s for s in sent if not s.lstrip().upper().startswith(("COMMIT", "BEGIN"))]
    writes = [s for s in added if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert len(writes) == 1 and writes[0].lstrip().startswith("INSERT INTO empty_searches")
    assert len(added) == len([s for s in paged if not s.lstrip().upper().startswith(
        ("COMMIT", "BEGIN"))]) + 1
    assert len(logged()) == 1


def test_the_same_search_again_is_another_row(client, teacher):
    """Two teachers (or one, a week later) asking the same: the figures count both."""
    login(client, teacher)

    for _ in range(2):
        client.get(SEARCH_URL, query_string={"q": "drones"})

    assert len(logged()) == 2


# --- how long they are kept ----------------------------------------------------------------


def test_three_school_years_are_kept():
    assert first_kept_day(date(2026, 12, 1)) == date(2024, 8, 1)
    assert first_kept_day(date(2027, 7, 31)) == date(2024, 8, 1)
    assert first_kept_day(date(2027, 8, 1)) == date(2025, 8, 1)


def test_older_searches_are_removed_by_the_time_driven_work(app):
    place = db.session.scalar(select(Place).where(Place.name == "Goes"))
    today = local_today()
    kept_from = first_kept_day(today)
    for day in (kept_from - timedelta(days=1), kept_from, today):
        note_empty_search({"words": "drones"}, place, today=day)

    lines = run_due(now=utcnow())

    assert "empty searches removed: 1" in lines
    assert [day for day, *_rest in logged()] == [kept_from, today]
    assert prune(db.session, today) == 0  # a second run finds nothing more


def test_the_privacy_page_says_what_is_kept_and_whose(client):
    client.get("/taal/en")

    page = client.get("/privacy").get_data(as_text=True)

    assert "the place of the school (only to know its region; it is not shown)" in page
    assert "Searches by visitors who are not signed in are not kept." in page
