"""Accounts: registration, signing in, staff accounts, and the audit trail they leave."""
import pytest
from sqlalchemy import func, select

from portal import security
from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from tests.outbox import last_id, mails_since

PASSWORD = "correct horse battery"


def register(email="j.devries@techniekschool.nl", role=security.TEACHER, password=PASSWORD,
             full_name="Jan de Vries"):
    return accounts.register_user(email=email, full_name=full_name, password=password, role=role)


def user_count():
    return db.session.scalar(select(func.count(User.id)))


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


@pytest.mark.parametrize("role", [security.COMPANY_MEMBER, security.TEACHER])
def test_register_user_with_a_self_service_role(role):
    user = register(email="Marieke.Bakker@Example.NL", role=role)

    assert user.id is not None
    assert user.role == role
    assert user.email == "marieke.bakker@example.nl"
    assert user.full_name == "Jan de Vries"
    assert user.is_active


@pytest.mark.parametrize("role", [security.ADMIN, security.MODERATOR,
                                  security.SCHOOL_COORDINATOR, "superuser"])
def test_register_user_refuses_other_roles(role):
    before = user_count()

    with pytest.raises(ValidationFailed) as failed:
        register(role=role)

    assert set(failed.value.errors) == {"role"}
    assert user_count() == before


def test_a_known_address_makes_no_account_and_is_told_by_e_mail_whatever_its_case():
    first = register(email="info@lasbedrijf-zeeland.nl")
    before = user_count()
    mark = last_id()

    assert register(email="  INFO@Lasbedrijf-Zeeland.NL ", full_name="Iemand Anders") is None

    assert user_count() == before
    assert db.session.get(User, first.id).full_name != "Iemand Anders"
    [told] = mails_since(mark)
    assert (told.kind, told.user_id) == ("account.already_registered", first.id)


def test_a_known_address_with_other_mistakes_gets_only_those_messages():
    register(email="info@lasbedrijf-zeeland.nl")

    with pytest.raises(ValidationFailed) as failed:
        register(email="info@lasbedrijf-zeeland.nl", full_name="  ")

    assert set(failed.value.errors) == {"full_name"}


def test_short_password_is_refused():
    before = user_count()

    with pytest.raises(ValidationFailed) as failed:
        register(password="kort123")

    assert "password" in failed.value.errors
    assert user_count() == before


def test_empty_email_is_refused():
    before = user_count()

    with pytest.raises(ValidationFailed) as failed:
        register(email="   ")

    assert "email" in failed.value.errors
    assert user_count() == before


def test_password_is_stored_as_an_argon2id_hash():
    user = register()

    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    assert security.verify_password(user.password_hash, PASSWORD)


def test_registration_writes_an_audit_event():
    user = register(role=security.COMPANY_MEMBER)

    [event] = events("user.registered")
    assert event.actor_id == user.id
    assert (event.subject_type, event.subject_id) == ("users", user.id)
    assert event.details == {"role": security.COMPANY_MEMBER}


def test_authenticate_with_the_right_password():
    user = register(email="docent@praktijkschool.nl")
    assert user.last_login_at is None

    signed_in = accounts.authenticate(email="Docent@Praktijkschool.nl", password=PASSWORD)

    assert signed_in.id == user.id
    assert signed_in.last_login_at is not None
    [event] = events("user.logged_in")
    assert event.actor_id == user.id
    assert event.subject_id == user.id


def _refused_login(email, password):
    with pytest.raises(ValidationFailed) as failed:
        accounts.authenticate(email=email, password=password)
    return failed.value.errors


def test_every_failed_login_gives_the_same_error_and_no_event():
    user = register(email="docent@praktijkschool.nl")
    inactive = register(email="oud-docent@praktijkschool.nl")
    inactive.is_active = False
    db.session.commit()

    wrong_password = _refused_login("docent@praktijkschool.nl", "niet het wachtwoord")
    unknown_email = _refused_login("niemand@praktijkschool.nl", PASSWORD)
    deactivated = _refused_login("oud-docent@praktijkschool.nl", PASSWORD)

    assert set(wrong_password) == {""}
    assert wrong_password == unknown_email == deactivated
    assert events("user.logged_in") == []
    assert user.last_login_at is None


def test_admin_creates_a_staff_user():
    admin = accounts.create_administrator(email="beheer@portal.nl", full_name="Beheerder",
                                          password=PASSWORD)

    moderator = accounts.create_staff_user(actor=admin, email="moderator@tczeeland.nl",
                                           full_name="Mieke Moderator", password=PASSWORD,
                                           role=security.MODERATOR)

    assert moderator.role == security.MODERATOR
    event = events("user.created")[-1]
    assert (event.actor_id, event.subject_id) == (admin.id, moderator.id)


@pytest.mark.parametrize("role", [security.MODERATOR, security.TEACHER,
                                  security.COMPANY_MEMBER])
def test_only_an_admin_creates_staff_users(make, role):
    actor = make.user(role)
    before = user_count()

    with pytest.raises(NotAllowed):
        accounts.create_staff_user(actor=actor, email="nieuw@tczeeland.nl",
                                   full_name="Nieuwe Moderator", password=PASSWORD,
                                   role=security.MODERATOR)

    assert user_count() == before
    assert accounts.find_user_by_email("nieuw@tczeeland.nl") is None


def test_an_inactive_admin_cannot_create_staff_users():
    admin = accounts.create_administrator(email="beheer@portal.nl", full_name="Beheerder",
                                          password=PASSWORD)
    admin.is_active = False
    db.session.commit()

    with pytest.raises(NotAllowed):
        accounts.create_staff_user(actor=admin, email="nieuw@tczeeland.nl",
                                   full_name="Nieuwe Moderator", password=PASSWORD,
                                   role=security.MODERATOR)
