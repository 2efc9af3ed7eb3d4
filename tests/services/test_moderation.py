"""Moderation: each Technocentrum's queue and its decisions on companies and offers."""
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from portal import security
from portal.audit import AuditEvent
from portal.db import PORTAL_TIMEZONE, local_today
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.moderation import services as moderation
from portal.moderation.audit_log import history_of
from portal.offers.models import Offer
from portal.offers.services import create_offer, submit_offer, update_offer
from portal.organisations.models import Company


@pytest.fixture
def regions(make):
    """Two Technocentra with a moderator each, and a waiting company and offer in each region."""
    zeeland = make.moderator(make.technocentrum(provinces=("NL-ZE",), name="TC Zeeland"))
    flevoland = make.moderator(make.technocentrum(provinces=("NL-FL",), name="TC Flevoland"))
    vlissingen = make.company(place="Vlissingen", approved=False, name="Scheldewerf Vlissingen")
    almere = make.company(place="Almere Stad", approved=False, name="Installatiebedrijf Almere")
    zeeland_offer = make.offer(make.company(place="Middelburg (Zeeland)"), status="pending",
                                  title="Rondleiding op de scheepswerf")
    flevoland_offer = make.offer(make.company(place="Almere Stad"), status="pending",
                              title="Gastles zonnepanelen", offer_type="guest_lesson",
                              location_mode="school", travel_km=30)
    return SimpleNamespace(zeeland=zeeland, flevoland=flevoland, vlissingen=vlissingen,
                           almere=almere, zeeland_offer=zeeland_offer,
                           flevoland_offer=flevoland_offer)


def pending_offer_of(make, company):
    """An offer submitted by a company that may not have been approved yet: a company visit
    with the one slot it needs before it can be submitted."""
    owner = make.owner_of(company)
    offer = create_offer(actor=owner, company=company,
                         **make.offer_fields(title="Meeloopdag in de elektrowerkplaats"))
    make.slot(offer)
    return submit_offer(actor=owner, offer=offer)


def queue(actor):
    companies, offers = moderation.moderation_queue(actor=actor)
    return [c.subject.name for c in companies], [o.subject.title for o in offers]


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def event_count():
    return db.session.scalar(select(func.count(AuditEvent.id)))


def test_a_moderator_sees_only_their_own_region(regions):
    assert queue(regions.zeeland) == (["Scheldewerf Vlissingen"], ["Rondleiding op de scheepswerf"])
    assert queue(regions.flevoland) == (["Installatiebedrijf Almere"], ["Gastles zonnepanelen"])


def test_the_admin_sees_every_region(make, regions):
    companies, offers = queue(make.admin())

    assert companies == ["Scheldewerf Vlissingen", "Installatiebedrijf Almere"]
    assert offers == ["Rondleiding op de scheepswerf", "Gastles zonnepanelen"]


def test_decided_items_leave_the_queue(make, regions):
    moderation.approve_company(actor=regions.zeeland, company=regions.vlissingen)
    moderation.reject_offer(actor=regions.zeeland, offer=regions.zeeland_offer,
                            reason="Beschrijf de veiligheidsregels.")

    assert queue(regions.zeeland) == ([], [])


@pytest.mark.parametrize("role", [security.TEACHER, security.COMPANY_MEMBER])
def test_others_have_no_queue(make, role):
    with pytest.raises(NotAllowed):
        moderation.moderation_queue(actor=make.user(role))


def test_a_moderator_without_a_technocentrum_has_no_queue(make):
    with pytest.raises(NotAllowed):
        moderation.moderation_queue(actor=make.user(security.MODERATOR))


def test_approve_a_company(regions):
    company = moderation.approve_company(actor=regions.zeeland, company=regions.vlissingen)

    db.session.refresh(company)
    assert company.status == "approved"
    assert company.decided_at is not None
    assert company.decision_reason is None
    event = events("company.approved")[-1]
    assert (event.actor_id, event.subject_id) == (regions.zeeland.id, company.id)


def test_reject_a_company_with_a_reason_the_company_reads(regions):
    moderation.reject_company(actor=regions.flevoland, company=regions.almere,
                              reason="  KvK-nummer hoort bij een ander bedrijf.  ")

    db.session.refresh(regions.almere)
    assert regions.almere.status == "rejected"
    assert regions.almere.decision_reason == "KvK-nummer hoort bij een ander bedrijf."
    [event] = events("company.rejected")
    assert event.actor_id == regions.flevoland.id
    assert event.details == {"reason": "KvK-nummer hoort bij een ander bedrijf."}


@pytest.mark.parametrize("reason", ["", "   ", None, "x" * 2001])
def test_rejecting_needs_a_reason(regions, reason):
    with pytest.raises(ValidationFailed) as failed:
        moderation.reject_company(actor=regions.zeeland, company=regions.vlissingen,
                                  reason=reason)
    assert set(failed.value.errors) == {"reason"}

    with pytest.raises(ValidationFailed) as failed:
        moderation.reject_offer(actor=regions.zeeland, offer=regions.zeeland_offer,
                                reason=reason)
    assert set(failed.value.errors) == {"reason"}

    db.session.refresh(regions.vlissingen)
    db.session.refresh(regions.zeeland_offer)
    assert (regions.vlissingen.status, regions.zeeland_offer.status) == ("pending", "pending")


def test_approve_and_reject_an_offer(regions):
    published = moderation.approve_offer(actor=regions.zeeland, offer=regions.zeeland_offer)
    rejected = moderation.reject_offer(actor=regions.flevoland, offer=regions.flevoland_offer,
                                       reason="Geef aan tot hoe ver u reist.")

    db.session.refresh(published)
    db.session.refresh(rejected)
    assert published.status == "published"
    assert published.published_at is not None
    assert (rejected.status, rejected.published_at) == ("rejected", None)
    assert rejected.decision_reason == "Geef aan tot hoe ver u reist."
    approved_event = events("offer.published")[-1]
    assert (approved_event.actor_id, approved_event.subject_id) == (regions.zeeland.id,
                                                                    published.id)
    [rejected_event] = events("offer.rejected")
    assert (rejected_event.actor_id, rejected_event.subject_id) == (regions.flevoland.id,
                                                                    rejected.id)


def test_a_rejected_offer_can_be_resubmitted(make, regions):
    offer = regions.flevoland_offer
    moderation.reject_offer(actor=regions.flevoland, offer=offer, reason="Te vaag.")

    submit_offer(actor=make.owner_of(offer.company), offer=offer)

    assert (offer.status, offer.decision_reason) == ("pending", None)
    assert queue(regions.flevoland)[1] == ["Gastles zonnepanelen"]


def test_another_regions_moderator_cannot_decide(regions):
    before = event_count()
    attempts = [
        lambda: moderation.approve_company(actor=regions.zeeland, company=regions.almere),
        lambda: moderation.reject_company(actor=regions.zeeland, company=regions.almere,
                                          reason="Niet in Zeeland."),
        lambda: moderation.approve_offer(actor=regions.flevoland,
                                         offer=regions.zeeland_offer),
        lambda: moderation.reject_offer(actor=regions.flevoland, offer=regions.zeeland_offer,
                                        reason="Niet in Flevoland."),
    ]
    for attempt in attempts:
        with pytest.raises(NotAllowed):
            attempt()

    for item in (regions.almere, regions.zeeland_offer):
        db.session.refresh(item)
        assert (item.status, item.decision_reason) == ("pending", None)
    assert event_count() == before


def test_another_regions_moderator_cannot_approve_an_offer_of_a_pending_company(make, regions):
    offer = pending_offer_of(make, regions.almere)

    with pytest.raises(NotAllowed):
        moderation.approve_offer(actor=regions.zeeland, offer=offer)


def test_an_offer_of_a_company_not_yet_approved_cannot_be_approved(make, regions):
    offer = pending_offer_of(make, regions.vlissingen)

    with pytest.raises(ValidationFailed) as failed:
        moderation.approve_offer(actor=regions.zeeland, offer=offer)

    assert set(failed.value.errors) == {""}
    db.session.refresh(offer)
    assert (offer.status, offer.published_at) == ("pending", None)
    assert [e for e in events("offer.published") if e.subject_id == offer.id] == []


def test_deciding_twice_is_refused(regions):
    moderation.approve_company(actor=regions.zeeland, company=regions.vlissingen)
    moderation.approve_offer(actor=regions.zeeland, offer=regions.zeeland_offer)

    for attempt in (
        lambda: moderation.approve_company(actor=regions.zeeland, company=regions.vlissingen),
        lambda: moderation.reject_company(actor=regions.zeeland, company=regions.vlissingen,
                                          reason="Toch niet."),
        lambda: moderation.approve_offer(actor=regions.zeeland, offer=regions.zeeland_offer),
        lambda: moderation.reject_offer(actor=regions.zeeland, offer=regions.zeeland_offer,
                                        reason="Toch niet."),
    ):
        with pytest.raises(ValidationFailed) as failed:
            attempt()
        assert set(failed.value.errors) == {""}

    assert regions.vlissingen.status == "approved"
    assert regions.zeeland_offer.status == "published"
    assert len([e for e in events("company.approved")
                if e.subject_id == regions.vlissingen.id]) == 1


def test_a_draft_offer_cannot_be_approved(make):
    offer = make.offer(status="draft")

    with pytest.raises(ValidationFailed):
        moderation.approve_offer(actor=make.admin(), offer=offer)

    assert offer.status == "draft"


# --- proposed changes to published offers ---------------------------------------------------


def propose(make, offer, **changes):
    from portal.offers.services import update_offer

    return update_offer(actor=make.owner_of(offer.company), offer=offer,
                        **make.offer_fields(**changes))


def test_revision_changes_name_the_fields_with_old_and_new_values(make):
    from portal.taxonomy.services import sector_by_code

    offer = make.offer(title="Rondleiding")
    propose(make, offer, title="Rondleiding met lassen",
            sector_ids=[sector_by_code("metaal").id, sector_by_code("ict").id],
            max_group_size=12)  # practical: applied at once, not a change to judge

    changes = moderation.revision_changes(offer, offer.pending_revision)

    assert sorted(changes) == [
        ("sector_ids", ["Metaal"], ["Metaal", "ICT"]),
        ("title", "Rondleiding", "Rondleiding met lassen"),
    ]


def test_another_regions_moderator_cannot_decide_a_proposed_change(make, regions):
    offer = make.offer(make.company(place="Vlissingen"))
    propose(make, offer, title="Nieuwe titel")
    revision = offer.pending_revision

    with pytest.raises(NotAllowed):
        moderation.approve_offer(actor=regions.flevoland, offer=offer, seen=revision.number)
    with pytest.raises(NotAllowed):
        moderation.reject_offer(actor=regions.flevoland, offer=offer, seen=revision.number,
                                reason="Niet mijn regio.")

    db.session.refresh(revision)
    assert (revision.status, offer.title) == ("pending", "Rondleiding door de werkplaats")
    moderation.approve_offer(actor=regions.zeeland, offer=offer, seen=revision.number)
    assert offer.title == "Nieuwe titel"


def _ago(days, hour=10):
    """A moment `days` local days before today."""
    day = local_today() - timedelta(days=days)
    return datetime.combine(day, time(hour), PORTAL_TIMEZONE).astimezone(UTC)


def test_the_queue_is_oldest_first_and_says_since_when_each_waits(make, regions):
    older = make.offer(make.company(place="Goes"), status="pending", title="Lasdag")
    db.session.execute(update(Offer).where(Offer.id == older.id).values(submitted_at=_ago(9)))
    db.session.execute(update(Offer).where(Offer.id == regions.zeeland_offer.id)
                       .values(submitted_at=_ago(2, hour=0)))
    db.session.execute(update(Company).where(Company.id == regions.vlissingen.id)
                       .values(created_at=_ago(4)))
    db.session.commit()

    companies, offers = moderation.moderation_queue(actor=regions.zeeland)

    assert [(o.subject.title, o.days) for o in offers] == [
        ("Lasdag", 9), ("Rondleiding op de scheepswerf", 2)]
    assert offers[0].since == _ago(9)
    assert [(c.subject.name, c.days, c.offers) for c in companies] == [
        ("Scheldewerf Vlissingen", 4, [])]


def test_a_pending_companys_offers_wait_under_it(make, regions):
    first = pending_offer_of(make, regions.vlissingen)
    second = pending_offer_of(make, regions.vlissingen)
    db.session.execute(update(Offer).where(Offer.id == first.id).values(submitted_at=_ago(1)))
    db.session.commit()

    companies, offers = moderation.moderation_queue(actor=regions.zeeland)

    [company] = companies
    assert company.subject == regions.vlissingen
    assert [o.subject for o in company.offers] == [first, second]  # oldest first
    assert [o.subject for o in offers] == [regions.zeeland_offer]  # not among the others
    # another region's moderator sees neither
    assert moderation.moderation_queue(actor=regions.flevoland)[0][0].subject == regions.almere
    assert [c.offers for c in moderation.moderation_queue(actor=regions.flevoland)[0]] == [[]]

    moderation.approve_company(actor=regions.zeeland, company=regions.vlissingen)
    companies, offers = moderation.moderation_queue(actor=regions.zeeland)
    assert companies == []
    assert [o.subject for o in offers] == [first, regions.zeeland_offer, second]


def _titles(filters, actor):
    companies, offers = moderation.moderation_queue(actor=actor, filters=filters)
    return ([(c.subject.name, [o.subject.title for o in c.offers]) for c in companies],
            [o.subject.title for o in offers])


def test_the_queue_filtered_by_kind_type_and_place(make, regions):
    pending_offer_of(make, regions.vlissingen)  # a company visit, under its company
    lesson = make.offer(make.company(place="Goes"), status="pending", title="Gastles lassen",
                        offer_type="guest_lesson", location_mode="school", travel_km=30)
    changed = make.offer(make.company(place="Vlissingen"), title="Open werkplaats")
    update_offer(actor=make.owner_of(changed.company), offer=changed,
                 **make.offer_fields(title="Open werkplaats, vernieuwd"))
    zeeland, filters = regions.zeeland, moderation.QueueFilters

    everything = _titles(filters(), zeeland)
    assert everything == ([("Scheldewerf Vlissingen", ["Meeloopdag in de elektrowerkplaats"])],
                          ["Rondleiding op de scheepswerf", "Gastles lassen", "Open werkplaats"])
    assert _titles(filters(kind="companies"), zeeland) == (everything[0], [])
    assert _titles(filters(kind="offers"), zeeland) == (
        [], ["Rondleiding op de scheepswerf", "Gastles lassen"])
    assert _titles(filters(kind="changes"), zeeland) == ([], ["Open werkplaats"])
    assert _titles(filters(offer_type="guest_lesson"), zeeland) == ([], ["Gastles lassen"])
    assert _titles(filters(offer_type="company_visit"), zeeland) == (
        everything[0], ["Rondleiding op de scheepswerf", "Open werkplaats"])
    # the start of a place's name, folded: the company's place, an offer's own place
    assert _titles(filters(place="vlis"), zeeland) == (everything[0], ["Open werkplaats"])
    assert _titles(filters(place="GOES"), zeeland) == ([], ["Gastles lassen"])
    assert _titles(filters(place="Almere"), zeeland) == ([], [])  # another region's stays out
    assert lesson.place.name == "Goes"


def test_the_history_of_a_company_and_an_offer_oldest_first(make, regions):
    offer = pending_offer_of(make, regions.vlissingen)
    moderation.reject_company(actor=regions.zeeland, company=regions.vlissingen,
                              reason="Het KvK-nummer klopt niet.")

    history = history_of(actor=regions.zeeland, subject=regions.vlissingen)
    assert [e.action for e in history] == ["company.registered", "company.rejected"]
    assert history[1].details["reason"] == "Het KvK-nummer klopt niet."
    assert [e.action for e in history_of(actor=make.admin(), subject=offer)] == [
        "offer.created", "slot.added", "offer.submitted"]
    with pytest.raises(NotAllowed):  # another region's moderator
        history_of(actor=regions.flevoland, subject=offer)
