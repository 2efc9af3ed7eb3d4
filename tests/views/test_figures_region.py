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
