"""Fixtures shared by every layer of tests.

The schema and the reference data (the whole NL/BE gazetteer, sectors, levels) are created once
per run; every test then runs inside a transaction that is rolled back, with each session the
code opens joining it through a savepoint.
"""
import os

import pytest
from flask.testing import FlaskClient
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from portal import create_app
from portal.extensions import db
from portal.matching import catalogue, store
from portal.seeding.reference import load_reference
from tests import factories


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in a new application context, as on a server.

    The session fixture keeps an application context open, and a request pushed inside it would
    reuse it: Flask-Login's user in `g` and the database session would leak between requests.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def pytest_report_header(config):
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    where = url.split("@")[-1] if url else "a new SQLite file"
    return f"portal test database: {where}"


def database_url(tmp_path_factory):
    """PostgreSQL when PORTAL_TEST_DATABASE_URL names one, else a fresh SQLite file."""
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal-test.sqlite'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    from portal.config import TestingConfig

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url(tmp_path_factory)

    app = create_app(Config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
        load_reference()
        db.session.remove()
        yield app
        db.session.remove()
        db.drop_all()


@pytest.fixture(autouse=True)
def _transaction(request, app):
    """Roll back whatever a test wrote, however often the code under test commits."""
    if "e2e" in request.keywords or "own_app" in request.keywords:
        yield
        return
    connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, class_=Session, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id,
    )
    try:
        yield
    finally:
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()
        catalogue.forget()  # the vocabulary may hold ids of rolled-back words
        store.forget()  # the search's offers of a transaction that is gone


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make():
    """Factories that build data through the services (see tests/factories.py)."""
    return factories


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""
    from contextlib import contextmanager

    from sqlalchemy import event

    @contextmanager
    def counting():
        statements = []

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
                statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting
