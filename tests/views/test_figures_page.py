"""The public page of the national headline figures."""
from datetime import timedelta

from portal.db import local_today
from portal.moderation.figures import headline, school_year_of
from tests.views.helpers import text


def test_anyone_reads_the_national_figures_of_this_school_year_and_the_last(client, make):
    make.completed_booking(make.offer(make.company(place="Vlissingen")))
    this_year = school_year_of(local_today())
    last_year = school_year_of(this_year.first - timedelta(days=1))
    counts = [headline(year).activities for year in (this_year, last_year)]
    assert sum(counts) == 1  # the activity of three days ago, in one of the two years

    page = client.get("/cijfers")

    assert page.status_code == 200
    html = text(page)
    assert f"Schooljaar {this_year.label}, tot nu toe" in html
    assert "Gehouden activiteiten" in html
    for year, count in zip((this_year, last_year), counts, strict=True):
        assert f'<td role="cell" data-label="{year.label}">{count}</td>' in html


def test_the_figures_in_english(client):
    client.get("/taal/en")

    assert "School year" in text(client.get("/cijfers"))


def test_the_home_page_links_to_the_figures(client):
    assert 'href="/cijfers"' in text(client.get("/"))
