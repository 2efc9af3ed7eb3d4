"""What uses a row of the reference data: read from the schema, so that a table added later
counts without this module knowing it. A sector or level is used by every row of a table with a
foreign key to it, except those whose rows go with it (ON DELETE CASCADE: a sector's
topsectors); a qualification by every column named `crebo`, which holds the code itself.

A removal is one conditional DELETE that holds only while nothing uses the row
(`remove_unused`), so a row that came into use, or was removed, in the meantime is refused
cleanly.
"""
from sqlalchemy import delete, exists, func, select
from sqlalchemy.exc import IntegrityError

from portal.db import Base
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.taxonomy.models import Qualification


def users_of(table):
    """The columns whose rows keep a row of `table` in use (see the module's docstring)."""
    return [fk.parent for other in Base.metadata.sorted_tables for fk in other.foreign_keys
            if fk.column.table is table and (fk.ondelete or "").upper() != "CASCADE"]


def crebo_columns():
    """The columns that hold a crebo code, as offers.crebo does (no foreign key)."""
    return [column for table in Base.metadata.sorted_tables
            if table is not Qualification.__table__
            for column in table.columns if column.name == "crebo"]


def _unused(columns, key):
    """Conditions: no row of any of `columns` holds `key` (each table aliased: a sector's finer
    sectors are rows of its own table)."""
    conditions = []
    for column in columns:
        alias = column.table.alias()
        conditions.append(~exists().where(alias.c[column.name] == key))
    return conditions


def count_words(column, count):
    """What `count` rows of `column` are, in words: "3 offers"."""
    words = {
        "sectors.parent_id": lambda: ngettext("%(num)d finer sector", "%(num)d finer sectors",
                                              count),
        "organisation_sectors.sector_id": lambda: ngettext(
            "%(num)d company or school", "%(num)d companies or schools", count),
        "bookings.education_level_id": lambda: ngettext("%(num)d request", "%(num)d requests",
                                                        count),
        "waitlist_entries.education_level_id": lambda: ngettext(
            "%(num)d place on a waiting list", "%(num)d places on waiting lists", count),
        "bus_rule_levels.education_level_id": lambda: ngettext(
            "the Techniekbus rules of %(num)d Technocentrum",
            "the Techniekbus rules of %(num)d Technocentra", count),
    }
    for key in ("offer_sectors.sector_id", "offer_levels.education_level_id", "offers.crebo"):
        words[key] = lambda: ngettext("%(num)d offer", "%(num)d offers", count)
    key = f"{column.table.name}.{column.name}"
    if key in words:
        return words[key]()
    return ngettext("%(num)d row of %(table)s", "%(num)d rows of %(table)s", count,
                    table=column.table.name)


def uses_of(columns, keys=None):
    """{key: "3 offers, 1 company or school"} of every row something uses (of `keys` only,
    when given)."""
    found = {}
    for column in columns:
        query = select(column, func.count()).where(column.is_not(None)).group_by(column)
        if keys is not None:
            query = query.where(column.in_(keys))
        for key, count in db.session.execute(query):
            found.setdefault(key, []).append(count_words(column, count))
    return {key: ", ".join(parts) for key, parts in found.items()}


def remove_unused(key_column, key, users, refused):
    """DELETE the row whose `key_column` is `key` while no column of `users` holds it, in one
    statement. NotFound when the row is gone; ValidationFailed with `refused` (formatted with
    %(uses)s) when something uses it. The caller records the event and commits."""
    statement = delete(key_column.table).where(key_column == key, *_unused(users, key))
    try:
        deleted = db.session.execute(statement).rowcount
    except IntegrityError:
        # PostgreSQL: a row pointing at it was being written as the DELETE ran, and committed
        # while the DELETE waited for its lock: the foreign key refuses
        db.session.rollback()
        deleted = 0
    if deleted == 1:
        return
    gone = db.session.scalar(select(func.count()).select_from(key_column.table)
                             .where(key_column == key)) == 0
    uses = uses_of(users, [key]).get(key) or _("something that was added at the same moment")
    db.session.rollback()
    if gone:
        raise NotFound(key_column.table.name)
    raise ValidationFailed({"": refused % {"uses": uses}})
