"""A region's figures page and its CSV exports."""
import csv
import io

import pytest

from portal.moderation.figures_views import safe_cell
from tests.views.helpers import field_error, login, text


@pytest.fixture
def zeeland(make):
    return make.technocentrum(("NL-ZE",), name="Technocentrum Zeeland")


@pytest.fixture
def held(make):
    """An activity that took place in Zeeland, and one in Utrecht."""
    make.completed_booking(make.offer(make.company(place="Vlissingen"), title="In Zeeland"))
    make.completed_booking(make.offer(make.company(place="Utrecht"), title="In Utrecht"),
                           make.owner_of(make.school(place="Utrecht")))


def test_the_moderator_sees_the_figures_of_their_region(client, make, zeeland, held):
    login(client, make.moderator(zeeland))

    page = client.get("/moderatie/cijfers")

    assert page.status_code == 200
    html = text(page)
    assert "Technocentrum Zeeland" in html
    assert "Activiteiten per soort" in html and "<svg" in html and 'role="img"' in html
    assert '<th scope="row" role="rowheader">Bedrijfsbezoek</th><td role="cell" ' \
           'data-label="Activiteiten">1</td>' in html  # Utrecht's visit is not counted


def test_the_administrator_chooses_the_country_or_a_region(client, make, zeeland, held):
    login(client, make.admin())

    country = text(client.get("/moderatie/cijfers?regio="))
    region = text(client.get(f"/moderatie/cijfers?regio={zeeland.id}"))

    assert '<th scope="row" role="rowheader">Bedrijfsbezoek</th><td role="cell" ' \
           'data-label="Activiteiten">2</td>' in country
    assert '<th scope="row" role="rowheader">Bedrijfsbezoek</th><td role="cell" ' \
           'data-label="Activiteiten">1</td>' in region


@pytest.mark.parametrize("query, field", [
    ("periode=eigen&van=2026-12-01&tot=2026-11-01", "tot"),
    ("periode=eigen&van=2026-12-01", "tot"),
    ("periode=jaar:1999", "periode"),
    ("periode=eigen&van=morgen&tot=2026-11-01", "van")])
def test_a_bad_period_answers_400_next_to_its_field(client, make, zeeland, query, field):
    login(client, make.moderator(zeeland))

    page = client.get(f"/moderatie/cijfers?{query}")

    assert page.status_code == 400 and field_error(page, field)


def test_a_period_of_ones_own(client, make, zeeland, held):
    login(client, make.moderator(zeeland))

    page = text(client.get("/moderatie/cijfers?periode=eigen&van=2020-01-01&tot=2020-12-31"))

    assert "Niets in deze periode." in page


def test_every_table_exports_as_csv(client, make, zeeland, held):
    login(client, make.moderator(zeeland))

    response = client.get("/moderatie/cijfers/soorten.csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows == [["Soort", "Activiteiten", "Leerlingen"], ["Bedrijfsbezoek", "1", "24"]]
    assert client.get("/moderatie/cijfers/onbekend.csv").status_code == 404


def test_another_regions_figures_are_refused_to_a_moderator(client, make, zeeland, held):
    utrecht = make.technocentrum(("NL-UT",))
    login(client, make.moderator(zeeland))

    assert client.get(f"/moderatie/cijfers?regio={utrecht.id}").status_code == 403
    assert client.get(f"/moderatie/cijfers/soorten.csv?regio={utrecht.id}").status_code == 403
    assert client.get("/moderatie/cijfers/soorten.csv?regio=").status_code == 403


@pytest.mark.parametrize("role", ["teacher", "company_member"])
def test_other_roles_may_not_read_region_figures(client, make, role):
    login(client, make.user(role))

    assert client.get("/moderatie/cijfers").status_code == 403


@pytest.mark.parametrize("value, safe", [
    ('=HYPERLINK("x")', "'=HYPERLINK(\"x\")"), ("+31", "'+31"), ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("Vlissingen", "Vlissingen"), (-3, -3),
    (12, 12)])
def test_csv_cells_never_start_a_formula(value, safe):
    assert safe_cell(value) == safe


def test_a_chart_counts_in_whole_numbers_and_draws_nothing_for_nothing():
    import re

    from portal.moderation.charts import bar_chart

    svg = bar_chart("Per soort", [("Gastles", 1), ("Bedrijfsbezoek", 7)])

    assert sorted(int(t) for t in re.findall(r">([\d.]+)</text>", svg)) == [0, 2, 4, 6, 8]
    assert 'role="img" aria-label="Per soort"' in svg and "<script" not in svg
    assert bar_chart("Leeg", [("Gastles", 0)]) == ""


# --- the topsector lens, requests that found no room, searches that found nothing ----------


def english(client):
    client.get("/taal/en")


def rowheader(label, *cells):
    """A table row as the page writes it: its header, then its cells by column name."""
    return f'<th scope="row" role="rowheader">{label}</th>' + "".join(
        f'<td role="cell" data-label="{column}">{value}</td>' for column, value in cells)


@pytest.fixture
def unmet(make, held):
    """A guest lesson declined for lack of room in Zeeland and one in Utrecht; searches that
    found nothing from two Zeeland schools (the same one twice in Middelburg, once in Goes)
    and one from an Utrecht school; a topsector."""
    from sqlalchemy import select

    from portal.bookings import services as bookings
    from portal.extensions import db
    from portal.geo.models import Place, Province
    from portal.matching.empty_searches import note_empty_search
    from portal.taxonomy.models import Topsector
    from portal.taxonomy.services import sector_by_code

    for place in ("Vlissingen", "Utrecht"):
        lesson = make.offer(make.company(place=place), offer_type="guest_lesson")
        asked = make.booking(lesson, make.owner_of(make.school(place=place)))
        bookings.decline_booking(actor=make.owner_of(lesson.company), booking=asked,
                                 message="Vol.", end_reason="no_room")

    def place(name, province):
        return db.session.scalar(select(Place).join(Province).where(
            Place.name == name, Province.code == province))

    lesson = {"type": "guest_lesson", "sector": "metaal", "level": "vmbo_kb", "km": 25}
    for _ in range(2):
        note_empty_search(dict(lesson), place("Middelburg", "NL-ZE"))
    note_empty_search(dict(lesson), place("Goes", "NL-ZE"))
    note_empty_search({"words": "drones", "km": 50}, place("Utrecht", "NL-UT"))
    db.session.add(Topsector(code="test_lens", name="Testlens", name_en="Test lens",
                             sectors=[sector_by_code("metaal")]))
    db.session.commit()


ZEELAND_SEARCH = "Guest lesson · Metalworking · VMBO advanced · within 25 km"
UTRECHT_SEARCH = "within 50 km · “drones”"


def test_the_region_sees_what_found_no_room_and_nothing(client, make, zeeland, unmet):
    login(client, make.moderator(zeeland))
    english(client)

    html = text(client.get("/moderatie/cijfers"))

    assert rowheader("Test lens", ("Activities", 1), ("Pupils", 24)) in html
    assert rowheader("Guest lesson", ("Requests", 1), ("Declined or withdrawn", 1),
                     ("Of them for lack of room", 1),
                     ("Waiting list closed without room", 0)) in html
    assert "Requests that found no room, by sector" in html
    # grouped by what was searched for, not by the school's place, which is not shown
    assert rowheader(ZEELAND_SEARCH, ("Searches", 3)) in html
    assert UTRECHT_SEARCH not in html  # another region's search
    searches = text(client.get("/moderatie/cijfers/niets-gevonden.csv"))
    assert ZEELAND_SEARCH in searches
    assert "Middelburg" not in searches and "Goes" not in searches


def test_another_regions_moderator_sees_only_their_own(client, make, zeeland, unmet):
    utrecht = make.technocentrum(("NL-UT",), name="Technocentrum Utrecht")
    login(client, make.moderator(utrecht))
    english(client)

    html = text(client.get("/moderatie/cijfers"))
    searches = text(client.get("/moderatie/cijfers/niets-gevonden.csv"))

    assert rowheader(UTRECHT_SEARCH, ("Searches", 1)) in html
    assert ZEELAND_SEARCH not in html and ZEELAND_SEARCH not in searches
    assert rowheader("Test lens", ("Activities", 1), ("Pupils", 24)) in html  # its own visit
    for name in ("niets-gevonden", "geen-plaats", "topsectoren"):
        assert client.get(f"/moderatie/cijfers/{name}.csv?regio={zeeland.id}").status_code \
            == 403


def test_the_country_counts_every_region(client, make, zeeland, unmet):
    login(client, make.admin())
    english(client)

    html = text(client.get("/moderatie/cijfers?regio="))

    assert ZEELAND_SEARCH in html and UTRECHT_SEARCH in html
    assert rowheader("Guest lesson", ("Requests", 2), ("Declined or withdrawn", 2),
                     ("Of them for lack of room", 2),
                     ("Waiting list closed without room", 0)) in html


@pytest.mark.parametrize("name, header, first", [
    ("topsectoren", ["Topsector", "Activities", "Pupils"], ["Test lens", "1", "24"]),
    ("geen-plaats", ["Type", "Requests", "Declined or withdrawn", "Of them for lack of room",
                     "Waiting list closed without room"], ["Guest lesson", "1", "1", "1", "0"]),
    ("geen-plaats-sectoren", ["Sector", "Requests", "Declined or withdrawn",
                              "Of them for lack of room", "Waiting list closed without room"],
     ["Metalworking", "2", "1", "1", "0"]),
    ("niets-gevonden", ["Searched for", "Searches"], [ZEELAND_SEARCH, "3"]),
])
def test_the_new_tables_export_as_csv(client, make, zeeland, unmet, name, header, first):
    login(client, make.moderator(zeeland))
    english(client)

    response = client.get(f"/moderatie/cijfers/{name}.csv")

    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == header
    assert first in rows[1:]


def test_the_page_shows_the_most_frequent_searches_and_the_csv_all(client, make, zeeland):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.geo.models import Place, Province
    from portal.matching.empty_searches import note_empty_search
    from portal.moderation.figures_views import SEARCHES_SHOWN

    goes = db.session.scalar(select(Place).join(Province).where(
        Place.name == "Goes", Province.code == "NL-ZE"))
    for n in range(SEARCHES_SHOWN + 1):
        note_empty_search({"words": f"=woord{n:03d}", "km": 50}, goes)
    note_empty_search({"words": "=woord000", "km": 50}, goes)  # the most frequent
    db.session.commit()
    login(client, make.moderator(zeeland))
    english(client)

    html = text(client.get("/moderatie/cijfers"))
    rows = list(csv.reader(io.StringIO(text(
        client.get("/moderatie/cijfers/niets-gevonden.csv")).lstrip("\ufeff"))))

    assert html.count("within 50 km · “=woord") == SEARCHES_SHOWN
    assert f"The {SEARCHES_SHOWN} most frequent of {SEARCHES_SHOWN + 1}" in html
    assert rows[1] == ["within 50 km · “=woord000”", "2"]
    assert len(rows) == SEARCHES_SHOWN + 2
