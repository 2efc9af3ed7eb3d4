"""The administrator's reference data pages under /beheer/referentie: sectors with the nine
topsectors, education levels and qualifications, each row with its own form; nobody else may."""
import pytest
from sqlalchemy import select

from portal import security
from portal.extensions import db
from portal.taxonomy.models import EducationLevel, Qualification, Sector, Topsector
from portal.taxonomy.services import level_by_code, sector_by_code
from tests.views.helpers import (
    LOGIN_URL,
    csrf_token,
    field_error,
    find,
    form_alert,
    location,
    login,
    reload,
    submit,
    text,
)

INDEX = "/beheer/referentie"
SECTORS = f"{INDEX}/sectoren"
LEVELS = f"{INDEX}/niveaus"
QUALIFICATIONS = f"{INDEX}/kwalificaties"
AUDIT_LOG = "/moderatie/logboek"


@pytest.fixture
def admin(client, make):
    user = make.admin()
    login(client, user)
    client.get("/taal/en")
    return user


def sector(code):
    db.session.expire_all()
    return sector_by_code(code)


def topsector(code):
    return db.session.scalar(select(Topsector).where(Topsector.code == code))


def post(client, url, data=None, page=SECTORS):
    """A POST with a valid token, as a form the page does not show would be sent."""
    token = csrf_token(text(client.get(page)))
    return client.post(url, data={"csrf_token": token, **(data or {})})


# --- who may ------------------------------------------------------------------------------


PAGES = (INDEX, SECTORS, LEVELS, QUALIFICATIONS)


@pytest.mark.parametrize("url", PAGES)
def test_a_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert location(response).startswith(LOGIN_URL)


@pytest.mark.parametrize("role", [security.MODERATOR, security.TEACHER])
def test_others_than_the_administrator_may_not(client, make, role):
    login(client, make.moderator() if role == security.MODERATOR else make.user(role))
    metaal = sector("metaal")

    for url in PAGES:
        assert client.get(url).status_code == 403, url
    token = csrf_token(text(client.get("/account/instellingen")))
    for url, data in ((SECTORS, {"new-name": "X"}),
                      (f"{SECTORS}/{metaal.id}", {f"sector-{metaal.id}-name": "X"}),
                      (f"{SECTORS}/{metaal.id}/verwijderen", {}),
                      (f"{LEVELS}/{level_by_code('wo').id}/verwijderen", {}),
                      (f"{QUALIFICATIONS}/25737/verwijderen", {})):
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert sector("metaal").name == "Metaal"
    assert level_by_code("wo") is not None and db.session.get(Qualification, "25737")


# --- the overview -------------------------------------------------------------------------


def test_the_overview_links_every_kind_of_reference_data(client, admin):
    page = text(client.get(INDEX))

    for link in (SECTORS, LEVELS, QUALIFICATIONS, "/moderatie/vakanties", AUDIT_LOG):
        assert f'href="{link}"' in page
    assert "8 sector chambers with 20 finer sectors; the 9 topsectors" in page


# --- sectors and topsectors ---------------------------------------------------------------


def test_the_sectors_page_shows_the_chambers_their_sectors_and_the_topsectors(client, admin):
    page = text(client.get(SECTORS))

    assert "Techniek en gebouwde omgeving" in page and "Instrumentmaken" in page
    assert "<h2 class=\"h5 mt-4\" id=\"topsectors\">Topsectors</h2>" in page
    assert "Life Sciences &amp; Health" in page
    assert "Life sciences en laboratorium, Medische techniek" in page  # under the topsector
    metaal = sector("metaal")
    assert f'id="sector-{metaal.id}-name"' in page
    assert f'action="/beheer/referentie/sectoren/{metaal.id}/verwijderen"' in page
    assert 'id="new-chamber"' in page


def test_the_administrator_renames_a_sector_and_the_audit_log_says_so(client, admin):
    metaal = sector("metaal")
    prefix = f"sector-{metaal.id}"

    response = submit(client, SECTORS, {f"{prefix}-name": "Metaalbewerking",
                                        f"{prefix}-topsectors": [topsector("htsm").id,
                                                                 topsector("energie").id]},
                      action=f"{SECTORS}/{metaal.id}")

    assert response.status_code == 302 and location(response) == SECTORS
    changed = sector("metaal")
    assert changed.name == "Metaalbewerking" and changed.edited_at is not None
    assert sorted(t.code for t in changed.topsectors) == ["energie", "htsm"]
    assert "The sector Metaalbewerking has been saved." in text(client.get(SECTORS))
    assert "changed the sector <span lang=\"nl\">Metaalbewerking</span>" in text(
        client.get(AUDIT_LOG))


def test_the_administrator_moves_a_sector_to_another_chamber(client, admin):
    media = sector("media")

    response = submit(client, SECTORS, {f"sector-{media.id}-chamber": sector("techniek").id},
                      action=f"{SECTORS}/{media.id}")

    assert response.status_code == 302
    assert sector("media").parent.code == "techniek"


def test_a_chambers_form_has_no_chamber_field(client, admin):
    techniek = sector("techniek")
    page = text(client.get(SECTORS))

    assert f'id="sector-{techniek.id}-name"' in page
    assert f'id="sector-{techniek.id}-chamber"' not in page
    response = post(client, f"{SECTORS}/{techniek.id}", {
        f"sector-{techniek.id}-name": "Techniek", f"sector-{techniek.id}-name_en": "Tech",
        f"sector-{techniek.id}-chamber": sector("handel").id})
    assert response.status_code == 302  # a chamber field sent anyway is not read
    assert sector("techniek").parent_id is None and sector("techniek").name == "Techniek"


@pytest.mark.parametrize("field, value", [("name", ""), ("name_en", "x" * 121),
                                          ("name", "Logistiek"), ("chamber", "abc"),
                                          ("topsectors", "2147483647")])
def test_a_bad_sector_change_answers_422_beside_the_field(client, admin, field, value):
    ict = sector("ict")
    prefix = f"sector-{ict.id}"

    response = post(client, f"{SECTORS}/{ict.id}", {
        f"{prefix}-name": "ICT", f"{prefix}-name_en": "ICT", f"{prefix}-chamber": ict.parent_id,
        f"{prefix}-{field}": value})

    assert response.status_code == 422
    assert field_error(response, f"{prefix}-{field}")
    assert form_alert(response)
    page = text(response)
    assert '<details class="mt-3" open>\n  <summary class="small">Change<span ' \
           'class="visually-hidden" lang="nl"> ICT' in page
    assert (sector("ict").name, sector("ict").edited_at) == ("ICT", None)


def test_the_administrator_adds_a_sector(client, admin):
    response = submit(client, SECTORS, {"new-chamber": sector("handel").id,
                                        "new-name": "Technische detailhandel",
                                        "new-name_en": "Technical retail",
                                        "new-topsectors": topsector("logistiek").id},
                      action=SECTORS)

    assert response.status_code == 302
    added = sector("technische_detailhandel")
    assert (added.parent.code, [t.code for t in added.topsectors]) == ("handel", ["logistiek"])
    assert "added the sector <span lang=\"nl\">Technische detailhandel</span>" in text(
        client.get(AUDIT_LOG))


def test_a_bad_new_sector_answers_422_and_nothing_is_added(client, admin):
    count = len(db.session.scalars(select(Sector)).all())

    response = submit(client, SECTORS, {"new-name": "Nieuw"}, action=SECTORS)

    assert response.status_code == 422
    assert field_error(response, "new-chamber") and field_error(response, "new-name_en")
    assert len(db.session.scalars(select(Sector)).all()) == count


def test_the_administrator_removes_a_sector_nothing_uses(client, admin):
    sector_id = sector("instrumentmaken").id

    response = submit(client, SECTORS, action=f"{SECTORS}/{sector_id}/verwijderen")

    assert response.status_code == 302
    assert sector("instrumentmaken") is None
    assert "removed the sector <span lang=\"nl\">Instrumentmaken en fijnmechanica</span>" in \
        text(client.get(AUDIT_LOG))


def test_a_sector_in_use_has_no_remove_button_and_its_removal_is_refused(client, admin, make):
    make.company(sectors=("luchtvaart",))
    luchtvaart = sector("luchtvaart")

    page = text(client.get(SECTORS))
    response = post(client, f"{SECTORS}/{luchtvaart.id}/verwijderen")

    assert f"{luchtvaart.id}/verwijderen" not in page
    assert "Used by 1 company or school." in page
    assert response.status_code == 422
    assert "This sector cannot be removed: it is used by 1 company or school." in text(response)
    assert sector("luchtvaart") is not None


def test_a_sector_only_a_waiting_change_names_has_no_remove_button(client, admin, make):
    from portal.offers.services import update_offer

    offer = make.offer()
    instrumentmaken = sector("instrumentmaken")
    update_offer(actor=make.owner_of(offer.company), offer=offer, **make.offer_fields(
        sector_ids=[sector("metaal").id, instrumentmaken.id]))

    page = text(client.get(SECTORS))
    response = post(client, f"{SECTORS}/{instrumentmaken.id}/verwijderen")

    assert f"{instrumentmaken.id}/verwijderen" not in page
    assert "Used by 1 change waiting for moderation." in page
    assert response.status_code == 422
    assert "it is used by 1 change waiting for moderation." in text(response)
    assert sector("instrumentmaken") is not None


def test_an_unknown_sector_or_topsector_is_404(client, admin):
    for url in (f"{SECTORS}/2147483647", f"{SECTORS}/2147483647/verwijderen",
                f"{INDEX}/topsectoren/2147483647", f"{SECTORS}/0"):
        assert post(client, url).status_code == 404, url


def test_the_administrator_renames_a_topsector(client, admin):
    water = topsector("water")
    prefix = f"topsector-{water.id}"

    response = submit(client, SECTORS, {f"{prefix}-name": "Water & Delta"},
                      action=f"{INDEX}/topsectoren/{water.id}")
    refused = submit(client, SECTORS, {f"{prefix}-name": ""},
                     action=f"{INDEX}/topsectoren/{water.id}")

    assert response.status_code == 302
    assert refused.status_code == 422 and field_error(refused, f"{prefix}-name")
    assert reload(Topsector, water.id).name == "Water & Delta"


def test_a_renamed_sector_shows_in_the_search_form_and_finds_its_offers_at_once(client, admin,
                                                                                 make):
    make.offer(title="Rondleiding bij de draaierij")
    client.get("/taal/nl")
    before = text(client.get("/zoeken"))
    metaal = sector("metaal")
    assert ">Metaal</option>" in before
    assert "Rondleiding bij de draaierij" not in text(client.get("/zoeken?q=xylofoonmetaal"))

    submit(client, SECTORS, {f"sector-{metaal.id}-name": "Xylofoonmetaal",
                             f"sector-{metaal.id}-name_en": "Xylophone metal"},
           action=f"{SECTORS}/{metaal.id}")

    after = text(client.get("/zoeken"))
    assert ">Xylofoonmetaal</option>" in after and ">Metaal</option>" not in after
    assert "Rondleiding bij de draaierij" in text(client.get("/zoeken?q=xylofoonmetaal"))
    client.get("/taal/en")
    assert ">Xylophone metal</option>" in text(client.get("/zoeken"))


# --- education levels ---------------------------------------------------------------------


def level_codes():
    db.session.expire_all()
    return list(db.session.scalars(select(EducationLevel.code).order_by(
        EducationLevel.position, EducationLevel.id)))


def test_the_administrator_renames_moves_adds_and_removes_levels(client, admin):
    havo = level_by_code("havo")
    start = level_codes()

    renamed = submit(client, LEVELS, {f"level-{havo.id}-name": "HAVO 4-5"},
                     action=f"{LEVELS}/{havo.id}")
    moved = submit(client, LEVELS, action=f"{LEVELS}/{havo.id}/verplaatsen", button="up")
    added = submit(client, LEVELS, {"new-code": "mbo_4_bbl", "new-name": "MBO 4 BBL",
                                    "new-name_en": "MBO 4 work-based", "new-stage": "mbo",
                                    "new-country_code": "NL"}, action=LEVELS)

    assert [r.status_code for r in (renamed, moved, added)] == [302, 302, 302]
    assert location(moved) == LEVELS
    assert find(EducationLevel, EducationLevel.code == "havo").name == "HAVO 4-5"
    at = start.index("havo")
    assert level_codes()[at - 1] == "havo" and level_codes()[-1] == "mbo_4_bbl"
    new_id = level_by_code("mbo_4_bbl").id
    removed = submit(client, LEVELS, action=f"{LEVELS}/{new_id}/verwijderen")
    assert removed.status_code == 302 and level_by_code("mbo_4_bbl") is None
    log = text(client.get(AUDIT_LOG))
    for sentence in ("changed the education level <span lang=\"nl\">HAVO 4-5</span>",
                     "moved the education level <span lang=\"nl\">HAVO 4-5</span> in the lists",
                     "added the education level <span lang=\"nl\">MBO 4 BBL</span>",
                     "removed the education level <span lang=\"nl\">MBO 4 BBL</span>"):
        assert sentence in log


def test_the_first_level_has_no_up_button_and_cannot_move_up(client, admin):
    first = level_by_code(level_codes()[0])
    page = text(client.get(LEVELS))

    response = post(client, f"{LEVELS}/{first.id}/verplaatsen", {"direction": "up"}, page=LEVELS)

    assert f'action="{LEVELS}/{first.id}/verplaatsen"' in page
    assert response.status_code == 422
    assert "This level is first already." in text(response)


@pytest.mark.parametrize("changes, field", [({"new-code": "HAVO"}, "new-code"),
                                            ({"new-code": "havo"}, "new-code"),
                                            ({"new-stage": ""}, "new-stage"),
                                            ({"new-name": ""}, "new-name")])
def test_a_bad_new_level_answers_422_beside_the_field(client, admin, changes, field):
    data = {"new-code": "mbo_4_bbl", "new-name": "MBO 4 BBL", "new-name_en": "MBO 4",
            "new-stage": "mbo", "new-country_code": "NL", **changes}

    response = submit(client, LEVELS, data, action=LEVELS)

    assert response.status_code == 422 and field_error(response, field)
    assert level_by_code("mbo_4_bbl") is None


def test_a_level_in_use_is_not_removed(client, admin, make):
    make.offer(level_ids=[level_by_code("wo").id])
    wo = level_by_code("wo")

    page = text(client.get(LEVELS))
    response = post(client, f"{LEVELS}/{wo.id}/verwijderen", page=LEVELS)

    assert f"{wo.id}/verwijderen" not in page
    assert response.status_code == 422
    assert "This education level cannot be removed: it is used by 1 offer." in text(response)
    assert level_by_code("wo") is not None


def test_an_unknown_level_is_404(client, admin):
    for url in (f"{LEVELS}/2147483647", f"{LEVELS}/2147483647/verplaatsen",
                f"{LEVELS}/2147483647/verwijderen"):
        assert post(client, url, page=LEVELS).status_code == 404, url


# --- qualifications -----------------------------------------------------------------------


def test_the_qualifications_are_searched_and_paged(client, admin):
    page = text(client.get(QUALIFICATIONS))
    found = text(client.get(f"{QUALIFICATIONS}?q=25737"))

    assert "40 qualifications" in page and 'role="search"' in page
    assert "1 qualification matches “25737”" in found
    assert 'id="qualification-25737"' in found and 'id="qualification-25736"' not in found
    assert client.get(f"{QUALIFICATIONS}?page=99999999999999999999").status_code == 200
    assert client.get(f"{QUALIFICATIONS}?q={'x' * 101}").status_code == 400


def test_the_administrator_adds_changes_and_removes_a_qualification(client, admin):
    added = submit(client, QUALIFICATIONS, {"new-crebo": "09999", "new-name": "Testmonteur",
                                            "new-level": "2"}, action=QUALIFICATIONS)
    assert added.status_code == 302 and location(added) == f"{QUALIFICATIONS}?q=09999"
    url = f"{QUALIFICATIONS}?q=09999"

    changed = submit(client, url, {"qualification-09999-level": "3"},
                     action=f"{QUALIFICATIONS}/09999")
    assert changed.status_code == 302
    assert (find(Qualification, Qualification.crebo == "09999").level) == 3
    removed = submit(client, url, action=f"{QUALIFICATIONS}/09999/verwijderen")
    assert removed.status_code == 302
    assert find(Qualification, Qualification.crebo == "09999") is None
    log = text(client.get(AUDIT_LOG))
    for verb in ("added", "changed", "removed"):
        assert f"{verb} the qualification <span lang=\"nl\">Testmonteur</span>" in log


@pytest.mark.parametrize("changes, field", [({"new-crebo": "1234"}, "new-crebo"),
                                            ({"new-crebo": "25737"}, "new-crebo"),
                                            ({"new-level": ""}, "new-level"),
                                            ({"new-name": ""}, "new-name")])
def test_a_bad_new_qualification_answers_422_beside_the_field(client, admin, changes, field):
    data = {"new-crebo": "09999", "new-name": "Testmonteur", "new-level": "2", **changes}

    response = submit(client, QUALIFICATIONS, data, action=QUALIFICATIONS)

    assert response.status_code == 422 and field_error(response, field)
    assert find(Qualification, Qualification.crebo == "09999") is None


def test_a_bad_change_shows_the_qualification_with_its_error(client, admin):
    response = submit(client, f"{QUALIFICATIONS}?q=25737",
                      {"qualification-25737-name": ""}, action=f"{QUALIFICATIONS}/25737")

    assert response.status_code == 422
    assert field_error(response, "qualification-25737-name")
    assert find(Qualification, Qualification.crebo == "25737").edited_at is None


def test_a_qualification_an_offer_names_is_not_removed(client, admin, make):
    make.offer(offer_type="internship", crebo="25623")

    page = text(client.get(f"{QUALIFICATIONS}?q=25623"))
    response = post(client, f"{QUALIFICATIONS}/25623/verwijderen", page=QUALIFICATIONS)

    assert "Used by 1 offer." in page and "25623/verwijderen" not in page
    assert response.status_code == 422
    assert "it is named by 1 offer" in text(response)


@pytest.mark.parametrize("crebo", ["12345", "1234", "abcde", "123456"])
def test_an_unknown_or_malformed_crebo_is_404(client, admin, crebo):
    assert post(client, f"{QUALIFICATIONS}/{crebo}", page=QUALIFICATIONS).status_code == 404
    assert post(client, f"{QUALIFICATIONS}/{crebo}/verwijderen",
                page=QUALIFICATIONS).status_code == 404
