"""The search form's lists of types, sectors and levels are written once per language and
version of the sectors and levels (portal.taxonomy.version, portal.forms.KeptSelect): a change
to a sector or level shows at the next page, and the chosen value is marked each time."""
import re

from sqlalchemy import text as sql

from portal.extensions import db
from portal.taxonomy.services import sector_by_code
from tests.views.helpers import text

SEARCH_URL = "/zoeken"


def options(response, name):
    select = re.search(rf'<select[^>]* name="{name}"[^>]*>(.*?)</select>', text(response), re.S)
    return re.findall(r"<option([^>]*)>([^<]*)</option>", select.group(1))


def label_of(response, name, value):
    return next(label for attributes, label in options(response, name)
                if f'value="{value}"' in attributes)


def chosen(response, name):
    return [label for attributes, label in options(response, name) if "selected" in attributes]


def stamp():
    return db.session.execute(sql("SELECT stamp FROM taxonomy_version")).scalar()


def test_a_renamed_sector_or_level_shows_at_the_next_page(client):
    metaal = sector_by_code("metaal")
    assert label_of(client.get(SEARCH_URL), "sector", metaal.id) == "Metaal"
    before = stamp()

    db.session.execute(sql("UPDATE sectors SET name = 'Metaal en lassen' WHERE code = 'metaal'"))
    db.session.execute(sql("UPDATE education_levels SET name = 'Havo (bovenbouw)' "
                           "WHERE code = 'havo'"))
    db.session.commit()

    assert stamp() != before
    page = client.get(SEARCH_URL)
    assert label_of(page, "sector", metaal.id) == "Metaal en lassen"
    assert "Havo (bovenbouw)" in [label for _attributes, label in options(page, "level")]


def test_the_chosen_values_are_marked_and_unmarked(client):
    metaal = sector_by_code("metaal")
    page = client.get(SEARCH_URL, query_string={"sector": metaal.id,
                                                "offer_type": "guest_lesson"})
    assert chosen(page, "sector") == ["Metaal"]
    assert chosen(page, "offer_type") == ["Gastles"]
    page = client.get(SEARCH_URL)
    assert chosen(page, "sector") == ["Alle sectoren"]
    assert chosen(page, "offer_type") == ["Alle soorten"]
    assert chosen(client.get(SEARCH_URL, query_string={"sector": metaal.id}),
                  "sector") == ["Metaal"]


def test_each_language_has_its_own_lists(app, client):
    metaal = sector_by_code("metaal")
    dutch = client.get(SEARCH_URL)
    client.get("/taal/en")
    english = client.get(SEARCH_URL)
    assert label_of(dutch, "sector", metaal.id) == "Metaal"
    assert label_of(english, "sector", metaal.id) == "Metalworking"
    assert label_of(english, "sector", "") == "All sectors"
    assert label_of(app.test_client().get(SEARCH_URL), "sector", "") == "Alle sectoren"


def test_a_rolled_back_change_leaves_no_stamp_a_later_change_could_bear(app):
    """The stamp is random: after a rollback, the next change does not take the number the
    rolled-back one had, which a process may have kept with the rolled-back names."""
    first = stamp()
    db.session.execute(sql("UPDATE sectors SET name = 'Tijdelijk' WHERE code = 'metaal'"))
    rolled_back = stamp()
    db.session.rollback()
    assert stamp() == first
    db.session.execute(sql("UPDATE sectors SET name = 'Anders' WHERE code = 'metaal'"))
    assert stamp() not in (first, rolled_back)
    db.session.rollback()
