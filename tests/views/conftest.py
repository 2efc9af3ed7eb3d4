"""View tests drive the portal through its pages, submitting the real forms with their tokens.

The session-wide `app` fixture keeps one application context pushed for the whole run, and a
request pushed inside it reuses that context: Flask-Login's cached user in `g` and the database
session would then carry over from one request to the next (a second, anonymous client would
be served as whoever signed in last). The client here gives every request its own application
context, as a real server does, so each request loads its user from its own cookie and gets a
fresh database session that is closed (and rolled back if it did not commit) when it ends.
"""
import pytest
from flask.testing import FlaskClient


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in a new application context."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    return IsolatedClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def new_client(app):
    """Another browser: call it for each extra user a test needs at the same time."""
    return lambda: IsolatedClient(app, app.response_class, use_cookies=True)
