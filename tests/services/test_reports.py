"""Reports of offers and companies, and suspending a company (portal/moderation/reports.py)."""
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.matching.search import SearchFilters, find_offers
from portal.moderation import reports
from portal.moderation.models import Report
from portal.moderation.services import QueueFilters
from portal.offers.services import get_offer_for, submit_offer
from portal.organisations.services import get_company_for
from tests.outbox import last_id, mails_since


@pytest.fixture
def world(make):
    """Zeeland and Flevoland with a moderator each; a published offer of a Zeeland company, a
    teacher who requested it for a date to come (and one whose request is long past)."""
    zeeland = make.moderator(make.technocentrum(provinces=("NL-ZE",), name="TC Zeeland"))
    flevoland = make.moderator(make.technocentrum(provinces=("NL-FL",), name="TC Flevoland"))
    company = make.company(place="Vlissingen", name="Scheldewerf")
    offer = make.offer(company, title="Rondleiding op de werf")
    teacher = make.owner_of(make.school())
    requested = make.booking(offer, teacher)
    accepted_teacher = make.owner_of(make.school(place="Goes"))
    accepted = make.accepted(make.booking(offer, accepted_teacher, group_size=20))
    past = make.past_booking(offer, make.owner_of(make.school(place="Terneuzen")))
    return SimpleNamespace(zeeland=zeeland, flevoland=flevoland, company=company, offer=offer,
                           teacher=teacher, requested=requested, accepted=accepted, past=past,
                           accepted_teacher=accepted_teacher, reporter=make.user())


def report(world, **fields):
    return reports.report_offer(actor=world.reporter, offer=world.offer,
                                reason=fields.get("reason", "Geen veiligheidsschoenen genoemd."))


def queue_of(actor, filters=QueueFilters()):
    return [item.subject.reason for item in reports.open_reports(actor=actor, filters=filters)]


# --- reporting -------------------------------------------------------------------------------


def test_a_report_lands_in_the_queue_of_the_companys_region_only(world):
    made = report(world)

    assert (made.company_id, made.offer_id, made.reporter_id, made.status) == (
        world.company.id, world.offer.id, world.reporter.id, "open")
    assert queue_of(world.zeeland) == ["Geen veiligheidsschoenen genoemd."]
    assert queue_of(world.flevoland) == []
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "offer.reported"))
    assert (event.subject_id, event.details["report_id"]) == (world.offer.id, made.id)


def test_a_company_can_be_reported_too(world):
    made = reports.report_company(actor=world.teacher, company=world.company,
                                  reason="Geen technisch bedrijf.")

    assert (made.offer_id, made.subject) == (None, world.company)
    assert queue_of(world.zeeland) == ["Geen technisch bedrijf."]


def test_the_queue_filters_reports(make, world):
    report(world)
    reports.report_company(actor=world.teacher, company=world.company, reason="Bedrijf")

    assert queue_of(world.zeeland, QueueFilters(kind="reports")) == [
        "Geen veiligheidsschoenen genoemd.", "Bedrijf"]
    assert queue_of(world.zeeland, QueueFilters(kind="companies")) == []
    assert queue_of(world.zeeland, QueueFilters(offer_type="company_visit")) == [
        "Geen veiligheidsschoenen genoemd."]
    assert queue_of(world.zeeland, QueueFilters(offer_type="guest_lesson")) == []
    assert queue_of(world.zeeland, QueueFilters(place="vlis")) == [
        "Geen veiligheidsschoenen genoemd.", "Bedrijf"]
    assert queue_of(world.zeeland, QueueFilters(place="goes")) == []


def test_reporting_twice_is_refused_while_the_first_is_open(world):
    report(world)

    with pytest.raises(ValidationFailed) as twice:
        report(world, reason="Nog een keer.")

    assert "al gemeld" in twice.value.errors[""]
    assert db.session.scalar(select(func.count(Report.id))) == 1


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_a_report_needs_a_reason_of_sensible_length(world, reason):
    with pytest.raises(ValidationFailed) as refused:
        report(world, reason=reason)

    assert set(refused.value.errors) == {"reason"}
    assert db.session.scalar(select(func.count(Report.id))) == 0


def test_a_company_cannot_report_itself_nor_an_offer_nobody_sees(make, world):
    with pytest.raises(NotAllowed):
        reports.report_offer(actor=make.owner_of(world.company), offer=world.offer,
                             reason="Eigen aanbod")
    draft = make.offer(world.company, status="draft")
    with pytest.raises(NotFound):
        reports.report_offer(actor=world.reporter, offer=draft, reason="Concept")
    with pytest.raises(NotFound):
        reports.report_company(actor=world.reporter, reason="Wacht nog",
                               company=make.company(approved=False))
    assert db.session.scalar(select(func.count(Report.id))) == 0


# --- dismissing ------------------------------------------------------------------------------


def test_a_dismissed_report_leaves_the_queue_and_its_reporter_hears_so(world):
    made = report(world)
    mark = last_id()

    reports.dismiss_report(actor=world.zeeland, report=made, note="Staat in de beschrijving.")

    assert (made.status, made.decided_by_id, made.decision_note) == (
        "dismissed", world.zeeland.id, "Staat in de beschrijving.")
    assert queue_of(world.zeeland) == []
    [mail] = mails_since(mark)
    assert (mail.kind, mail.to_address) == ("moderation.report_handled", world.reporter.email)
    assert "Staat in de beschrijving." in mail.body_text
    assert world.company.status == "approved"
    report(world, reason="Opnieuw, nu met foto.")  # a closed report does not block a new one


def test_another_region_may_not_dismiss_and_a_report_is_decided_once(world):
    made = report(world)

    with pytest.raises(NotAllowed):
        reports.dismiss_report(actor=world.flevoland, report=made)
    with pytest.raises(NotFound):
        reports.get_report_to_moderate(world.flevoland, made.id)
    reports.dismiss_report(actor=world.zeeland, report=made)
    with pytest.raises(ValidationFailed):
        reports.dismiss_report(actor=world.zeeland, report=made)


# --- suspending ------------------------------------------------------------------------------


def findable(offer):
    return offer.id in {found.id for _ranked, found in find_offers(SearchFilters()).hits}


def test_suspending_hides_the_offers_and_tells_members_schools_and_reporters(make, world):
    made = report(world)
    assert findable(world.offer)
    mark = last_id()

    suspension = reports.suspend_company(actor=world.zeeland, company=world.company,
                                         reason="Onveilige werkplaats.")

    assert (world.company.status, world.company.decision_reason) == (
        "suspended", "Onveilige werkplaats.")
    assert [r.id for r in suspension.reports] == [made.id]
    db.session.refresh(made)
    assert (made.status, made.decided_by_id) == ("upheld", world.zeeland.id)
    assert sorted(b.id for b in suspension.requests) == sorted(
        [world.requested.id, world.accepted.id])  # not the request long past
    assert not findable(world.offer)
    with pytest.raises(NotFound):
        get_offer_for(world.teacher, world.offer.id)
    with pytest.raises(NotFound):
        get_company_for(world.teacher, world.company.id)
    assert get_offer_for(make.owner_of(world.company), world.offer.id) == world.offer
    mails = mails_since(mark)
    by_kind = {}
    for mail in mails:
        by_kind.setdefault(mail.kind, []).append(mail.to_address)
    assert by_kind == {
        "moderation.company_suspended": [make.owner_of(world.company).email],
        "booking.company_suspended": [world.teacher.email, world.accepted_teacher.email],
        "moderation.report_handled": [world.reporter.email]}
    [teacher_mail] = [m for m in mails if m.to_address == world.teacher.email]
    assert "Rondleiding op de werf" in teacher_mail.body_text
    assert "Onveilige werkplaats." not in teacher_mail.body_text  # the reason is the company's


def test_a_suspended_company_takes_no_requests_accepts_none_and_submits_nothing(make, world):
    reports.suspend_company(actor=world.zeeland, company=world.company, reason="Fraude.")
    owner = make.owner_of(world.company)

    with pytest.raises(NotFound):
        make.booking(world.offer, make.owner_of(make.school(place="Middelburg (Zeeland)")))
    with pytest.raises(ValidationFailed) as accepting:
        make.accepted(world.requested)
    assert "geschorst" in accepting.value.errors[""]
    draft = make.offer(world.company, status="draft")
    with pytest.raises(ValidationFailed):
        submit_offer(actor=owner, offer=draft)
    db.session.expire_all()
    assert (world.requested.status, draft.status) == ("requested", "draft")


def test_lifting_the_suspension_makes_the_offers_findable_again(make, world):
    reports.suspend_company(actor=world.zeeland, company=world.company, reason="Fraude.")
    mark = last_id()

    reports.lift_suspension(actor=world.zeeland, company=world.company)

    assert (world.company.status, world.company.decision_reason) == ("approved", None)
    assert findable(world.offer)
    assert [m.kind for m in mails_since(mark)] == ["moderation.company_reinstated"]
    with pytest.raises(ValidationFailed):
        reports.lift_suspension(actor=world.zeeland, company=world.company)


def test_suspending_needs_a_reason_the_region_and_an_approved_company(make, world):
    with pytest.raises(ValidationFailed) as no_reason:
        reports.suspend_company(actor=world.zeeland, company=world.company, reason=" ")
    assert set(no_reason.value.errors) == {"reason"}
    with pytest.raises(NotAllowed):
        reports.suspend_company(actor=world.flevoland, company=world.company, reason="Nee")
    waiting = make.company(place="Middelburg (Zeeland)", approved=False)
    with pytest.raises(ValidationFailed):
        reports.suspend_company(actor=world.zeeland, company=waiting, reason="Nog niet")
    db.session.expire_all()
    assert (world.company.status, waiting.status) == ("approved", "pending")


def test_the_history_shows_the_report_and_the_suspension(world):
    from portal.moderation.audit_log import history_of

    report(world)
    reports.suspend_company(actor=world.zeeland, company=world.company, reason="Fraude.")

    actions = [e.action for e in history_of(actor=world.zeeland, subject=world.company)]
    assert actions[-1] == "company.suspended"


def test_a_suspended_company_neither_proposes_nor_is_taken_up(make, world):
    """No way round a suspension: no counter-proposal by the company, no taking one up by the
    school, no joining a waiting list of its dates."""
    from portal.bookings.counter import accept_counter_proposal, counter_propose
    from portal.bookings.waitlist.services import join_waitlist

    owner = make.owner_of(world.company)
    later = make.slot(world.offer, days=21)
    counter_propose(actor=owner, booking=world.requested, slot_id=later.id,
                    message="Liever een week later?")
    other = make.booking(make.offer(world.company, title="Tweede bezoek"), world.teacher)
    reports.suspend_company(actor=world.zeeland, company=world.company, reason="Fraude.")

    with pytest.raises(ValidationFailed):
        accept_counter_proposal(actor=world.teacher, booking=world.requested)
    with pytest.raises(ValidationFailed):
        counter_propose(actor=owner, booking=other, slot_id=later.id, message="Nee")
    with pytest.raises(NotFound):
        join_waitlist(actor=world.teacher, slot=later, group_size=10,
                      level_id=world.offer.levels[0].id)
    db.session.expire_all()
    assert (world.requested.status, other.status) == ("counter_proposed", "requested")


def test_a_suspended_company_cannot_slip_a_new_number_past_the_centre(make, world):
    from portal.organisations.profiles import update_company

    reports.suspend_company(actor=world.zeeland, company=world.company, reason="Fraude.")
    company = world.company

    with pytest.raises(ValidationFailed) as refused:
        update_company(actor=make.owner_of(company), company=company, name=company.name,
                       number="12345678", place_name="Vlissingen",
                       sector_ids=[s.id for s in company.sectors])

    assert "number" in refused.value.errors
    db.session.expire_all()
    assert (company.status, company.kvk_number) != ("pending", "12345678")
    assert company.status == "suspended"


def test_a_pending_offer_of_a_suspended_company_is_not_published(make, world):
    from portal.moderation.services import approve_offer

    pending = make.offer(world.company, status="pending", title="Nog te keuren")
    reports.suspend_company(actor=world.zeeland, company=world.company, reason="Fraude.")

    with pytest.raises(ValidationFailed):
        approve_offer(actor=world.zeeland, offer=pending)
    db.session.expire_all()
    assert pending.status == "pending"
