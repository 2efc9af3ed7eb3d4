"""The administrator's reference data (portal/taxonomy/admin.py): sectors with the nine
topsectors, education levels and qualifications; and loading the seeds again, which keeps what
the administrator changed (portal/taxonomy/services.py)."""
import re
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import delete, func, insert, select

from portal import security
from portal.audit import AuditEvent
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.offers.models import OfferRevision
from portal.seeds import read_seed
from portal.taxonomy import admin as reference
from portal.taxonomy import in_use
from portal.taxonomy.models import (
    EducationLevel,
    Qualification,
    Sector,
    Topsector,
    sector_topsectors,
)
from portal.taxonomy.services import (
    kept_taxonomy,
    level_by_code,
    load_taxonomies,
    sector_by_code,
)
from portal.taxonomy.version import current_version

TOPSECTORS = ["agri_food", "tuinbouw", "htsm", "logistiek", "creatief", "energie", "chemie",
              "lsh", "water"]


@pytest.fixture
def admin(make):
    return make.admin()


def code(name):
    return sector_by_code(name)


def topsector(code_):
    return db.session.scalar(select(Topsector).where(Topsector.code == code_))


def topsector_codes(sector_code):
    db.session.expire_all()
    return sorted(t.code for t in sector_by_code(sector_code).topsectors)


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def refused(call, **fields):
    with force_locale("en"), pytest.raises(ValidationFailed) as failed:
        call(**fields)
    return failed.value.errors


def snapshot():
    """Every row of the reference tables and the audit log's size, as the database has them."""
    db.session.expire_all()

    def rows(*columns):
        return sorted(db.session.execute(select(*columns)).all(), key=repr)

    return {
        "sectors": rows(Sector.id, Sector.code, Sector.name, Sector.name_en, Sector.parent_id,
                        Sector.position, Sector.edited_at),
        "links": rows(sector_topsectors.c.sector_id, sector_topsectors.c.topsector_id),
        "topsectors": rows(Topsector.id, Topsector.name, Topsector.name_en),
        "levels": rows(EducationLevel.id, EducationLevel.code, EducationLevel.name,
                       EducationLevel.name_en, EducationLevel.position,
                       EducationLevel.edited_at),
        "qualifications": rows(Qualification.crebo, Qualification.name, Qualification.level,
                               Qualification.edited_at),
        "events": db.session.scalar(select(func.count(AuditEvent.id))),
    }


# --- the seeds ----------------------------------------------------------------------------


def test_the_nine_topsectors_are_loaded_with_the_sectors_they_cover():
    rows = list(db.session.scalars(select(Topsector).order_by(Topsector.position)))

    assert [t.code for t in rows] == TOPSECTORS
    assert [t.name for t in rows] == [
        "Agri & Food", "Tuinbouw & Uitgangsmaterialen", "High Tech Systemen & Materialen",
        "Logistiek", "Creatieve Industrie", "Energie", "Chemie", "Life Sciences & Health",
        "Water & Maritiem"]
    assert all(t.name_en for t in rows)
    assert topsector_codes("metaal") == ["htsm"]
    assert topsector_codes("elektrotechniek") == ["energie", "htsm"]
    assert topsector_codes("agrotechniek") == ["agri_food", "tuinbouw"]
    assert topsector_codes("medische_techniek") == ["htsm", "lsh"]
    assert [s.code for s in topsector("chemie").sectors] == ["procesindustrie"]
    chambers = db.session.scalars(select(Sector).where(Sector.parent_id.is_(None)))
    assert all(not chamber.topsectors for chamber in chambers)


def test_every_finer_sector_has_a_topsector_and_the_seed_names_only_finer_sectors():
    finer = {child["code"] for chamber in read_seed("sectors.json")
             for child in chamber.get("children", ())}
    named = {code_ for item in read_seed("topsectors.json")["topsectors"]
             for code_ in item["sectors"]}

    assert named == finer


def test_loading_again_keeps_what_the_administrator_changed_and_adds_what_is_missing(admin):
    media = code("media")
    reference.change_sector(actor=admin, sector_id=media.id, name="Media en vormgeving",
                            name_en="Media and design", chamber_id=code("techniek").id,
                            topsector_ids=[topsector("energie").id])
    moved_to = code("media").position
    reference.change_topsector(actor=admin, topsector_id=topsector("water").id,
                               name="Water", name_en="Water")
    reference.change_level(actor=admin, level_id=level_by_code("havo").id, name="HAVO (bovenbouw)",
                           name_en="HAVO (upper years)")
    reference.move_level(actor=admin, level_id=level_by_code("wo").id, direction=reference.UP)
    reference.change_qualification(actor=admin, crebo="25737", name="Monteur elektro", level=3)
    # Seeded rows the administrator removed, and one of each that was never changed.
    reference.remove_sector(actor=admin, sector_id=code("instrumentmaken").id)
    reference.remove_level(actor=admin, level_id=level_by_code("be_duaal").id)
    reference.remove_qualification(actor=admin, crebo="25736")
    db.session.execute(delete(sector_topsectors).where(
        sector_topsectors.c.sector_id == code("ict").id))
    db.session.commit()
    before = snapshot()

    load_taxonomies()
    db.session.commit()

    db.session.expire_all()
    media = code("media")
    assert (media.name, media.name_en, media.parent.code, media.position) == (
        "Media en vormgeving", "Media and design", "techniek", moved_to)
    assert topsector_codes("media") == ["energie"]
    assert (topsector("water").name, topsector("water").name_en) == ("Water", "Water")
    assert level_by_code("havo").name == "HAVO (bovenbouw)"
    assert level_by_code("wo").position < level_by_code("hbo").position
    assert (db.session.get(Qualification, "25737").name,
            db.session.get(Qualification, "25737").level) == ("Monteur elektro", 3)
    # missing rows come back, unchanged rows follow the seeds again
    assert code("instrumentmaken").parent.code == "vakmanschap"
    assert topsector_codes("instrumentmaken") == ["htsm"]
    assert topsector_codes("ict") == ["creatief", "htsm"]
    assert level_by_code("be_duaal").name == "Duaal leren"
    assert db.session.get(Qualification, "25736") is not None
    # and loading a third time changes nothing
    after = snapshot()
    load_taxonomies()
    db.session.commit()
    assert snapshot() == after
    assert after["sectors"] != before["sectors"]


# --- sectors ------------------------------------------------------------------------------


def test_the_administrator_renames_a_sector_moves_it_and_chooses_its_topsectors(admin):
    ict = code("ict")
    last_of_techniek = max(s.position for s in code("techniek").children)

    reference.change_sector(actor=admin, sector_id=ict.id, name="  ICT en software ",
                            name_en="ICT and software", chamber_id=code("techniek").id,
                            topsector_ids=[topsector("htsm").id, topsector("lsh").id])

    db.session.expire_all()
    ict = code("ict")
    assert (ict.name, ict.name_en, ict.parent.code) == ("ICT en software", "ICT and software",
                                                        "techniek")
    assert ict.position == last_of_techniek + 1
    assert topsector_codes("ict") == ["htsm", "lsh"]
    assert ict.edited_at is not None
    [event] = events("sector.changed")
    assert (event.actor_id, event.subject_type, event.subject_id) == (admin.id, "sectors",
                                                                      ict.id)
    assert event.details["name"] == "ICT en software"
    assert event.details["changes"] == {
        "name": ["ICT", "ICT en software"], "name_en": ["ICT", "ICT and software"],
        "chamber": ["ict_creatief", "techniek"], "topsectors": [["creatief", "htsm"],
                                                                ["htsm", "lsh"]]}


def test_a_save_without_a_change_writes_nothing(admin):
    metaal = code("metaal")
    before = snapshot()

    reference.change_sector(actor=admin, sector_id=metaal.id, name=metaal.name,
                            name_en=metaal.name_en, chamber_id=metaal.parent_id,
                            topsector_ids=[t.id for t in metaal.topsectors])

    assert snapshot() == before


def test_a_renamed_sector_reaches_the_kept_forms_at_once(admin):
    kept_sectors, _levels = kept_taxonomy(db.session.scalar(select(current_version())))
    assert "Metaal" in [s.name for s in kept_sectors]

    reference.change_sector(actor=admin, sector_id=code("metaal").id, name="Metaalbewerking",
                            name_en="Metalworking", chamber_id=code("techniek").id,
                            topsector_ids=[topsector("htsm").id])

    kept_sectors, _levels = kept_taxonomy(db.session.scalar(select(current_version())))
    assert "Metaalbewerking" in [s.name for s in kept_sectors]


def test_a_chamber_stays_a_chamber(admin):
    techniek = code("techniek")

    errors = refused(reference.change_sector, actor=admin, sector_id=techniek.id,
                     name=techniek.name, name_en=techniek.name_en,
                     chamber_id=code("handel").id)
    assert errors == {"chamber": "A sector chamber stays a sector chamber."}

    reference.change_sector(actor=admin, sector_id=techniek.id, name="Techniek",
                            name_en="Engineering", topsector_ids=[topsector("htsm").id])
    db.session.expire_all()
    assert code("techniek").parent_id is None and code("techniek").name == "Techniek"
    assert topsector_codes("techniek") == ["htsm"]


@pytest.mark.parametrize("changes, field", [
    ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name_en": "\u200b"}, "name_en"),
    ({"name": "metaal"}, "name"),  # another sector's, whatever its capitals
    ({"chamber_id": None}, "chamber"),
    ({"chamber_id": "metaal"}, "chamber"),
    ({"chamber_id": 2147483647}, "chamber"),
    ({"topsector_ids": [2147483647]}, "topsectors"),
])
def test_a_bad_sector_change_is_refused_at_its_field_and_changes_nothing(admin, changes,
                                                                          field):
    ict = code("ict")
    if changes.get("chamber_id") == "metaal":
        changes = {"chamber_id": code("metaal").id}  # a finer sector is no chamber
    fields = {"name": "ICT", "name_en": "ICT", "chamber_id": ict.parent_id,
              "topsector_ids": [topsector("htsm").id], **changes}
    before = snapshot()

    assert set(refused(reference.change_sector, actor=admin, sector_id=ict.id, **fields)) == {
        field}
    assert snapshot() == before


def test_the_administrator_adds_a_sector_with_a_code_of_its_name(admin):
    sector = reference.add_sector(actor=admin, chamber_id=code("mobiliteit").id,
                                  name=" Scheeps- & Jachtbouw ", name_en="Shipbuilding",
                                  topsector_ids=[topsector("water").id])
    again = reference.add_sector(actor=admin, chamber_id=code("mobiliteit").id,
                                 name="Scheeps & jachtbouw!", name_en="Yachts")

    db.session.expire_all()
    assert (sector.code, again.code) == ("scheeps_jachtbouw", "scheeps_jachtbouw_2")
    added = code("scheeps_jachtbouw")
    assert (added.name, added.parent.code, added.edited_at is not None) == (
        "Scheeps- & Jachtbouw", "mobiliteit", True)
    assert [s.code for s in code("mobiliteit").children][-3:] == [
        "luchtvaart", "scheeps_jachtbouw", "scheeps_jachtbouw_2"]
    assert topsector_codes("scheeps_jachtbouw") == ["water"]
    assert [e.details["code"] for e in events("sector.added")] == ["scheeps_jachtbouw",
                                                                   "scheeps_jachtbouw_2"]


@pytest.mark.parametrize("name, expected", [
    ("Café-inrichting", "cafe_inrichting"), ("!!!", "sector"), ("Łódź", "odz"),
    ("a" * 80, "a" * 36)])
def test_a_new_sectors_code_is_lower_case_ascii(admin, name, expected):
    sector = reference.add_sector(actor=admin, chamber_id=code("handel").id, name=name,
                                  name_en="Something")
    assert sector.code == expected


@pytest.mark.parametrize("changes, field", [
    ({"chamber_id": None}, "chamber"),
    ({"name": ""}, "name"),
    ({"name": "Logistiek"}, "name"),
    ({"name_en": "x" * 121}, "name_en"),
    ({"topsector_ids": [0]}, "topsectors"),
])
def test_a_bad_new_sector_is_refused_and_nothing_is_added(admin, changes, field):
    fields = {"chamber_id": code("handel").id, "name": "Groothandel installatie",
              "name_en": "Wholesale", "topsector_ids": (), **changes}
    before = snapshot()

    assert set(refused(reference.add_sector, actor=admin, **fields)) == {field}
    assert snapshot() == before


def test_the_administrator_removes_a_sector_nothing_uses(admin):
    sector_id = code("instrumentmaken").id
    assert topsector_codes("instrumentmaken") == ["htsm"]

    reference.remove_sector(actor=admin, sector_id=sector_id)

    assert code("instrumentmaken") is None
    assert db.session.scalar(select(func.count()).select_from(sector_topsectors).where(
        sector_topsectors.c.sector_id == sector_id)) == 0
    [event] = events("sector.removed")
    assert (event.subject_type, event.subject_id, event.details["name"]) == (
        "sectors", sector_id, "Instrumentmaken en fijnmechanica")
    with pytest.raises(NotFound):
        reference.remove_sector(actor=admin, sector_id=sector_id)


def test_a_sector_in_use_is_not_removed_and_the_message_says_what_uses_it(admin, make):
    company = make.company(sectors=("luchtvaart",))
    make.offer(company, sector_ids=[code("luchtvaart").id])
    make.offer(company, sector_ids=[code("luchtvaart").id], status="draft")
    before = snapshot()

    errors = refused(reference.remove_sector, actor=admin, sector_id=code("luchtvaart").id)

    assert errors == {"": "This sector cannot be removed: it is used by 1 company or school, "
                          "2 offers."}
    assert snapshot() == before
    errors = refused(reference.remove_sector, actor=admin, sector_id=code("zakelijk").id)
    assert errors == {"": "This sector cannot be removed: it is used by 1 finer sector."}


def test_the_removal_itself_checks_the_use_when_a_sector_came_into_use_meanwhile(
        admin, make, monkeypatch):
    """Used between reading the sector and removing it (another request's commit): the
    conditional DELETE holds, not an earlier look."""
    company = make.company(sectors=("metaal",))
    target = code("instrumentmaken").id
    real = in_use.users_of

    def used_meanwhile(table):
        from portal.organisations.models import organisation_sectors

        db.session.execute(insert(organisation_sectors).values(organisation_id=company.id,
                                                               sector_id=target))
        return real(table)

    monkeypatch.setattr(reference, "users_of", used_meanwhile)

    errors = refused(reference.remove_sector, actor=admin, sector_id=target)

    assert errors == {"": "This sector cannot be removed: it is used by 1 company or school."}
    assert events("sector.removed") == []


def test_a_sector_removed_meanwhile_is_not_found(admin, monkeypatch):
    target = code("instrumentmaken").id
    real = in_use.users_of

    def removed_meanwhile(table):
        db.session.execute(delete(Sector).where(Sector.id == target))
        return real(table)

    monkeypatch.setattr(reference, "users_of", removed_meanwhile)

    with pytest.raises(NotFound):
        reference.remove_sector(actor=admin, sector_id=target)
    assert events("sector.removed") == []


def _propose(make, offer, **changes):
    """A change to the published offer that waits for the moderator (an offer revision)."""
    from portal.offers.services import update_offer

    update_offer(actor=make.owner_of(offer.company), offer=offer,
                 **make.offer_fields(offer_type=offer.offer_type, **changes))
    assert offer.pending_revision is not None
    return offer.pending_revision


def test_what_only_a_change_waiting_for_moderation_names_is_not_removed(admin, make):
    """A revision's content names sectors, levels and a crebo code as JSON, without a foreign
    key: approving it after they were removed would drop them from the offer silently."""
    internship = make.placement()
    revision = _propose(make, internship, sector_ids=[code("instrumentmaken").id],
                        level_ids=[level_by_code("mbo_3").id, level_by_code("be_duaal").id],
                        crebo="25736")
    before = snapshot()

    assert refused(reference.remove_sector, actor=admin, sector_id=code("instrumentmaken").id) \
        == {"": "This sector cannot be removed: it is used by 1 change waiting for "
                "moderation."}
    assert refused(reference.remove_level, actor=admin,
                   level_id=level_by_code("be_duaal").id) == {
        "": "This education level cannot be removed: it is used by 1 change waiting for "
            "moderation."}
    assert refused(reference.remove_qualification, actor=admin, crebo="25736") == {
        "": "This qualification cannot be removed: it is named by 1 change waiting for "
            "moderation."}
    assert snapshot() == before
    # what the pages show beside each row
    with force_locale("en"):
        _chambers, _topsectors, sector_uses = reference.sector_overview(actor=admin)
        _levels, level_uses, _stages = reference.level_overview(actor=admin)
        found = reference.qualification_page(actor=admin, text="25736")
    assert sector_uses[code("instrumentmaken").id] == "1 change waiting for moderation"
    assert level_uses[level_by_code("mbo_3").id] == "1 offer, 1 change waiting for moderation"
    assert found.uses == {"25736": "1 change waiting for moderation"}

    # decided (or taken back), the change names nothing any more
    db.session.execute(OfferRevision.__table__.update().where(
        OfferRevision.id == revision.id).values(status="rejected"))
    reference.remove_sector(actor=admin, sector_id=code("instrumentmaken").id)
    reference.remove_level(actor=admin, level_id=level_by_code("be_duaal").id)
    reference.remove_qualification(actor=admin, crebo="25736")
    assert code("instrumentmaken") is None and level_by_code("be_duaal") is None


def test_a_change_proposed_meanwhile_keeps_the_sector(admin, make, monkeypatch):
    """Proposed between reading the sector and removing it: the conditional DELETE holds."""
    offer = make.offer()
    target = code("instrumentmaken").id
    real = in_use.users_of

    def proposed_meanwhile(table):
        db.session.execute(insert(OfferRevision).values(
            offer_id=offer.id, number=offer.revision + 1, status="pending",
            content={"title": offer.title, "sector_ids": [code("metaal").id, target],
                     "level_ids": [level_by_code("vmbo_kb").id]}))
        return real(table)

    monkeypatch.setattr(reference, "users_of", proposed_meanwhile)

    errors = refused(reference.remove_sector, actor=admin, sector_id=target)

    assert errors == {"": "This sector cannot be removed: it is used by 1 change waiting for "
                          "moderation."}
    assert code("instrumentmaken") is not None and events("sector.removed") == []


def test_the_keys_read_in_a_revisions_content_are_those_the_offers_write():
    """taxonomy may not import offers: the names it reads are tied to theirs here."""
    from portal.offers import rules
    from portal.offers.models import REVISION_PENDING

    assert set(in_use.REVISION_KEYS.values()) | {in_use.CREBO} <= set(rules.SUBSTANTIVE)
    assert in_use.PENDING == REVISION_PENDING
    assert OfferRevision.__tablename__ == in_use.REVISIONS


def test_every_table_that_points_at_a_sector_or_level_is_named_in_the_message():
    """A table added later that points at sectors or levels gets words of its own here
    (in_use.count_words), not "3 rows of <table>"."""
    from portal.taxonomy.models import EducationLevel as Level

    columns = [*in_use.users_of(Sector.__table__), *in_use.users_of(Level.__table__),
               *in_use.crebo_columns()]
    names = {f"{c.table.name}.{c.name}" for c in columns}

    assert {"offer_sectors.sector_id", "organisation_sectors.sector_id", "sectors.parent_id",
            "offer_levels.education_level_id", "bookings.education_level_id",
            "waitlist_entries.education_level_id", "bus_rule_levels.education_level_id",
            "offers.crebo"} <= names
    assert "sector_topsectors.sector_id" not in names  # goes with the sector
    with force_locale("en"):
        assert not [c for c in columns if "rows of" in in_use.count_words(c, 2)]


def test_the_administrator_renames_a_topsector(admin):
    water = topsector("water")

    reference.change_topsector(actor=admin, topsector_id=water.id, name="Water & Delta",
                               name_en="Water & Delta")

    db.session.expire_all()
    assert topsector("water").name == "Water & Delta"
    assert events("topsector.changed")[0].details["changes"]["name"] == [
        "Water & Maritiem", "Water & Delta"]
    assert set(refused(reference.change_topsector, actor=admin, topsector_id=water.id,
                       name="energie", name_en="")) == {"name", "name_en"}
    with pytest.raises(NotFound):
        reference.change_topsector(actor=admin, topsector_id=2147483647, name="X",
                                   name_en="X")


# --- education levels ---------------------------------------------------------------------


def level_codes():
    db.session.expire_all()
    return list(db.session.scalars(select(EducationLevel.code).order_by(
        EducationLevel.position, EducationLevel.id)))


def test_the_administrator_renames_a_level(admin):
    havo = level_by_code("havo")

    reference.change_level(actor=admin, level_id=havo.id, name="HAVO 4-5", name_en="HAVO 4-5")

    db.session.expire_all()
    assert (level_by_code("havo").name, level_by_code("havo").edited_at is not None) == (
        "HAVO 4-5", True)
    assert events("level.changed")[0].details["changes"] == {
        "name": ["HAVO", "HAVO 4-5"], "name_en": ["HAVO", "HAVO 4-5"]}
    assert set(refused(reference.change_level, actor=admin, level_id=havo.id, name="vwo",
                       name_en="VWO")) == {"name"}


def test_the_administrator_moves_a_level_up_and_down(admin):
    start = level_codes()
    at = start.index("havo")

    reference.move_level(actor=admin, level_id=level_by_code("havo").id, direction="up")

    moved = level_codes()
    assert moved[at - 1:at + 1] == ["havo", start[at - 1]]
    assert level_by_code("havo").edited_at is not None
    assert level_by_code(start[at - 1]).edited_at is not None
    assert events("level.moved")[0].details["direction"] == "up"
    reference.move_level(actor=admin, level_id=level_by_code("havo").id, direction="down")
    assert level_codes() == start
    first, last = level_by_code(start[0]), level_by_code(start[-1])
    assert refused(reference.move_level, actor=admin, level_id=first.id, direction="up") == {
        "": "This level is first already."}
    assert refused(reference.move_level, actor=admin, level_id=last.id, direction="down") == {
        "": "This level is last already."}
    assert set(refused(reference.move_level, actor=admin, level_id=first.id,
                       direction="sideways")) == {""}
    with pytest.raises(NotFound):
        reference.move_level(actor=admin, level_id=2147483647, direction="up")


def test_a_level_in_a_tie_moves_past_its_neighbour(admin):
    """A level the administrator added may share its position with one the seeds added later:
    ordered by id, and a move steps past the neighbour."""
    added = reference.add_level(actor=admin, code="pro_plus", name="Praktijk plus",
                                name_en="Practical plus", stage="vo", country_code="NL")
    last = level_codes()[-2]
    db.session.execute(EducationLevel.__table__.update().where(
        EducationLevel.id == added.id).values(position=level_by_code(last).position))
    db.session.commit()
    assert level_codes()[-2:] == [last, "pro_plus"]

    reference.move_level(actor=admin, level_id=added.id, direction="up")

    assert level_codes()[-2:] == ["pro_plus", last]


def test_two_moves_of_the_same_level_at_once_do_not_scramble_the_order(admin, monkeypatch):
    """Another administrator's move lands between reading the order and writing it: the
    conditional UPDATE finds the level elsewhere and refuses."""
    havo = level_by_code("havo")
    real_execute = db.session.execute
    done = []

    def other_moved_first(statement, *args, **kwargs):
        if not done and getattr(statement, "is_dml", False):
            done.append(True)
            real_execute(EducationLevel.__table__.update().where(
                EducationLevel.id == havo.id).values(position=EducationLevel.position + 100))
        return real_execute(statement, *args, **kwargs)

    before = level_codes()
    monkeypatch.setattr(db.session, "execute", other_moved_first)
    errors = refused(reference.move_level, actor=admin, level_id=havo.id, direction="up")
    monkeypatch.undo()

    assert "changed at the same moment" in errors[""]
    assert level_codes() == before
    assert events("level.moved") == []


def test_the_administrator_adds_a_level_last_in_the_lists(admin):
    level = reference.add_level(actor=admin, code="mbo_4_bbl", name=" MBO niveau 4 BBL ",
                                name_en="MBO level 4 work-based", stage="mbo",
                                country_code="NL")

    assert level_codes()[-1] == "mbo_4_bbl"
    assert (level.name, level.stage, level.country_code, level.edited_at is not None) == (
        "MBO niveau 4 BBL", "mbo", "NL", True)
    assert events("level.added")[0].details["code"] == "mbo_4_bbl"


@pytest.mark.parametrize("changes, field", [
    ({"code": "havo"}, "code"),
    ({"code": "MBO4"}, "code"),
    ({"code": "4mbo"}, "code"),
    ({"code": "x"}, "code"),
    ({"code": "a" * 41}, "code"),
    ({"name": "VWO"}, "name"),
    ({"name_en": ""}, "name_en"),
    ({"stage": "kinderopvang"}, "stage"),
    ({"country_code": "DE"}, "country_code"),
])
def test_a_bad_new_level_is_refused_and_nothing_is_added(admin, changes, field):
    fields = {"code": "mbo_4_bbl", "name": "MBO 4 BBL", "name_en": "MBO 4 BBL",
              "stage": "mbo", "country_code": "NL", **changes}
    before = snapshot()

    assert set(refused(reference.add_level, actor=admin, **fields)) == {field}
    assert snapshot() == before


def test_the_administrator_removes_a_level_nothing_uses_and_not_one_in_use(admin, make):
    duaal = level_by_code("be_duaal").id

    reference.remove_level(actor=admin, level_id=duaal)

    assert level_by_code("be_duaal") is None
    assert events("level.removed")[0].details == {"code": "be_duaal", "name": "Duaal leren"}
    with pytest.raises(NotFound):
        reference.remove_level(actor=admin, level_id=duaal)
    offer = make.offer(level_ids=[level_by_code("wo").id])
    make.booking(offer)
    before = snapshot()
    errors = refused(reference.remove_level, actor=admin, level_id=level_by_code("wo").id)
    assert errors == {"": "This education level cannot be removed: it is used by 1 offer, "
                          "1 request."}
    assert snapshot() == before


# --- qualifications -----------------------------------------------------------------------


def test_the_administrator_adds_changes_and_removes_a_qualification(admin):
    reference.add_qualification(actor=admin, crebo=" 09999 ", name=" Testmonteur ", level=2)

    row = db.session.get(Qualification, "09999")
    assert (row.name, row.level, row.edited_at is not None) == ("Testmonteur", 2, True)
    reference.change_qualification(actor=admin, crebo="09999", name="Testmonteur B", level=3)
    db.session.expire_all()
    row = db.session.get(Qualification, "09999")
    assert (row.name, row.level) == ("Testmonteur B", 3)
    reference.remove_qualification(actor=admin, crebo="09999")
    assert db.session.get(Qualification, "09999") is None
    added, changed, removed = (events(f"qualification.{verb}")
                               for verb in ("added", "changed", "removed"))
    assert [e.details["crebo"] for e in added + changed + removed] == ["09999"] * 3
    assert (added[0].subject_type, added[0].subject_id) == ("qualifications", 9999)
    assert changed[0].details["changes"] == {"name": ["Testmonteur", "Testmonteur B"],
                                             "level": [2, 3]}
    with pytest.raises(NotFound):
        reference.remove_qualification(actor=admin, crebo="09999")
    with pytest.raises(NotFound):
        reference.change_qualification(actor=admin, crebo="09999", name="X", level=1)


@pytest.mark.parametrize("changes, field", [
    ({"crebo": "1234"}, "crebo"),
    ({"crebo": "123456"}, "crebo"),
    ({"crebo": "1234a"}, "crebo"),
    ({"crebo": "\u0661\u0662\u0663\u0664\u0665"}, "crebo"),  # digits of another script
    ({"crebo": "25737"}, "crebo"),  # known already
    ({"crebo": None}, "crebo"),
    ({"name": " "}, "name"),
    ({"name": "x" * 201}, "name"),
    ({"level": 0}, "level"),
    ({"level": 5}, "level"),
    ({"level": None}, "level"),
])
def test_a_bad_qualification_is_refused_and_nothing_is_added(admin, changes, field):
    fields = {"crebo": "09999", "name": "Testmonteur", "level": 2, **changes}
    before = snapshot()

    assert set(refused(reference.add_qualification, actor=admin, **fields)) == {field}
    assert snapshot() == before


def test_a_qualification_an_offer_names_is_not_removed(admin, make):
    make.offer(offer_type="internship", crebo="25623")
    before = snapshot()

    errors = refused(reference.remove_qualification, actor=admin, crebo="25623")

    assert errors == {"": "This qualification cannot be removed: it is named by 1 offer."}
    assert snapshot() == before


def test_the_qualifications_are_searched_by_code_or_name_and_paged(admin):
    found = reference.qualification_page(actor=admin, text="MONTEUR", per_page=5)

    assert found.total > 5 and len(found.rows) == 5 and found.pages > 1
    assert all("monteur" in row.name.lower() for row in found.rows)
    assert [row.crebo for row in reference.qualification_page(
        actor=admin, text="25737").rows] == ["25737"]
    assert reference.qualification_page(actor=admin, text="%").total == 0
    assert reference.qualification_page(actor=admin, text="_").total == 0
    last = reference.qualification_page(actor=admin, page=10 ** 30, per_page=7)
    assert last.page == last.pages and last.rows


# --- who may --------------------------------------------------------------------------------


def _calls():
    sector, level = code("instrumentmaken"), level_by_code("be_duaal")
    return [
        (reference.sector_overview, {}),
        (reference.change_sector, {"sector_id": sector.id, "name": "X", "name_en": "X",
                                   "chamber_id": sector.parent_id}),
        (reference.add_sector, {"chamber_id": sector.parent_id, "name": "X", "name_en": "X"}),
        (reference.remove_sector, {"sector_id": sector.id}),
        (reference.change_topsector, {"topsector_id": topsector("water").id, "name": "X",
                                      "name_en": "X"}),
        (reference.level_overview, {}),
        (reference.change_level, {"level_id": level.id, "name": "X", "name_en": "X"}),
        (reference.move_level, {"level_id": level.id, "direction": "up"}),
        (reference.add_level, {"code": "xx", "name": "X", "name_en": "X", "stage": "vo",
                               "country_code": "NL"}),
        (reference.remove_level, {"level_id": level.id}),
        (reference.qualification_page, {}),
        (reference.add_qualification, {"crebo": "09999", "name": "X", "level": 2}),
        (reference.change_qualification, {"crebo": "25737", "name": "X", "level": 2}),
        (reference.remove_qualification, {"crebo": "25736"}),
    ]


@pytest.mark.parametrize("role", [security.MODERATOR, security.TEACHER,
                                  security.COMPANY_MEMBER])
def test_only_the_administrator_keeps_the_reference_data(make, role):
    other = make.moderator() if role == security.MODERATOR else make.user(role)
    before = snapshot()

    for call, fields in _calls():
        with pytest.raises(NotAllowed):
            call(actor=other, **fields)
    with pytest.raises(NotAllowed):
        reference.remove_sector(actor=None, sector_id=code("instrumentmaken").id)

    assert snapshot() == before


def test_every_event_of_the_reference_data_has_a_sentence(app):
    from portal.moderation.audit_text import _sentences

    source = Path(reference.__file__).read_text()
    written = set(re.findall(r'"((?:sector|topsector|level|qualification)\.[a-z_]+)"', source))

    assert {"sector.added", "sector.changed", "sector.removed", "topsector.changed",
            "level.added", "level.changed", "level.moved", "level.removed",
            "qualification.added", "qualification.changed", "qualification.removed"} == written
    with app.test_request_context():
        assert written - set(_sentences()) == set()
