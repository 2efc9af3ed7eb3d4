"""The demo benchmark, the first part of `make bench`: medians of repeated runs, never
assertions.

Builds a throwaway SQLite database with the reference and demo data (through the services), then
times the place lookup and the offer search for the demo teacher; then adds synthetic published
offers and times the search again, to show how it scales with the number of candidates. Before
that, the page weight of the search page in headless Chromium (tests/page_weight.py); `python -m
tests.bench pages` measures only that.
"""
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event, func, insert, select

from portal import create_app
from portal.config import TestingConfig
from portal.extensions import db
from portal.geo.services import find_places
from portal.matching.search import SearchFilters, find_offers
from portal.offers.models import Offer, offer_levels, offer_sectors
from portal.organisations.models import Company, School
from portal.seeding.demo import load_demo
from portal.seeding.reference import load_reference
from tests import page_weight

REPEAT = 25
PLACE_QUERIES = ["Vlisingen", "den bosch", "Hertogenbosch", "Terneuzn", "Almere", "Gent",
                 "Zwole", "Enschede", "Noordwijk", "Brugge"]
SEARCHES = {
    "no filters, 50 km": SearchFilters(max_km=50),
    "company visits, 25 km": SearchFilters(offer_type="company_visit", max_km=25),
    "text with a typo, 100 km": SearchFilters(text="lasen", max_km=100),
    "any distance": SearchFilters(),
}


def median_ms(function, repeat=REPEAT):
    function()  # warm caches (the place lookup keeps its names per process)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def count_statements(function):
    statements = []

    def before(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        function()
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
    return len(statements)


def add_synthetic_offers(n):
    """Copies of published demo offers spread over all companies: bench data, not demo data."""
    published = list(db.session.scalars(select(Offer).where(Offer.status == "published")))
    companies = list(db.session.scalars(select(Company).where(Company.status == "approved")))
    start = db.session.scalar(select(func.max(Offer.id))) + 1
    rows, sectors, levels = [], [], []
    for i in range(n):
        model, company = published[i % len(published)], companies[i % len(companies)]
        offer_id = start + i
        rows.append({
            "id": offer_id, "company_id": company.id, "offer_type": model.offer_type,
            "title": model.title, "description": model.description,
            "location_mode": model.location_mode, "place_id": company.place_id,
            "travel_km": model.travel_km, "capacity": model.capacity, "places_taken": 0,
            "max_group_size": model.max_group_size, "starts_on": date.today(),
            "ends_on": date.today() + timedelta(days=200), "status": "published"})
        sectors += [{"offer_id": offer_id, "sector_id": s.id} for s in model.sectors]
        levels += [{"offer_id": offer_id, "education_level_id": lvl.id} for lvl in model.levels]
    db.session.execute(insert(Offer), rows)
    db.session.execute(insert(offer_sectors), sectors)
    db.session.execute(insert(offer_levels), levels)
    try:  # the search's word index follows the ORM; these rows bypass it
        from portal.matching.index import rebuild_index
    except ImportError:
        pass
    else:
        rebuild_index()
    db.session.commit()


def run_searches(school):
    results = {}
    for name, filters in SEARCHES.items():
        hits = find_offers(filters, school=school).total
        results[name] = (median_ms(lambda f=filters: find_offers(f, school=school)), hits,
                         count_statements(lambda f=filters: find_offers(f, school=school)))
    return results


def time_lookups_and_searches(figures):
    school = db.session.scalar(select(School).order_by(School.id))
    print(f"searching as a teacher of {school.name} ({school.place.label})\n")

    print(f"place lookup, median of {REPEAT} per query (ms):")
    figures["place_lookup_ms"] = {}
    for query in PLACE_QUERIES:
        best = find_places(query)
        label = best[0].label if best else "-"
        ms = median_ms(lambda q=query: find_places(q))
        figures["place_lookup_ms"][query] = round(ms, 2)
        print(f"  {query:<14} {ms:7.2f}  -> {label}")

    total = db.session.scalar(select(func.count(Offer.id)))
    before = run_searches(school)
    add_synthetic_offers(5000)
    after = run_searches(school)
    grown = db.session.scalar(select(func.count(Offer.id)))
    print(f"\nsearch, median of {REPEAT} (ms), hits, SQL statements:")
    print(f"  {'':<26}{total:>6} offers          {grown:>6} offers        ratio")
    figures["search"] = {}
    for name in SEARCHES:
        (a, ha, qa), (b, hb, qb) = before[name], after[name]
        print(f"  {name:<26}{a:8.1f} {ha:5d} {qa:3d}   {b:8.1f} {hb:5d} {qb:3d}   "
              f"{b / a:5.1f}x")
        figures["search"][name] = {
            str(total): {"ms": round(a, 1), "hits": ha, "statements": qa},
            str(grown): {"ms": round(b, 1), "hits": hb, "statements": qb}}


def run(only_pages=False):
    """The demo part's figures: page weight, and unless `only_pages` the lookups and searches."""
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        class Config(TestingConfig):
            SQLALCHEMY_DATABASE_URI = f"sqlite:///{Path(folder) / 'bench.sqlite'}"
            SERVER_NAME = None  # the live server answers on 127.0.0.1:<port>

        app = create_app(Config)
        with app.test_request_context():
            db.create_all()
            started = time.perf_counter()
            load_reference()
            load_demo()
            db.session.commit()
            print(f"setup: reference + demo data in {time.perf_counter() - started:.1f} s")
            # Pages first: the synthetic offers below would change what the search page shows.
            figures["page_weight"] = page_weight.report(page_weight.measure(app))
            if not only_pages:
                time_lookups_and_searches(figures)
            db.session.remove()
    return figures
