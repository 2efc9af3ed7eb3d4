"""The 500 page (on an app of its own: routes cannot be added to the shared one) and rate
limits (switched on for one test)."""
import contextlib

import pytest
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError

from portal import create_app
from portal.accounts.models import User
from portal.accounts.services import create_administrator
from portal.config import TestingConfig
from portal.extensions import db
from tests import factories
from tests.views.helpers import csrf_token


def _app_with(route, tmp_path=None):
    class Config(TestingConfig):
        PROPAGATE_EXCEPTIONS = False
        if tmp_path is not None:
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'errors.sqlite'}"

    app = create_app(Config)
    app.get("/boom")(route)
    return app


def signed_in_administrator(app):
    """A client of the app's own (new) database, signed in as its administrator "Beheer"."""
    with app.app_context():
        db.create_all()
        create_administrator(email="beheer@example.nl", full_name="Beheer",
                             password=factories.PASSWORD)
    client = app.test_client()
    token = csrf_token(client.get("/account/inloggen").get_data(as_text=True))
    client.post("/account/inloggen", data={"csrf_token": token, "email": "beheer@example.nl",
                                           "password": factories.PASSWORD})
    return client


@pytest.mark.own_app
def test_an_unexpected_error_shows_the_500_page_in_the_portals_look():
    def boom():
        raise RuntimeError("a bug")

    response = _app_with(boom).test_client().get("/boom")
    assert response.status_code == 500
    assert b'class="navbar' in response.data
    assert b"a bug" not in response.data


@pytest.mark.own_app
def test_the_500_page_survives_a_failed_flush_for_a_signed_in_user(tmp_path):
    def failed_flush():
        db.session.add(User(email=None, full_name="x", password_hash="x", role="teacher"))
        with contextlib.suppress(IntegrityError):  # a bug: the session now needs a rollback
            db.session.flush()
        raise RuntimeError("a bug after a failed flush")

    app = _app_with(failed_flush, tmp_path)
    client = signed_in_administrator(app)
    response = client.get("/boom")
    assert response.status_code == 500
    assert b"Beheer" in response.data  # the page loaded the signed-in user again


@pytest.mark.own_app
def test_a_unique_key_taken_a_moment_earlier_is_a_409_not_a_500():
    def duplicate():
        raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))

    response = _app_with(duplicate).test_client().get("/boom")
    assert response.status_code == 409
    assert b'class="navbar' in response.data


@pytest.mark.own_app
def test_a_lost_database_answers_503_with_a_page_that_needs_no_database(tmp_path):
    """While PostgreSQL restarts, a request fails with OperationalError: the page says so, 503
    with Retry-After, and renders without a query (the database is not there to answer)."""
    def database_gone():
        assert current_user.full_name == "Beheer"  # the user was loaded before it went
        event.listen(db.engine, "before_cursor_execute", refuse)
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    def refuse(*args):
        raise AssertionError("the 503 page ran a query")

    app = _app_with(database_gone, tmp_path)
    client = signed_in_administrator(app)
    try:
        response = client.get("/boom")
    finally:
        with app.app_context():
            event.remove(db.engine, "before_cursor_execute", refuse)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert b'class="navbar' in response.data
    assert b"server closed" not in response.data
