"""Two moderators deciding the same pending offer or company at the same moment, each in a
thread of their own with their own application context and database session, on a database of
its own, as two POSTs on two threads of a server would.

Both are released together by a barrier. On PostgreSQL they read the pending item side by side
(a second barrier makes sure of it), then both run their conditional UPDATE: the second waits
for the first's row lock, then finds nothing pending any more. On SQLite a writing request takes
the write lock when it begins (portal/db.py), so the second queues and then reads the item
already decided. Either way exactly one decision is made and written once to the audit trail,
and the other moderator is told (ValidationFailed), never shown a server error.
"""
import threading

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.moderation import services as moderation
from portal.offers.models import Offer
from portal.organisations.models import Company
from tests import factories
from tests.databases import app_with_two_towns

pytestmark = pytest.mark.own_app



@pytest.fixture
def race_app(tmp_path):
    with app_with_two_towns(tmp_path, "moderation_races") as app:
        yield app


@pytest.fixture
def setting(race_app):
    """Two moderators of Zeeland, a pending company and a pending offer of an approved one."""
    with race_app.app_context():
        centre = factories.technocentrum(provinces=("NL-ZE",))
        first, second = factories.moderator(centre), factories.moderator(centre)
        company = factories.company(place="Vlissingen", approved=False)
        offer = factories.offer(factories.company(place="Middelburg"), status="pending")
        ids = {"moderators": (first.id, second.id), "company": company.id, "offer": offer.id,
               "revision": offer.revision}
        db.session.remove()
        return ids


def at_once(app, deciders):
    """Run each `decide(session's moderator)` on its own thread; returns their outcomes."""
    released = threading.Barrier(len(deciders))
    have_read = threading.Barrier(len(deciders))
    outcomes, failures = [None] * len(deciders), []

    def run(index, moderator_id, load, decide):
        try:
            released.wait(timeout=60)
            with app.test_request_context("/moderatie", method="POST"):
                actor = db.session.get(User, moderator_id)
                subject = load()
                if db.engine.dialect.name != "sqlite":
                    have_read.wait(timeout=60)  # both hold the pending item, as read
                try:
                    decide(actor, subject)
                except ValidationFailed as error:
                    outcomes[index] = ("refused", error.errors)
                else:
                    outcomes[index] = ("decided", None)
                finally:
                    db.session.remove()
        except BaseException as exc:  # reported in the test's own thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(index, *decider))
               for index, decider in enumerate(deciders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    return outcomes


def audit_count(app, subject_type, subject_id, actions):
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id,
            AuditEvent.action.in_(actions)))


def load_offer(setting):
    return lambda: db.session.get(Offer, setting["offer"])


def load_company(setting):
    return lambda: db.session.get(Company, setting["company"])


def approve_offer(setting):
    return lambda actor, offer: moderation.approve_offer(actor=actor, offer=offer,
                                                         seen=setting["revision"])


def reject_offer(setting):
    return lambda actor, offer: moderation.reject_offer(actor=actor, offer=offer,
                                                        seen=setting["revision"],
                                                        reason="Te weinig informatie.")


OFFER_DECISIONS = ("offer.published", "offer.rejected")
COMPANY_DECISIONS = ("company.approved", "company.rejected")


@pytest.mark.parametrize("decisions", [("approve", "approve"), ("approve", "reject"),
                                       ("reject", "reject")])
def test_one_of_two_moderators_decides_a_pending_offer(race_app, setting, decisions):
    first, second = setting["moderators"]
    decide = {"approve": approve_offer(setting), "reject": reject_offer(setting)}

    outcomes = at_once(race_app, [(first, load_offer(setting), decide[decisions[0]]),
                                  (second, load_offer(setting), decide[decisions[1]])])

    assert sorted(kind for kind, _ in outcomes) == ["decided", "refused"]
    [(_, errors)] = [outcome for outcome in outcomes if outcome[0] == "refused"]
    assert set(errors) == {""}
    winner = decisions[[kind for kind, _ in outcomes].index("decided")]
    with race_app.app_context():
        offer = db.session.get(Offer, setting["offer"])
        assert offer.status == {"approve": "published", "reject": "rejected"}[winner]
        assert (offer.published_at is not None) == (winner == "approve")
    assert audit_count(race_app, "offers", setting["offer"], OFFER_DECISIONS) == 1


@pytest.mark.parametrize("decisions", [("approve", "approve"), ("approve", "reject")])
def test_one_of_two_moderators_decides_a_pending_company(race_app, setting, decisions):
    first, second = setting["moderators"]
    decide = {
        "approve": lambda actor, company: moderation.approve_company(actor=actor,
                                                                     company=company),
        "reject": lambda actor, company: moderation.reject_company(
            actor=actor, company=company, reason="Geen technisch bedrijf."),
    }

    outcomes = at_once(race_app, [(first, load_company(setting), decide[decisions[0]]),
                                  (second, load_company(setting), decide[decisions[1]])])

    assert sorted(kind for kind, _ in outcomes) == ["decided", "refused"]
    winner = decisions[[kind for kind, _ in outcomes].index("decided")]
    with race_app.app_context():
        company = db.session.get(Company, setting["company"])
        assert company.status == {"approve": "approved", "reject": "rejected"}[winner]
        assert company.decided_at is not None
    assert audit_count(race_app, "organisations", setting["company"], COMPANY_DECISIONS) == 1
