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
