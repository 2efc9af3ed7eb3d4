"""Reading and loading the reference data: sectors and education levels."""
import threading
from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import database_key, db
from portal.i18n import get_locale
from portal.seeds import read_seed
from portal.taxonomy.holidays import load_seeded_holidays
from portal.taxonomy.models import EducationLevel, Qualification, Sector


def load_taxonomies():
    """Upsert sectors and education levels from seeds/ (idempotent). The caller commits."""
    sectors = {s.code: s for s in db.session.scalars(select(Sector))}
    for position, item in enumerate(read_seed("sectors.json")):
        chamber = _upsert(sectors, Sector, item, position=position * 100, parent=None)
        for offset, child in enumerate(item.get("children", ()), start=1):
            _upsert(sectors, Sector, child, position=position * 100 + offset, parent=chamber)
    levels = {lvl.code: lvl for lvl in db.session.scalars(select(EducationLevel))}
    for position, item in enumerate(read_seed("education_levels.json")):
        level = _upsert(levels, EducationLevel, item, position=position)
        level.stage = item["stage"]
        level.country_code = item["country_code"]
    load_qualifications()
    load_seeded_holidays()
    db.session.flush()


def load_qualifications():
    """Upsert the known MBO qualifications (crebo, name, level) from seeds/."""
    known = {q.crebo: q for q in db.session.scalars(select(Qualification))}
    for item in read_seed("qualifications.json")["qualifications"]:
        row = known.get(item["crebo"]) or Qualification(crebo=item["crebo"])
        row.name, row.level = item["name"], item["level"]
        db.session.add(row)


def qualification(crebo):
    """The known qualification of a crebo code, or None (any well-formed code is accepted)."""
    return db.session.get(Qualification, crebo) if crebo else None


def _upsert(existing, model, item, position, **extra):
    row = existing.get(item["code"]) or model(code=item["code"])
    row.name = item["name"]
    row.name_en = item["name_en"]
    row.position = position
    for key, value in extra.items():
        setattr(row, key, value)
    db.session.add(row)
    existing[row.code] = row
    return row


def localised_name(row):
    """The Dutch name, or the English one when the interface speaks English."""
    locale = get_locale()
    return row.name_en if locale is not None and locale.language == "en" else row.name


def all_sectors():
    return list(db.session.scalars(select(Sector).order_by(Sector.position)))


def all_levels():
    return list(db.session.scalars(select(EducationLevel).order_by(EducationLevel.position)))


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
