"""Right before fast: the search's pages are exactly what ranking every fitting offer with the
pure rules returns, for many searches over a few thousand offers.

The offers are written in bulk (like the national benchmark set), the reference reads them back
with plain queries, builds a rules.Candidate of each and ranks them all with rules.rank; the
search must return the same offers in the same order, with the same scores and reasons, and the
same total and left-out counts.
"""
import itertools
import random
from datetime import time, timedelta

import pytest
from sqlalchemy import func, insert, select, text

from portal.db import local_today
from portal.extensions import db
from portal.geo.models import Place
from portal.matching import search
from portal.matching.index import rebuild_index
from portal.matching.rules import (
    Area,
    Candidate,
    Query,
    SlotRoom,
    Weights,
    beyond_reach,
    distance_km,
    exclusion,
    rank,
)
from portal.matching.search import SearchFilters, area_of, find_offers
from portal.matching.words import text_match, words_of
from portal.offers.models import Offer, Slot, offer_levels, offer_sectors
from portal.organisations.models import Organisation
from portal.organisations.partner_models import Partnership
from portal.organisations.partners import partner_company_ids
from portal.taxonomy.models import EducationLevel, Sector

OFFERS = 2500
TYPES = ("guest_lesson", "company_visit", "taster_day", "internship", "bbl_place",
         "teacher_placement", "assignment")
PLACEMENTS = ("internship", "bbl_place", "teacher_placement")
TOWNS = ("Middelburg (Zeeland)", "Vlissingen", "Goes", "Terneuzen", "Rotterdam", "Amsterdam",
         "Utrecht", "Eindhoven", "Groningen", "Antwerpen", "Gent", "Zwolle", "Breda", "Tilburg",
         "Maastricht", "Brugge", "Schiedam", "Delft", "Vlaardingen", "Den Haag")
_WORDS = ("lassen lasser lastechniek booglassen frezen draaien cnc plc zonnepanelen warmtepomp "
         "installateur elektrotechniek mechatronica robot drone heftruck logistiek scheepsbouw "
         "laboratorium chemie bouw timmeren metselen schilderen software netwerk onderhoud "
         "werkplaats rondleiding kennismaking praktijk project opdracht stage")
WORDS = _WORDS.split()


def _place(name):
    place = db.session.scalar(select(Place).where(Place.name == name.split(" (")[0])
                              .order_by(Place.population.desc()))
    assert place is not None, name
    return place


@pytest.fixture
def world(make):
    """2,500 offers of 400 companies in 16 towns (most in a few: dense places), with slots,
    sectors, levels, ended and full ones, pending companies and busy ones."""
    rng = random.Random(9)
    today = local_today()
    towns = [_place(name) for name in TOWNS]
    weights = [40, 10, 6, 6, 30, 30, 12, 8, 4, 10, 6, 3, 3, 3, 2, 2, 8, 8, 8, 20]
    children = list(db.session.scalars(select(Sector).where(Sector.parent_id.is_not(None))))
    levels = list(db.session.scalars(select(EducationLevel)))
    base = (db.session.scalar(select(func.max(Organisation.id))) or 0) + 1
    companies = []
    for n in range(400):
        place = rng.choices(towns, weights)[0]
        companies.append({"id": base + n, "kind": "company", "name": f"{rng.choice(WORDS)} "
                          f"{place.name} {n} B.V.", "place_id": place.id, "description": "",
                          "status": "approved" if n % 25 else "pending"})
    db.session.execute(insert(Organisation), companies)
    first_offer = (db.session.scalar(select(func.max(Offer.id))) or 0) + 1
    first_slot = (db.session.scalar(select(func.max(Slot.id))) or 0) + 1
    offers, sectors, levels_rows, slots = [], [], [], []
    for n in range(OFFERS):
        offer_id = first_offer + n
        company = rng.choice(companies)
        kind = rng.choice(TYPES)
        placement = kind in PLACEMENTS
        mode = "company"
        if kind == "guest_lesson":
            mode = rng.choice(("school", "school", "online"))
        elif kind == "assignment":
            mode = rng.choice(("company", "online"))
        capacity = rng.randint(1, 4) if placement else None
        ends = today + timedelta(days=rng.randint(-30, 300)) if placement or n % 7 == 0 \
            else None
        offers.append({
            "id": offer_id, "company_id": company["id"], "offer_type": kind,
            "title": " ".join(rng.sample(WORDS, 3)).capitalize(),
            "description": " ".join(rng.choices(WORDS, k=12)), "location_mode": mode,
            "place_id": company["place_id"],
            "travel_km": rng.choice((None, 5, 20, 60, 150)) if mode == "school" else None,
            "capacity": capacity,
            "places_taken": rng.randint(0, capacity) if capacity else 0,
            "min_group_size": rng.choice((None, None, 10)) if not placement else None,
            "max_group_size": rng.choice((None, 20, 30)) if not placement else None,
            "starts_on": today - timedelta(days=rng.randint(0, 60)) if placement else None,
            "ends_on": ends,
            "status": "published" if n % 11 else rng.choice(("paused", "pending")),
        })
        for sector in rng.sample(children, rng.randint(1, 3)):
            sectors.append({"offer_id": offer_id, "sector_id": sector.id})
        for level in rng.sample(levels, rng.randint(1, 4)):
            levels_rows.append({"offer_id": offer_id, "education_level_id": level.id})
        if not placement:
            for _ in range(rng.randint(0, 4)):
                capacity = rng.randint(10, 40)
                slots.append({
                    "id": first_slot + len(slots), "offer_id": offer_id,
                    "day": today + timedelta(days=rng.randint(-20, 120)),
                    "starts_at": time(9), "ends_at": time(11), "capacity": capacity,
                    "taken": rng.choice((0, 0, capacity // 2, capacity))})
    db.session.execute(insert(Offer), offers)
    db.session.execute(insert(offer_sectors), sectors)
    db.session.execute(insert(offer_levels), levels_rows)
    db.session.execute(insert(Slot), slots)
    if db.session.get_bind().dialect.name == "postgresql":  # ids were given: move the sequences
        for table in ("organisations", "offers", "slots"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT max(id) FROM {table}))"))
    # Busy companies: open requests on their offers (fairness).
    teacher = make.user()
    school = make.school(teacher, place="Goes")
    level = levels[0]
    bookings = db.metadata.tables["bookings"]
    busy = [row for row in offers if row["status"] == "published"][::12]
    db.session.execute(insert(bookings), [
        {"offer_id": row["id"], "school_id": school.id, "requested_by_id": teacher.id,
         "status": "requested", "wanted_on": today + timedelta(days=30), "group_size": 20,
         "teachers": 0, "room_taken": 0, "education_level_id": level.id, "sequence": 0,
         "cancelled_late": False}
        for index, row in enumerate(busy) for _ in range(1 + index % 12)])
    rebuild_index()
    db.session.flush()
    return {"towns": towns, "children": children, "levels": levels, "today": today}


def _candidates(today):
    """Every published offer of an approved company, as the pure rules see it."""
    bookings = db.metadata.tables["bookings"]
    places = {p.id: p for p in db.session.scalars(select(Place))}
    sectors = {s.id: s for s in db.session.scalars(select(Sector))}
    of_offer = {}
    for offer_id, sector_id in db.session.execute(select(offer_sectors)):
        of_offer.setdefault(offer_id, []).append(sectors[sector_id])
    level_ids = {}
    for offer_id, level_id in db.session.execute(select(offer_levels)):
        level_ids.setdefault(offer_id, set()).add(level_id)
    slots = {}
    for offer_id, day, capacity, taken in db.session.execute(
            select(Slot.offer_id, Slot.day, Slot.capacity, Slot.taken).where(Slot.day >= today)):
        slots.setdefault(offer_id, []).append(SlotRoom(day, capacity - taken))
    busy = dict(db.session.execute(
        select(Offer.company_id, func.count()).join(bookings, bookings.c.offer_id == Offer.id)
        .where(bookings.c.status == "requested").group_by(Offer.company_id)).all())
    candidates = {}
    rows = db.session.execute(select(Offer, Organisation.name).join(
        Organisation, Organisation.id == Offer.company_id).where(
        Offer.status == "published", Organisation.status == "approved")).all()
    for offer, company_name in rows:
        place = places[offer.place_id]
        own = of_offer.get(offer.id, [])
        candidates[offer.id] = (offer.offer_type, Candidate(
            offer_id=offer.id, offer_type=offer.offer_type, location_mode=offer.location_mode,
            area=Area(place.latitude, place.longitude, place.id, place.province_id,
                      place.landsdeel_id),
            travel_km=offer.travel_km, sector_ids=frozenset(s.id for s in own),
            chamber_ids=frozenset(s.chamber_id for s in own),
            level_ids=frozenset(level_ids.get(offer.id, ())), capacity=offer.capacity,
            places_taken=offer.places_taken, max_group_size=offer.max_group_size,
            min_group_size=offer.min_group_size, starts_on=offer.starts_on,
            ends_on=offer.ends_on, slots=tuple(slots.get(offer.id, ())),
            words=tuple(words_of(offer.title, offer.description, company_name, place.name,
                                 *(name for s in own for name in (s.name, s.name_en)))),
            open_requests=busy.get(offer.company_id, 0), company_id=offer.company_id))
    return candidates


def _with_partners(make, school, count, skip=0):
    """The school becomes a partner of `count` companies with published offers (their
    offers rank higher for it alone). The world's companies have no members to ask, so the
    partnerships are written as the services leave them."""
    companies = db.session.scalars(
        select(Organisation.id).join(Offer, Offer.company_id == Organisation.id)
        .where(Offer.status == "published", Organisation.status == "approved")
        .group_by(Organisation.id).order_by(Organisation.id).offset(skip).limit(count))
    db.session.add_all([Partnership(school_id=school.id, company_id=company_id,
                                    status="active", asked_by="school")
                        for company_id in list(companies)])


def _reference(candidates, filters, school, weights):
    """What ranking every fitting offer with the pure rules gives: (ranked, beyond, no room)."""
    origin = area_of(school.place) if school is not None else None
    if filters.sector_id:
        sector = db.session.get(Sector, filters.sector_id)
        family = {sector.id, *(c.id for c in sector.children)} if sector.parent_id is None \
            else {sector.id}
        chamber = frozenset([sector.chamber_id])
        exact = frozenset(family)
    else:
        family = None
        exact = frozenset(s.id for s in school.sectors) if school is not None else frozenset()
        chamber = frozenset(s.chamber_id for s in school.sectors) if school else frozenset()
    query = Query(origin=origin, max_km=filters.max_km if origin else None, sector_ids=exact,
                  chamber_ids=chamber, level_id=filters.level_id, text=filters.text,
                  group_size=filters.group_size, wanted_on=filters.wanted_on,
                  wanted_until=filters.wanted_until, today=local_today(),
                  partner_company_ids=frozenset(partner_company_ids(school.id))
                  if school is not None else frozenset())
    chamber_family = None
    if filters.sector_id:
        chamber_family = {s.id for s in db.session.scalars(select(Sector).where(
            (Sector.id.in_(chamber)) | (Sector.parent_id.in_(chamber))))}
    kept = []
    for offer_type, candidate in candidates.values():
        if filters.offer_type and offer_type != filters.offer_type:
            continue
        if chamber_family is not None and not candidate.sector_ids & chamber_family:
            continue
        kept.append(candidate)
    ranked = rank(kept, query, weights)
    # Left out by one filter alone: beyond the radius, or without room on the date / for
    # the group (but within reach); everything else fits.
    beyond = room = 0
    for candidate in kept:
        distance = distance_km(candidate, query)
        reason = exclusion(candidate, query, distance)
        text_fits = not query.tokens or text_match(query.tokens, candidate.words) is not None
        if reason == "distance" and text_fits:
            beyond += 1
        elif reason == "room" and text_fits and not beyond_reach(
                candidate.location_mode, candidate.travel_km, distance, query.max_km):
            room += 1
    return ranked, beyond, room


def _searches(world, schools):
    rng = random.Random(4)
    today = world["today"]
    searches = []
    for n in range(90):
        filters = {"page": rng.choice((1, 1, 1, 2, 4))}
        if rng.random() < 0.4:
            filters["offer_type"] = rng.choice(TYPES)
        if rng.random() < 0.3:
            filters["sector_id"] = rng.choice(world["children"]).id
        if rng.random() < 0.25:
            filters["level_id"] = rng.choice(world["levels"]).id
        if rng.random() < 0.35:
            word = rng.choice(WORDS)
            if rng.random() < 0.4 and len(word) > 5:  # a typo
                i = rng.randrange(1, len(word) - 1)
                word = word[:i] + word[i + 1:]
            filters["text"] = word if rng.random() < 0.8 else f"{word} {rng.choice(WORDS)}"
        if rng.random() < 0.2:
            filters["group_size"] = rng.choice((8, 15, 25))
        if rng.random() < 0.2:
            filters["wanted_on"] = today + timedelta(days=rng.randint(0, 60))
            if rng.random() < 0.5:
                filters["wanted_until"] = filters["wanted_on"] + timedelta(days=21)
        school = rng.choice(schools + [None, None])
        if school is not None:
            filters["max_km"] = rng.choice((None, 10, 25, 50, 137))
        searches.append((n, school, SearchFilters(**filters)))
    return searches


def test_the_search_returns_exactly_the_exhaustive_ranking(world, make):
    schools = [make.school(place=name, sectors=sectors) for name, sectors in (
        ("Middelburg (Zeeland)", ("metaal",)), ("Rotterdam", ("elektrotechniek", "bouw")),
        ("Amsterdam", ()), ("Antwerpen", ("logistiek",)), ("Groningen", ("metaal",)),
        ("Goes", ("metaal",)), ("Rijswijk (Zuid-Holland)", ("bouw",)), ("Maassluis", ()))]
    _with_partners(make, schools[0], 6)
    _with_partners(make, schools[1], 4, skip=3)
    db.session.flush()
    candidates = _candidates(world["today"])
    weights = Weights()
    nonempty = wide = 0
    for n, school, filters in _searches(world, schools):
        result = find_offers(filters, school=school, weights=weights)
        ranked, beyond, room = _reference(candidates, filters, school, weights)
        start = (result.page - 1) * filters.per_page
        expected = ranked[start:start + filters.per_page]
        assert result.total == len(ranked), (n, filters)
        assert [r for r, _offer in result.hits] == expected, (n, filters)
        if school is not None and filters.max_km is not None:
            assert result.left_out["distance"] == beyond, (n, filters)
        else:
            assert "distance" not in result.left_out
        if filters.group_size or filters.wanted_on:
            assert result.left_out["room"] == room, (n, filters)
        else:
            assert "room" not in result.left_out
        nonempty += bool(expected)
        wide += len(ranked) > 1000
    assert nonempty >= 60  # the searches are not trivially empty
    assert wide >= 10  # and many find more than a thousand offers


@pytest.mark.parametrize("key_bits", [search.KEY_BITS, 0], ids=["one key", "lexsort"])
def test_other_weights_give_the_exhaustive_ranking_too(world, make, monkeypatch, key_bits):
    monkeypatch.setattr(search, "KEY_BITS", key_bits)
    school = make.school(place="Rotterdam", sectors=("elektrotechniek",))
    _with_partners(make, school, 5)
    db.session.flush()
    candidates = _candidates(world["today"])
    weights = Weights(region=5, distance=60, sector=10, level=0, period=0, text=40, fairness=20)
    for filters, searcher in itertools.product(
            (SearchFilters(), SearchFilters(max_km=50, page=3), SearchFilters(text="lasen"),
             SearchFilters(offer_type="guest_lesson")), (school, None)):
        result = find_offers(filters, school=searcher, weights=weights)
        ranked, _beyond, _room = _reference(candidates, filters, searcher, weights)
        start = (result.page - 1) * filters.per_page
        assert [r for r, _offer in result.hits] == ranked[start:start + filters.per_page]


def _change_at_random(rng, today, count):
    """Change about `count` offers the ways the portal does, in SQL as a conditional UPDATE
    of another process would: published and paused, other types and modes, dates moved, filled
    and freed, other sectors (and so other words), open requests answered and new ones (busy
    companies), a company suspended."""
    from portal.matching.index import index_offers

    offer_ids = list(db.session.scalars(select(Offer.id).order_by(Offer.id)))
    slot_ids = list(db.session.scalars(select(Slot.id)))
    children = list(db.session.scalars(select(Sector.id).where(Sector.parent_id.is_not(None))))

    def run(sql, **values):
        db.session.execute(text(sql), values)

    for offer_id in rng.sample(offer_ids, count):
        roll = rng.random()
        if roll < 0.3:
            run("UPDATE offers SET status = :status WHERE id = :id", id=offer_id,
                status=rng.choice(("published", "published", "paused")))
        elif roll < 0.5:
            run("UPDATE offers SET offer_type = :kind WHERE id = :id", id=offer_id,
                kind=rng.choice(TYPES))
        elif roll < 0.65:
            run("UPDATE offers SET location_mode = :mode, travel_km = :km WHERE id = :id",
                id=offer_id, mode=rng.choice(("company", "school", "online")),
                km=rng.choice((None, 10, 80)))
        elif roll < 0.8:
            run("DELETE FROM offer_sectors WHERE offer_id = :id", id=offer_id)
            for sector_id in rng.sample(children, rng.randint(1, 2)):
                run("INSERT INTO offer_sectors (offer_id, sector_id) VALUES (:id, :sector)",
                    id=offer_id, sector=sector_id)
            index_offers([offer_id], db.session)
        else:
            run("UPDATE offers SET min_group_size = :low, max_group_size = :high "
                "WHERE id = :id", id=offer_id, low=rng.choice((None, 15)),
                high=rng.choice((None, 25)))
    for slot_id in rng.sample(slot_ids, count // 2):
        if rng.random() < 0.5:
            run("UPDATE slots SET day = :day WHERE id = :id", id=slot_id,
                day=today + timedelta(days=rng.randint(-5, 90)))
        else:
            run("UPDATE slots SET taken = CASE WHEN taken = capacity THEN 0 ELSE capacity END "
                "WHERE id = :id", id=slot_id)
    bookings = db.metadata.tables["bookings"]
    open_ids = list(db.session.scalars(select(bookings.c.id).where(
        bookings.c.status == "requested")))
    for booking_id in rng.sample(open_ids, min(len(open_ids), count // 5)):
        run("UPDATE bookings SET status = 'declined' WHERE id = :id", id=booking_id)
    copied = ", ".join(c.name for c in bookings.c if c.name not in ("id", "offer_id", "status"))
    for offer_id in rng.sample(offer_ids, count // 10):
        for _ in range(rng.randint(1, 4)):  # a copy of a request, on another offer
            run(f"INSERT INTO bookings (offer_id, status, {copied}) "
                f"SELECT :offer, 'requested', {copied} FROM bookings WHERE id = :model",
                offer=offer_id, model=open_ids[0])
    company = rng.choice(list(db.session.scalars(
        select(Organisation.id).where(Organisation.kind == "company",
                                      Organisation.status == "approved"))))
    run("UPDATE organisations SET status = 'suspended' WHERE id = :id", id=company)
    db.session.flush()


def test_after_changes_the_copy_in_memory_still_gives_the_exhaustive_ranking(
        world, make, monkeypatch):
    """The offers in memory follow changes by reading changed offers again (kept aside, then
    rebuilt into the arrays, with ids lower than the highest placed in order): after each way,
    the pages equal the exhaustive ranking again."""
    from portal.matching import store

    schools = [make.school(place=name, sectors=sectors) for name, sectors in (
        ("Rotterdam", ("elektrotechniek", "bouw")), ("Vlissingen", ("metaal",)),
        ("Antwerpen", ()))]
    db.session.flush()
    searches = _searches(world, schools)
    rng = random.Random(12)
    weights = Weights()

    def compare(round_searches):
        candidates = _candidates(world["today"])
        for n, school, filters in round_searches:
            result = find_offers(filters, school=school, weights=weights)
            ranked, _beyond, _room = _reference(candidates, filters, school, weights)
            start = (result.page - 1) * filters.per_page
            assert result.total == len(ranked), (n, filters)
            assert [r for r, _ in result.hits] == ranked[start:start + filters.per_page], (
                n, filters)

    compare(searches[:5])  # the copy is read
    copy = store._stores[store.key_of(db.session.connection())]
    _change_at_random(rng, world["today"], 150)
    compare(searches[5:25])
    assert store._stores[store.key_of(db.session.connection())] is copy
    assert copy.stale.any() and copy.tail  # kept aside, lower ids among them

    monkeypatch.setattr(store, "REBUILD_FROM", 5)
    _change_at_random(rng, world["today"], 10)
    compare(searches[25:45])
    assert store._stores[store.key_of(db.session.connection())] is copy
    assert not copy.stale.any() and not copy.tail  # rebuilt into the arrays
