"""The whole life of an offer of every type: its own fields, crebo codes and BBL places,
changes to a published offer that wait for the moderator, pausing, duplicating, archiving."""
from datetime import date, time, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.db import local_today
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.moderation import services as moderation
from portal.offers import lifecycle, rules, slots
from portal.offers import services as offers
from portal.offers.models import Offer, OfferRevision
from portal.organisations.accreditation import (
    is_accredited,
    set_sbb_number,
    verify_sbb_number,
)
from portal.taxonomy.services import level_by_code, sector_by_code

TODAY = local_today()

# A value for every detail field of every type, each within its limits.
EVERY_FIELD = {
    "topic": "Lassen", "given_by": "Ingrid", "duration_minutes": 90, "travel_km": 40,
    "min_group_size": 5, "max_group_size": 30, "min_age": 12, "safety_rules": "Bril op.",
    "protective_gear": "Veiligheidsschoenen", "wheelchair_access": True,
    "counts_teachers": True, "pupils_per_day": 4, "days": 3, "crebo": "25623",
    "qualification_name": "Verspaner", "mbo_level": 2, "allowance_euros": 300,
    "hours_per_week": 32, "subjects": "CNC", "deliverable": "Een mal.", "duration_weeks": 6,
    "starts_on": TODAY + timedelta(days=30), "ends_on": TODAY + timedelta(days=120),
    "capacity": 2,
}
MODES = {"guest_lesson": "school", "assignment": "online"}


def accredit(make, company, number="100200300"):
    set_sbb_number(actor=make.owner_of(company), company=company, number=number)
    return verify_sbb_number(actor=make.admin(), company=company, seen=number)


def create(make, company, **overrides):
    return offers.create_offer(actor=make.owner_of(company), company=company,
                               **make.offer_fields(**overrides))


def refused(call, **fields):
    with force_locale("en"), pytest.raises(ValidationFailed) as failed:
        call(**fields)
    return failed.value.errors


def offer_count():
    return db.session.scalar(select(func.count(Offer.id)))


def events(action, subject_id=None):
    query = select(AuditEvent).where(AuditEvent.action == action)
    if subject_id is not None:
        query = query.where(AuditEvent.subject_id == subject_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


# --- every type and its own fields -----------------------------------------------------------


@pytest.mark.parametrize("offer_type", rules.TYPE_FIELDS)
def test_each_type_keeps_its_own_fields_and_empties_the_others(make, offer_type):
    company = make.company()
    if offer_type == "apprenticeship":
        accredit(make, company)

    offer = create(make, company, offer_type=offer_type,
                   location_mode=MODES.get(offer_type, "company"), **EVERY_FIELD)

    own = rules.fields_of(offer_type)
    for name in rules.DETAIL_FIELDS:
        assert getattr(offer, name) == (EVERY_FIELD[name] if name in own else None), name
    assert offer.has_slots == (offer_type in rules.GROUP_TYPES)


def test_a_changed_type_leaves_none_of_the_old_types_fields(make):
    company = make.company()
    offer = create(make, company, offer_type="internship")

    offers.update_offer(actor=make.owner_of(company), offer=offer, **make.offer_fields(
        offer_type="taster_day", crebo="25623", capacity=3, starts_on=TODAY))

    db.session.refresh(offer)
    assert (offer.offer_type, offer.pupils_per_day, offer.days) == ("taster_day", 4, 1)
    assert (offer.crebo, offer.qualification_name, offer.capacity, offer.starts_on) == (
        None, None, None, None)


@pytest.mark.parametrize("offer_type, name", [
    (offer_type, name) for offer_type, names in rules.REQUIRED.items() for name in names])
def test_each_required_field_of_each_type(make, offer_type, name):
    company = make.company()
    if offer_type == "apprenticeship":
        accredit(make, company)
    before = offer_count()
    missing = {name: None}
    if name == "mbo_level":  # a known crebo code brings its level: take an unknown one
        missing.update(crebo="99999", qualification_name="Monteur windturbines")

    errors = refused(create, make=make, company=company, offer_type=offer_type,
                     location_mode=MODES.get(offer_type, "company"), **missing)

    assert set(errors) == {name}
    assert offer_count() == before


# --- crebo codes -----------------------------------------------------------------------------


@pytest.mark.parametrize("crebo", ["2562", "256230", "2562x", "25 62"])
def test_a_crebo_code_has_five_digits(make, crebo):
    errors = refused(create, make=make, company=make.company(), offer_type="internship",
                     crebo=crebo)

    assert errors == {"crebo": "A crebo code has 5 digits, e.g. 25180."}


def test_a_known_crebo_code_fills_the_register_name_and_level(make):
    offer = create(make, make.company(), offer_type="internship", crebo=" 25623 ",
                   qualification_name="Iets anders", mbo_level=4)

    assert (offer.crebo, offer.qualification_name, offer.mbo_level) == ("25623", "Verspaner", 2)


def test_an_unknown_crebo_code_needs_the_qualifications_name(make):
    company = make.company()

    errors = refused(create, make=make, company=company, offer_type="internship",
                     crebo="99999")
    assert errors == {"qualification_name": "We do not know this crebo code; enter the "
                                            "qualification's name."}

    offer = create(make, company, offer_type="internship", crebo="99999",
                   qualification_name="Monteur windturbines", mbo_level=3)
    assert (offer.crebo, offer.qualification_name, offer.mbo_level) == (
        "99999", "Monteur windturbines", 3)


# --- BBL places and the accreditation ------------------------------------------------------


def test_bbl_places_wait_for_a_verified_sbb_number(make):
    company = make.company()
    owner = make.owner_of(company)
    before = offer_count()

    assert set(refused(create, make=make, company=company, offer_type="apprenticeship")) == {
        "offer_type"}

    set_sbb_number(actor=owner, company=company, number="100.200.300")
    assert (company.sbb_number, is_accredited(company)) == ("100200300", False)
    assert set(refused(create, make=make, company=company, offer_type="apprenticeship")) == {
        "offer_type"}
    assert offer_count() == before

    verify_sbb_number(actor=make.admin(), company=company, seen="100200300")
    assert is_accredited(company)
    offer = create(make, company, offer_type="apprenticeship")
    assert (offer.offer_type, offer.hours_per_week) == ("apprenticeship", 32)


def test_a_new_sbb_number_waits_for_a_new_check(make):
    company = make.company()
    accredit(make, company)

    set_sbb_number(actor=make.owner_of(company), company=company, number="999888777")

    assert (company.sbb_number, company.sbb_verified_at, is_accredited(company)) == (
        "999888777", None, False)
    assert set(refused(create, make=make, company=company, offer_type="apprenticeship")) == {
        "offer_type"}


def test_verifying_a_number_changed_meanwhile_is_refused(make):
    company = make.company()
    owner = make.owner_of(company)
    set_sbb_number(actor=owner, company=company, number="111222333")
    set_sbb_number(actor=owner, company=company, number="444555666")

    assert set(refused(verify_sbb_number, actor=make.admin(), company=company,
                       seen="111222333")) == {""}
    db.session.refresh(company)
    assert company.sbb_verified_at is None
    assert events("company.sbb_verified", company.id) == []


@pytest.mark.parametrize("number", ["12345", "1234567890123", "12a456", ""])
def test_an_sbb_number_is_6_to_12_digits(make, number):
    company = make.company()

    assert set(refused(set_sbb_number, actor=make.owner_of(company), company=company,
                       number=number)) == {"sbb_number"}
    assert company.sbb_number is None


def test_only_the_regions_moderator_verifies(make):
    company = make.company(place="Vlissingen")
    set_sbb_number(actor=make.owner_of(company), company=company, number="123123123")
    flevoland = make.moderator(make.technocentrum(provinces=("NL-FL",)))
    zeeland = make.moderator(make.technocentrum(provinces=("NL-ZE",)))

    with pytest.raises(NotAllowed):
        verify_sbb_number(actor=flevoland, company=company, seen="123123123")
    with pytest.raises(NotAllowed):
        set_sbb_number(actor=make.owner_of(make.company()), company=company, number="999999")
    assert moderation.accreditations_to_check(actor=zeeland) == [company]
    assert moderation.accreditations_to_check(actor=flevoland) == []

    verify_sbb_number(actor=zeeland, company=company, seen="123123123")
    assert moderation.accreditations_to_check(actor=zeeland) == []


def test_a_bbl_draft_is_not_submitted_once_the_accreditation_lapsed(make):
    company = make.company()
    accredit(make, company)
    draft = make.offer(company, status="draft", offer_type="apprenticeship")
    set_sbb_number(actor=make.owner_of(company), company=company, number="999888777")

    with pytest.raises(ValidationFailed):
        offers.submit_offer(actor=make.owner_of(company), offer=draft)
    assert draft.status == "draft"


# --- pause and resume ----------------------------------------------------------------------


def test_pause_and_resume(make):
    offer = make.offer()
    owner = make.owner_of(offer.company)

    lifecycle.pause_offer(actor=owner, offer=offer, reason="  Machine in onderhoud.  ")
    assert (offer.status, offer.status_reason) == ("paused", "Machine in onderhoud.")
    assert offers.get_offer_for(make.owner_of(make.school()), offer.id) is offer

    lifecycle.resume_offer(actor=owner, offer=offer)
    assert (offer.status, offer.status_reason) == ("published", None)
    assert [e.actor_id for e in events("offer.paused", offer.id)] == [owner.id]
    assert [e.actor_id for e in events("offer.resumed", offer.id)] == [owner.id]


def test_pausing_twice_or_resuming_a_published_offer_is_refused(make):
    offer = make.offer()
    owner = make.owner_of(offer.company)
    lifecycle.pause_offer(actor=owner, offer=offer)

    assert set(refused(lifecycle.pause_offer, actor=owner, offer=offer)) == {""}
    assert offer.status == "paused"
    assert len(events("offer.paused", offer.id)) == 1

    lifecycle.resume_offer(actor=owner, offer=offer)
    assert set(refused(lifecycle.resume_offer, actor=owner, offer=offer)) == {""}
    assert offer.status == "published"


@pytest.mark.parametrize("status", ["draft", "pending"])
def test_only_a_published_offer_pauses(make, status):
    offer = make.offer(status=status)

    assert set(refused(lifecycle.pause_offer, actor=make.owner_of(offer.company),
                       offer=offer)) == {""}
    db.session.refresh(offer)
    assert offer.status == status


def test_another_company_may_not_pause_or_resume(make):
    offer = make.offer()
    stranger = make.owner_of(make.company())

    with pytest.raises(NotAllowed):
        lifecycle.pause_offer(actor=stranger, offer=offer)
    lifecycle.pause_offer(actor=make.owner_of(offer.company), offer=offer)
    with pytest.raises(NotAllowed):
        lifecycle.resume_offer(actor=stranger, offer=offer)
    assert offer.status == "paused"


def test_a_pause_reason_has_a_limit(make):
    offer = make.offer()

    assert set(refused(lifecycle.pause_offer, actor=make.owner_of(offer.company), offer=offer,
                       reason="x" * 2001)) == {"reason"}
    assert offer.status == "published"


# --- archiving -----------------------------------------------------------------------------


def visit_with_a_past_slot(make, company, days_ago=3):
    """A published visit whose only slot lay `days_ago` days back (added while it was ahead)."""
    offer = make.offer(company, status="draft", slot_capacity=None)
    slots.add_slot(actor=make.owner_of(company), offer=offer,
                   day=TODAY - timedelta(days=days_ago), starts_at=time(9), ends_at=time(11),
                   capacity=20, today=TODAY - timedelta(days=days_ago + 7))
    offers.submit_offer(actor=make.owner_of(company), offer=offer)
    return moderation.approve_offer(actor=make.admin(), offer=offer)


@pytest.fixture
def ended_and_running(make):
    company = make.company()
    accredit(make, company)
    ended_visit = visit_with_a_past_slot(make, company)
    ended_internship = make.placement(company, starts_on=TODAY - timedelta(days=120),
                                      ends_on=TODAY - timedelta(days=1))
    paused_ended = visit_with_a_past_slot(make, company, days_ago=10)
    lifecycle.pause_offer(actor=make.owner_of(company), offer=paused_ended)
    running = {
        "visit with a later slot": visit_with_a_past_slot(make, company),
        "internship ending today": make.placement(company, starts_on=TODAY - timedelta(days=9),
                                                  ends_on=TODAY),
        "BBL place without an end": make.offer(company, offer_type="apprenticeship",
                                               starts_on=TODAY - timedelta(days=400)),
        "draft with a past slot": make.offer(company, status="draft", slot_capacity=None),
    }
    make.slot(running["visit with a later slot"], days=5)
    slots.add_slot(actor=make.owner_of(company), offer=running["draft with a past slot"],
                   day=TODAY - timedelta(days=2), starts_at=time(9), ends_at=time(11),
                   capacity=20, today=TODAY - timedelta(days=5))
    return [ended_visit, ended_internship, paused_ended], running


def test_archive_ended_offers(ended_and_running):
    ended, running = ended_and_running

    archived = lifecycle.archive_ended_offers()

    assert sorted(archived) == sorted(o.id for o in ended)
    for offer in ended:
        db.session.refresh(offer)
        assert (offer.status, offer.archived_at is not None) == ("archived", True)
        assert len(events("offer.archived", offer.id)) == 1
    for name, offer in running.items():
        db.session.refresh(offer)
        assert offer.status != "archived", name
        assert offer.archived_at is None, name

    assert lifecycle.archive_ended_offers() == []  # a second run archives nothing
    assert sum(len(events("offer.archived", o.id)) for o in ended) == 3


def test_archiving_looks_at_the_day_it_is_given(make):
    offer = make.offer()  # its slot lies 14 days ahead
    placement = make.placement(ends_on=TODAY + timedelta(days=20))

    assert lifecycle.archive_ended_offers(today=TODAY + timedelta(days=14)) == []
    assert lifecycle.archive_ended_offers(today=TODAY + timedelta(days=15)) == [offer.id]
    assert lifecycle.archive_ended_offers(today=TODAY + timedelta(days=21)) == [placement.id]


def test_an_archived_offer_stays_visible_and_takes_no_changes(make):
    offer = visit_with_a_past_slot(make, make.company())
    lifecycle.archive_ended_offers()
    db.session.refresh(offer)

    assert offers.get_offer_for(make.owner_of(make.school()), offer.id) is offer
    assert set(refused(offers.update_offer, actor=make.owner_of(offer.company), offer=offer,
                       **make.offer_fields(title="Nog eens"))) == {""}
    assert set(refused(lifecycle.pause_offer, actor=make.owner_of(offer.company),
                       offer=offer)) == {""}
    assert offer.title == "Rondleiding door de werkplaats"


def test_the_archive_command(app, make):
    offer = visit_with_a_past_slot(make, make.company())

    result = app.test_cli_runner().invoke(args=["offers", "archive"])

    assert result.exit_code == 0, result.output
    assert "offers archived: 1" in result.output
    db.session.expire_all()
    assert db.session.get(Offer, offer.id).status == "archived"
    assert "offers archived: 0" in app.test_cli_runner().invoke(args=["offers", "archive"]).output


# --- duplicate -----------------------------------------------------------------------------


def test_duplicate_an_offer_into_a_new_draft(make):
    company = make.company()
    colleague = make.owner_of(company)
    source = make.offer(company, offer_type="guest_lesson", given_by="Ingrid",
                        contact_id=colleague.id, sector_ids=[sector_by_code("ict").id,
                                                             sector_by_code("metaal").id])
    offers.update_offer(actor=colleague, offer=source, **make.offer_fields(
        offer_type="guest_lesson", title="Voorstel"))  # a proposal is not copied

    copy = offers.duplicate_offer(actor=colleague, offer=source)

    assert copy.id != source.id
    assert (copy.status, copy.revision, copy.company_id) == ("draft", 1, company.id)
    for name in ("offer_type", "title", "description", "location_mode", "topic", "given_by",
                 "duration_minutes", "travel_km", "contact_id", "place_id"):
        assert getattr(copy, name) == getattr(source, name), name
    assert copy.title == "Rondleiding door de werkplaats"
    assert sorted(s.code for s in copy.sectors) == ["ict", "metaal"]
    assert (copy.slots, copy.revisions, copy.places_taken) == ([], [], 0)
    assert [e.details for e in events("offer.duplicated", copy.id)] == [
        {"source_id": source.id}]
    db.session.refresh(source)
    assert len(source.slots) == 1


def test_a_withdrawn_offer_can_be_duplicated(make):
    from portal.bookings.offer_life import withdraw_offer

    source = make.placement()
    withdraw_offer(actor=make.owner_of(source.company), offer=source, reason="Vol voor dit jaar.")

    copy = offers.duplicate_offer(actor=make.owner_of(source.company), offer=source)

    assert (copy.status, copy.capacity, copy.crebo) == ("draft", 3, "25623")


def test_another_company_may_not_duplicate(make):
    source = make.offer()
    before = offer_count()

    with pytest.raises(NotAllowed):
        offers.duplicate_offer(actor=make.owner_of(make.company()), offer=source)
    assert offer_count() == before


# --- changing a published offer ------------------------------------------------------------


@pytest.fixture
def published(make):
    return make.offer(title="Rondleiding door de werkplaats")


def change(make, offer, **overrides):
    fields = make.offer_fields(offer_type=offer.offer_type, **overrides)
    return offers.update_offer(actor=make.owner_of(offer.company), offer=offer, **fields)


def test_a_practical_change_applies_at_once(make, published):
    colleague = make.owner_of(published.company)

    change(make, published, max_group_size=20, duration_minutes=120, contact_id=colleague.id)

    db.session.refresh(published)
    assert (published.max_group_size, published.duration_minutes, published.contact_id) == (
        20, 120, colleague.id)
    assert (published.status, published.revision, published.revisions) == ("published", 1, [])


def test_a_substantive_change_waits_while_the_published_text_stays(make, published):
    change(make, published, title="Rondleiding met lasdemonstratie", max_group_size=20,
           level_ids=[level_by_code("vmbo_kb").id, level_by_code("havo").id])

    db.session.refresh(published)
    assert published.title == "Rondleiding door de werkplaats"
    assert [lvl.code for lvl in published.levels] == ["vmbo_kb"]
    assert published.max_group_size == 20  # the practical part did not wait
    assert (published.status, published.revision) == ("published", 2)
    revision = published.pending_revision
    assert revision.content["title"] == "Rondleiding met lasdemonstratie"
    assert revision.content["level_ids"] == sorted([level_by_code("vmbo_kb").id,
                                                    level_by_code("havo").id])
    assert revision.created_by_id == make.owner_of(published.company).id
    changed = {name for name, _, _ in moderation.revision_changes(published, revision)}
    assert changed == {"title", "level_ids"}
    assert len(events("offer.revision_proposed", published.id)) == 1


def test_a_second_change_supersedes_the_first(make, published):
    change(make, published, title="Eerste voorstel")
    first = published.pending_revision

    change(make, published, title="Tweede voorstel")

    db.session.refresh(first)
    assert first.status == "superseded"
    assert published.pending_revision.content["title"] == "Tweede voorstel"
    assert [r.status for r in published.revisions] == ["superseded", "pending"]
    assert published.revision == 3


def test_approving_a_change_applies_it(make, published):
    change(make, published, title="Rondleiding met lasdemonstratie",
           sector_ids=[sector_by_code("ict").id])
    revision = published.pending_revision
    admin = make.admin()

    moderation.approve_offer(actor=admin, offer=published, seen=revision.number)

    db.session.refresh(revision)
    assert (revision.status, revision.decided_by_id) == ("approved", admin.id)
    assert revision.decided_at is not None
    assert (published.title, published.status) == ("Rondleiding met lasdemonstratie",
                                                   "published")
    assert [s.code for s in published.sectors] == ["ict"]
    assert published.pending_revision is None
    assert len(events("offer.revision_approved", published.id)) == 1


def test_rejecting_a_change_keeps_the_published_text(make, published):
    change(make, published, title="Gratis rondleiding voor iedereen")
    revision = published.pending_revision

    moderation.reject_offer(actor=make.admin(), offer=published, seen=revision.number,
                            reason="Dit is geen lesaanbod.")

    db.session.refresh(revision)
    assert (revision.status, revision.reason) == ("rejected", "Dit is geen lesaanbod.")
    assert (published.title, published.status) == ("Rondleiding door de werkplaats",
                                                   "published")
    assert published.pending_revision is None


def test_a_decision_on_a_superseded_change_is_refused_and_changes_nothing(make, published):
    change(make, published, title="Eerste voorstel")
    stale = published.pending_revision.number
    change(make, published, title="Tweede voorstel")
    current = published.pending_revision

    for decide in (
        lambda: moderation.approve_offer(actor=make.admin(), offer=published, seen=stale),
        lambda: moderation.reject_offer(actor=make.admin(), offer=published, seen=stale,
                                        reason="Nee."),
    ):
        with force_locale("en"), pytest.raises(ValidationFailed) as failed:
            decide()
        assert "changed this offer after you opened it" in str(failed.value)

    db.session.refresh(published)
    assert published.title == "Rondleiding door de werkplaats"
    assert published.pending_revision.number == current.number
    assert db.session.scalar(select(OfferRevision.status).where(
        OfferRevision.offer_id == published.id, OfferRevision.number == stale)) == "superseded"
    assert events("offer.revision_approved", published.id) == []
    assert events("offer.revision_rejected", published.id) == []


def test_a_decision_on_a_pending_offer_changed_meanwhile_is_refused(make):
    offer = make.offer(status="pending")
    seen = offer.revision
    change(make, offer, title="Meteen aangepast")

    errors = refused(moderation.approve_offer, actor=make.admin(), offer=offer, seen=seen)
    assert errors == {"": "The company changed this offer after you opened it. Read the new "
                          "version, then decide."}
    assert set(refused(moderation.reject_offer, actor=make.admin(), offer=offer, seen=seen,
                       reason="Te vaag.")) == {""}

    db.session.refresh(offer)
    assert (offer.status, offer.published_at, offer.decision_reason) == ("pending", None, None)
    assert events("offer.published", offer.id) == events("offer.rejected", offer.id) == []


def test_the_type_of_a_published_offer_cannot_change(make, published):
    errors = refused(offers.update_offer, actor=make.owner_of(published.company),
                     offer=published, **make.offer_fields(offer_type="taster_day"))

    assert set(errors) == {"offer_type"}
    db.session.refresh(published)
    assert (published.offer_type, published.revisions) == ("company_visit", [])


def test_a_paused_offer_takes_changes_as_a_published_one_does(make, published):
    lifecycle.pause_offer(actor=make.owner_of(published.company), offer=published)

    change(make, published, title="Nieuwe titel", max_group_size=12)

    db.session.refresh(published)
    assert (published.title, published.max_group_size, published.status) == (
        "Rondleiding door de werkplaats", 12, "paused")
    moderation.approve_offer(actor=make.admin(), offer=published,
                             seen=published.pending_revision.number)
    assert (published.title, published.status) == ("Nieuwe titel", "paused")


def test_the_queue_shows_a_published_offer_with_a_proposed_change(make):
    zeeland = make.moderator(make.technocentrum(provinces=("NL-ZE",)))
    offer = make.offer(make.company(place="Vlissingen"))
    assert offer not in [w.subject for w in moderation.moderation_queue(actor=zeeland)[1]]

    change(make, offer, title="Nieuwe titel")

    [waiting] = moderation.moderation_queue(actor=zeeland)[1]
    assert waiting.subject == offer
    assert waiting.since == offer.pending_revision.created_at  # since the change was proposed


def test_changing_back_to_the_published_text_withdraws_the_proposal(make, published):
    change(make, published, title="Voorstel")
    proposal = published.pending_revision

    change(make, published)  # the published text again

    db.session.refresh(proposal)
    assert proposal.status == "superseded"
    assert published.pending_revision is None


def test_where_a_published_offer_happens_cannot_change(make):
    # Where it happens decides the travel distance and location, which change at once; a
    # proposal to move it would leave the live offer half moved.
    lesson = make.offer(offer_type="guest_lesson", travel_km=40)

    errors = refused(change, make=make, offer=lesson, location_mode="online", travel_km=40)

    assert set(errors) == {"location_mode"}
    db.session.refresh(lesson)
    assert (lesson.location_mode, lesson.travel_km, lesson.revisions) == ("school", 40, [])


def test_nothing_is_proposed_when_only_practical_fields_change(make, published):
    change(make, published, duration_minutes=60)
    change(make, published, duration_minutes=75)

    db.session.refresh(published)
    assert (published.revisions, published.revision, published.duration_minutes) == (
        [], 1, 75)


def test_a_date_far_ahead_is_a_date_like_any_other(make):
    # The placement's period is practical: it moves at once, also for a published offer.
    placement = make.placement()
    later = date(TODAY.year + 1, 9, 1)

    change(make, placement, crebo="25623", capacity=5, starts_on=later,
           ends_on=later + timedelta(days=150), level_ids=[level_by_code("mbo_3").id])

    db.session.refresh(placement)
    assert (placement.capacity, placement.starts_on, placement.revisions) == (5, later, [])
