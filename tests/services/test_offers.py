"""Offers: a company creates drafts, edits them and submits them; who may see which."""
from datetime import date

import pytest
from flask_babel import force_locale
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from portal import security
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.moderation import services as moderation
from portal.offers import services as offers
from portal.offers.models import Offer
from portal.organisations.accreditation import set_sbb_number, verify_sbb_number
from portal.taxonomy.services import level_by_code

TYPES_AND_MODES = [
    ("guest_lesson", "school", "Gastles over duurzame energie"),
    ("company_visit", "company", "Bedrijfsbezoek aan de scheepswerf"),
    ("taster_day", "company", "Snuffelstage in de lasserij"),
    ("internship", "company", "BOL-stage monteur werktuigbouw"),
    ("apprenticeship", "company", "BBL-leerbaan elektromonteur niveau 3"),
    ("teacher_placement", "company", "Docentstage procesautomatisering"),
    ("assignment", "online", "Praktijkopdracht: ontwerp een slimme kas"),
]


def offer_count():
    return db.session.scalar(select(func.count(Offer.id)))


def create(make, company, **overrides):
    return offers.create_offer(actor=make.owner_of(company), company=company,
                               **make.offer_fields(**overrides))


def accredit(make, company, number="100200300"):
    """The company states its SBB leerbedrijf-ID and the administrator verifies it."""
    set_sbb_number(actor=make.owner_of(company), company=company, number=number)
    return verify_sbb_number(actor=make.admin(), company=company, seen=number)


def refused(make, company, **overrides):
    """Create an offer that must fail validation; returns the error keys."""
    before = offer_count()
    with pytest.raises(ValidationFailed) as failed:
        create(make, company, **overrides)
    assert offer_count() == before
    return set(failed.value.errors)


@pytest.mark.parametrize("offer_type, mode, title", TYPES_AND_MODES)
def test_create_an_offer_of_each_type(make, offer_type, mode, title):
    company = make.company(place="Vlissingen")
    if offer_type == "apprenticeship":
        accredit(make, company)  # only an erkend leerbedrijf offers BBL places

    offer = create(make, company, offer_type=offer_type, location_mode=mode, title=title)

    assert offer.id is not None
    assert (offer.offer_type, offer.location_mode, offer.title) == (offer_type, mode, title)
    assert offer.status == "draft"
    assert offer.company_id == company.id
    assert offer.place.name == "Vlissingen"
    assert offer.created_by_id == make.owner_of(company).id
    assert [s.code for s in offer.sectors] == ["metaal"]
    assert [lvl.code for lvl in offer.levels] == ["vmbo_kb"]


@pytest.mark.parametrize("offer_type, mode", [("guest_lesson", "company"),
                                              ("company_visit", "school"),
                                              ("internship", "online")])
def test_a_location_mode_that_does_not_fit_the_type_is_refused(make, offer_type, mode):
    company = make.company()

    assert refused(make, company, offer_type=offer_type, location_mode=mode) == {"location_mode"}


@pytest.mark.parametrize("overrides, key", [
    ({"sector_ids": []}, "sector_ids"),
    ({"level_ids": []}, "level_ids"),
    ({"offer_type": "internship", "capacity": 0}, "capacity"),
    ({"offer_type": "internship", "capacity": None}, "capacity"),
    ({"max_group_size": 0}, "max_group_size"),
    ({"max_group_size": None}, "max_group_size"),
    ({"title": "   "}, "title"),
    ({"offer_type": "kermis"}, "offer_type"),
    ({"offer_type": "internship", "starts_on": date(2030, 3, 1), "ends_on": date(2030, 2, 28)},
     "ends_on"),
])
def test_invalid_fields_are_refused_by_name(make, overrides, key):
    assert refused(make, make.company(), **overrides) == {key}


def test_all_errors_come_together(make):
    keys = refused(make, make.company(), offer_type="internship", sector_ids=[], level_ids=[],
                   capacity=0, starts_on=date(2030, 3, 1), ends_on=date(2030, 1, 1))

    assert keys == {"sector_ids", "level_ids", "capacity", "ends_on"}


def test_a_company_visit_has_no_places_of_its_own(make):
    # Its room lies on its slots, in pupils; a capacity sent along is dropped.
    offer = create(make, make.company(), capacity=12)

    assert (offer.capacity, offer.has_slots) == (None, True)


@pytest.mark.parametrize("offer_type, mode, kept", [("guest_lesson", "school", 25),
                                                    ("guest_lesson", "online", None),
                                                    ("company_visit", "company", None)])
def test_travel_km_is_kept_only_for_activities_at_the_school(make, offer_type, mode, kept):
    offer = create(make, make.company(), offer_type=offer_type, location_mode=mode, travel_km=25)

    assert offer.travel_km == kept


def test_another_companys_member_cannot_create_update_or_submit(make):
    company = make.company()
    offer = create(make, company)
    stranger = make.owner_of(make.company())
    before = offer_count()

    with pytest.raises(NotAllowed):
        offers.create_offer(actor=stranger, company=company, **make.offer_fields())
    with pytest.raises(NotAllowed):
        offers.update_offer(actor=stranger, offer=offer, **make.offer_fields(title="Gekaapt"))
    with pytest.raises(NotAllowed):
        offers.submit_offer(actor=stranger, offer=offer)

    db.session.refresh(offer)
    assert offer_count() == before
    assert (offer.title, offer.status) == ("Rondleiding door de werkplaats", "draft")


def test_a_teacher_cannot_create_an_offer(make):
    with pytest.raises(NotAllowed):
        offers.create_offer(actor=make.user(security.TEACHER), company=make.company(),
                            **make.offer_fields())


def test_update_a_draft(make):
    company = make.company()
    offer = create(make, company)

    offers.update_offer(actor=make.owner_of(company), offer=offer, **make.offer_fields(
        title="Rondleiding CNC-draaierij", max_group_size=8,
        level_ids=[level_by_code("mbo_2").id, level_by_code("mbo_3").id]))

    db.session.refresh(offer)
    assert (offer.title, offer.max_group_size) == ("Rondleiding CNC-draaierij", 8)
    assert [lvl.code for lvl in offer.levels] == ["mbo_2", "mbo_3"]
    assert (offer.status, offer.revision) == ("draft", 2)


def test_submit_moves_a_draft_to_pending(make):
    company = make.company()
    offer = make.offer(company, status="draft")  # a company visit with one slot
    assert offer.submitted_at is None

    offers.submit_offer(actor=make.owner_of(company), offer=offer)

    db.session.refresh(offer)
    assert offer.status == "pending"
    assert offer.submitted_at is not None


def test_a_pending_offer_cannot_be_submitted_again(make):
    offer = make.offer(status="pending")
    submitted_at = offer.submitted_at

    with pytest.raises(ValidationFailed) as failed:
        offers.submit_offer(actor=make.owner_of(offer.company), offer=offer)

    assert set(failed.value.errors) == {""}
    db.session.refresh(offer)
    assert (offer.status, offer.submitted_at) == ("pending", submitted_at)


def test_a_group_activity_without_a_slot_cannot_be_submitted(make):
    company = make.company()
    offer = create(make, company)

    with pytest.raises(ValidationFailed) as failed:
        offers.submit_offer(actor=make.owner_of(company), offer=offer)

    assert set(failed.value.errors) == {""}
    db.session.refresh(offer)
    assert (offer.status, offer.submitted_at) == ("draft", None)


def test_a_placement_is_submitted_without_slots(make):
    company = make.company()
    offer = create(make, company, offer_type="internship")

    offers.submit_offer(actor=make.owner_of(company), offer=offer)

    assert (offer.status, offer.slots) == ("pending", [])


def test_a_published_offer_keeps_its_text_until_the_moderator_approves_a_change(make):
    offer = make.offer(status="published")

    offers.update_offer(actor=make.owner_of(offer.company), offer=offer,
                        **make.offer_fields(title="Stiekem aangepast"))

    db.session.refresh(offer)
    assert (offer.title, offer.status) == ("Rondleiding door de werkplaats", "published")
    assert offer.pending_revision.content["title"] == "Stiekem aangepast"


@pytest.mark.parametrize("status", ["withdrawn", "archived"])
def test_a_withdrawn_or_archived_offer_cannot_be_updated(make, status):
    offer = make.offer(status="published")
    offer.status = status  # as withdraw_offer or archive_ended_offers leave it
    db.session.commit()
    revision = offer.revision

    with pytest.raises(ValidationFailed) as failed:
        offers.update_offer(actor=make.owner_of(offer.company), offer=offer,
                            **make.offer_fields(title="Stiekem aangepast", max_group_size=5))

    assert set(failed.value.errors) == {""}
    db.session.refresh(offer)
    assert (offer.title, offer.max_group_size, offer.status, offer.revision) == (
        "Rondleiding door de werkplaats", 30, status, revision)
    assert offer.revisions == []


def test_capacity_cannot_drop_below_the_places_taken(make):
    company = make.company()
    offer = create(make, company, offer_type="internship", capacity=3)
    offer.places_taken = 2  # as if two bookings were accepted before it went back to draft
    db.session.commit()

    with pytest.raises(ValidationFailed) as failed:
        offers.update_offer(actor=make.owner_of(company), offer=offer,
                            **make.offer_fields(offer_type="internship", capacity=1))

    assert set(failed.value.errors) == {"capacity"}
    db.session.refresh(offer)
    assert offer.capacity == 3


# --- who sees what -------------------------------------------------------------------------


@pytest.fixture
def draft_in_zeeland(make):
    return make.offer(make.company(place="Vlissingen"), status="draft")


def test_a_draft_is_visible_to_its_company_only(make, draft_in_zeeland):
    member = make.owner_of(draft_in_zeeland.company)

    assert offers.get_offer_for(member, draft_in_zeeland.id) is draft_in_zeeland


def test_a_submitted_offer_is_visible_to_its_regions_moderator(make, draft_in_zeeland):
    zeeland = make.moderator(make.technocentrum(provinces=("NL-ZE",)))
    offers.submit_offer(actor=make.owner_of(draft_in_zeeland.company), offer=draft_in_zeeland)

    assert offers.get_offer_for(zeeland, draft_in_zeeland.id) is draft_in_zeeland
    assert offers.get_offer_for(make.admin(), draft_in_zeeland.id) is draft_in_zeeland


@pytest.mark.parametrize("who", ["other company", "own region's moderator", "administrator",
                                 "other moderator", "teacher", "visitor"])
def test_a_draft_is_hidden_from_everyone_else(make, draft_in_zeeland, who):
    actor = {
        "other company": lambda: make.owner_of(make.company(place="Goes")),
        "own region's moderator": lambda: make.moderator(make.technocentrum(("NL-ZE",))),
        "administrator": make.admin,
        "other moderator": lambda: make.moderator(make.technocentrum(provinces=("NL-FL",))),
        "teacher": lambda: make.owner_of(make.school()),
        "visitor": AnonymousUserMixin,
    }[who]()

    with pytest.raises(NotFound):
        offers.get_offer_for(actor, draft_in_zeeland.id)


def test_a_published_offer_is_visible_to_everyone(make):
    offer = make.offer(status="published")

    for actor in (AnonymousUserMixin(), make.user(security.TEACHER),
                  make.owner_of(make.company()),
                  make.moderator(make.technocentrum(provinces=("NL-FL",)))):
        assert offers.get_offer_for(actor, offer.id) is offer


def test_an_unknown_offer_is_not_found(make):
    with pytest.raises(NotFound):
        offers.get_offer_for(make.admin(), 987654321)


def test_changing_a_pending_offer_keeps_it_pending_with_a_new_revision_number(make):
    offer = make.offer(status="pending")
    seen = offer.revision  # what a moderator's open form holds
    submitted_at = offer.submitted_at

    offers.update_offer(actor=make.owner_of(offer.company), offer=offer,
                        **make.offer_fields(title="Rondleiding, nu met lasdemonstratie"))

    db.session.refresh(offer)
    assert (offer.status, offer.revision) == ("pending", seen + 1)
    assert offer.submitted_at == submitted_at
    assert offer.title == "Rondleiding, nu met lasdemonstratie"
    assert offer.revisions == []  # before publication a change applies at once

    with force_locale("en"), pytest.raises(ValidationFailed) as failed:
        moderation.approve_offer(actor=make.admin(), offer=offer, seen=seen)
    assert "changed this offer after you opened it" in failed.value.errors[""]
    db.session.refresh(offer)
    assert (offer.status, offer.published_at) == ("pending", None)

    moderation.approve_offer(actor=make.admin(), offer=offer, seen=seen + 1)
    assert offer.status == "published"


def test_a_rejected_company_cannot_submit_offers(make):
    from portal.moderation.services import reject_company

    company = make.company(approved=False)
    reject_company(actor=make.admin(), company=company, reason="Geen technisch bedrijf.")
    draft = make.offer(company, status="draft")

    with pytest.raises(ValidationFailed):
        offers.submit_offer(actor=make.owner_of(company), offer=draft)
    assert draft.status == "draft"
