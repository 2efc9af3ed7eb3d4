"""Which offers changed, for the search's copy of them in every process (portal/matching/store.py).

Triggers on offers, slots, offer_sectors and offer_levels write the offer's id into
`search_changes` whenever anything the search reads of it changes, in the same transaction;
the word index writes the ids of the offers it rewrites (portal/matching/index.py). So a
conditional UPDATE that bypasses the ORM is followed as well as a form. A booking that becomes
or stops being an open request writes its offer's id too: the store counts each company's open
requests (the fairness rule) and counts them again for the companies of changed offers.

A process reads the rows it has not seen before every search: one indexed statement that
usually returns nothing.
- SQLite has one writer at a time, so a row's `seq` grows in the order of commits: the rows
  after the highest seq seen are the new ones.
- PostgreSQL commits in any order: a transaction that took seq 10 may commit after one that
  took 11. Each row therefore keeps its transaction id (`xid`), and a process reads again every
  row of a transaction that was still running at its last read (xid >= that read's snapshot
  xmin), skipping the seqs it has applied.
Rows older than KEEP_HOURS are deleted by `flask tasks run` (but the last); a copy that has
not been brought up to date for that long is read anew.
"""
from sqlalchemy import (
    DDL,
    BigInteger,
    Column,
    Integer,
    Table,
    delete,
    event,
    func,
    select,
    text,
)
from sqlalchemy.engine import Engine

from portal.db import Base, UTCDateTime, utcnow

KEEP_HOURS = 24

search_changes = Table(
    "search_changes", Base.metadata,
    Column("seq", Integer, primary_key=True),
    Column("offer_id", Integer, nullable=False),
    Column("xid", BigInteger, index=True),  # PostgreSQL: the writing transaction's id
    Column("created_at", UTCDateTime, nullable=False, server_default=func.current_timestamp()),
)

# table -> the column that names the offer
_SOURCES = {"offers": "id", "slots": "offer_id", "offer_sectors": "offer_id",
            "offer_levels": "offer_id"}
_LOG = "INSERT INTO search_changes (offer_id) VALUES ({});"
# The booking status the fairness rule counts (portal.bookings stands to the right of matching).
OPEN_REQUEST = "requested"


def sqlite_statements():
    found = []
    for table, column in _SOURCES.items():
        found += [
            f"CREATE TRIGGER {table}_changed_insert AFTER INSERT ON {table} BEGIN "
            + _LOG.format(f"NEW.{column}") + " END",
            f"CREATE TRIGGER {table}_changed_update AFTER UPDATE ON {table} BEGIN "
            + _LOG.format(f"NEW.{column}")
            + f" INSERT INTO search_changes (offer_id) SELECT OLD.{column} "
              f"WHERE OLD.{column} <> NEW.{column}; END",
            f"CREATE TRIGGER {table}_changed_delete AFTER DELETE ON {table} BEGIN "
            + _LOG.format(f"OLD.{column}") + " END",
        ]
    return found


def sqlite_request_statements():
    """bookings: the offer of a booking that becomes, or stops being, an open request."""
    is_open = f"'{OPEN_REQUEST}'"
    return [
        f"CREATE TRIGGER bookings_changed_insert AFTER INSERT ON bookings "
        f"WHEN NEW.status = {is_open} BEGIN " + _LOG.format("NEW.offer_id") + " END",
        f"CREATE TRIGGER bookings_changed_update AFTER UPDATE OF status, offer_id ON bookings "
        f"WHEN OLD.status IS NOT NEW.status OR OLD.offer_id IS NOT NEW.offer_id BEGIN "
        f"INSERT INTO search_changes (offer_id) SELECT NEW.offer_id WHERE NEW.status = {is_open}; "
        f"INSERT INTO search_changes (offer_id) SELECT OLD.offer_id WHERE OLD.status = {is_open}; "
        f"END",
        f"CREATE TRIGGER bookings_changed_delete AFTER DELETE ON bookings "
        f"WHEN OLD.status = {is_open} BEGIN " + _LOG.format("OLD.offer_id") + " END",
    ]


def postgresql_request_statements():
    return [
        f"""CREATE OR REPLACE FUNCTION portal_search_request_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'DELETE' AND NEW.status = '{OPEN_REQUEST}' THEN
            INSERT INTO search_changes (offer_id) VALUES (NEW.offer_id);
          END IF;
          IF TG_OP <> 'INSERT' AND OLD.status = '{OPEN_REQUEST}' THEN
            INSERT INTO search_changes (offer_id) VALUES (OLD.offer_id);
          END IF;
          RETURN NULL;
        END $$""",
        "CREATE TRIGGER bookings_changed AFTER INSERT OR DELETE ON bookings FOR EACH ROW "
        "EXECUTE FUNCTION portal_search_request_changed()",
        "CREATE TRIGGER bookings_changed_update AFTER UPDATE OF status, offer_id ON bookings "
        "FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status "
        "OR OLD.offer_id IS DISTINCT FROM NEW.offer_id) "
        "EXECUTE FUNCTION portal_search_request_changed()",
    ]


def request_statements(dialect):
    if dialect == "postgresql":
        return postgresql_request_statements()
    return sqlite_request_statements()


def request_drop_statements(dialect):
    if dialect == "postgresql":
        return ["DROP TRIGGER IF EXISTS bookings_changed ON bookings",
                "DROP TRIGGER IF EXISTS bookings_changed_update ON bookings",
                "DROP FUNCTION IF EXISTS portal_search_request_changed()"]
    return [f"DROP TRIGGER IF EXISTS bookings_changed_{when}"
            for when in ("insert", "update", "delete")]


def postgresql_statements():
    found = [
        "ALTER TABLE search_changes ALTER COLUMN xid "
        "SET DEFAULT pg_current_xact_id()::text::bigint",
        """CREATE OR REPLACE FUNCTION portal_search_changed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        DECLARE
          now_id integer;
          before_id integer;
        BEGIN
          IF TG_OP <> 'DELETE' THEN
            now_id := (to_jsonb(NEW) ->> TG_ARGV[0])::integer;
            INSERT INTO search_changes (offer_id) VALUES (now_id);
          END IF;
          IF TG_OP <> 'INSERT' THEN
            before_id := (to_jsonb(OLD) ->> TG_ARGV[0])::integer;
            IF now_id IS DISTINCT FROM before_id THEN
              INSERT INTO search_changes (offer_id) VALUES (before_id);
            END IF;
          END IF;
          RETURN NULL;
        END $$""",
    ]
    for table, column in _SOURCES.items():
        found.append(f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE "
                     f"ON {table} FOR EACH ROW EXECUTE FUNCTION portal_search_changed('{column}')")
    return found


def statements(dialect):
    return postgresql_statements() if dialect == "postgresql" else sqlite_statements()


def drop_statements(dialect):
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_changed ON {table}" for table in _SOURCES] + [
            "DROP FUNCTION IF EXISTS portal_search_changed()"]
    return [f"DROP TRIGGER IF EXISTS {table}_changed_{when}" for table in _SOURCES
            for when in ("insert", "update", "delete")]


def install(metadata):
    """The triggers with the tables (create_all, as the tests do; a migration for real ones)."""
    for dialect in ("sqlite", "postgresql"):
        for statement in statements(dialect) + request_statements(dialect):
            event.listen(metadata, "after_create", DDL(statement).execute_if(dialect=dialect))


def note(session, offer_ids):
    """Log offers whose words were rewritten (the word index has no trigger of its own)."""
    offer_ids = list(offer_ids)
    if offer_ids:
        session.execute(search_changes.insert(), [{"offer_id": i} for i in offer_ids])


_SQLITE_HIGHEST = text("SELECT max(seq) FROM search_changes")
_SQLITE_SINCE = text("SELECT seq, offer_id FROM search_changes WHERE seq > :seen")


def read(connection, seen):
    """(offer ids changed since `seen`, the new `seen`, whether this transaction wrote).

    `seen` is None at first; for SQLite the highest seq applied, for PostgreSQL
    (snapshot xmin, {seq applied at or after it})."""
    if connection.dialect.name == "postgresql":
        return _read_postgresql(connection, seen)
    wrote = _sqlite_wrote(connection)
    if seen is None:
        highest = connection.execute(_SQLITE_HIGHEST).scalar()
        return [], highest or 0, wrote
    rows = connection.execute(_SQLITE_SINCE, {"seen": seen}).all()
    return sorted({offer_id for _seq, offer_id in rows}), max([seen, *(r[0] for r in rows)]), wrote


def _sqlite_wrote(connection):
    raw = connection.connection.dbapi_connection
    return raw.total_changes != connection.info.get("total_changes_at_begin", raw.total_changes)


@event.listens_for(Engine, "begin")
def _remember_changes(connection):
    """SQLite: how many rows the connection had changed when this transaction began, so that a
    search can tell whether it sees writes of its own that are not committed yet."""
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        connection.info["total_changes_at_begin"] = raw.total_changes


# The snapshot's xmin, whether this transaction wrote, and the log's rows from a horizon
# on, in one statement (one round trip a search): the rows as of that same snapshot.
_NOW = ("(SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin, "
        "pg_current_xact_id_if_assigned() IS NOT NULL AS wrote) AS now")
_PG_FIRST = text(f"SELECT now.xmin, now.wrote, c.seq FROM {_NOW} "
                 "LEFT JOIN search_changes c ON c.xid >= now.xmin")
_PG_SINCE = text(f"SELECT now.xmin, now.wrote, c.seq, c.offer_id, c.xid FROM {_NOW} "
                 "LEFT JOIN search_changes c ON c.xid >= :horizon")


def _read_postgresql(connection, seen):
    if seen is None:  # everything is read next: what the log holds now is in it
        rows = connection.execute(_PG_FIRST).all()
        xmin, wrote = rows[0][:2]
        return [], (xmin, {row[2] for row in rows if row[2] is not None}), wrote
    horizon, applied = seen
    rows = connection.execute(_PG_SINCE, {"horizon": horizon}).all()
    xmin, wrote = rows[0][:2]
    rows = [row[2:] for row in rows if row[2] is not None]
    fresh = [(seq, offer_id, xid) for seq, offer_id, xid in rows if seq not in applied]
    # A seq stays remembered while its transaction may still be running (xid >= xmin).
    keep = {seq for seq, _offer, xid in rows if xid >= xmin}
    return sorted({offer_id for _seq, offer_id, _xid in fresh}), (xmin, keep), wrote


def prune(session, now=None):
    """Delete rows older than KEEP_HOURS; returns how many."""
    from datetime import timedelta

    before = (now or utcnow()) - timedelta(hours=KEEP_HOURS)
    # The row of the highest seq stays: SQLite would otherwise count seqs from 1 again, below
    # what every process has seen.
    highest = select(func.max(search_changes.c.seq)).scalar_subquery()
    return session.execute(delete(search_changes).where(
        search_changes.c.created_at < before, search_changes.c.seq < highest)).rowcount


install(Base.metadata)
