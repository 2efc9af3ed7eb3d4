"""A school and a company acting on their partnership at the same moment, each in a thread of
its own with its own session (`all_at_once`), on SQLite and PostgreSQL: asking each other at
once makes one partnership (the unique index of standing partnerships keeps the second out),
and an acceptance crossing a withdrawal decides the question once."""
import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.extensions import db
from portal.organisations import partners
from portal.organisations.models import Company, School
from portal.organisations.partner_models import Partnership
from tests import factories
from tests.databases import all_at_once, app_with_two_towns

pytestmark = pytest.mark.own_app


@pytest.fixture
def race_app(tmp_path):
    with app_with_two_towns(tmp_path, "partner_races") as app:
        yield app


@pytest.fixture
def pair(race_app):
    with race_app.app_context():
        school = factories.school(place="Middelburg")
        company = factories.company(place="Vlissingen")
        # the school requested an offer of the company: each side may ask the other
        factories.booking(factories.offer(company), factories.owner_of(school))
        ids = {"school": school.id, "company": company.id,
               "teacher": factories.owner_of(school).id,
               "owner": factories.owner_of(company).id}
        db.session.remove()
        return ids


def asking(user_id, model, other_id):
    def job():
        return partners.ask(actor=db.session.get(User, user_id),
                            other=db.session.get(model, other_id)).id
    return job


def rows(app):
    with app.app_context():
        return db.session.execute(select(Partnership.status, func.count())
                                  .group_by(Partnership.status)).all()


def test_both_sides_asking_at_once_make_one_partnership(race_app, pair):
    outcomes = all_at_once(race_app, [asking(pair["teacher"], Company, pair["company"]),
                                      asking(pair["owner"], School, pair["school"])])

    assert sorted(kind for kind, _ in outcomes) == ["done", "refused"]
    assert rows(race_app) == [("asked", 1)]


@pytest.mark.parametrize("second", ["withdraw", "decline"])
def test_an_answer_crossing_a_withdrawal_decides_once(race_app, pair, second):
    with race_app.app_context():
        asked = partners.ask(actor=db.session.get(User, pair["teacher"]),
                             other=db.session.get(Company, pair["company"])).id
        db.session.remove()

    def accept():
        return partners.answer(actor=db.session.get(User, pair["owner"]),
                               partnership=db.session.get(Partnership, asked), accept=True).id

    def other():
        partnership = db.session.get(Partnership, asked)
        if second == "withdraw":
            return partners.withdraw(actor=db.session.get(User, pair["teacher"]),
                                     partnership=partnership).id
        return partners.answer(actor=db.session.get(User, pair["owner"]),
                               partnership=partnership, accept=False).id

    outcomes = all_at_once(race_app, [accept, other])

    assert sorted(kind for kind, _ in outcomes) == ["done", "refused"]
    [(status, count)] = rows(race_app)
    assert count == 1 and status in ("active", "withdrawn", "declined")
