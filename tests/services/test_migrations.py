"""The migrations create exactly the models' schema, and undo it."""
import os
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.config import TestingConfig
from portal.extensions import db

SCHEMA = "migration_check"


@contextmanager
def empty_database(tmp_path):
    """A URL of an empty database: a new SQLite file, or a fresh schema on the PostgreSQL
    server the suite runs on."""
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    try:
        yield make_url(url).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        admin.dispose()


@pytest.fixture
def migration_app(tmp_path):
    with empty_database(tmp_path) as url:
        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = url

        app = create_app(Config)
        with app.app_context():
            yield app
            db.session.remove()
            db.engine.dispose()


def _tables():
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_creates_exactly_the_models_schema(migration_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": False})
        differences = compare_metadata(context, db.metadata)
    assert differences == []
    assert _tables() == set(db.metadata.tables)


def test_downgrade_removes_everything(migration_app):
    upgrade()
    assert _tables()
    downgrade(revision="base")
    assert _tables() == set()
