"""Two people changing the same team at the same moment, as two requests of a server would:
each in its own application context with its own database session, on a database of its own
(see test_booking_races.py for the set-up and what each database does).

Both sides have read everything, the owner row included, before the first one acts; so the
second passes its permission check on what it read and only the conditional UPDATE (or, on
SQLite, the refused upgrade of a stale read) stops it.
"""
import pytest
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from portal import security
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.organisations import teams
from portal.organisations.models import Membership, Organisation
from portal.organisations.team_models import APPROVED, JoinRequest
from tests import factories
from tests.databases import app_with_two_towns

pytestmark = pytest.mark.own_app


@pytest.fixture
def race_app(tmp_path):
    with app_with_two_towns(tmp_path, "team_races") as app:
        yield app


def _join(organisation, role):
    person = factories.user(role)
    owner = next(m.user for m in organisation.memberships if m.is_owner)
    _, token = teams.invite_member(actor=owner, organisation=organisation, email=person.email)
    teams.accept_invitation(actor=person, token=token)
    return person.id


def _race(app, load_a, load_b, first, second):
    """Both sides load; then the first acts and commits; then the second acts. Returns
    "done", or "refused" with the error that refused it."""
    with app.app_context() as ctx_a:
        loaded_a = load_a()
        with app.app_context():
            loaded_b = load_b()
            with ctx_a:
                first(*loaded_a)
            try:
                second(*loaded_b)
            except (ValidationFailed, OperationalError) as error:
                db.session.rollback()
                return "refused", error
            return "done", None


def _refused_as_expected(app, error):
    """PostgreSQL waits for the first writer and then finds the row changed: the conditional
    UPDATE refuses. SQLite refuses the stale reader's write outright."""
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
    assert isinstance(error, ValidationFailed if postgres else OperationalError), error


def _user(user_id):
    from portal.accounts.models import User

    return db.session.get(User, user_id)


def test_two_handovers_at_once_leave_one_owner(race_app):
    with race_app.app_context():
        company = factories.company()
        company_id, owner_id = company.id, factories.owner_of(company).id
        b_id = _join(company, security.COMPANY_MEMBER)
        c_id = _join(company, security.COMPANY_MEMBER)

    def load():
        organisation = db.session.get(Organisation, company_id)
        rows = {m.user_id: m for m in organisation.memberships}
        assert rows[owner_id].is_owner  # read before the other side hands over
        return _user(owner_id), organisation, rows

    def hand_over_to(user_id):
        def act(actor, organisation, rows):
            teams.hand_over_ownership(actor=actor, organisation=organisation,
                                      membership=rows[user_id])
        return act

    outcome, error = _race(race_app, load, load, hand_over_to(b_id), hand_over_to(c_id))

    assert outcome == "refused"
    _refused_as_expected(race_app, error)
    with race_app.app_context():
        owners = db.session.scalars(select(Membership.user_id).where(
            Membership.organisation_id == company_id, Membership.is_owner.is_(True))).all()
        assert owners == [b_id]


@pytest.mark.parametrize("second", [teams.approve_join_request, teams.decline_join_request],
                         ids=["approve", "decline"])
def test_two_colleagues_deciding_one_request_at_once(race_app, second):
    with race_app.app_context():
        school = factories.school()
        school_id, owner_id = school.id, factories.owner_of(school).id
        colleague_id = _join(school, security.TEACHER)
        teacher = factories.user(security.TEACHER)
        teacher_id = teacher.id
        request_id = teams.request_to_join(actor=teacher, school=school).id

    def load(user_id):
        def loading():
            join_request = db.session.get(JoinRequest, request_id)
            join_request.school.memberships  # noqa: B018  (both have read everything)
            return _user(user_id), join_request
        return loading

    def decide(use_case):
        return lambda actor, join_request: use_case(actor=actor, join_request=join_request)

    outcome, error = _race(race_app, load(owner_id), load(colleague_id),
                           decide(teams.approve_join_request), decide(second))

    if isinstance(error, ValidationFailed):  # PostgreSQL: the second is told what happened
        with race_app.app_context():
            assert error.errors == {"": _("A colleague has approved this request already.")}
    assert outcome == "refused"
    _refused_as_expected(race_app, error)
    with race_app.app_context():
        join_request = db.session.get(JoinRequest, request_id)
        assert (join_request.status, join_request.decided_by_id) == (APPROVED, owner_id)
        members = db.session.scalars(select(Membership.user_id).where(
            Membership.organisation_id == school_id, Membership.user_id == teacher_id)).all()
        assert members == [teacher_id]
