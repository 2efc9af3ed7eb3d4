"""Searching offers: filters, ranking with reasons, hard rules, and a fixed number of queries."""
import pytest

from portal.bookings import services as bookings
from portal.extensions import db
from portal.matching.rules import Reason
from portal.matching.search import SearchFilters, find_offers
from portal.moderation import services as moderation
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
    online_hit = next(hit for hit, offer in search(school, max_km=50).hits if offer is online)
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
                          travel_km=None, title="Gastles zonne-energie")
    near_visit = offer_at(make, "Vlissingen")

    assert ids(search(school, max_km=50)) == [near_visit.id]
    assert far_lesson.id in ids(search(school))


def test_text_forgives_typos(make, school):
    lassen = offer_at(make, "Vlissingen", title="Workshop lassen voor beginners")
    offer_at(make, "Vlissingen", sectors=("ict",), title="Gastles programmeren met Python")

    result = search(school, text="lasen")

    assert ids(result) == [lassen.id]
    assert ("text", "match") in codes(result.hits[0][0])


def test_full_offers_never_appear(make, school):
    full = offer_at(make, "Vlissingen", capacity=1)
    booking = make.booking(full)
    bookings.accept_booking(actor=make.owner_of(full.company), booking=booking, message="")
    open_offer = offer_at(make, "Vlissingen", capacity=1)

    assert ids(search(school)) == [open_offer.id]
    assert ids(search()) == [open_offer.id]


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


def test_a_search_runs_a_fixed_number_of_queries(make, school, count_queries):
    company_ids = []
    for place in ("Vlissingen", "Goes", "Terneuzen"):
        company = make.company(place=place, sectors=("metaal", "elektrotechniek"))
        make.booking(make.offer(company))
        company_ids.append(company.id)
    few, few_statements = _counted_search(count_queries, school.id)

    companies = [db.session.get(Company, company_id) for company_id in company_ids]
    for n in range(27):
        make.offer(companies[n % 3], title=f"Rondleiding werkplaats {n}")
    many, many_statements = _counted_search(count_queries, school.id)

    assert (few.total, many.total) == (3, 30)
    assert len(many_statements) == len(few_statements)
    assert len(many_statements) <= 8
