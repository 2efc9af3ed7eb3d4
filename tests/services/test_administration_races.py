"""The moderators' use cases at the same moment, each in a thread with its own database session
(`all_at_once`), on SQLite and on PostgreSQL: an invitation's link used twice at once makes one
account; two administrators revoking one moderator revoke once; revoking an invitation while
it is used either stops the account or comes too late, never both."""
import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.administration import moderators
from portal.audit import AuditEvent
from portal.errors import NotFound
from portal.extensions import db
from portal.organisations.models import Membership, Technocentrum
from portal.organisations.team_models import Invitation
from tests import factories
from tests.databases import all_at_once, app_with_two_towns

pytestmark = pytest.mark.own_app

PASSWORD = "vijf losse woorden erbij"


@pytest.fixture
def race_app(tmp_path):
    with app_with_two_towns(tmp_path, "administration_races") as app:
        yield app


@pytest.fixture
def centre_id(race_app):
    with race_app.app_context():
        centre = factories.technocentrum(("NL-ZE",))
        factories.admin()
        factories.user(factories.security.ADMIN, email="tweede.beheerder@example.nl")
        centre_id = centre.id
        db.session.remove()
        return centre_id


def _admins():
    return list(db.session.scalars(select(User).where(User.role == "admin").order_by(User.id)))


def invitation_of(app, centre_id, email="nieuw@example.nl"):
    with app.app_context():
        centre = db.session.get(Technocentrum, centre_id)
        invitation, token = moderators.invite_moderator(actor=_admins()[0], centre=centre,
                                                        email=email)
        invitation_id = invitation.id
        db.session.remove()
        return invitation_id, token


def count(app, model, *where):
    with app.app_context():
        found = db.session.scalar(select(func.count()).select_from(model).where(*where))
        db.session.remove()
        return found


def accept_job(token, name):
    def job():
        return moderators.accept_invitation(actor=None, token=token, full_name=name,
                                            password=PASSWORD).id
    return job


def test_one_link_used_twice_at_once_makes_one_account(race_app, centre_id):
    _invitation_id, token = invitation_of(race_app, centre_id)

    outcomes = all_at_once(race_app, [accept_job(token, "Eerste Tab"),
                                      accept_job(token, "Tweede Tab")])

    assert sorted(kind for kind, _ in outcomes) == ["done", "refused"], outcomes
    assert count(race_app, User, User.email == "nieuw@example.nl") == 1
    assert count(race_app, Membership, Membership.organisation_id == centre_id) == 1


def test_two_administrators_revoking_one_moderator_revoke_once(race_app, centre_id):
    with race_app.app_context():
        factories.moderator(db.session.get(Technocentrum, centre_id))
        [membership_id] = db.session.scalars(select(Membership.id).where(
            Membership.organisation_id == centre_id))
        db.session.remove()

    def revoke_job(admin_index):
        def job():  # as the page does: the moderator the page showed, if still there
            centre = db.session.get(Technocentrum, centre_id)
            try:
                membership = moderators.get_moderator(membership_id)
            except NotFound:
                return "gone"  # the page answers 404
            moderators.revoke_moderator(actor=_admins()[admin_index], centre=centre,
                                        membership=membership, reason=f"door {admin_index}")
            return "revoked"
        return job

    outcomes = all_at_once(race_app, [revoke_job(0), revoke_job(1)])

    assert sorted(map(str, outcomes)) in (
        ["('done', 'gone')", "('done', 'revoked')"],
        ["('done', 'revoked')", "('refused', {'': 'Deze moderator is al ingetrokken.'})"],
        ["('done', 'revoked')", "('refused', {'': 'This moderator was revoked already.'})"],
    ), outcomes
    assert count(race_app, Membership, Membership.organisation_id == centre_id) == 0
    assert count(race_app, AuditEvent, AuditEvent.action == "moderator.revoked") == 1


def test_revoking_an_invitation_while_it_is_used_does_one_of_the_two(race_app, centre_id):
    invitation_id, token = invitation_of(race_app, centre_id)

    def revoke_job():
        invitation = db.session.get(Invitation, invitation_id)
        moderators.revoke_invitation(actor=_admins()[0], invitation=invitation)

    outcomes = all_at_once(race_app, [accept_job(token, "Nieuwe Moderator"), revoke_job])

    kinds = [kind for kind, _ in outcomes]
    assert sorted(kinds) == ["done", "refused"], outcomes
    accounts = count(race_app, User, User.email == "nieuw@example.nl")
    revoked = count(race_app, Invitation, Invitation.id == invitation_id,
                    Invitation.revoked_at.is_not(None))
    assert (accounts, revoked) == ((1, 0) if kinds[0] == "done" else (0, 1))
