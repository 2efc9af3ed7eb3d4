"""The 500 page (on an app of its own: routes cannot be added to the shared one) and rate
limits (switched on for one test)."""
import pytest

from portal import create_app
from portal.config import TestingConfig
from portal.extensions import db, limiter
from tests.views.helpers import csrf_token


def test_an_unexpected_error_shows_the_500_page_in_the_portals_look():
    class Config(TestingConfig):
        PROPAGATE_EXCEPTIONS = False

    app = create_app(Config)

    @app.get("/boom")
    def boom():
        raise RuntimeError("a bug")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert b'class="navbar' in response.data
    assert b"a bug" not in response.data


@pytest.mark.own_app
def test_sign_in_attempts_are_rate_limited(tmp_path):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limits.sqlite'}"
        RATELIMIT_ENABLED = True

    app = create_app(Config)
    try:
        with app.app_context():
            db.create_all()
        client = app.test_client()
        token = csrf_token(client.get("/account/inloggen").get_data(as_text=True))
        statuses = [client.post("/account/inloggen", data={
            "csrf_token": token, "email": "x@example.nl", "password": "wrong"}).status_code
            for _ in range(21)]
    finally:
        limiter.enabled = False  # the limiter is one object; the shared app runs without limits
    assert statuses[:20] == [422] * 20
    assert statuses[20] == 429
