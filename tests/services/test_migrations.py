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
