"""Searching offers: filters, ranking with reasons, hard rules, and a fixed number of queries.

Only offers with room are found: a group activity with a slot from today on that has room for
more pupils, a placement with free places in a period that has not ended."""
from datetime import time, timedelta

import pytest
from sqlalchemy import delete, update

from portal.bookings import services as bookings
from portal.db import local_today
from portal.extensions import db
from portal.geo.models import Place
from portal.matching import catalogue
from portal.matching.rules import BUSY_FROM, BUSY_FULL, Reason
from portal.matching.search import MAX_STATEMENTS, SearchFilters, find_offers
from portal.moderation import services as moderation
from portal.offers.models import Offer, Slot
from portal.offers.slots import open_slots_by_offer
from portal.organisations.models import Company, School
from portal.taxonomy.services import level_by_code, sector_by_code


@pytest.fixture
def school(make):
    """A VO school in Middelburg (Zeeland) without technical profiles of its own."""
    return make.school(place="Middelburg (Zeeland)", stage="vo")


def offer_at(make, place, sectors=("metaal",), **overrides):
    company = make.company(place=place, sectors=sectors)
    fields = {"sector_ids": [sector_by_code(code).id for code in sectors]}
    fields.update(overrides)
    return make.offer(company, **fields)


def search(school=None, **filters):
    return find_offers(SearchFilters(**filters), school=school)


def ids(result):
    return [offer.id for _ranked, offer in result.hits]


def codes(ranked):
    return {(reason.rule, reason.code) for reason in ranked.reasons}


def sector_id(code):
    return sector_by_code(code).id


def test_nearer_offers_rank_higher_and_say_why(make, school):
    far = offer_at(make, "Groningen")
    same_province = offer_at(make, "Vlissingen")
    same_place = offer_at(make, "Middelburg (Zeeland)")

    result = search(school)

    assert ids(result) == [same_place.id, same_province.id, far.id]
    assert result.total == 3
    assert result.origin.name == "Middelburg"
    (place_hit, _), (province_hit, _), (far_hit, _) = result.hits
    assert place_hit.distance_km == pytest.approx(0.0, abs=0.01)
    assert 3 < province_hit.distance_km < 15
    assert far_hit.distance_km > 200
    assert place_hit.score > province_hit.score > far_hit.score
    assert all(isinstance(r, Reason) for hit, _ in result.hits for r in hit.reasons)
    assert ("region", "same_place") in codes(place_hit)
    assert ("region", "same_province") in codes(province_hit)
    assert not {rule for rule, _code in codes(far_hit)} & {"region"}
    assert ("distance", "km") in codes(far_hit)


def test_filter_by_offer_type(make, school):
    visit = offer_at(make, "Vlissingen")
    lesson = offer_at(make, "Vlissingen", offer_type="guest_lesson", location_mode="online",
                      title="Online gastles over windenergie")

    assert ids(search(school, offer_type="guest_lesson")) == [lesson.id]
    assert ids(search(school, offer_type="company_visit")) == [visit.id]
    assert ids(search(school, offer_type="internship")) == []


def test_filter_by_level(make, school):
    offer_at(make, "Vlissingen", level_ids=[level_by_code("vmbo_kb").id])
    mbo = offer_at(make, "Goes", level_ids=[level_by_code("mbo_3").id, level_by_code("mbo_4").id],
                   offer_type="internship", title="BOL-stage constructiebankwerker")

    result = search(school, level_id=level_by_code("mbo_3").id)

    assert ids(result) == [mbo.id]
    assert ("level", "fits") in codes(result.hits[0][0])


def test_a_sector_chamber_includes_its_sectors(make, school):
    metaal = offer_at(make, "Vlissingen", sectors=("metaal",))
    elektro = offer_at(make, "Vlissingen", sectors=("elektrotechniek",))
    offer_at(make, "Vlissingen", sectors=("ict",), title="Rondleiding datacenter")

    result = search(school, sector_id=sector_id("techniek"))

    assert sorted(ids(result)) == sorted([metaal.id, elektro.id])


def test_an_exact_sector_ranks_above_its_chamber(make, school):
    elektro = offer_at(make, "Vlissingen", sectors=("elektrotechniek",))
    metaal = offer_at(make, "Vlissingen", sectors=("metaal",))
    offer_at(make, "Vlissingen", sectors=("ict",), title="Rondleiding datacenter")

    result = search(school, sector_id=sector_id("metaal"))

    assert ids(result) == [metaal.id, elektro.id]
    assert ("sector", "exact") in codes(result.hits[0][0])
    assert ("sector", "chamber") in codes(result.hits[1][0])


def test_max_km_drops_far_visits_but_keeps_online_lessons(make, school):
    far_visit = offer_at(make, "Groningen")
    online = offer_at(make, "Groningen", offer_type="guest_lesson", location_mode="online",
                      title="Online gastles robotica")
    near_visit = offer_at(make, "Vlissingen")

    assert sorted(ids(search(school, max_km=50))) == sorted([online.id, near_visit.id])
    assert sorted(ids(search(school))) == sorted([far_visit.id, online.id, near_visit.id])
    online_hit = next(hit for hit, offer in search(school, max_km=50).hits
                      if offer.id == online.id)
    assert online_hit.distance_km is None
    assert ("distance", "online") in codes(online_hit)


def test_a_lesson_at_school_needs_the_school_within_the_companys_travel_km(make, school):
    goes = offer_at(make, "Goes", offer_type="guest_lesson", location_mode="school",
                    travel_km=30, title="Gastles lassen in de klas")
    groningen = offer_at(make, "Groningen", offer_type="guest_lesson", location_mode="school",
                         travel_km=30, title="Gastles lassen in de klas")
    groningen_school = make.school(place="Groningen")

    assert ids(search(school)) == [goes.id]
    assert ids(search(groningen_school)) == [groningen.id]
    assert ("distance", "at_school") in codes(search(school).hits[0][0])


def test_a_lesson_at_school_without_travel_km_stays_within_the_teachers_radius(make, school):
    far_lesson = offer_at(make, "Groningen", offer_type="guest_lesson", location_mode="school",
                          travel_km=30, title="Gastles zonne-energie")
    # Published before the portal asked how far the company travels: the column may be empty.
    db.session.execute(update(Offer).where(Offer.id == far_lesson.id).values(travel_km=None))
    db.session.commit()
    near_visit = offer_at(make, "Vlissingen")

    assert ids(search(school, max_km=50)) == [near_visit.id]
    assert far_lesson.id in ids(search(school))


def test_text_forgives_typos(make, school):
    lassen = offer_at(make, "Vlissingen", title="Workshop lassen voor beginners")
    offer_at(make, "Vlissingen", sectors=("ict",), title="Gastles programmeren met Python",
             description="Leerlingen schrijven hun eerste programma.")

    result = search(school, text="lasen")

    assert ids(result) == [lassen.id]
    assert ("text", "match") in codes(result.hits[0][0])


def test_an_offer_whose_only_slot_is_full_never_appears(make, school):
    full = offer_at(make, "Vlissingen", slot_capacity=24)
    make.booking(full, group_size=24)
    bookings.accept_booking(actor=make.owner_of(full.company), booking=full.bookings[0])
    open_offer = offer_at(make, "Vlissingen", slot_capacity=24)
    make.booking(open_offer, group_size=23)  # a request takes no room until it is accepted
    bookings.accept_booking(actor=make.owner_of(open_offer.company),
                            booking=open_offer.bookings[0])  # one pupil's room is left

    assert ids(search(school)) == [open_offer.id]
    assert ids(search()) == [open_offer.id]


def test_an_offer_with_a_later_slot_with_room_still_appears(make, school):
    offer = offer_at(make, "Vlissingen", slot_capacity=24)
    make.slot(offer, capacity=30, days=21)
    make.booking(offer, group_size=24)
    bookings.accept_booking(actor=make.owner_of(offer.company), booking=offer.bookings[0])

    assert ids(search(school)) == [offer.id]


def test_an_offer_whose_only_slot_has_passed_never_appears(make, school):
    passed = offer_at(make, "Vlissingen")
    db.session.execute(update(Slot).where(Slot.offer_id == passed.id)
                       .values(day=local_today() - timedelta(days=1)))  # time has passed
    db.session.commit()
    today = offer_at(make, "Vlissingen")
    db.session.execute(update(Slot).where(Slot.offer_id == today.id).values(day=local_today()))
    db.session.commit()

    assert ids(search(school)) == [today.id]


def test_an_offer_without_slots_never_appears(make, school):
    company = make.company(place="Vlissingen")
    offer = make.offer(company)
    db.session.execute(delete(Slot).where(Slot.offer_id == offer.id))
    db.session.commit()

    assert ids(search(school)) == []


def test_a_placement_without_free_places_never_appears(make, school):
    full = make.placement(make.company(place="Vlissingen"), places=2)
    make.booking(full, group_size=2)
    bookings.accept_booking(actor=make.owner_of(full.company), booking=full.bookings[0])
    open_one = make.placement(make.company(place="Vlissingen"), places=2)
    make.booking(open_one, group_size=1)
    bookings.accept_booking(actor=make.owner_of(open_one.company),
                            booking=open_one.bookings[0])

    assert ids(search(school)) == [open_one.id]


def test_a_placement_whose_period_has_ended_never_appears(make, school):
    ended = make.placement(make.company(place="Vlissingen"),
                           starts_on=local_today() - timedelta(days=60),
                           ends_on=local_today() - timedelta(days=1))
    last_day = make.placement(make.company(place="Vlissingen"),
                              starts_on=local_today() - timedelta(days=60),
                              ends_on=local_today())
    open_ended = make.offer(make.company(place="Vlissingen"), offer_type="teacher_placement")
    assert ended.status == "published" and open_ended.ends_on is None

    assert sorted(ids(search(school))) == sorted([last_day.id, open_ended.id])


def test_unpublished_offers_never_appear(make, school):
    company = make.company(place="Vlissingen")
    make.offer(company, status="draft")
    make.offer(company, status="pending")
    rejected = make.offer(company, status="pending")
    moderation.reject_offer(actor=make.admin(), offer=rejected, reason="Onvolledig.")
    published = make.offer(company)

    assert ids(search(school)) == [published.id]
    assert ids(search(school, text="werkplaats")) == [published.id]


def test_a_visitor_gets_results_without_distance(make):
    near = offer_at(make, "Vlissingen")
    far = offer_at(make, "Groningen")

    result = search(None, max_km=10)

    assert sorted(ids(result)) == sorted([near.id, far.id])
    assert result.origin is None
    assert [hit.distance_km for hit, _ in result.hits] == [None, None]
    assert all(rule != "region" for hit, _ in result.hits for rule, _code in codes(hit))


def _counted_search(count_queries, school_id):
    filters = dict(sector_id=sector_id("techniek"), level_id=level_by_code("vmbo_kb").id,
                   text="werkplaats")
    db.session.expunge_all()  # nothing may come from the identity map
    school = db.session.get(School, school_id)
    with count_queries() as statements:
        result = search(school, **filters)
    return result, statements


def test_a_search_runs_a_bounded_number_of_queries_whatever_the_number_of_offers(
        make, school, count_queries):
    companies = [make.company(place=place, sectors=("metaal", "elektrotechniek"))
                 for place in ("Vlissingen", "Goes", "Terneuzen", "Middelburg (Zeeland)")]
    company_ids = [company.id for company in companies]
    for company in companies[:3]:
        for _ in range(BUSY_FROM):
            make.booking(make.offer(company, title="Rondleiding werkplaats"))
    _counted_search(count_queries, school.id)  # the places and words kept per process
    few, few_statements = _counted_search(count_queries, school.id)

    for n in range(40):
        make.offer(db.session.get(Company, company_ids[n % 4]), title=f"Werkplaats {n}")
    _counted_search(count_queries, school.id)
    many, many_statements = _counted_search(count_queries, school.id)
    for n in range(80):
        make.offer(db.session.get(Company, company_ids[n % 4]), title=f"Werkplaats {n}")
    _counted_search(count_queries, school.id)
    most, most_statements = _counted_search(count_queries, school.id)

    assert (few.total, many.total, most.total) == (9, 49, 129)
    # Every offer is counted and ranked in memory: more offers, not one statement more.
    assert len(few_statements) == len(many_statements) == len(most_statements)
    assert len(most_statements) <= MAX_STATEMENTS


def test_offers_of_a_company_sent_back_for_checking_leave_the_search(make):
    from portal.organisations import profiles

    offer = offer_at(make, "Vlissingen", title="Rondleiding scheepswerf")
    company = offer.company
    assert offer.id in ids(search())
    profiles.update_company(
        actor=make.owner_of(company), company=company, name=company.name,
        number=make.kvk(), place_name="Vlissingen",
        sector_ids=[s.id for s in company.sectors])  # a new number: checked again

    assert company.status == "pending"
    assert offer.id not in ids(search())


def test_a_nearer_place_of_a_busy_company_does_not_hide_the_next_place(make):
    """The nearest place alone could fill the page, but its company is busy: the next place's
    offers score higher and must be read too (the second read of the search)."""
    school = make.school(place="Maassluis", sectors=("metaal",))
    busy = make.company(place="Vlaardingen", sectors=("metaal",))
    calm = make.company(place="Schiedam", sectors=("metaal",))
    busy_offers = [offer_at_company(make, busy) for _ in range(22)]
    calm_offers = [offer_at_company(make, calm) for _ in range(22)]
    for offer in busy_offers[:BUSY_FULL]:
        make.booking(offer)

    first_page = ids(search(school))

    assert first_page == [offer.id for offer in calm_offers[:20]]


def offer_at_company(make, company):
    return make.offer(company, sector_ids=[sector_by_code("metaal").id])


def test_each_result_shows_what_the_offer_and_its_company_and_place_say(make):
    """The page's offers are read as plain cards: the same facts the ORM objects hold."""
    company = make.company(place="Tielt (bij Tielt-Winge, Vlaanderen)", name="Lasbedrijf De Vonk")
    visit = make.offer(company, title="Lassen in de praktijk")  # a slot 14 days ahead
    for days, starts in ((3, 13), (3, 9), (30, 9), (60, 9)):
        make.slot(visit, days=days, starts_at=time(starts, 0), ends_at=time(starts + 2, 0))
    full = make.slot(visit, days=1)
    db.session.execute(update(Slot).where(Slot.id == full.id).values(taken=Slot.capacity))
    weekly = make.offer(company)
    placement = make.placement(company, places=4)
    db.session.commit()

    cards = {offer.id: offer for _ranked, offer in search(per_page=50).hits}
    for offer in (visit, placement):
        card = cards[offer.id]
        assert (card.title, card.offer_type, card.description, card.capacity) == (
            offer.title, offer.offer_type, offer.description, offer.capacity)
        assert (card.company_name, card.place_label) == (company.name, offer.place.label)
        assert card.place_label == "Tielt (bij Tielt-Winge, Vlaanderen)"
        assert (card.has_slots, card.places_left) == (offer.has_slots, offer.places_left)
    assert cards[placement.id].places_left == 4 and cards[visit.id].has_slots
    # the next three slots with room, in the order of day and time, as a list shows them
    shown = open_slots_by_offer([visit.id, weekly.id, placement.id])
    assert [(s.day - local_today()).days for s in cards[visit.id].open_slots] == [3, 3, 14]
    assert [s.starts_at.hour for s in cards[visit.id].open_slots] == [9, 13, 9]
    assert cards[visit.id].open_slots == tuple(shown[visit.id])
    assert cards[weekly.id].open_slots == tuple(shown[weekly.id]) and len(shown[weekly.id]) == 1
    assert cards[placement.id].open_slots == ()


@pytest.mark.parametrize("max_km", [None, 400])
def test_an_offer_at_a_place_the_search_has_not_read_yet_is_out_of_reach(make, max_km):
    """An offer can come in at a place added after this search read the places (another
    process, between the two reads): it has no distance yet, so it is left out, until the
    next search reads the places."""
    school = make.school(place="Middelburg (Zeeland)")
    near = make.offer(make.company(place="Vlissingen"))
    newcomer = make.offer(make.company(place="Goes"))
    db.session.commit()
    goes = db.session.get(Place, newcomer.place_id)
    read_before = catalogue.highest_ids()
    filters = SearchFilters(max_km=max_km)
    assert ids(find_offers(filters, school=school)) == [near.id, newcomer.id]

    new = Place(geonameid=99999991, name="Nieuw-Goes", country_code="NL",
                province_id=goes.province_id, landsdeel_id=goes.landsdeel_id,
                latitude=goes.latitude, longitude=goes.longitude)
    db.session.add(new)
    db.session.flush()
    db.session.execute(update(Offer).where(Offer.id == newcomer.id).values(place_id=new.id))
    db.session.commit()

    result = find_offers(filters, school=school, catalogue_ids=read_before)
    assert ids(result) == [near.id] and result.total == 1
    assert ids(find_offers(filters, school=school)) == [near.id, newcomer.id]
