"""Rate limits that protect without locking out: sign-in counts failures per account and
address in growing windows, a school network shares one address, behind a proxy the client's
address counts, and the refusal says when to try again. (On an app of its own with the limits
switched on: the shared app runs without them.)"""
import time

import pytest

from portal import create_app
from portal.accounts.services import create_staff_user
from portal.config import TestingConfig
from portal.extensions import db, limiter
from tests import factories
from tests.views.helpers import csrf_token

LOGIN_URL = "/account/inloggen"
OWNER = "eigenaar@example.nl"


@pytest.fixture
def limited_app(tmp_path):
    apps = []

    def build(**settings):
        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / f'limits{len(apps)}.sqlite'}"
            RATELIMIT_ENABLED = True

        for name, value in settings.items():
            setattr(Config, name, value)
        app = create_app(Config)
        with app.app_context():
            db.create_all()
            admin = factories.user.__globals__["accounts"].create_administrator(
                email="beheer@example.nl", full_name="Beheer", password=factories.PASSWORD)
            create_staff_user(actor=admin, email=OWNER, full_name="Eigenaar",
                              password=factories.PASSWORD, role="teacher")
        apps.append(app)
        return app

    yield build
    limiter.enabled = False  # the limiter is one object; the shared app runs without limits


class Browser:
    """One browser at one address (or behind a proxy that says which)."""

    def __init__(self, app, address="192.0.2.10", forwarded_for=None, english=False):
        self.client = app.test_client()
        if english:
            self.client.get("/taal/en")
        self.environ = {"REMOTE_ADDR": address}
        self.headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
        page = self.client.get(LOGIN_URL, environ_base=self.environ, headers=self.headers)
        self.token = csrf_token(page.get_data(as_text=True))

    def sign_in(self, email=OWNER, password="niet het wachtwoord"):
        return self.client.post(LOGIN_URL, environ_base=self.environ, headers=self.headers,
                                data={"csrf_token": self.token, "email": email,
                                      "password": password})


def statuses(browser, times, **kwargs):
    return [browser.sign_in(**kwargs).status_code for _ in range(times)]


@pytest.mark.own_app
def test_five_wrong_passwords_wait_a_minute_and_the_page_says_so(limited_app):
    app = limited_app()
    browser = Browser(app, english=True)

    assert statuses(browser, 5) == [422] * 5
    refused = browser.sign_in(password=factories.PASSWORD)  # even the right one waits now

    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    page = refused.get_data(as_text=True)
    assert "Please wait 1 minute and try again." in page


@pytest.mark.own_app
def test_the_wait_grows_with_more_failures(limited_app, monkeypatch):
    app = limited_app()
    browser = Browser(app)
    real_time, offset = time.time, [0.0]
    monkeypatch.setattr(time, "time", lambda: real_time() + offset[0])

    assert statuses(browser, 5) == [422] * 5
    first = browser.sign_in()
    offset[0] += 61  # a minute later the first window is over
    assert statuses(browser, 5) == [422] * 5
    second = browser.sign_in()

    assert first.status_code == second.status_code == 429
    assert int(first.headers["Retry-After"]) <= 60
    assert int(second.headers["Retry-After"]) > 60  # now the 15-minute window holds


@pytest.mark.own_app
def test_a_right_password_does_not_count(limited_app):
    app = limited_app()
    browser = Browser(app)

    assert statuses(browser, 8, password=factories.PASSWORD) == [302] * 8


@pytest.mark.own_app
def test_someone_guessing_elsewhere_does_not_lock_the_owner_out(limited_app):
    app = limited_app()
    attacker, owner = Browser(app, "198.51.100.7"), Browser(app, "192.0.2.10")

    assert statuses(attacker, 6)[-1] == 429

    assert owner.sign_in(password=factories.PASSWORD).status_code == 302


@pytest.mark.own_app
def test_a_school_network_shares_one_address(limited_app):
    """Thirty teachers behind one address sign in, several mistyping once: nobody waits."""
    app = limited_app()
    answers = []
    for n in range(30):
        teacher = Browser(app, "203.0.113.5")
        answers += [teacher.sign_in(email=f"docent{n}@school.nl").status_code]
        answers += [teacher.sign_in(email=f"docent{n}@school.nl").status_code]
    assert set(answers) == {422}


@pytest.mark.own_app
def test_behind_a_trusted_proxy_the_client_address_counts(limited_app):
    app = limited_app(TRUSTED_PROXIES=1)
    guesser = Browser(app, "10.0.0.1", forwarded_for="198.51.100.7")
    owner = Browser(app, "10.0.0.1", forwarded_for="192.0.2.10")

    assert statuses(guesser, 6)[-1] == 429
    assert owner.sign_in(password=factories.PASSWORD).status_code == 302


@pytest.mark.own_app
def test_without_trusted_proxies_a_forged_header_does_not_escape_the_limit(limited_app):
    app = limited_app()
    answers = [Browser(app, "198.51.100.7", forwarded_for=f"192.0.2.{n}").sign_in().status_code
               for n in range(6)]
    assert answers[-1] == 429


@pytest.mark.own_app
def test_registering_is_limited_per_address_typed(limited_app):
    app = limited_app()
    client = app.test_client()
    token = csrf_token(client.get("/account/registreren").get_data(as_text=True))

    def register(email):
        return client.post("/account/registreren", data={
            "csrf_token": token, "role": "teacher", "full_name": "Iemand", "email": email,
            "password": "kort", "password_again": "kort"}).status_code

    assert [register("een@school.nl") for _ in range(6)] == [422] * 5 + [429]
    assert register("twee@school.nl") == 422  # another person on the same network goes on
