"""The settings of an account: language, e-mail choices (and notify() keeping to them), and a
new password."""
import pytest
from sqlalchemy import select

from portal import security
from portal.accounts import preferences, recovery, tokens
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.notifications.outbox import CATEGORIES, notify
from tests.factories import PASSWORD

NEW_PASSWORD = "een nieuw lang wachtwoord"


def outbox(user, kind=None):
    query = select(OutboxMessage).where(OutboxMessage.user_id == user.id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def current(user):
    db.session.expire_all()
    return db.session.get(User, user.id)


# Language ----------------------------------------------------------------------------------

def test_the_language_is_saved_and_used_for_the_mail(make):
    user = make.user()

    preferences.set_locale(actor=user, locale="en")

    assert current(user).locale == "en"
    message = notify(current(user), "account.password_changed")
    assert message.locale == "en"
    assert message.subject == "Your password has been changed"
    assert 'lang="en"' in message.body_html and "Technology Partner Portal" in message.body_html

    preferences.set_locale(actor=current(user), locale="nl")
    message = notify(current(user), "account.password_changed")
    assert message.locale == "nl" and "Techniekpartnerportaal" in message.body_html


def test_an_unknown_language_is_refused(make):
    user = make.user()

    with pytest.raises(ValidationFailed) as failed:
        preferences.set_locale(actor=user, locale="de")

    assert set(failed.value.errors) == {"locale"}
    assert current(user).locale == "nl"


# E-mail choices ----------------------------------------------------------------------------

def test_mail_choices_are_saved_and_notify_keeps_to_them(make):
    user = make.user()
    before = len(outbox(user))

    preferences.set_mail_choices(actor=user, receive=["waitlist", "team"])

    user = current(user)
    assert sorted(user.mail_off) == ["booking", "moderation", "reminder"]
    assert notify(user, "booking.requested", booking=None) is None
    assert notify(user, "reminder.before", booking=None) is None
    assert len(outbox(user)) == before  # nothing written for a switched-off group
    # Account messages always come.
    assert notify(user, "account.password_changed") is not None
    assert [m.kind for m in outbox(user)][before:] == ["account.password_changed"]


def test_everything_can_be_switched_on_again(make):
    user = make.user()
    preferences.set_mail_choices(actor=user, receive=[])
    assert sorted(current(user).mail_off) == sorted(CATEGORIES)

    preferences.set_mail_choices(actor=current(user), receive=list(CATEGORIES))

    assert current(user).mail_off == []


def test_an_unknown_group_is_refused(make):
    user = make.user()

    with pytest.raises(ValidationFailed) as failed:
        preferences.set_mail_choices(actor=user, receive=["booking", "spam"])

    assert set(failed.value.errors) == {"receive"}
    assert current(user).mail_off == []


def test_a_company_member_takes_the_daily_digest(make):
    member = make.user(security.COMPANY_MEMBER)

    preferences.set_mail_choices(actor=member, receive=CATEGORIES, digest=True)

    assert current(member).mail_digest is True


@pytest.mark.parametrize("role", [security.TEACHER, security.MODERATOR])
def test_only_company_members_take_the_digest(make, role):
    user = make.user(role)

    with pytest.raises(ValidationFailed) as failed:
        preferences.set_mail_choices(actor=user, receive=CATEGORIES, digest=True)

    assert set(failed.value.errors) == {"digest"}
    assert current(user).mail_digest is False


def test_nobody_signed_in_changes_no_settings():
    with pytest.raises(NotAllowed):
        preferences.set_locale(actor=None, locale="en")


# Password ----------------------------------------------------------------------------------

def test_a_new_password_with_the_current_one(make):
    user = make.user()
    recovery.request_password_reset(email=user.email)
    [reset_mail] = outbox(user, "account.reset_password")
    reset = reset_mail.body_text.split("/account/wachtwoord-herstellen/")[1].split()[0]

    preferences.change_password(actor=user, current_password=PASSWORD,
                                new_password=NEW_PASSWORD)

    user = current(user)
    assert security.verify_password(user.password_hash, NEW_PASSWORD)
    assert [e.subject_id for e in events("user.password_changed")] == [user.id]
    [notice] = outbox(user, "account.password_changed")
    assert notice.to_address == user.email
    # A reset link from before no longer works.
    with pytest.raises(tokens.LinkRefused):
        recovery.reset_password(actor=None, token=reset, password="nog een ander wachtwoord")


@pytest.mark.parametrize(("current_password", "new_password", "fields"), [
    ("niet het wachtwoord", NEW_PASSWORD, {"current_password"}),
    (PASSWORD, "kort", {"new_password"}),
    ("", "kort", {"current_password", "new_password"}),
])
def test_a_wrong_password_change_changes_nothing(make, current_password, new_password, fields):
    user = make.user()
    hash_before = user.password_hash
    mails_before = len(outbox(user))

    with pytest.raises(ValidationFailed) as failed:
        preferences.change_password(actor=user, current_password=current_password,
                                    new_password=new_password)

    assert set(failed.value.errors) == fields
    assert current(user).password_hash == hash_before
    assert len(outbox(user)) == mails_before
    assert events("user.password_changed") == []
