"""A live portal on its own SQLite file, and headless Chromium (Debian's) driven by Playwright.

Locally the browser tests are skipped when Chromium is missing; in CI (CI=true) they fail.
"""
import os

import pytest

from portal.extensions import db
from portal.seeding.reference import load_reference
from tests.browser import CHROMIUM_ARGS, chromium_path, live_server
from tests.databases import app_on_empty_database


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The live server's app, on a database of its own: the server commits for real; uploads
    (company logos) go to a folder of its own; the development mailbox shows the outbox."""
    with app_on_empty_database(tmp_path_factory.mktemp("e2e"), "e2e_live", SERVER_NAME=None,
                               UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")),
                               DEV_MAILBOX=True) as app:
        with app.app_context():
            db.create_all()
            load_reference()
            db.session.remove()
        yield app


@pytest.fixture(scope="session", name="live_server")
def live_server_fixture(live_app):
    with live_server(live_app) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium)")
        pytest.skip("Chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def in_live_app_once(live_app):
    """in_live_app for session-scoped setup (a world built once for many tests)."""
    def run(function, *args, **kwargs):
        with live_app.app_context():
            try:
                return function(*args, **kwargs)
            finally:
                db.session.remove()
    return run


@pytest.fixture
def in_live_app(in_live_app_once):
    """Run setup code (factories) against the live server's database."""
    return in_live_app_once


@pytest.fixture
def shots(request):
    """Save a screenshot when PORTAL_SCREENSHOTS names a folder (to look at the pages)."""
    folder = os.environ.get("PORTAL_SCREENSHOTS")

    def shot(page, name):
        if folder:
            os.makedirs(folder, exist_ok=True)
            page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)
    return shot
