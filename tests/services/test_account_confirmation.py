"""Confirming an e-mail address: the link sent at registration (in the registration's language),
again on request, and the link that moves an account to a new address."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import security
from portal.accounts import confirmation, preferences, recovery, tokens
from portal.accounts import services as accounts
from portal.accounts.models import CONFIRM_EMAIL, AccountToken, User
from portal.audit import AuditEvent
from portal.db import utcnow
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from tests import outbox
from tests.factories import PASSWORD
from tests.outbox import mails_to as mails

CONFIRM_PATH = "/account/bevestigen"


def link_in(message, path=CONFIRM_PATH):
    return outbox.link_in(message, path)


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def refused(reason, call, **kwargs):
    with pytest.raises(tokens.LinkRefused) as failed:
        call(**kwargs)
    assert failed.value.reason == reason
    return failed.value


def register(email="nieuw@school.nl", locale="nl", now=None):
    return accounts.register_user(email=email, full_name="Nina Nieuw", password=PASSWORD,
                                  role=security.TEACHER, locale=locale, now=now)


def current(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


def change_address(user, new_email):
    preferences.request_email_change(actor=user, password=PASSWORD, new_email=new_email)
    return link_in(mails("account.confirm_email", new_email.lower())[-1])


# At registration ---------------------------------------------------------------------------

def test_registration_mails_a_link_valid_for_seven_days_in_the_same_commit():
    now = utcnow()
    user = register(now=now)

    [mail] = mails("account.confirm_email")
    assert (mail.to_address, mail.user_id) == ("nieuw@school.nl", user.id)
    [token] = db.session.scalars(select(AccountToken).where(AccountToken.user_id == user.id))
    assert token.purpose == CONFIRM_EMAIL and token.email == "nieuw@school.nl"
    assert token.expires_at == now + timedelta(days=7)
    assert token.token_hash == tokens.hash_token(link_in(mail))
    assert user.email_confirmed_at is None


def test_a_refused_registration_writes_no_mail():
    with pytest.raises(ValidationFailed):
        register(email="geen adres")

    assert mails("account.confirm_email") == []


@pytest.mark.parametrize(("locale", "name"), [("en", "Technology Partner Portal"),
                                              ("nl", "Techniekpartnerportaal")])
def test_the_account_and_its_mail_take_the_language_of_the_registration(locale, name):
    user = register(locale=locale)

    assert user.locale == locale
    [mail] = mails("account.confirm_email")
    assert mail.locale == locale
    assert f'lang="{locale}"' in mail.body_html
    assert name in mail.body_html
    if locale == "en":
        assert mail.subject == "Confirm your e-mail address"


def test_an_unknown_language_becomes_dutch():
    assert register(locale="fr").locale == "nl"


def test_the_link_confirms_the_address_once():
    user = register()
    secret = link_in(mails("account.confirm_email")[-1])

    confirmed, changed = confirmation.confirm_email(actor=None, token=secret)

    assert (confirmed.id, changed) == (user.id, False)
    assert current(user).email_confirmed_at is not None
    [event] = events("user.email_confirmed")
    assert (event.actor_id, event.subject_id) == (user.id, user.id)
    # Opened again (or first by a mail program checking links): said kindly, nothing changes.
    refused(confirmation.CONFIRMED, confirmation.confirm_email, actor=None, token=secret)
    assert len(events("user.email_confirmed")) == 1


def test_an_expired_link_confirms_nothing():
    now = utcnow()
    user = register(now=now)
    secret = link_in(mails("account.confirm_email")[-1])

    refused(tokens.EXPIRED, confirmation.confirm_email, actor=user, token=secret,
            now=now + timedelta(days=7, seconds=1))

    assert current(user).email_confirmed_at is None


def test_a_reset_link_confirms_nothing(make):
    user = register()
    recovery.request_password_reset(email=user.email)
    reset = link_in(mails("account.reset_password")[-1], "/account/wachtwoord-herstellen")

    refused(tokens.UNKNOWN, confirmation.confirm_email, actor=None, token=reset)

    assert current(user).email_confirmed_at is None


def test_another_signed_in_user_cannot_use_the_link(make):
    user = register()
    other = make.user()
    secret = link_in(mails("account.confirm_email", user.email)[-1])

    refused(tokens.OTHER_ACCOUNT, confirmation.confirm_email, actor=other, token=secret)

    assert current(user).email_confirmed_at is None
    assert current(other).email_confirmed_at is None


# A new link on request ---------------------------------------------------------------------

def test_a_new_link_on_request_and_not_twice_a_minute():
    now = utcnow()
    user = register(now=now)

    with pytest.raises(ValidationFailed):
        confirmation.resend_confirmation(actor=user, now=now + timedelta(seconds=20))
    confirmation.resend_confirmation(actor=user, now=now + timedelta(seconds=61))

    first, second = mails("account.confirm_email")
    assert link_in(first) != link_in(second)
    confirmation.confirm_email(actor=user, token=link_in(second))
    assert current(user).email_confirmed_at is not None


def test_no_new_link_for_a_confirmed_address():
    user = register()
    confirmation.confirm_email(actor=user, token=link_in(mails("account.confirm_email")[-1]))

    with pytest.raises(ValidationFailed):
        confirmation.resend_confirmation(actor=current(user), now=utcnow() + timedelta(hours=1))

    assert len(mails("account.confirm_email")) == 1


def test_nobody_signed_in_gets_no_new_link():
    with pytest.raises(NotAllowed):
        confirmation.resend_confirmation(actor=None)


# A new address -----------------------------------------------------------------------------

def test_the_address_changes_only_when_the_new_one_is_confirmed(make):
    user = make.user(email="oud@bedrijf.nl")
    secret = change_address(user, "Nieuw@Bedrijf.nl")

    [link_mail] = mails("account.confirm_email", "nieuw@bedrijf.nl")
    assert link_mail.user_id is None  # the address has no account yet
    [notice] = mails("account.email_change_notice")
    assert notice.to_address == "oud@bedrijf.nl" and "nieuw@bedrijf.nl" in notice.body_text
    assert current(user).email == "oud@bedrijf.nl"
    assert confirmation.pending_address(current(user)) == "nieuw@bedrijf.nl"
    assert accounts.authenticate(email="oud@bedrijf.nl", password=PASSWORD).id == user.id

    changed_user, changed = confirmation.confirm_email(actor=None, token=secret)

    assert changed and changed_user.id == user.id
    user = current(user)
    assert user.email == "nieuw@bedrijf.nl" and user.email_confirmed_at is not None
    assert confirmation.pending_address(user) is None
    assert accounts.authenticate(email="nieuw@bedrijf.nl", password=PASSWORD).id == user.id
    with pytest.raises(ValidationFailed):
        accounts.authenticate(email="oud@bedrijf.nl", password=PASSWORD)
    assert [e.subject_id for e in events("user.email_change_requested")] == [user.id]
    assert [e.subject_id for e in events("user.email_changed")] == [user.id]


def test_links_for_the_old_address_stop_working_after_a_change(make):
    user = make.user(email="oud@bedrijf.nl")
    registration_link = link_in(mails("account.confirm_email", "oud@bedrijf.nl")[-1])
    recovery.request_password_reset(email="oud@bedrijf.nl")
    reset = link_in(mails("account.reset_password")[-1], "/account/wachtwoord-herstellen")
    other_change = change_address(user, "ander@bedrijf.nl")

    confirmation.confirm_email(actor=None, token=change_address(user, "nieuw@bedrijf.nl"))

    refused(tokens.USED, confirmation.confirm_email, actor=None, token=registration_link)
    refused(tokens.USED, confirmation.confirm_email, actor=None, token=other_change)
    refused(tokens.USED, recovery.reset_password, actor=None, token=reset,
            password="een nieuw lang wachtwoord")
    assert current(user).email == "nieuw@bedrijf.nl"


@pytest.mark.parametrize(("new_email", "password", "field"), [
    ("bezet@bedrijf.nl", PASSWORD, "new_email"),
    ("BEZET@bedrijf.nl", PASSWORD, "new_email"),
    ("eigen@bedrijf.nl", PASSWORD, "new_email"),
    ("geen-adres", PASSWORD, "new_email"),
    ("vrij@bedrijf.nl", "niet het wachtwoord", "password"),
])
def test_a_wrong_change_is_refused_and_sends_nothing(make, new_email, password, field):
    make.user(email="bezet@bedrijf.nl")
    user = make.user(email="eigen@bedrijf.nl")
    before = len(mails("account.confirm_email"))

    with pytest.raises(ValidationFailed) as failed:
        preferences.request_email_change(actor=user, password=password, new_email=new_email)

    assert set(failed.value.errors) == {field}
    assert len(mails("account.confirm_email")) == before
    assert mails("account.email_change_notice") == []
    assert confirmation.pending_address(current(user)) is None
    assert events("user.email_change_requested") == []


def test_an_address_taken_meanwhile_is_explained_and_nothing_changes(make):
    user = make.user(email="oud@bedrijf.nl")
    secret = change_address(user, "gewild@bedrijf.nl")
    make.user(email="gewild@bedrijf.nl")  # someone registers with it before the link is opened

    refused(tokens.ADDRESS_TAKEN, confirmation.confirm_email, actor=None, token=secret)

    user = current(user)
    assert user.email == "oud@bedrijf.nl" and user.email_confirmed_at is None
    assert tokens.find_token(secret, CONFIRM_EMAIL).used_at is None
    assert events("user.email_changed") == []


def test_the_unique_index_refuses_an_address_taken_at_the_last_moment(make, monkeypatch):
    """Two accounts confirming the same address at once both pass the first check; the unique
    index lets one in, and the other hears why (no error page, nothing changed)."""
    user = make.user(email="oud@bedrijf.nl")
    secret = change_address(user, "gewild@bedrijf.nl")
    other = make.user(email="gewild@bedrijf.nl")
    monkeypatch.setattr(confirmation, "address_taken", lambda address, user: False)

    refused(tokens.ADDRESS_TAKEN, confirmation.confirm_email, actor=None, token=secret)

    assert current(user).email == "oud@bedrijf.nl"
    assert current(other).email == "gewild@bedrijf.nl"
    assert tokens.find_token(secret, CONFIRM_EMAIL).used_at is None
    assert events("user.email_changed") == []
