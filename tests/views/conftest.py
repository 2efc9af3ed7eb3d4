"""View tests drive the portal through its pages, submitting the real forms with their tokens.

Every request runs in its own application context (tests/conftest.py's IsolatedClient), so each
loads its user from its own cookie and gets a fresh database session.
"""
import pytest


@pytest.fixture
def new_client(app):
    """Another browser: call it for each extra user a test needs at the same time."""
    return app.test_client
