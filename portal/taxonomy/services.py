"""Reading and loading the reference data: sectors, topsectors, education levels and
qualifications.

Loading the seeds again (`flask seed reference`, on every `make run`) adds what is missing and
brings the rest up to date, except a row the administrator changed on the reference pages
(`edited_at` set): that keeps its names, parent, position and topsectors. Topsectors have no
`edited_at`: the seeds only add the missing ones, so a name the administrator changed stays.
"""
import threading
from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import database_key, db
from portal.i18n import get_locale
from portal.seeds import read_seed
from portal.taxonomy.holidays import load_seeded_holidays
from portal.taxonomy.models import EducationLevel, Qualification, Sector, Topsector


def load_taxonomies():
    """Upsert sectors, topsectors, education levels and qualifications from seeds/
    (idempotent; rows the administrator changed are left alone). The caller commits."""
    sectors = {s.code: s for s in db.session.scalars(select(Sector))}
    for position, item in enumerate(read_seed("sectors.json")):
        chamber = _upsert(sectors, Sector, item, position=position * 100, parent=None)
        for offset, child in enumerate(item.get("children", ()), start=1):
            _upsert(sectors, Sector, child, position=position * 100 + offset, parent=chamber)
    load_topsectors(sectors)
    levels = {lvl.code: lvl for lvl in db.session.scalars(select(EducationLevel))}
    for position, item in enumerate(read_seed("education_levels.json")):
        _upsert(levels, EducationLevel, item, position=position, stage=item["stage"],
                country_code=item["country_code"])
    load_qualifications()
    load_seeded_holidays()
    db.session.flush()


def load_topsectors(sectors):
    """Add the missing topsectors, and give each sector the administrator has not changed the
    topsectors seeds/topsectors.json lists it under (a sector chamber: none). `sectors` maps
    code -> Sector."""
    known = {t.code: t for t in db.session.scalars(select(Topsector))}
    wanted = {}  # sector code -> [Topsector]
    for position, item in enumerate(read_seed("topsectors.json")["topsectors"]):
        topsector = known.get(item["code"])
        if topsector is None:
            topsector = known[item["code"]] = Topsector(
                code=item["code"], name=item["name"], name_en=item["name_en"], position=position)
            db.session.add(topsector)
        for code in item["sectors"]:
            wanted.setdefault(code, []).append(topsector)
    for code, sector in sectors.items():
        if sector.edited_at is not None:
            continue
        chosen = wanted.get(code, [])
        if {t.code for t in sector.topsectors} != {t.code for t in chosen}:
            sector.topsectors = chosen


def load_qualifications():
    """Upsert the known MBO qualifications (crebo, name, level) from seeds/; one the
    administrator changed is left alone."""
    known = {q.crebo: q for q in db.session.scalars(select(Qualification))}
    for item in read_seed("qualifications.json")["qualifications"]:
        row = known.get(item["crebo"])
        if row is None:
            row = Qualification(crebo=item["crebo"])
            db.session.add(row)
        elif row.edited_at is not None:
            continue
        row.name, row.level = item["name"], item["level"]


def qualification(crebo):
    """The known qualification of a crebo code, or None (any well-formed code is accepted)."""
    return db.session.get(Qualification, crebo) if crebo else None


def _upsert(existing, model, item, position, **extra):
    """The row of `item`'s code, added when missing; brought up to date with the seed unless
    the administrator changed it."""
    row = existing.get(item["code"])
    if row is None:
        row = existing[item["code"]] = model(code=item["code"])
        db.session.add(row)
    elif row.edited_at is not None:
        return row
    row.name = item["name"]
    row.name_en = item["name_en"]
    row.position = position
    for key, value in extra.items():
        setattr(row, key, value)
    return row


def localised_name(row):
    """The Dutch name, or the English one when the interface speaks English."""
    locale = get_locale()
    return row.name_en if locale is not None and locale.language == "en" else row.name


def all_sectors():
    # by id too: a sector the administrator added may share its position with one the seeds
    # add later
    return list(db.session.scalars(select(Sector).order_by(Sector.position, Sector.id)))


def all_levels():
    return list(db.session.scalars(select(EducationLevel).order_by(EducationLevel.position,
                                                                  EducationLevel.id)))


@dataclass(frozen=True)
class Kept:
    """A sector or level as a process keeps it (see kept_taxonomy)."""

    id: int
    code: str
    name: str
    name_en: str
    parent_id: int | None = None

    @property
    def chamber_id(self):
        return self.parent_id or self.id


_kept = {}  # database url -> (taxonomy version, sectors, levels)
_kept_lock = threading.Lock()


def kept_taxonomy(version):
    """(sectors, levels) in their order, as Kept rows, read again only when `version`
    (portal.taxonomy.version, read by the caller) differs from the one they were read at."""
    key = database_key()
    found = _kept.get(key)
    if found is None or found[0] != version:
        sectors = tuple(Kept(s.id, s.code, s.name, s.name_en, s.parent_id) for s in all_sectors())
        levels = tuple(Kept(lvl.id, lvl.code, lvl.name, lvl.name_en) for lvl in all_levels())
        with _kept_lock:
            _kept[key] = found = (version, sectors, levels)
    return found[1], found[2]


def sectors_by_ids(ids):
    if not ids:
        return []
    return list(db.session.scalars(select(Sector).where(Sector.id.in_(ids))))


def levels_by_ids(ids):
    if not ids:
        return []
    return list(db.session.scalars(select(EducationLevel).where(EducationLevel.id.in_(ids))))


def sector_by_code(code):
    return db.session.scalar(select(Sector).where(Sector.code == code))


def level_by_code(code):
    return db.session.scalar(select(EducationLevel).where(EducationLevel.code == code))
