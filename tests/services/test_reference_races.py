"""Removing reference data while others write, each writer on a thread and connection of its
own, on a database of its own, as requests on a server would.

A sector is removed only while nothing uses it, and the DELETE itself is the check. When a
company's sectors are being written at the moment of the removal, PostgreSQL lets the DELETE
wait for the row lock the company's insert holds, and its foreign key then refuses the DELETE;
SQLite lets the removal wait for the write lock and then see the company. Either way the sector
stays and the administrator is told what uses it, never shown a server error. Two
administrators removing one sector at once: it is removed once, logged once, and the other is
told it is gone.
"""
import threading
import time

import pytest
from flask_babel import force_locale
from sqlalchemy import func, insert, select, text

from portal import security
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.organisations.models import organisation_sectors
from portal.taxonomy import admin as reference
from portal.taxonomy.services import sector_by_code
from tests import factories
from tests.databases import app_with_two_towns

pytestmark = pytest.mark.own_app


@pytest.fixture
def race_app(tmp_path):
    with app_with_two_towns(tmp_path, "reference_races") as app:
        yield app


@pytest.fixture
def setting(race_app):
    with race_app.app_context():
        admins = (factories.admin().id,
                  factories.user(security.ADMIN, email="tweede@example.nl").id)
        company = factories.company(place="Vlissingen", sectors=("metaal",))
        ids = {"admins": admins, "company": company.id,
               "sector": sector_by_code("instrumentmaken").id}
        db.session.remove()
        return ids


def remove(app, admin_id, sector_id, outcomes):
    with app.test_request_context("/beheer/referentie", method="POST"), force_locale("en"):
        try:
            reference.remove_sector(actor=db.session.get(User, admin_id), sector_id=sector_id)
            outcomes.append("removed")
        except ValidationFailed as refusal:
            outcomes.append(refusal.errors)
        except NotFound:
            outcomes.append("gone")
        except Exception as error:  # reported by the test, in its own thread
            outcomes.append(error)
        finally:
            db.session.remove()


def _waiting_delete(connection):
    """PostgreSQL: whether a DELETE of sectors waits for a lock (each look in a transaction of
    its own: pg_stat_activity is read once per transaction)."""
    waiting = connection.execute(text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock' AND query LIKE 'DELETE FROM sectors%'")).scalar() > 0
    connection.rollback()
    return waiting


def test_a_sector_taken_into_use_while_it_is_removed_stays(race_app, setting):
    outcomes = []
    with race_app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        with db.engine.connect() as writer, db.engine.connect() as watcher:
            transaction = writer.begin()
            writer.execute(insert(organisation_sectors).values(
                organisation_id=setting["company"], sector_id=setting["sector"]))
            remover = threading.Thread(target=remove, args=(
                race_app, setting["admins"][0], setting["sector"], outcomes))
            remover.start()
            deadline = time.monotonic() + 20
            if postgres:  # commit only once the DELETE waits for the insert's row lock
                while not _waiting_delete(watcher) and time.monotonic() < deadline:
                    time.sleep(0.05)
                assert _waiting_delete(watcher), "the DELETE never waited"
            else:
                time.sleep(0.5)  # the removal waits for the write lock (busy timeout: 5 s)
            transaction.commit()
            remover.join(timeout=60)
        assert not remover.is_alive()

        assert outcomes == [{"": "This sector cannot be removed: it is used by 1 company or "
                                 "school."}]
        assert sector_by_code("instrumentmaken") is not None
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "sector.removed")) == 0


def test_two_administrators_remove_one_sector_once(race_app, setting):
    outcomes = []
    with race_app.app_context():
        start = threading.Barrier(2)

        def run(admin_id):
            start.wait(timeout=60)
            remove(race_app, admin_id, setting["sector"], outcomes)

        threads = [threading.Thread(target=run, args=(admin_id,))
                   for admin_id in setting["admins"]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        assert sorted(outcomes) == ["gone", "removed"]
        assert sector_by_code("instrumentmaken") is None
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "sector.removed")) == 1
