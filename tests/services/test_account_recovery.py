"""A forgotten password: the reset link by e-mail, which expires, works once and only for its
own account, and tells nobody whether an address has an account."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import security
from portal.accounts import preferences, recovery, tokens
from portal.accounts import services as accounts
from portal.accounts.models import CONFIRM_EMAIL, RESET_PASSWORD, AccountToken
from portal.audit import AuditEvent
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from tests.factories import PASSWORD
from tests.outbox import link_in
from tests.outbox import mails_to as mails

NEW_PASSWORD = "een nieuw lang wachtwoord"


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def reset_link(user, now=None):
    recovery.request_password_reset(email=user.email, now=now)
    return link_in(mails("account.reset_password", user.email)[-1],
                   "/account/wachtwoord-herstellen")


def refused(reason, call, *args, **kwargs):
    with pytest.raises(tokens.LinkRefused) as failed:
        call(*args, **kwargs)
    assert failed.value.reason == reason
    return failed.value


def password_works(user, password):
    db.session.expire_all()
    return security.verify_password(user.password_hash, password)


def test_a_request_mails_a_link_that_works_for_two_hours(make):
    user = make.user(email="docent@school.nl")
    now = utcnow()

    recovery.request_password_reset(email=" Docent@School.NL ", now=now)

    [mail] = mails("account.reset_password")
    assert mail.to_address == "docent@school.nl" and mail.user_id == user.id
    secret = link_in(mail, "/account/wachtwoord-herstellen")
    [token] = db.session.scalars(select(AccountToken).where(
        AccountToken.purpose == RESET_PASSWORD))
    assert token.token_hash == tokens.hash_token(secret) != secret
    assert secret not in (token.token_hash, token.email)
    assert token.expires_at == now + timedelta(hours=2)
    assert token.used_at is None
    [event] = events("user.password_reset_requested")
    assert (event.actor_id, event.subject_id) == (None, user.id)


def test_an_unknown_address_answers_the_same_and_writes_nothing(make):
    make.user(email="bekend@school.nl")

    answer = recovery.request_password_reset(email="onbekend@school.nl")

    assert answer is None
    assert mails("account.reset_password") == []
    assert db.session.scalars(select(AccountToken).where(
        AccountToken.purpose == RESET_PASSWORD)).all() == []
    assert events("user.password_reset_requested") == []


def test_a_switched_off_account_gets_no_link(make):
    user = make.user()
    user.is_active = False
    db.session.commit()

    recovery.request_password_reset(email=user.email)

    assert mails("account.reset_password") == []


def test_one_mail_a_minute_at_most(make):
    user = make.user()
    now = utcnow()

    recovery.request_password_reset(email=user.email, now=now)
    recovery.request_password_reset(email=user.email, now=now + timedelta(seconds=30))
    assert len(mails("account.reset_password")) == 1

    recovery.request_password_reset(email=user.email, now=now + timedelta(seconds=61))
    assert len(mails("account.reset_password")) == 2


def test_the_link_sets_a_new_password_once(make):
    user = make.user()
    secret = reset_link(user)

    returned = recovery.reset_password(actor=None, token=secret, password=NEW_PASSWORD)

    assert returned.id == user.id
    assert password_works(user, NEW_PASSWORD) and not password_works(user, PASSWORD)
    assert accounts.authenticate(email=user.email, password=NEW_PASSWORD).id == user.id
    token = db.session.scalar(select(AccountToken).where(
        AccountToken.token_hash == tokens.hash_token(secret)))
    assert token.used_at is not None
    [event] = events("user.password_reset")
    assert (event.actor_id, event.subject_id) == (user.id, user.id)
    # The link reached the account's address, which proves the address too.
    assert user.email_confirmed_at is not None

    refused(tokens.USED, recovery.reset_password, actor=None, token=secret,
            password="nog een ander wachtwoord")
    assert password_works(user, NEW_PASSWORD)


def test_a_reset_closes_the_other_open_reset_links(make):
    user = make.user()
    now = utcnow()
    first = reset_link(user, now=now)
    second = reset_link(user, now=now + timedelta(minutes=2))

    recovery.reset_password(actor=None, token=second, password=NEW_PASSWORD,
                            now=now + timedelta(minutes=3))

    refused(tokens.USED, recovery.reset_password, actor=None, token=first,
            password="nog een ander wachtwoord", now=now + timedelta(minutes=4))
    assert password_works(user, NEW_PASSWORD)


def test_an_expired_link_changes_nothing(make):
    user = make.user()
    now = utcnow()
    secret = reset_link(user, now=now)

    refused(tokens.EXPIRED, recovery.reset_password, actor=None, token=secret,
            password=NEW_PASSWORD, now=now + timedelta(hours=2, seconds=1))

    assert password_works(user, PASSWORD)
    assert events("user.password_reset") == []
    # A second before its end it still works.
    recovery.reset_password(actor=None, token=secret, password=NEW_PASSWORD,
                            now=now + timedelta(hours=2) - timedelta(seconds=1))
    assert password_works(user, NEW_PASSWORD)


@pytest.mark.parametrize("secret", ["", "bestaat-niet", "x" * 500])
def test_an_unknown_link_is_refused(make, secret):
    make.user()

    refused(tokens.UNKNOWN, recovery.reset_password, actor=None, token=secret,
            password=NEW_PASSWORD)


def test_a_confirmation_link_does_not_reset_a_password(make):
    user = make.user()
    confirm = link_in(mails("account.confirm_email", user.email)[-1], "/account/bevestigen")

    refused(tokens.UNKNOWN, recovery.reset_password, actor=None, token=confirm,
            password=NEW_PASSWORD)

    assert password_works(user, PASSWORD)
    token = db.session.scalar(select(AccountToken).where(AccountToken.purpose == CONFIRM_EMAIL,
                                                         AccountToken.user_id == user.id))
    assert token.used_at is None


def test_another_signed_in_user_cannot_use_the_link(make):
    owner = make.user()
    other = make.user()
    secret = reset_link(owner)

    error = refused(tokens.OTHER_ACCOUNT, recovery.reset_password, actor=other, token=secret,
                    password=NEW_PASSWORD)

    assert error.token.user_id == owner.id
    assert password_works(owner, PASSWORD) and password_works(other, PASSWORD)
    # Its owner, signed in or not, still can.
    recovery.reset_password(actor=owner, token=secret, password=NEW_PASSWORD)
    assert password_works(owner, NEW_PASSWORD)


def test_a_short_password_is_refused_and_the_link_stays_open(make):
    user = make.user()
    secret = reset_link(user)

    with pytest.raises(ValidationFailed) as failed:
        recovery.reset_password(actor=None, token=secret, password="kort")

    assert set(failed.value.errors) == {"password"}
    assert password_works(user, PASSWORD)
    assert recovery.check_reset_link(actor=None, token=secret).used_at is None


def test_a_reset_stops_an_address_change_someone_else_started(make):
    user = make.user(email="eigen@school.nl")
    preferences.request_email_change(actor=user, password=PASSWORD, new_email="indringer@x.nl")
    change = link_in(mails("account.confirm_email", "indringer@x.nl")[-1], "/account/bevestigen")
    secret = reset_link(user)

    recovery.reset_password(actor=None, token=secret, password=NEW_PASSWORD)

    from portal.accounts import confirmation
    refused(tokens.USED, confirmation.confirm_email, actor=None, token=change)
    db.session.expire_all()
    assert user.email == "eigen@school.nl"
