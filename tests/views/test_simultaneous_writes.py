"""Many people sending forms at the same moment, each request in its own thread, as the threads
or workers of a server would, on a database of its own.

Writes that do not conflict all succeed: on SQLite they queue for the write lock (portal/db.py),
on PostgreSQL they run side by side. A true conflict is answered with a 409 page, and logged.
"""
import logging
import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError

from portal import security
from portal.bookings.models import Booking
from portal.db import local_today
from portal.extensions import db
from portal.organisations.models import School
from tests import factories
from tests.databases import app_on_empty_database, app_with_two_towns
from tests.views.helpers import find_form, login, text

pytestmark = pytest.mark.own_app

SCHOOLS = 20


@pytest.fixture
def own_app(tmp_path):
    with app_with_two_towns(tmp_path, "simultaneous_writes") as app:
        yield app


def detached(user):
    """What signing in needs of a user, kept after the app context that loaded it ends."""
    return SimpleNamespace(id=user.id, email=user.email)


def all_at_once(requests):
    """Send every `(client, url, data)` POST from its own thread, released together; returns
    the status codes in order. Nothing here waits on a clock: a barrier starts them all."""
    start = threading.Barrier(len(requests))
    statuses, failures = [None] * len(requests), []

    def send(index, client, url, data):
        try:
            start.wait(timeout=60)
            statuses[index] = client.post(url, data=data).status_code
        except BaseException as exc:  # reported below, in the test's own thread
            failures.append(exc)

    threads = [threading.Thread(target=send, args=(index, *request))
               for index, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return statuses


def request_form(client, url):
    """The request form on the offer's page, filled in as a teacher would."""
    page = client.get(url)
    assert page.status_code == 200, f"GET {url} answered {page.status_code}"
    form = find_form(text(page))
    values = form.defaults()
    if "slot_id" in form.names:
        values["slot_id"] = form.choices("slot_id")[:1]
    if "wanted_on" in form.names:
        values["wanted_on"] = [(local_today() + timedelta(days=14)).isoformat()]
    values["group_size"] = ["24"]
    values["level_id"] = [choice for choice in form.choices("level_id") if choice][:1]
    values["message"] = ["Graag met twee klassen."]
    return form.action or url, values


def test_twenty_schools_requesting_one_offer_at_once_are_all_stored(own_app):
    with own_app.app_context():
        offer_id = factories.offer(capacity=SCHOOLS).id
        teachers = [detached(factories.owner_of(factories.school())) for _ in range(SCHOOLS)]
    posts = []
    for teacher in teachers:
        client = own_app.test_client()
        login(client, teacher)
        posts.append((client, *request_form(client, f"/aanvragen/aanbod/{offer_id}")))

    statuses = all_at_once(posts)

    assert statuses == [302] * SCHOOLS  # to the new request's page; not one 409
    with own_app.app_context():
        stored = db.session.scalars(select(Booking).where(Booking.offer_id == offer_id)).all()
        assert sorted(b.requested_by_id for b in stored) == sorted(t.id for t in teachers)


def test_twenty_teachers_registering_their_schools_at_once_all_succeed(own_app):
    with own_app.app_context():
        teachers = [detached(factories.user(security.TEACHER)) for _ in range(SCHOOLS)]
    posts = []
    for number, teacher in enumerate(teachers):
        client = own_app.test_client()
        login(client, teacher)
        page = client.get("/school/registreren")
        form = find_form(text(page))
        values = form.defaults()
        values.update(name=[f"School {number}"], stage=["vo"], brin=[f"{number:02d}LH"],
                      location=["00"], place=["Middelburg (Zeeland)"])
        posts.append((client, "/school/registreren", values))

    statuses = all_at_once(posts)

    assert statuses == [302] * SCHOOLS
    with own_app.app_context():
        assert db.session.scalar(select(func.count(School.id))) == SCHOOLS


@pytest.mark.parametrize("error", [
    IntegrityError("INSERT INTO schools (brin_code) VALUES (?)", ("25LH",),
                   Exception("UNIQUE constraint failed: schools.brin_code")),
    OperationalError("UPDATE offers SET places_taken=? WHERE offers.id = ?", (1, 7),
                     Exception("database is locked")),
], ids=["unique key", "lock"])
def test_a_true_conflict_answers_409_and_is_logged(tmp_path, caplog, error):
    with app_on_empty_database(tmp_path, "conflict_logged") as app:
        @app.get("/botsing")
        def clash():
            raise error

        with caplog.at_level(logging.WARNING, logger=app.logger.name):
            response = app.test_client().get("/botsing")

    assert response.status_code == 409
    [record] = [r for r in caplog.records if r.name == app.logger.name]
    message = record.getMessage()
    assert record.levelno == logging.WARNING
    assert "/botsing" in message and "clash" in message  # the path and the endpoint
    assert type(error).__name__ in message and str(error.orig) in message
    assert error.statement.split()[0] in message
    assert "25LH" not in message  # the statement's values stay out of the log
