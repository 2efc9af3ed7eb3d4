"""E-mailed links used at the same moment, as two requests of a server would: each in its own
application context with its own database session, on a database of its own (see
test_booking_races.py for what each database does).

Both sides have read the link before the first one acts, so the second passes every check on
what it read; only the conditional UPDATE (or the unique index on users.email), or on SQLite the
refused upgrade of a stale read, stops it.
"""
import re

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from portal import security
from portal.accounts import confirmation, preferences, recovery, tokens
from portal.accounts.models import CONFIRM_EMAIL, RESET_PASSWORD, User
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from tests import factories
from tests.databases import app_with_two_towns

pytestmark = pytest.mark.own_app


@pytest.fixture
def race_app(tmp_path):
    with app_with_two_towns(tmp_path, "account_races") as app:
        yield app


def _link(path, to):
    body = db.session.scalars(select(OutboxMessage.body_text).where(
        OutboxMessage.to_address == to).order_by(OutboxMessage.id.desc())).first()
    return re.findall(rf"{re.escape(path)}/([A-Za-z0-9_-]+)", body)[-1]


def _race(app, load, first, second):
    """Both sides load; then the first acts and commits; then the second acts. Returns "done",
    or "refused" with the error that refused it."""
    with app.app_context() as ctx_a:
        loaded_a = load()
        with app.app_context():
            loaded_b = load()
            with ctx_a:
                first(loaded_a)
            try:
                second(loaded_b)
            except (tokens.LinkRefused, OperationalError) as error:
                db.session.rollback()
                return "refused", error
            return "done", None


def _refused_as_expected(app, error, reason):
    """PostgreSQL waits for the first writer and then finds the row changed; SQLite refuses the
    stale reader's write outright (the app answers that with its 409 page)."""
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        assert isinstance(error, tokens.LinkRefused) and error.reason == reason, error
    else:
        assert isinstance(error, OperationalError), error


def test_one_reset_link_clicked_twice_at_once_works_once(race_app):
    with race_app.app_context():
        user = factories.user(security.TEACHER)
        user_id = user.id
        recovery.request_password_reset(email=user.email)
        secret = _link("/account/wachtwoord-herstellen", user.email)

    def load():
        return recovery.check_reset_link(actor=None, token=secret)

    def reset(password):
        def act(link):
            assert link.used_at is None  # both read it unused
            recovery.reset_password(actor=None, token=secret, password=password)
        return act

    outcome, error = _race(race_app, load, reset("het eerste wachtwoord"),
                           reset("het tweede wachtwoord"))

    assert outcome == "refused"
    _refused_as_expected(race_app, error, tokens.USED)
    with race_app.app_context():
        user = db.session.get(User, user_id)
        assert security.verify_password(user.password_hash, "het eerste wachtwoord")
        assert tokens.find_token(secret, RESET_PASSWORD).used_at is not None


def test_two_accounts_confirming_one_new_address_at_once(race_app):
    with race_app.app_context():
        secrets = []
        ids = []
        for email in ("een@bedrijf.nl", "twee@bedrijf.nl"):
            user = factories.user(security.COMPANY_MEMBER, email=email)
            preferences.request_email_change(actor=user, password=factories.PASSWORD,
                                             new_email="gewild@bedrijf.nl")
            secrets.append(_link("/account/bevestigen", "gewild@bedrijf.nl"))
            ids.append(user.id)

    def load():
        return [tokens.find_token(secret, CONFIRM_EMAIL) for secret in secrets]

    def confirm(index):
        def act(links):
            confirmation.confirm_email(actor=None, token=secrets[index])
        return act

    outcome, error = _race(race_app, load, confirm(0), confirm(1))

    assert outcome == "refused"
    _refused_as_expected(race_app, error, tokens.ADDRESS_TAKEN)
    with race_app.app_context():
        first, second = (db.session.get(User, i) for i in ids)
        assert first.email == "gewild@bedrijf.nl"
        assert second.email == "twee@bedrijf.nl"
        assert tokens.find_token(secrets[1], CONFIRM_EMAIL).used_at is None
