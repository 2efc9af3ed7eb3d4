"""Declarative base with one naming convention, and the timestamp mixin.

No commit helpers live here: services commit, exactly once per use case. (The one COMMIT
here ends a transaction that read only: ends_with_commit.)
"""
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import wraps
from zoneinfo import ZoneInfo

import click
from flask import g, has_request_context, request
from sqlalchemy import DateTime, MetaData, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


PORTAL_TIMEZONE = ZoneInfo("Europe/Amsterdam")  # Brussels keeps the same time


def utcnow():
    return datetime.now(UTC)


def local_today():
    """Today's date where the portal's users are, whatever the server's clock zone."""
    return datetime.now(PORTAL_TIMEZONE).date()


class UTCDateTime(TypeDecorator):
    """A timestamp kept in UTC. SQLite drops the zone on storage, so it is put back on reading."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given; use portal.db.utcnow()")
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, use WAL, and let SQLAlchemy own the transactions.

    pysqlite starts transactions lazily and not before a SELECT, which breaks SAVEPOINT and
    repeatable reads; the documented fix is autocommit at the driver plus an explicit BEGIN.
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


# Requests with these methods may write; the others only read.
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _will_write():
    """Whether the transaction about to begin belongs to work that writes: a request sent with
    a writing method, or a command (`flask seed`, `flask offers archive`), but not `flask shell`,
    which may sit idle for a long time. Other code (tests driving services) begins deferred.
    A command that waits in a loop (a worker) must end its transaction before it waits, or it
    keeps every writer of the site waiting."""
    if has_request_context():
        return request.method in WRITE_METHODS and not g.get("reading_first")
    command = click.get_current_context(silent=True)
    return command is not None and command.command.name != "shell"


@contextmanager
def reading_first():
    """For a writing request with slow work between its reads and its writes (checking a
    password hash): the transaction begun inside reads without SQLite's write lock. The caller
    ends it (rollback or commit) before the slow work; its writes then begin a transaction of
    their own that takes the lock, so other writers do not queue behind the slow work."""
    g.reading_first = True
    try:
        yield
    finally:
        g.reading_first = False


def ends_with_commit(view):
    """For a view that only reads: its transaction ends with a COMMIT (of nothing) instead of
    a ROLLBACK. psycopg forgets every prepared statement at a ROLLBACK, so on PostgreSQL the
    statements of every search were parsed and planned anew each time (the result cards alone
    0.3 ms of the server's time). A request that left ORM changes pending or flushed any, or
    that failed, still ends with a rollback (end_read_only_transaction)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.ends_with_commit = True
        return view(*args, **kwargs)
    return wrapper


def end_read_only_transaction(error=None):
    """teardown_request: commit the transaction of an ends_with_commit view (see there)."""
    if not g.pop("ends_with_commit", False) or error is not None:
        return
    from portal.extensions import db

    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted \
            or session.info.get("flushed"):
        return  # the session's removal rolls it back, as for any request
    session.commit()


@event.listens_for(Session, "after_flush")
def _remember_flush(session, _context):
    session.info["flushed"] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_flush(session, transaction):
    if transaction.parent is None:
        session.info.pop("flushed", None)


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """SQLite: a writer takes the write lock when it begins (BEGIN IMMEDIATE), waiting up to the
    busy timeout for the writer before it; readers begin deferred, never wait, and see a snapshot
    (WAL).

    A deferred transaction that reads and then writes cannot wait: when another writer got in
    between, SQLite refuses the lock upgrade at once (SQLITE_BUSY) whatever the busy timeout,
    so independent writes of simultaneous requests would fail instead of queueing.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _will_write() else "BEGIN")
