"""How SQLite transactions begin (portal/db.py): writers take the write lock at once and so queue
for it; readers begin deferred and never wait. Shown with a second, raw connection that tries to
take the write lock without waiting."""
import sqlite3

import click
import pytest
from flask import Flask
from sqlalchemy import create_engine

from portal.db import _will_write

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
