"""The national bench data set (portal/seeding/national.py): what it makes, made again the
same from the same seed, spread by population, and keeping the rules the services keep."""
from collections import Counter

from sqlalchemy import func, select

from portal.bookings.models import Booking
from portal.extensions import db
from portal.geo.models import Place
from portal.offers.models import PENDING, PUBLISHED, Offer, Slot, offer_levels, offer_sectors
from portal.offers.rules import GROUP_TYPES, location_mode_fits
from portal.organisations.models import Company, Membership, School
from portal.seeding.national import generate_national
from portal.taxonomy.codes import AT_SCHOOL, GUEST_LESSON


def generate(offers=600, seed=7, **sizes):
    return generate_national(offers=offers, seed=seed, password="bench-test", rebuild=False,
                             analyze=False, echo=lambda line: None, **sizes)


def offers_of(summary):
    first = summary.first_ids["offers"]
    return list(db.session.scalars(
        select(Offer).where(Offer.id.between(first, first + summary.counts["offers"] - 1))
        .order_by(Offer.id)))


def test_it_makes_the_numbers_asked_for_in_the_national_proportions():
    summary = generate()

    assert len(offers_of(summary)) == db.session.scalar(select(func.count(Offer.id))) == 600
    assert db.session.scalar(select(func.count(Company.id))) == round(600 * 0.24)
    assert db.session.scalar(select(func.count(School.id))) == round(600 * 0.032)
    # Each school has one confirmed teacher, a member of it.
    assert db.session.scalar(select(func.count(Membership.id))) == round(600 * 0.032)
    statuses = summary.offers_by_status
    assert sum(statuses.values()) == 600
    assert 0.85 < statuses[PUBLISHED] / 600 < 0.95
    types = Counter(offer.offer_type for offer in offers_of(summary))
    assert 0.15 < types["company_visit"] / 600 < 0.35 and types["teacher_placement"] > 5
    assert "offers 600" in summary.text()


def test_the_same_seed_makes_the_same_offers_and_another_seed_others():
    first, second = generate(offers=300), generate(offers=300)
    third = generate(offers=300, seed=8)

    def content(summary):
        return [(o.title, o.place_id, o.offer_type, o.status, o.description)
                for o in offers_of(summary)]

    assert content(first) == content(second)
    assert content(first) != content(third)


def test_companies_are_spread_over_the_places_by_population():
    generate(offers=20, companies=3000, schools=2)
    per_place = Counter(db.session.scalars(select(Company.place_id)))
    population = dict(db.session.execute(select(Place.id, Place.population)).all())
    big = [p for p, people in population.items() if people >= 150_000]
    small = [p for p, people in population.items() if 0 < people < 2_000]

    def mean(places):
        return sum(per_place[p] for p in places) / len(places)

    assert mean(big) > 30 * mean(small)
    assert all(population[p] > 0 for p in per_place)


def test_offers_keep_the_rules_of_the_services():
    summary = generate()
    offers = offers_of(summary)
    companies = {c.id: c for c in db.session.scalars(select(Company))}
    # Pending companies publish nothing: their offers wait.
    pending = [o for o in offers if companies[o.company_id].status == "pending"]
    assert pending and {o.status for o in pending} <= {PENDING, "draft"}
    for offer in offers:
        assert location_mode_fits(offer.offer_type, offer.location_mode)
        assert 20 <= len(offer.description.split()) <= 80
        assert offer.title and len(offer.title) <= 160
        if offer.offer_type == GUEST_LESSON and offer.location_mode == AT_SCHOOL:
            assert offer.travel_km
        if offer.offer_type in GROUP_TYPES:
            assert offer.capacity is None
        else:
            assert offer.capacity >= 1 and 0 <= offer.places_taken <= offer.capacity
    sectors = Counter(db.session.scalars(select(offer_sectors.c.offer_id)))
    levels = Counter(db.session.scalars(select(offer_levels.c.offer_id)))
    assert all(1 <= sectors[o.id] <= 3 and 1 <= levels[o.id] <= 4 for o in offers)
    slots = list(db.session.scalars(select(Slot)))
    assert slots and all(0 <= s.taken <= s.capacity for s in slots)
    assert any(s.taken == s.capacity for s in slots) and any(s.taken == 0 for s in slots)
    slot_counts = Counter(s.offer_id for s in slots)
    assert all(1 <= slot_counts[o.id] <= 8 for o in offers if o.offer_type in GROUP_TYPES)


def test_some_companies_have_open_requests_on_published_offers_with_room():
    summary = generate(offers=600, companies=40)  # 3 companies with requests, 15 offers each
    requests = list(db.session.scalars(select(Booking).where(Booking.status == "requested")))

    assert requests and summary.counts["busy_companies"] >= 1
    per_company = Counter(b.offer.company_id for b in requests)
    assert max(per_company.values()) <= 12
    for booking in requests:
        assert booking.offer.status == PUBLISHED
        assert booking.requested_by.memberships[0].organisation_id == booking.school_id
        if booking.slot_id is not None:
            assert booking.slot.offer_id == booking.offer_id
            assert booking.group_size <= booking.slot.capacity - booking.slot.taken


def test_company_numbers_are_unique_and_well_formed():
    from portal.organisations.rules import clean_enterprise_number, clean_kvk

    generate(offers=300)
    generate(offers=300)  # a second set in the same database takes other numbers
    for column, clean in ((Company.kvk_number, clean_kvk),
                          (Company.enterprise_number, clean_enterprise_number)):
        numbers = [n for n in db.session.scalars(select(column)) if n]
        assert numbers and len(numbers) == len(set(numbers))
        assert all(clean(n) == n for n in numbers)


def test_the_command_generates_and_says_how_teachers_sign_in(app, monkeypatch):
    monkeypatch.setattr("portal.seeding.reference.load_reference", lambda: "reference data")
    result = app.test_cli_runner().invoke(
        args=["bench", "generate", "--offers", "40", "--seed", "3", "--password", "geheim-42"])

    assert result.exit_code == 0, result.output
    assert "offers 40:" in result.output and "password geheim-42" in result.output
    assert db.session.scalar(select(func.count(Offer.id))) == 40
