"""Until when an offer can be found: `offers.search_until`, kept by the database itself.

An offer can be found while it is published by an approved company and has room: a date from
today on with pupils' room left (group activities), or a free place in a period that has not
ended (placements). `search_until` is the last day that holds: the last date with room (at most
the offer's end date), or the end of the period (9999-12-31 without one); NULL when it cannot be
found at all. The search then needs one indexed comparison, `search_until >= today`, instead of
reading slots, companies and periods per offer.

Room changes in many places (a request accepted, a slot edited, a company suspended), many by a
conditional UPDATE that bypasses the ORM, so triggers keep the column: on offers, slots and
organisations, for SQLite and PostgreSQL alike. `refresh_all()` recomputes every row (after a
bulk load, or to check the triggers).
"""
from sqlalchemy import DDL, event, text

_FAR = {"sqlite": "'9999-12-31'", "postgresql": "DATE '9999-12-31'"}


def until_expression(dialect):
    """SQL for the search_until of the `offers` row being updated."""
    return f"""CASE WHEN offers.status = 'published' AND EXISTS (
        SELECT 1 FROM organisations c WHERE c.id = offers.company_id AND c.status = 'approved')
      THEN CASE
        WHEN offers.capacity IS NULL THEN (
          SELECT CASE WHEN offers.ends_on IS NOT NULL AND offers.ends_on < max(s.day)
                      THEN offers.ends_on ELSE max(s.day) END
          FROM slots s WHERE s.offer_id = offers.id AND s.taken < s.capacity)
        WHEN offers.places_taken < offers.capacity THEN COALESCE(offers.ends_on, {_FAR[dialect]})
      END
    END"""


def refresh_statement(dialect, where):
    return f"UPDATE offers SET search_until = {until_expression(dialect)} WHERE {where};"


def sqlite_statements():
    refresh = lambda where: refresh_statement("sqlite", where)  # noqa: E731
    return [
        "CREATE TRIGGER offers_findable_insert AFTER INSERT ON offers BEGIN "
        + refresh("id = NEW.id") + " END",
        "CREATE TRIGGER offers_findable_update AFTER UPDATE OF status, company_id, capacity, "
        "places_taken, ends_on ON offers BEGIN " + refresh("id = NEW.id") + " END",
        "CREATE TRIGGER slots_findable_insert AFTER INSERT ON slots BEGIN "
        + refresh("id = NEW.offer_id") + " END",
        "CREATE TRIGGER slots_findable_update AFTER UPDATE OF offer_id, day, capacity, taken "
        "ON slots BEGIN " + refresh("id IN (NEW.offer_id, OLD.offer_id)") + " END",
        "CREATE TRIGGER slots_findable_delete AFTER DELETE ON slots BEGIN "
        + refresh("id = OLD.offer_id") + " END",
        "CREATE TRIGGER organisations_findable_update AFTER UPDATE OF status ON organisations "
        "BEGIN " + refresh("company_id = NEW.id") + " END",
    ]


def postgresql_statements():
    refresh = lambda where: refresh_statement("postgresql", where)  # noqa: E731
    return [
        f"""CREATE OR REPLACE FUNCTION portal_findable() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_TABLE_NAME = 'offers' THEN
            {refresh("id = NEW.id")}
          ELSIF TG_TABLE_NAME = 'slots' THEN
            IF TG_OP <> 'INSERT' THEN {refresh("id = OLD.offer_id")} END IF;
            IF TG_OP <> 'DELETE' THEN {refresh("id = NEW.offer_id")} END IF;
          ELSE
            {refresh("company_id = NEW.id")}
          END IF;
          RETURN NULL;
        END $$""",
        "CREATE TRIGGER offers_findable AFTER INSERT OR UPDATE OF status, company_id, capacity, "
        "places_taken, ends_on ON offers FOR EACH ROW EXECUTE FUNCTION portal_findable()",
        "CREATE TRIGGER slots_findable AFTER INSERT OR DELETE OR UPDATE OF offer_id, day, "
        "capacity, taken ON slots FOR EACH ROW EXECUTE FUNCTION portal_findable()",
        "CREATE TRIGGER organisations_findable AFTER UPDATE OF status ON organisations "
        "FOR EACH ROW EXECUTE FUNCTION portal_findable()",
    ]


def drop_statements(dialect):
    if dialect == "postgresql":
        return ["DROP TRIGGER IF EXISTS offers_findable ON offers",
                "DROP TRIGGER IF EXISTS slots_findable ON slots",
                "DROP TRIGGER IF EXISTS organisations_findable ON organisations",
                "DROP FUNCTION IF EXISTS portal_findable()"]
    return [f"DROP TRIGGER IF EXISTS {name}" for name in (
        "offers_findable_insert", "offers_findable_update", "slots_findable_insert",
        "slots_findable_update", "slots_findable_delete", "organisations_findable_update")]


def statements(dialect):
    return postgresql_statements() if dialect == "postgresql" else sqlite_statements()


def install(metadata):
    """Create the triggers with the tables (create_all, as the tests do; the migration creates
    them for real databases)."""
    for dialect in ("sqlite", "postgresql"):
        for statement in statements(dialect):
            event.listen(metadata, "after_create", DDL(statement).execute_if(dialect=dialect))


def refresh_all(session):
    """Recompute search_until of every offer (after a bulk load)."""
    dialect = session.get_bind().dialect.name
    session.execute(text(refresh_statement(dialect, "true" if dialect == "postgresql" else "1")))
