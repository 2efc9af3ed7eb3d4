"""Two moderators of one region saving its search weights at the same moment, each on a thread
of their own with their own session, on a database of its own (tests/databases.py).

Both saved on the page they opened (the same revision): one save wins, the other is told the
weights changed meanwhile (never a server error), and the audit trail holds one change. On
PostgreSQL the first save of a region races on the unique row per Technocentrum, a later one on
the conditional UPDATE of the revision; on SQLite the second writer queues for the write lock
and reads the winner's revision.
"""
import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.extensions import db
from portal.matching.models import MatchingWeights
from portal.matching.rules import Weights
from portal.matching.weights import save_weights
from portal.organisations.models import Technocentrum
from tests import factories
from tests.databases import all_at_once, app_with_two_towns

pytestmark = pytest.mark.own_app

FIRST = Weights(region=40, distance=20, sector=30, level=10, period=5, text=25, fairness=5)
SECOND = Weights(region=30, distance=20, sector=60, level=10, period=5, text=25, fairness=5)
THIRD = Weights(region=10, distance=10, sector=10, level=10, period=5, text=25, fairness=5)


@pytest.fixture
def race_app(tmp_path):
    with app_with_two_towns(tmp_path, "weights_races") as app:
        yield app


@pytest.fixture
def region(race_app):
    with race_app.app_context():
        centre = factories.technocentrum(provinces=("NL-ZE",))
        ids = {"centre": centre.id, "moderators": (factories.moderator(centre).id,
                                                    factories.moderator(centre).id)}
        db.session.remove()
        return ids


def saving(region, moderator_id, weights, seen):
    def job():
        return save_weights(actor=db.session.get(User, moderator_id),
                            technocentrum=db.session.get(Technocentrum, region["centre"]),
                            weights=weights, seen=seen)
    return job


def stored(app):
    with app.app_context():
        rows = list(db.session.scalars(select(MatchingWeights)))
        changes = db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "matching.weights_changed"))
        return rows, changes


@pytest.mark.parametrize("revision", [0, 1], ids=["first save", "later save"])
def test_of_two_saves_on_the_same_revision_one_wins(race_app, region, revision):
    first, second = region["moderators"]
    if revision:
        with race_app.test_request_context("/", method="POST"):
            saving(region, first, THIRD, 0)()

    outcomes = all_at_once(race_app, [saving(region, first, FIRST, revision),
                                      saving(region, second, SECOND, revision)])

    assert sorted(kind for kind, _ in outcomes) == ["done", "refused"]
    [(_, errors)] = [outcome for outcome in outcomes if outcome[0] == "refused"]
    assert set(errors) == {""}
    winner = [FIRST, SECOND][[kind for kind, _ in outcomes].index("done")]
    (row,), changes = stored(race_app)
    assert Weights(**{name: getattr(row, name) for name in vars(winner)}) == winner
    assert row.revision == revision + 1
    assert changes == revision + 1
