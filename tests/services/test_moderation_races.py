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
from portal.moderation import bulk as moderation_bulk
from portal.moderation import reports
from portal.moderation import services as moderation
from portal.moderation.bulk import Selection
from portal.moderation.models import Report
from portal.notifications.models import OutboxMessage
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


# --- bulk approval ----------------------------------------------------------------------------


@pytest.fixture
def bulk(race_app, setting):
    """Beside the setting's items: an offer of the pending company and a second offer of an
    approved one, all as read (id, version)."""
    with race_app.app_context():
        company = db.session.get(Company, setting["company"])
        under = factories.offer(company, status="pending", title="Onder het bedrijf")
        second = factories.offer(factories.company(place="Middelburg"), status="pending")
        ids = {"under": (under.id, under.revision), "second": (second.id, second.revision),
               "offer": (setting["offer"], setting["revision"])}
        db.session.remove()
        return ids


def approve_together(selection):
    return lambda actor, _subject: moderation_bulk.approve_selected(
        actor=actor, selection=selection, note="Samen goedgekeurd.")


def mails_of_kind(app, kind):
    with app.app_context():
        return db.session.scalar(select(func.count(OutboxMessage.id))
                                 .where(OutboxMessage.kind == kind))


def test_two_overlapping_bulk_approvals_decide_each_item_once(race_app, setting, bulk):
    """One moderator approves the company with its offer and the approved company's offer; the
    other that offer and a second one. Every item is approved once, in one audit event; the
    overlapping offer is left to whoever came second, and named to them."""
    first, second = setting["moderators"]
    mine = Selection(companies=(setting["company"],), offers=(bulk["under"], bulk["offer"]))
    theirs = Selection(offers=(bulk["offer"], bulk["second"]))
    outcomes = []

    def approve(selection):
        def run(actor, subject):
            outcome = moderation_bulk.approve_selected(actor=actor, selection=selection)
            outcomes.append((outcome.count, [subject.id for subject, _why in outcome.missed]))
        return run

    results = at_once(race_app, [(first, load_company(setting), approve(mine)),
                                 (second, load_company(setting), approve(theirs))])

    assert [kind for kind, _ in results] == ["decided", "decided"]
    assert sorted(count for count, _missed in outcomes) in ([2, 2], [1, 3])
    assert sum(count for count, _missed in outcomes) == 4
    assert [offer_id for _count, missed in outcomes for offer_id in missed] == [setting["offer"]]
    with race_app.app_context():
        assert db.session.get(Company, setting["company"]).status == "approved"
        assert {db.session.get(Offer, offer_id).status for offer_id, _ in bulk.values()} == {
            "published"}
    for offer_id, _ in bulk.values():
        assert audit_count(race_app, "offers", offer_id, OFFER_DECISIONS) == 1
    assert audit_count(race_app, "organisations", setting["company"], COMPANY_DECISIONS) == 1


def test_a_bulk_approval_and_a_rejection_at_once_decide_the_offer_once(race_app, setting, bulk):
    first, second = setting["moderators"]

    outcomes = at_once(race_app, [
        (first, load_offer(setting), approve_together(Selection(offers=(bulk["offer"],)))),
        (second, load_offer(setting), reject_offer(setting))])

    with race_app.app_context():
        status = db.session.get(Offer, setting["offer"]).status
    assert audit_count(race_app, "offers", setting["offer"], OFFER_DECISIONS) == 1
    if status == "rejected":  # the rejection came first: the bulk approval left the offer
        assert outcomes[0] == ("decided", None) and outcomes[1] == ("decided", None)
        assert mails_of_kind(race_app, "moderation.approved_together") == 0
    else:  # the approval came first: the rejection is told
        assert status == "published"
        assert outcomes[1][0] == "refused"
        assert mails_of_kind(race_app, "moderation.approved_together") > 0


# --- reports and suspension -------------------------------------------------------------------


@pytest.fixture
def reported(race_app, setting):
    """A report of the published offer of an approved company."""
    with race_app.app_context():
        offer = factories.offer(factories.company(place="Vlissingen"), title="Gemeld aanbod")
        made = reports.report_offer(actor=factories.user(), offer=offer, reason="Onveilig.")
        ids = {"report": made.id, "company": offer.company_id}
        db.session.remove()
        return ids


def test_two_moderators_suspending_at_once_suspend_once(race_app, setting, reported):
    first, second = setting["moderators"]

    def load():
        return db.session.get(Company, reported["company"])

    def suspend(actor, company):
        reports.suspend_company(actor=actor, company=company, reason="Fraude.")

    outcomes = at_once(race_app, [(first, load, suspend), (second, load, suspend)])

    assert sorted(kind for kind, _ in outcomes) == ["decided", "refused"]
    assert audit_count(race_app, "organisations", reported["company"],
                       ("company.suspended",)) == 1
    assert mails_of_kind(race_app, "moderation.report_handled") == 1


@pytest.mark.parametrize("order", [("dismiss", "suspend"), ("dismiss", "dismiss")])
def test_a_report_is_decided_once(race_app, setting, reported, order):
    first, second = setting["moderators"]

    def load():
        return db.session.get(Report, reported["report"])

    decide = {
        "dismiss": lambda actor, report: reports.dismiss_report(actor=actor, report=report),
        "suspend": lambda actor, report: reports.suspend_company(
            actor=actor, company=report.company, reason="Onveilig."),
    }

    at_once(race_app, [(first, load, decide[order[0]]), (second, load, decide[order[1]])])

    with race_app.app_context():
        status = db.session.get(Report, reported["report"]).status
    assert status in ("dismissed", "upheld")
    # the reporter hears exactly one outcome
    assert mails_of_kind(race_app, "moderation.report_handled") == 1
