"""The migrations create exactly the models' schema, and undo it."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from portal.extensions import db
from tests.databases import app_on_empty_database


@pytest.fixture
def migration_app(tmp_path):
    with app_on_empty_database(tmp_path, "migration_check") as app, app.app_context():
        yield app


def _tables():
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


@pytest.mark.own_app
def test_upgrade_creates_exactly_the_models_schema(migration_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": False})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
    assert _tables() == set(db.metadata.tables)


@pytest.mark.own_app
def test_downgrade_removes_everything(migration_app):
    upgrade()
    assert _tables()
    downgrade(revision="base")
    assert _tables() == set()


@pytest.mark.own_app
def test_existing_companies_and_offers_are_carried_over(migration_app):
    """A database of the first schema: its company gets its place as first location, an offer
    at the company happens there, and a group activity's capacity (which counted requests)
    gives way to slots."""
    from sqlalchemy import text

    upgrade(revision="1dfa268f5f4f")
    now = "2026-11-01 10:00:00"
    statements = [
        "INSERT INTO landsdelen (id, code, name) VALUES (1, 'zuidwest', 'Zuidwest')",
        "INSERT INTO provinces (id, code, name, country_code) VALUES (1, 'NL-ZE', 'Zeeland', 'NL')",
        "INSERT INTO places (id, geonameid, name, province_id, landsdeel_id, country_code, "
        "latitude, longitude, population) VALUES (1, 2745392, 'Vlissingen', 1, 1, 'NL', 51.44, "
        "3.57, 44485)",
        f"INSERT INTO organisations (id, kind, name, place_id, description, status, created_at, "
        f"updated_at, kvk_number) VALUES (1, 'company', 'Werf', 1, '', 'approved', '{now}', "
        f"'{now}', '12345678')",
        f"INSERT INTO offers (id, company_id, offer_type, title, description, location_mode, "
        f"place_id, capacity, places_taken, status, created_at, updated_at) VALUES "
        f"(1, 1, 'company_visit', 'Rondleiding', 'Op de werf', 'company', 1, 4, 1, "
        f"'published', '{now}', '{now}'), (2, 1, 'internship', 'Stage', 'Lassen', 'company', "
        f"1, 3, 1, 'published', '{now}', '{now}')",
    ]
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))

    upgrade()

    with db.engine.connect() as conn:
        location = conn.execute(text("SELECT id, name, place_id FROM locations")).one()
        offers = conn.execute(text("SELECT id, location_id, capacity, places_taken, revision "
                                   "FROM offers ORDER BY id")).all()
    assert tuple(location)[1:] == ("Hoofdvestiging", 1)
    assert [tuple(row) for row in offers] == [(1, location.id, None, 0, 1),
                                              (2, location.id, 3, 1, 1)]


@pytest.mark.own_app
def test_request_messages_and_answers_become_the_conversation(migration_app):
    """Before the conversation, a request had one message and one answer. Both become its first
    messages, written by the side that wrote them; for a cancellation the audit log says who."""
    from sqlalchemy import text

    upgrade(revision="1dfa268f5f4f")
    now = "2026-11-01 10:00:00"
    later = "2026-11-02 11:00:00"
    statements = [
        "INSERT INTO landsdelen (id, code, name) VALUES (1, 'zuidwest', 'Zuidwest')",
        "INSERT INTO provinces (id, code, name, country_code) VALUES (1, 'NL-ZE', 'Zeeland', 'NL')",
        "INSERT INTO places (id, geonameid, name, province_id, landsdeel_id, country_code, "
        "latitude, longitude, population) VALUES (1, 2745392, 'Vlissingen', 1, 1, 'NL', 51.44, "
        "3.57, 44485)",
        "INSERT INTO education_levels (id, code, name, name_en, stage, country_code, position) "
        "VALUES (1, 'vmbo', 'vmbo', 'vmbo', 'vo', 'NL', 1)",
        f"INSERT INTO users (id, email, full_name, password_hash, role, is_active, created_at, "
        f"updated_at) VALUES (1, 'docent@x.nl', 'Docent', 'x', 'teacher', true, '{now}', '{now}'),"
        f" (2, 'baas@x.nl', 'Baas', 'x', 'company_member', true, '{now}', '{now}')",
        f"INSERT INTO organisations (id, kind, name, place_id, description, status, created_at, "
        f"updated_at, kvk_number) VALUES (1, 'company', 'Werf', 1, '', 'approved', '{now}', "
        f"'{now}', '12345678'), (2, 'school', 'College', 1, '', 'approved', '{now}', '{now}', "
        f"NULL)",
        f"INSERT INTO memberships (id, user_id, organisation_id, is_owner, created_at, "
        f"updated_at) VALUES (1, 1, 2, true, '{now}', '{now}'), (2, 2, 1, true, '{now}', '{now}')",
        f"INSERT INTO offers (id, company_id, offer_type, title, description, location_mode, "
        f"place_id, capacity, places_taken, status, created_at, updated_at) VALUES "
        f"(1, 1, 'internship', 'Stage', 'Lassen', 'company', 1, 3, 0, 'published', '{now}', "
        f"'{now}')",
        f"INSERT INTO bookings (id, offer_id, school_id, requested_by_id, status, wanted_on, "
        f"group_size, education_level_id, message, response, decided_by_id, decided_at, "
        f"created_at, updated_at) VALUES "
        f"(1, 1, 2, 1, 'accepted', '2027-02-01', 1, 1, 'Wij komen graag.', 'Welkom!', 2, "
        f"'{later}', '{now}', '{now}'),"
        f"(2, 1, 2, 1, 'cancelled', '2027-02-01', 1, 1, '', 'De bus valt uit.', 2, '{later}', "
        f"'{now}', '{now}'),"
        f"(3, 1, 2, 1, 'requested', '2027-02-01', 1, 1, '', NULL, NULL, NULL, '{now}', '{now}'),"
        f"(4, 1, 2, 1, 'accepted', '2025-10-01', 1, 1, '', NULL, 2, '{now}', '{now}', '{now}')",
        f"INSERT INTO audit_events (actor_id, action, subject_type, subject_id, details, "
        f"created_at) VALUES (1, 'booking.cancelled', 'bookings', 2, '{{}}', '{later}')",
    ]
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))

    upgrade()

    with db.engine.connect() as conn:
        messages = conn.execute(text(
            "SELECT booking_id, author_id, side, kind, body FROM booking_messages "
            "ORDER BY booking_id, id")).all()
        cancelled_by = conn.execute(text(
            "SELECT id, cancelled_by FROM bookings ORDER BY id")).all()
        asked = conn.execute(text(
            "SELECT id FROM bookings WHERE outcome_asked_at IS NOT NULL ORDER BY id")).all()
    assert [tuple(m) for m in messages] == [
        (1, 1, "school", "request", "Wij komen graag."),
        (1, 2, "company", "accept", "Welkom!"),
        (2, 1, "school", "cancel", "De bus valt uit."),
    ]
    assert [tuple(row) for row in cancelled_by] == [(1, None), (2, "school"), (3, None),
                                                    (4, None)]
    # The accepted request of last year is not asked "did it happen?" by the first timed run.
    assert [row.id for row in asked] == [4]
