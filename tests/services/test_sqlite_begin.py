"""How SQLite transactions begin (portal/db.py): writers take the write lock at once and so queue
for it; readers begin deferred and never wait. Shown with a second, raw connection that tries to
take the write lock without waiting."""
import sqlite3

import click
import pytest
from flask import Flask
from sqlalchemy import create_engine

from portal.db import _will_write, reading_first

pytestmark = pytest.mark.own_app

web = Flask(__name__)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "begin.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # no request, no command: a plain (deferred) transaction
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    yield engine, path
    engine.dispose()


def write_lock_is_free(path):
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()
    return True


@pytest.mark.parametrize("method, takes_lock", [
    ("GET", False), ("HEAD", False), ("POST", True), ("PUT", True), ("PATCH", True),
    ("DELETE", True)])
def test_a_request_takes_the_write_lock_when_its_method_writes(database, method, takes_lock):
    engine, path = database
    with web.test_request_context("/", method=method), engine.connect() as conn:
        conn.begin()
        conn.exec_driver_sql("SELECT count(*) FROM t").scalar()

        assert write_lock_is_free(path) is not takes_lock

        conn.rollback()
    assert write_lock_is_free(path)


def test_a_command_takes_the_write_lock_but_the_shell_does_not(database):
    engine, path = database
    for name, takes_lock in (("seed", True), ("shell", False)):
        with click.Context(click.Command(name)), engine.connect() as conn:
            conn.begin()

            assert write_lock_is_free(path) is not takes_lock

            conn.rollback()


def test_outside_requests_and_commands_transactions_begin_deferred():
    assert _will_write() is False
    with web.test_request_context("/", method="POST"):
        assert _will_write() is True


def test_reading_first_begins_without_the_lock_in_a_writing_request(database):
    engine, path = database
    with web.test_request_context("/", method="POST"):
        with reading_first(), engine.connect() as conn:
            conn.begin()
            conn.exec_driver_sql("SELECT count(*) FROM t").scalar()
            assert write_lock_is_free(path)
            conn.rollback()
        with engine.connect() as conn:  # what comes after writes as usual
            conn.begin()
            conn.exec_driver_sql("SELECT count(*) FROM t").scalar()
            assert not write_lock_is_free(path)
            conn.rollback()


def test_signing_in_checks_the_password_without_holding_the_write_lock(tmp_path, monkeypatch):
    from portal import create_app, security
    from portal.accounts.services import create_administrator
    from portal.config import TestingConfig
    from portal.extensions import db
    from tests import factories
    from tests.views.helpers import csrf_token

    path = tmp_path / "signin.sqlite"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{path}"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
        create_administrator(email="beheer@example.nl", full_name="Beheer",
                             password=factories.PASSWORD)
    seen = []
    verify = security.verify_password

    def verify_and_look(password_hash, password):
        seen.append(write_lock_is_free(path))
        return verify(password_hash, password)

    monkeypatch.setattr(security, "verify_password", verify_and_look)
    client = app.test_client()
    token = csrf_token(client.get("/account/inloggen").get_data(as_text=True))
    response = client.post("/account/inloggen", data={
        "csrf_token": token, "email": "beheer@example.nl", "password": factories.PASSWORD})

    assert response.status_code == 302
    assert seen == [True]
