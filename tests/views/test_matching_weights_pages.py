"""The moderator's page of their region's search weights: shown with the defaults, previewed on a
sample search without saving, saved (changing what the region's schools find), refused to
others."""
import re
from dataclasses import asdict

import pytest
from sqlalchemy import select

from portal import security
from portal.audit import AuditEvent
from portal.extensions import db
from portal.matching.models import MatchingWeights
from portal.matching.rules import DEFAULT_WEIGHTS, Weights
from portal.matching.search import SearchFilters, find_offers
from portal.matching.weights import save_weights, weights_for_school, weights_of
from portal.organisations.models import Technocentrum
from portal.taxonomy.services import sector_by_code
from tests.views.helpers import (
    LOGIN_URL,
    count,
    field_error,
    find_button_form,
    form_alert,
    location,
    login,
    submit,
    text,
)

URL = "/moderatie/zoekgewichten"
RESET_URL = "/moderatie/zoekgewichten/standaard"
BY_PLACE = {"region": 100, "distance": 100, "sector": 0}
BY_SECTOR = Weights(region=0, distance=1, sector=100, level=10, period=5, text=25, fairness=5)


@pytest.fixture
def zeeland(make):
    return make.technocentrum(("NL-ZE",), name="Technocentrum Zeeland")


@pytest.fixture
def moderator(make, zeeland):
    return make.moderator(zeeland)


@pytest.fixture
def school(make, zeeland):
    return make.school(place="Middelburg (Zeeland)", sectors=("bouw",))


@pytest.fixture
def offers(make, school):
    """(near, fitting): one in the school's town in another sector, one in its sector a town
    further; the weights decide which comes first."""
    near = make.offer(make.company(place="Middelburg (Zeeland)", sectors=("ict",)),
                      sector_ids=[sector_by_code("ict").id], title="Dichtbij aanbod")
    fitting = make.offer(make.company(place="Vlissingen", sectors=("bouw",)),
                         sector_ids=[sector_by_code("bouw").id], title="Passend aanbod")
    return near, fitting


def values(html):
    form = find_button_form(html, "save")
    return {name: form.defaults().get(name, [None])[0] for name in asdict(DEFAULT_WEIGHTS)}


def table(html, table_id):
    """The offer titles of a preview table, in their order."""
    body = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    return re.findall(r'<a href="/aanbod/\d+"[^>]*>([^<]+)</a>', body)


def test_the_page_shows_the_defaults_and_what_each_rule_means(client, moderator, school):
    login(client, moderator)

    page = client.get(URL)

    html = text(page)
    assert page.status_code == 200
    assert "Technocentrum Zeeland" in html
    assert values(html) == {name: str(value) for name, value in asdict(DEFAULT_WEIGHTS).items()}
    for name in asdict(DEFAULT_WEIGHTS):
        assert f'id="{name}-help"' in html and f'aria-describedby="{name}-help"' in html
    # The sample school defaults to the region's first school; nothing is previewed yet.
    school_select = find_button_form(html, "preview").defaults()["school"]
    assert school_select == [str(school.id)]
    assert 'id="preview-proposed"' not in html
    assert RESET_URL not in html  # the region uses the defaults: nothing to reset


def test_a_preview_shows_both_rankings_and_saves_nothing(client, moderator, zeeland, school,
                                                         offers):
    near, fitting = offers
    save_weights(actor=moderator, technocentrum=zeeland, weights=BY_SECTOR)
    login(client, moderator)

    page = submit(client, URL, BY_PLACE, button="preview")

    html = text(page)
    assert page.status_code == 200
    assert table(html, "preview-current") == ["Passend aanbod", "Dichtbij aanbod"]
    assert table(html, "preview-proposed") == ["Dichtbij aanbod", "Passend aanbod"]
    assert '<span aria-hidden="true">↑1</span>' in html
    assert '<span aria-hidden="true">↓1</span>' in html
    assert weights_of(zeeland) == BY_SECTOR
    assert count(AuditEvent, AuditEvent.action == "matching.weights_changed") == 1
    # The form keeps the proposal, ready to be saved.
    assert values(html)["region"] == "100"


def test_saving_changes_what_the_regions_schools_find(client, moderator, zeeland, school,
                                                      offers):
    near, fitting = offers
    save_weights(actor=moderator, technocentrum=zeeland, weights=BY_SECTOR)

    def first():
        result = find_offers(SearchFilters(max_km=50), school=school,
                             weights=weights_for_school(school))
        return [offer.id for _ranked, offer in result.hits]

    assert first() == [fitting.id, near.id]
    login(client, moderator)

    saved = submit(client, URL, {**BY_PLACE, "note": "Nabijheid eerst."}, button="save")

    assert saved.status_code == 302 and location(saved) == URL
    db.session.expire_all()
    assert weights_of(zeeland).region == 100 and weights_of(zeeland).sector == 0
    assert first() == [near.id, fitting.id]
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "matching.weights_changed").order_by(AuditEvent.id.desc())).first()
    assert event.actor_id == moderator.id and event.details["reason"] == "Nabijheid eerst."
    assert event.details["before"] == asdict(BY_SECTOR)
    after = client.get(URL)
    assert "Nabijheid eerst." not in text(after)  # the note is the log's, not the form's
    assert values(text(after))["region"] == "100"
    assert RESET_URL in text(after)


@pytest.mark.parametrize("data, field", [
    ({"region": "veel"}, "region"),
    ({"region": ""}, "region"),
    ({"distance": "101"}, "distance"),
    ({"fairness": "51"}, "fairness"),
    ({"text": "-3"}, "text"),
    ({"level": "2.5"}, "level"),
])
@pytest.mark.parametrize("button", ["save", "preview"])
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(client, moderator, school,
                                                                    data, field, button):
    login(client, moderator)

    page = submit(client, URL, data, button=button)

    assert page.status_code == 422
    assert field_error(page, field)
    assert form_alert(page)
    assert count(MatchingWeights) == 0
    assert 'id="preview-proposed"' not in text(page)


def test_no_points_for_place_nor_sector_is_refused_above_the_form(client, moderator, school):
    login(client, moderator)

    page = submit(client, URL, {"region": 0, "distance": 0, "sector": 0}, button="save")

    assert page.status_code == 422 and form_alert(page)
    assert count(MatchingWeights) == 0


def test_a_save_over_a_colleagues_change_is_refused_then_possible(client, make, moderator,
                                                                  zeeland, school):
    login(client, moderator)
    opened = client.get(URL)
    form = find_button_form(text(opened), "save")
    data = {**form.defaults(), **{k: [str(v)] for k, v in BY_PLACE.items()}, "action": ["save"]}
    save_weights(actor=make.moderator(zeeland), technocentrum=zeeland, weights=BY_SECTOR)

    refused = client.post(URL, data=data)

    assert refused.status_code == 422 and form_alert(refused)
    assert weights_of(zeeland) == BY_SECTOR
    # The page now knows the colleague's revision: saving once more is a deliberate choice.
    again = client.post(URL, data={**find_button_form(text(refused), "save").defaults(),
                                   "action": ["save"]})
    assert again.status_code == 302
    assert weights_of(zeeland).region == 100


def test_back_to_the_defaults(client, moderator, zeeland, school):
    save_weights(actor=moderator, technocentrum=zeeland, weights=BY_SECTOR)
    login(client, moderator)

    reset = submit(client, URL, action=RESET_URL)

    assert reset.status_code == 302 and location(reset) == URL
    assert weights_of(zeeland) == DEFAULT_WEIGHTS
    assert count(AuditEvent, AuditEvent.action == "matching.weights_reset") == 1


def test_visitors_sign_in_and_others_are_refused(client, make, zeeland, moderator):
    assert location(client.get(URL)).startswith(LOGIN_URL)
    utrecht = make.technocentrum(("NL-UT",), name="Technocentrum Utrecht")
    other = make.moderator(utrecht)
    login(client, other)
    assert client.get(f"{URL}?centrum={zeeland.id}").status_code == 403
    assert client.get(f"{URL}?centrum={utrecht.id}").status_code == 200
    assert "Technocentrum Zeeland" not in text(client.get(URL))

    login(client, make.user(security.TEACHER))
    assert client.get(URL).status_code == 403


def test_another_regions_moderator_cannot_save_here(client, make, zeeland, school):
    other = make.moderator(make.technocentrum(("NL-UT",)))
    login(client, other)
    page = client.get(URL)
    form = find_button_form(text(page), "save")
    data = {**form.defaults(), "region": ["90"], "action": ["save"]}

    assert client.post(f"{URL}?centrum={zeeland.id}", data=data).status_code == 403
    assert client.post(f"{RESET_URL}?centrum={zeeland.id}", data=data).status_code == 403
    assert weights_of(zeeland) == DEFAULT_WEIGHTS


def test_a_company_member_is_refused(client, make):
    login(client, make.user(security.COMPANY_MEMBER))
    assert client.get(URL).status_code == 403


def test_the_administrator_picks_any_technocentrum(client, make, zeeland, school):
    utrecht = make.technocentrum(("NL-UT",), name="Technocentrum Utrecht")
    login(client, make.admin())

    page = client.get(f"{URL}?centrum={utrecht.id}")
    assert page.status_code == 200
    assert f'<option value="{utrecht.id}" selected>' in text(page)
    saved = submit(client, f"{URL}?centrum={utrecht.id}", {"text": 60}, button="save")

    assert saved.status_code == 302 and location(saved) == f"{URL}?centrum={utrecht.id}"
    assert weights_of(utrecht).text == 60
    assert weights_of(zeeland) == DEFAULT_WEIGHTS
    assert client.get(f"{URL}?centrum=999999").status_code == 404
    assert client.get(f"{URL}?centrum={school.id}").status_code == 404  # not a Technocentrum
    log = client.get("/moderatie/logboek")
    assert "Technocentrum Utrecht" in text(log)


def test_the_administrator_without_any_technocentrum(client, make):
    assert count(Technocentrum) == 0
    login(client, make.admin())
    page = client.get(URL)
    assert page.status_code == 200
    assert 'name="region"' not in text(page)
