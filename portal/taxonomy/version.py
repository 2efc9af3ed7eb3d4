"""A stamp that changes with every change to the sectors or education levels, so that a process
may keep them (and what it made of them, such as a form's options) until they change.

Triggers on both tables write a new random stamp in the same transaction as the change,
whoever writes: the seeds, an administrator's page, or plain SQL (PostgreSQL once per
statement). Random rather than counted: a count would come back after a rollback, and a later,
different change would then bear the number a process had kept for the rolled-back one.
"""
from sqlalchemy import DDL, Column, Integer, String, Table, event, select

from portal.db import Base

taxonomy_version = Table(
    "taxonomy_version", Base.metadata,
    Column("id", Integer, primary_key=True),  # the one row: 1
    Column("stamp", String(32), nullable=False),
)

_TABLES = ("sectors", "education_levels")
_STAMP = {"sqlite": "lower(hex(randomblob(16)))",
          "postgresql": "replace(gen_random_uuid()::text, '-', '')"}
FIRST_ROW = "INSERT INTO taxonomy_version (id, stamp) VALUES (1, 'first')"


def _new_stamp(dialect):
    return f"UPDATE taxonomy_version SET stamp = {_STAMP[dialect]} WHERE id = 1"


def statements(dialect):
    if dialect == "postgresql":
        found = ["CREATE OR REPLACE FUNCTION portal_taxonomy_changed() RETURNS trigger "
                 f"LANGUAGE plpgsql AS $$ BEGIN {_new_stamp(dialect)}; RETURN NULL; END $$"]
        found += [f"CREATE TRIGGER {table}_taxonomy_changed AFTER INSERT OR UPDATE OR DELETE "
                  f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION portal_taxonomy_changed()"
                  for table in _TABLES]
        return found
    return [f"CREATE TRIGGER {table}_taxonomy_{when} AFTER {when.upper()} ON {table} "
            f"BEGIN {_new_stamp(dialect)}; END"
            for table in _TABLES for when in ("insert", "update", "delete")]


def drop_statements(dialect):
    if dialect == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_taxonomy_changed ON {table}"
                for table in _TABLES] + ["DROP FUNCTION IF EXISTS portal_taxonomy_changed()"]
    return [f"DROP TRIGGER IF EXISTS {table}_taxonomy_{when}"
            for table in _TABLES for when in ("insert", "update", "delete")]


def current_version():
    """A scalar subquery of the stamp (to read it beside other things in one statement)."""
    return select(taxonomy_version.c.stamp).where(
        taxonomy_version.c.id == 1).scalar_subquery()


def install(metadata):
    """The row and the triggers with the tables (create_all, as the tests do)."""
    event.listen(taxonomy_version, "after_create", DDL(FIRST_ROW))
    for dialect in ("sqlite", "postgresql"):
        for statement in statements(dialect):
            event.listen(metadata, "after_create", DDL(statement).execute_if(dialect=dialect))


install(Base.metadata)
