"""Empty databases for tests that need one of their own (migrations, concurrency)."""
import os
import threading
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from portal import create_app
from portal.config import TestingConfig
from portal.errors import ValidationFailed
from portal.extensions import db


@contextmanager
def empty_database(tmp_path, name):
    """The URL of an empty database: a new SQLite file, or on the PostgreSQL server the suite
    runs on (PORTAL_TEST_DATABASE_URL) a fresh schema `name`, dropped afterwards."""
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / f'{name}.sqlite'}"
        return
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {name}"))
    try:
        yield make_url(url).update_query_dict({"options": f"-csearch_path={name}"})
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {name} CASCADE"))
        admin.dispose()


@contextmanager
def app_on_empty_database(tmp_path, name, **settings):
    """An app of its own on an empty database (see empty_database); disposed afterwards."""
    with empty_database(tmp_path, name) as url:
        config = type("Config", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url, **settings})
        app = create_app(config)
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


# A two-town gazetteer: enough for tests of concurrency, and quick to load.
ZEELAND_TOWNS = {
    "1": {"geonameid": 2745392, "name": "Vlissingen", "latitude": 51.4425, "longitude": 3.57361,
          "countrycode": "NL", "admin1code": "10", "population": 44485, "alternatenames": []},
    "2": {"geonameid": 2750896, "name": "Middelburg", "latitude": 51.5, "longitude": 3.61389,
          "countrycode": "NL", "admin1code": "10", "population": 46485, "alternatenames": []},
}


@contextmanager
def app_with_two_towns(tmp_path, name):
    """An app of its own whose database holds the schema and the reference data, with
    Vlissingen and Middelburg as its only places."""
    from portal.seeding.reference import load_reference

    with app_on_empty_database(tmp_path, name) as app:
        with app.app_context():
            db.create_all()
            load_reference(cities=ZEELAND_TOWNS)
            db.session.remove()
        yield app


def all_at_once(app, jobs):
    """Run every job in its own thread, in a POST request context of its own as a server
    would, released together by a barrier; returns per job ("done", result),
    ("refused", errors) or ("error", exception). A job reads what it needs after the barrier,
    in the same transaction as its writes, as one request of a server does."""
    start = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, job):
        try:
            start.wait(timeout=60)
            with app.test_request_context("/", method="POST"):
                try:
                    outcomes[index] = ("done", job())
                except ValidationFailed as refusal:
                    db.session.rollback()
                    outcomes[index] = ("refused", refusal.errors)
        except BaseException as error:  # reported by the test, in its own thread
            outcomes[index] = ("error", error)

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    errors = [outcome[1] for outcome in outcomes if outcome[0] == "error"]
    assert not errors, errors
    return outcomes
