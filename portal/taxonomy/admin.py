"""The administrator's reference data: sectors with the nine topsectors as a second lens on
them, education levels and MBO qualifications (school holidays: portal.taxonomy.holidays).

Every change sets `edited_at`, so that loading the seeds again keeps it
(services.load_taxonomies), writes the audit log, and commits. Names are last-write-wins; a
removal is one conditional DELETE that holds only while nothing uses the row
(portal.taxonomy.in_use).
"""
import re
import unicodedata
from typing import NamedTuple

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from portal import security
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.taxonomy.in_use import crebo_columns, remove_unused, users_of, uses_of
from portal.taxonomy.models import EducationLevel, Qualification, Sector, Topsector
from portal.text import clean_text

NAME_MAX = 120
QUALIFICATION_NAME_MAX = 200
COUNTRIES = ("NL", "BE")
MBO_LEVELS = (1, 2, 3, 4)
CREBO = re.compile(r"[0-9]{5}")
LEVEL_CODE = re.compile(r"[a-z][a-z0-9_]{1,39}")
SECTOR_CODE_MAX = 40
UP, DOWN = "up", "down"


class _Subject:
    """What record_event needs of a row no ORM object stands for: one removed by a DELETE, or
    a qualification, whose key is its crebo code (five digits: a number as the log's id)."""

    def __init__(self, table, ident):
        self.__tablename__, self.id = table, ident


def _qualification_subject(crebo):
    return _Subject("qualifications", int(crebo))


# --- reading ------------------------------------------------------------------------------


def sector_overview(*, actor):
    """(chambers, each with `.children`; the topsectors with `.sectors`; {sector id: what uses
    it}) for the sectors page."""
    security.require_role(actor, security.ADMIN)
    chambers = list(db.session.scalars(
        select(Sector).where(Sector.parent_id.is_(None)).order_by(Sector.position, Sector.id)
        .options(selectinload(Sector.topsectors),
                 selectinload(Sector.children).selectinload(Sector.topsectors))))
    topsectors = list(db.session.scalars(
        select(Topsector).order_by(Topsector.position, Topsector.id)
        .options(selectinload(Topsector.sectors))))
    return chambers, topsectors, uses_of(users_of(Sector.__table__))


def level_overview(*, actor):
    """(the levels in their order, {level id: what uses it}, the stages there are)."""
    security.require_role(actor, security.ADMIN)
    levels = list(db.session.scalars(select(EducationLevel).order_by(EducationLevel.position,
                                                                     EducationLevel.id)))
    return levels, uses_of(users_of(EducationLevel.__table__)), stages()


def stages():
    """The stages the levels are grouped in (po, vo, mbo...): a new level joins one of them."""
    return sorted(db.session.scalars(select(EducationLevel.stage).distinct()))


class QualificationPage(NamedTuple):
    rows: list
    total: int  # how many match
    page: int
    pages: int
    uses: dict  # crebo -> what uses it (of the rows shown)


def qualification_page(*, actor, text="", page=1, per_page=50):
    """The qualifications whose crebo code or name holds `text`, by crebo, the `page`th page of
    `per_page` (a page past the last: the last)."""
    security.require_role(actor, security.ADMIN)
    query = select(Qualification)
    text = clean_text(text or "")[:QUALIFICATION_NAME_MAX]
    if text:
        pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace(
            "_", "\\_") + "%"
        query = query.where(or_(Qualification.crebo.like(pattern, escape="\\"),
                                func.lower(Qualification.name).like(pattern, escape="\\")))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = list(db.session.scalars(query.order_by(Qualification.crebo)
                                   .offset((page - 1) * per_page).limit(per_page)))
    return QualificationPage(rows, total, page, pages,
                             uses_of(crebo_columns(), [row.crebo for row in rows]))


def _commit(kind):
    """Commit a change of names made through the ORM (so the search's word index follows a
    sector's new name); a row removed meanwhile has nothing left to change: NotFound."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise NotFound(kind) from None


# --- checking input -------------------------------------------------------------------------


def _names(name, name_en, errors, limit=NAME_MAX):
    name, name_en = clean_text(name or ""), clean_text(name_en or "")
    if not name or len(name) > limit:
        errors["name"] = _("Enter the Dutch name, at most %(n)d characters.", n=limit)
    if not name_en or len(name_en) > limit:
        errors["name_en"] = _("Enter the English name, at most %(n)d characters.", n=limit)
    return name, name_en


def _name_taken(model, name, own_id=None):
    """Whether another row of `model` has this Dutch name, whatever its capitals."""
    wanted = name.casefold()
    return any(other.casefold() == wanted for ident, other in db.session.execute(
        select(model.id, model.name)) if ident != own_id)


def _get(model, ident, kind):
    row = db.session.get(model, ident) if isinstance(ident, int) else None
    if row is None:
        raise NotFound(kind)
    return row


def _chamber(chamber_id, errors):
    chamber = db.session.get(Sector, chamber_id) if isinstance(chamber_id, int) else None
    if chamber is None or chamber.parent_id is not None:
        errors["chamber"] = _("Choose a sector chamber.")
        return None
    return chamber


def _topsectors(topsector_ids, errors):
    ids = set(topsector_ids or ())
    found = list(db.session.scalars(select(Topsector).where(Topsector.id.in_(ids))
                                    .order_by(Topsector.position))) if ids else []
    if len(found) != len(ids):
        errors["topsectors"] = _("Choose topsectors from the list.")
    return found


def _after_last(chamber):
    """The position just after a chamber's last sector (its own when it has none)."""
    return db.session.scalar(select(func.max(Sector.position)).where(
        or_(Sector.id == chamber.id, Sector.parent_id == chamber.id))) + 1


def _sector_code(name):
    """A new sector's code: its name in lower-case ASCII words joined by "_", unique."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")[:SECTOR_CODE_MAX - 4]
    base = base.rstrip("_") or "sector"
    taken = set(db.session.scalars(select(Sector.code).where(Sector.code.startswith(base))))
    code, number = base, 2
    while code in taken:
        code, number = f"{base}_{number}", number + 1
    return code


def _changes(before, after):
    return {key: [before[key], after[key]] for key in after if before[key] != after[key]}


# --- sectors and topsectors -----------------------------------------------------------------


def change_sector(*, actor, sector_id, name, name_en, chamber_id=None, topsector_ids=()):
    """The administrator renames a sector, chooses its topsectors and, for a finer sector, its
    chamber (placed last there). A chamber stays a chamber: `chamber_id` is None for one."""
    security.require_role(actor, security.ADMIN)
    sector = _get(Sector, sector_id, "sector")
    errors = {}
    name, name_en = _names(name, name_en, errors)
    if "name" not in errors and _name_taken(Sector, name, sector.id):
        errors["name"] = _("Another sector has this name already.")
    chamber = None
    if sector.parent_id is None:
        if chamber_id is not None:
            errors["chamber"] = _("A sector chamber stays a sector chamber.")
    else:
        chamber = _chamber(chamber_id, errors)
    topsectors = _topsectors(topsector_ids, errors)
    if errors:
        raise ValidationFailed(errors)

    def state(parent, chosen):
        return {"name": sector.name, "name_en": sector.name_en,
                "chamber": parent.code if parent else None,
                "topsectors": sorted(t.code for t in chosen)}

    before = state(sector.parent, sector.topsectors)
    sector.name, sector.name_en = name, name_en
    if chamber is not None and chamber.id != sector.parent_id:
        sector.parent, sector.position = chamber, _after_last(chamber)
    if before["topsectors"] != sorted(t.code for t in topsectors):
        sector.topsectors = topsectors
    changes = _changes(before, state(sector.parent, sector.topsectors))
    if changes:
        sector.edited_at = utcnow()
        record_event(actor, "sector.changed", sector, code=sector.code, name=name,
                     changes=changes)
    _commit("sector")
    return sector


def add_sector(*, actor, chamber_id, name, name_en, topsector_ids=()):
    """The administrator adds a finer sector, last under its chamber; its code comes from its
    name."""
    security.require_role(actor, security.ADMIN)
    errors = {}
    name, name_en = _names(name, name_en, errors)
    if "name" not in errors and _name_taken(Sector, name):
        errors["name"] = _("Another sector has this name already.")
    chamber = _chamber(chamber_id, errors)
    topsectors = _topsectors(topsector_ids, errors)
    if errors:
        raise ValidationFailed(errors)
    sector = Sector(code=_sector_code(name), name=name, name_en=name_en, parent=chamber,
                    position=_after_last(chamber), edited_at=utcnow(), topsectors=topsectors)
    db.session.add(sector)
    db.session.flush()
    record_event(actor, "sector.added", sector, code=sector.code, name=name,
                 chamber=chamber.code, topsectors=[t.code for t in topsectors])
    db.session.commit()
    return sector


def remove_sector(*, actor, sector_id):
    """The administrator removes a sector that nothing uses (no offer, organisation, finer
    sector, change waiting for moderation...); its topsectors go with it."""
    security.require_role(actor, security.ADMIN)
    found = db.session.execute(select(Sector.code, Sector.name).where(
        Sector.id == sector_id)).first() if isinstance(sector_id, int) else None
    if found is None:
        raise NotFound("sector")
    remove_unused(Sector.id, sector_id, users_of(Sector.__table__),
            _("This sector cannot be removed: it is used by %(uses)s."))
    record_event(actor, "sector.removed", _Subject("sectors", sector_id), code=found.code,
                 name=found.name)
    db.session.commit()


def _rename(actor, row, name, name_en, taken, event):
    """Give a topsector or an education level new names (unique in Dutch); the event names
    the row by its code. Saving the same names writes nothing. The caller checked the actor."""
    errors = {}
    name, name_en = _names(name, name_en, errors)
    if "name" not in errors and _name_taken(type(row), name, row.id):
        errors["name"] = taken
    if errors:
        raise ValidationFailed(errors)
    changes = _changes({"name": row.name, "name_en": row.name_en},
                       {"name": name, "name_en": name_en})
    if changes:
        row.name, row.name_en = name, name_en
        if hasattr(row, "edited_at"):
            row.edited_at = utcnow()
        record_event(actor, event, row, code=row.code, name=name, changes=changes)


def change_topsector(*, actor, topsector_id, name, name_en):
    """The administrator renames one of the nine topsectors."""
    security.require_role(actor, security.ADMIN)
    topsector = _get(Topsector, topsector_id, "topsector")
    _rename(actor, topsector, name, name_en,
            _("Another topsector has this name already."), "topsector.changed")
    _commit("topsector")
    return topsector


# --- education levels -----------------------------------------------------------------------


def change_level(*, actor, level_id, name, name_en):
    """The administrator renames an education level."""
    security.require_role(actor, security.ADMIN)
    level = _get(EducationLevel, level_id, "level")
    _rename(actor, level, name, name_en,
            _("Another education level has this name already."), "level.changed")
    _commit("level")
    return level


def move_level(*, actor, level_id, direction):
    """The administrator moves a level one place up or down the lists: it swaps places with
    its neighbour, each with a conditional UPDATE on the place it was read at, so two moves at
    once cannot scramble the order (the second is refused)."""
    security.require_role(actor, security.ADMIN)
    if direction not in (UP, DOWN):
        raise ValidationFailed({"": _("Choose up or down.")})
    rows = db.session.execute(select(EducationLevel.id, EducationLevel.position,
                                     EducationLevel.name)
                              .order_by(EducationLevel.position, EducationLevel.id)).all()
    index = next((n for n, row in enumerate(rows) if row.id == level_id), None)
    if index is None:
        raise NotFound("level")
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(rows):
        raise ValidationFailed({"": _("This level is first already.") if direction == UP
                                else _("This level is last already.")})
    moved, neighbour = rows[index], rows[other]
    place = neighbour.position
    if place == moved.position:  # a tie, ordered by id: step past the neighbour
        place += -1 if direction == UP else 1
    now, swapped = utcnow(), 0
    for row, position in ((moved, place), (neighbour, moved.position)):
        swapped += db.session.execute(
            update(EducationLevel).where(EducationLevel.id == row.id,
                                         EducationLevel.position == row.position)
            .values(position=position, edited_at=now)
            .execution_options(synchronize_session=False)).rowcount
    if swapped != 2:
        db.session.rollback()
        raise ValidationFailed({"": _("The order changed at the same moment. Look at it again "
                                      "and move the level once more.")})
    record_event(actor, "level.moved", _Subject("education_levels", moved.id), name=moved.name,
                 direction=direction, position=[moved.position, place])
    db.session.commit()


def add_level(*, actor, code, name, name_en, stage, country_code):
    """The administrator adds an education level, last in the lists, in one of the stages
    there are."""
    security.require_role(actor, security.ADMIN)
    errors = {}
    code = (code or "").strip()
    if not LEVEL_CODE.fullmatch(code):
        errors["code"] = _("Enter a code of 2 to 40 lower-case letters, digits or _, starting "
                           "with a letter.")
    elif db.session.scalar(select(EducationLevel.id).where(EducationLevel.code == code)):
        errors["code"] = _("Another education level has this code already.")
    name, name_en = _names(name, name_en, errors)
    if "name" not in errors and _name_taken(EducationLevel, name):
        errors["name"] = _("Another education level has this name already.")
    if stage not in stages():
        errors["stage"] = _("Choose a stage.")
    if country_code not in COUNTRIES:
        errors["country_code"] = _("Choose a country.")
    if errors:
        raise ValidationFailed(errors)
    last = db.session.scalar(select(func.max(EducationLevel.position)))
    level = EducationLevel(code=code, name=name, name_en=name_en, stage=stage,
                           country_code=country_code, position=(last or 0) + 1,
                           edited_at=utcnow())
    db.session.add(level)
    db.session.flush()
    record_event(actor, "level.added", level, code=code, name=name, stage=stage,
                 country_code=country_code)
    db.session.commit()
    return level


def remove_level(*, actor, level_id):
    """The administrator removes an education level that nothing uses (no offer, request,
    waiting list, Techniekbus rule, change waiting for moderation...)."""
    security.require_role(actor, security.ADMIN)
    found = db.session.execute(select(EducationLevel.code, EducationLevel.name).where(
        EducationLevel.id == level_id)).first() if isinstance(level_id, int) else None
    if found is None:
        raise NotFound("level")
    remove_unused(EducationLevel.id, level_id, users_of(EducationLevel.__table__),
            _("This education level cannot be removed: it is used by %(uses)s."))
    record_event(actor, "level.removed", _Subject("education_levels", level_id),
                 code=found.code, name=found.name)
    db.session.commit()


# --- qualifications -------------------------------------------------------------------------


def _qualification_fields(name, level, errors):
    name = clean_text(name or "")
    if not name or len(name) > QUALIFICATION_NAME_MAX:
        errors["name"] = _("Enter the name, at most %(n)d characters.",
                           n=QUALIFICATION_NAME_MAX)
    if level not in MBO_LEVELS:
        errors["level"] = _("Choose an MBO level from 1 to 4.")
    return name


def add_qualification(*, actor, crebo, name, level):
    """The administrator adds an MBO qualification by its crebo code (five digits)."""
    security.require_role(actor, security.ADMIN)
    errors = {}
    crebo = (crebo or "").strip()
    if not (crebo.isascii() and CREBO.fullmatch(crebo)):
        errors["crebo"] = _("A crebo code has 5 digits, e.g. 25180.")
    elif db.session.get(Qualification, crebo) is not None:
        errors["crebo"] = _("The portal knows this crebo code already.")
    name = _qualification_fields(name, level, errors)
    if errors:
        raise ValidationFailed(errors)
    db.session.add(Qualification(crebo=crebo, name=name, level=level, edited_at=utcnow()))
    record_event(actor, "qualification.added", _qualification_subject(crebo), crebo=crebo,
                 name=name, level=level)
    db.session.commit()


def change_qualification(*, actor, crebo, name, level):
    """The administrator changes a qualification's name or MBO level (offers keep the name
    they were made with)."""
    security.require_role(actor, security.ADMIN)
    row = db.session.get(Qualification, crebo) if is_crebo(crebo) else None
    if row is None:
        raise NotFound("qualification")
    errors = {}
    name = _qualification_fields(name, level, errors)
    if errors:
        raise ValidationFailed(errors)
    changes = _changes({"name": row.name, "level": row.level}, {"name": name, "level": level})
    if changes:
        row.name, row.level, row.edited_at = name, level, utcnow()
        record_event(actor, "qualification.changed", _qualification_subject(crebo),
                     crebo=crebo, name=name, changes=changes)
    _commit("qualification")


def remove_qualification(*, actor, crebo):
    """The administrator removes a qualification that no offer, nor a change to one waiting
    for moderation, names."""
    security.require_role(actor, security.ADMIN)
    found = db.session.execute(select(Qualification.name).where(
        Qualification.crebo == crebo)).first() if is_crebo(crebo) else None
    if found is None:
        raise NotFound("qualification")
    remove_unused(Qualification.crebo, crebo, crebo_columns(),
            _("This qualification cannot be removed: it is named by %(uses)s."))
    record_event(actor, "qualification.removed", _qualification_subject(crebo), crebo=crebo,
                 name=found.name)
    db.session.commit()


def is_crebo(value):
    return isinstance(value, str) and value.isascii() and CREBO.fullmatch(value) is not None
