"""The password rule (portal.passwords) holds wherever a password is set: registration, staff
accounts made by the administrator or the command line, a reset link, the settings page."""
import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal import security
from portal.accounts import preferences, recovery, tokens
from portal.accounts import services as accounts
from portal.accounts.models import RESET_PASSWORD, AccountToken, User
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.passwords import password_problem
from portal.seeding.demo import DEMO_PASSWORD
from tests.factories import PASSWORD

LEAKED = "This password is one of the most used, or was leaked"
NAME = "Do not use your name in your password"
EMAIL = "Do not use your e-mail address in your password"


@pytest.fixture(autouse=True)
def english():
    with force_locale("en"):
        yield


def refused(call, field="password"):
    with pytest.raises(ValidationFailed) as caught:
        call()
    db.session.rollback()
    return caught.value.errors[field]


def users(email):
    return db.session.scalars(select(User).where(User.email == email)).all()


def password_works(user, password):
    db.session.expire_all()
    return security.verify_password(db.session.get(User, user.id).password_hash, password)


@pytest.mark.parametrize(("password", "start"), [
    ("1234567890", LEAKED), ("wachtwoord123", LEAKED), ("Welkom01!", "Use at least 10"),
    ("qwertyuiop", LEAKED), ("passwordpassword", "Repeated"), ("ilse-de-smid", NAME),
    ("werkt-hard-2024", EMAIL), ("ilse.werkt@smederij.nl", NAME),
])
def test_registration_refuses_weak_and_personal_passwords(password, start):
    message = refused(lambda: accounts.register_user(
        email="ilse.werkt@smederij.nl", full_name="Ilse de Smid", password=password,
        role=security.COMPANY_MEMBER))

    assert message.startswith(start)
    assert users("ilse.werkt@smederij.nl") == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


@pytest.mark.parametrize("password", [DEMO_PASSWORD, PASSWORD, "fiets regen koffie"])
def test_registration_takes_ordinary_passphrases(password):
    user = accounts.register_user(email="ilse@smederij.nl", full_name="Ilse de Smid",
                                  password=password, role=security.COMPANY_MEMBER)

    assert password_works(user, password)


def test_the_demo_password_passes_for_every_demo_account():
    from portal.seeding import demo

    people = [demo._person(index) for index in range(100)] + ["Beheerder Portaal"] + [
        f"Moderator {name}" for _slug, name, _provinces in demo.TECHNOCENTRA]
    locals_ = ["beheer", "bedrijf", "collega", "docent", "nieuwe.collega"] + [
        f"moderator.{slug}" for slug, _name, _provinces in demo.TECHNOCENTRA]
    for name in people:
        for local in locals_:
            problem = password_problem(
                demo.DEMO_PASSWORD, name=name, email=f"{local}@{demo.DOMAIN}")
            assert problem is None, (name, local, problem)


def test_staff_and_administrators_follow_the_same_rule(make):
    admin = make.admin()
    refused(lambda: accounts.create_staff_user(
        actor=admin, email="mod@example.nl", full_name="Mo Derator", password="1234567890",
        role=security.MODERATOR))
    refused(lambda: accounts.create_administrator(
        email="baas@example.nl", full_name="Bea Baas", password="bea-baas-2024"))

    assert users("mod@example.nl") == users("baas@example.nl") == []


def reset_secret(user):
    recovery.request_password_reset(email=user.email)
    [mail] = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "account.reset_password"))
    return re.findall(r"/account/wachtwoord-herstellen/([A-Za-z0-9_-]+)", mail.body_text)[-1]


@pytest.mark.parametrize(("password", "start"), [
    ("1234567890", LEAKED), ("dirk-docent-123", NAME), ("dd.klas4-fietst", EMAIL)])
def test_a_reset_refuses_a_weak_password_and_the_link_still_works(make, password, start):
    user = make.user(email="dd.klas4@school.nl", full_name="Dirk Docent")
    secret = reset_secret(user)

    message = refused(lambda: recovery.reset_password(actor=None, token=secret,
                                                      password=password))

    assert message.startswith(start)
    assert password_works(user, PASSWORD)
    [link] = db.session.scalars(select(AccountToken).where(
        AccountToken.user_id == user.id, AccountToken.purpose == RESET_PASSWORD))
    assert link.used_at is None
    recovery.reset_password(actor=None, token=secret, password="kraanvogel op de dijk")
    assert password_works(user, "kraanvogel op de dijk")


def test_a_reset_with_a_used_link_says_so_before_judging_the_password(make):
    user = make.user()
    secret = reset_secret(user)
    recovery.reset_password(actor=None, token=secret, password="kraanvogel op de dijk")

    with pytest.raises(tokens.LinkRefused):
        recovery.reset_password(actor=None, token=secret, password="1234567890")


@pytest.mark.parametrize(("password", "start"), [
    ("wachtwoord123", LEAKED), ("Gerda-Visser!", NAME), ("techlokaal-2024", EMAIL),
    ("kort", "Use at least 10")])
def test_a_password_change_refuses_a_weak_password(make, password, start):
    user = make.user(email="techlokaal@school.nl", full_name="Gerda Visser")

    message = refused(lambda: preferences.change_password(
        actor=user, current_password=PASSWORD, new_password=password), "new_password")

    assert message.startswith(start)
    assert password_works(user, PASSWORD)
    assert db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "account.password_changed")).all() == []


def test_a_wrong_current_password_and_a_weak_new_one_are_both_told(make):
    user = make.user()

    with pytest.raises(ValidationFailed) as caught:
        preferences.change_password(actor=user, current_password="niet het wachtwoord",
                                    new_password="1234567890")

    assert set(caught.value.errors) == {"current_password", "new_password"}
