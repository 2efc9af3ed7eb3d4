"""What uses a row of the reference data: read from the schema, so that a table added later
counts without this module knowing it. A sector or level is used by every row of a table with a
foreign key to it, except those whose rows go with it (ON DELETE CASCADE: a sector's
topsectors); a qualification by every column named `crebo`, which holds the code itself.

Besides, a change to an offer waiting for moderation (a row of `offer_revisions`, looked up in
the schema at run time: taxonomy may not import offers) names sectors, levels and a crebo code
in its JSON `content`, with no foreign key to keep them: approving it after the row was removed
would silently drop the sector or level, and could leave an offer with none. So a pending
revision uses what its content names too (`NamedInPendingRevisions`).

A removal is one conditional DELETE that holds only while nothing uses the row
(`remove_unused`), so a row that came into use, or was removed, in the meantime is refused
cleanly. The JSON test is in that same statement, in SQL on both databases (json_each on
SQLite, json_array_elements_text on PostgreSQL). What it cannot see (no foreign key to wait
on): on PostgreSQL, a change whose form checked the sector before the DELETE committed and that
is written after it. That window is the proposal's own transaction; SQLite has none (writers
queue, and a transaction that read cannot write after another's commit).
"""
from sqlalchemy import Integer, case, cast, delete, exists, func, select, true
from sqlalchemy.exc import IntegrityError

from portal.db import Base
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.taxonomy.models import Qualification

REVISIONS = "offer_revisions"
PENDING = "pending"  # portal.offers.models.REVISION_PENDING
# The key of a revision's content that names rows of a reference table (rules.SUBSTANTIVE).
REVISION_KEYS = {"sectors": "sector_ids", "education_levels": "level_ids"}
CREBO = "crebo"


class NamedInPendingRevisions:
    """Stands beside the columns of `users_of` and `crebo_columns`: the offer changes waiting
    for moderation whose JSON content names the key, under `field`, a list of ids
    (`many`) or one code. `table` and `name` as a column has them, for the words of the
    message ("offer_revisions.content.sector_ids")."""

    def __init__(self, table, field, many):
        self.table, self.field, self.many = table, field, many
        self.name = f"content.{field}"

    def named(self, revisions):
        """(the FROM clause, the key column) of every key the pending rows of `revisions` (an
        alias of the table) name: one row per revision and key."""
        content = revisions.c.content
        if not self.many:
            return revisions, content[self.field].as_string()
        if db.session.get_bind().dialect.name == "sqlite":
            keys = func.json_each(content, f"$.{self.field}").table_valued("value")
        else:  # a function in FROM sees the table before it; an array only (else: none)
            listed = content[self.field]
            keys = func.json_array_elements_text(case(
                (func.json_typeof(listed) == "array", listed))).table_valued("value")
        return revisions.join(keys, true()), cast(keys.c.value, Integer)

    def unused(self, key):
        revisions = self.table.alias()
        found, column = self.named(revisions)
        return ~exists(select(1).select_from(found).where(revisions.c.status == PENDING,
                                                         column == key))

    def counts(self, keys=None):
        revisions = self.table.alias()
        found, column = self.named(revisions)
        query = (select(column, func.count()).select_from(found)
                 .where(revisions.c.status == PENDING, column.is_not(None)).group_by(column))
        if keys is not None:
            query = query.where(column.in_(keys))
        return db.session.execute(query).all()


def _pending_revisions(field, many):
    table = Base.metadata.tables.get(REVISIONS)
    return [] if table is None else [NamedInPendingRevisions(table, field, many)]


def users_of(table):
    """The columns whose rows keep a row of `table` in use, and the pending revisions that
    name it (see the module's docstring)."""
    columns = [fk.parent for other in Base.metadata.sorted_tables for fk in other.foreign_keys
               if fk.column.table is table and (fk.ondelete or "").upper() != "CASCADE"]
    if table.name in REVISION_KEYS:
        columns += _pending_revisions(REVISION_KEYS[table.name], many=True)
    return columns


def crebo_columns():
    """The columns that hold a crebo code, as offers.crebo does (no foreign key), and the
    pending revisions that name one."""
    return [column for table in Base.metadata.sorted_tables
            if table is not Qualification.__table__
            for column in table.columns if column.name == CREBO] + _pending_revisions(
        CREBO, many=False)


def _unused(columns, key):
    """Conditions: no row of any of `columns` holds `key` (each table aliased: a sector's finer
    sectors are rows of its own table)."""
    conditions = []
    for column in columns:
        if isinstance(column, NamedInPendingRevisions):
            conditions.append(column.unused(key))
            continue
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
    for field in (*REVISION_KEYS.values(), CREBO):
        words[f"{REVISIONS}.content.{field}"] = lambda: ngettext(
            "%(num)d change waiting for moderation", "%(num)d changes waiting for moderation",
            count)
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
        if isinstance(column, NamedInPendingRevisions):
            rows = column.counts(keys)
        else:
            query = select(column, func.count()).where(column.is_not(None)).group_by(column)
            if keys is not None:
                query = query.where(column.in_(keys))
            rows = db.session.execute(query)
        for key, count in rows:
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
