"""The searches of `make bench`: 240 (by default) varied and seeded ones, as teachers of random
generated schools and as visitors, each run once to warm and once timed through
`portal.matching.search.find_offers`, counting its SQL statements.

A search is a plain dict (`make_searches`), turned into SearchFilters for the service and into
a query string for the search page (bench_http.py); fields that the present SearchFilters or
search form lack are left out, so the bench runs against any version of the search.
"""
import dataclasses
import random
import statistics
import time
import traceback
from datetime import timedelta

from sqlalchemy import event, select

from portal.extensions import db
from portal.offers.rules import GROUP_TYPES
from portal.taxonomy.codes import OFFER_TYPE_CODES

# Words of the generator's vocabulary (portal/seeding/national_text.py), as people type them,
# and with typos: a letter dropped, swapped or doubled, another word form.
WORDS = ["lassen", "lasser", "lastechniek", "booglassen", "elektrotechniek", "installateur",
         "zonnepanelen", "warmtepomp", "CNC-frezen", "PLC", "mechatronica", "logistiek",
         "heftruck", "scheepsbouw", "laboratorium", "timmerman", "robotica", "drones",
         "automonteur", "metselen", "windturbines", "cybersecurity", "procesoperator",
         "lassen staal", "zonnepanelen leggen", "Van Dijk"]
TYPOS = ["lasen", "elektrotechnik", "zonnepaneel", "warmtepmp", "mechatronika", "heftuck",
         "scheepsbouwe", "laboratoruim", "instalateur", "timerman", "robottica", "elektricien",
         "las techniek", "cnc freezen", "loodgieterr"]
STANDARD_KM = (10, 25, 50)
OTHER_KM = (5, 15, 30, 40, 75, 100, 150, 250)
SECTORS = ["metaal", "elektrotechniek", "installatietechniek", "bouw", "energie",
           "werktuigbouw", "logistiek", "automotive", "maritiem", "ict", "procesindustrie"]
CHAMBERS = ["techniek", "mobiliteit", "ict_creatief"]
LEVELS = ["vmbo_bb", "vmbo_kb", "vmbo_gl", "vmbo_tl", "havo", "vwo", "mbo_2", "mbo_3",
          "mbo_4", "be_so_arbeidsmarkt"]


def make_searches(count, seed, school_ids, today):
    """`count` searches; teachers' searches name a school of `school_ids`."""
    rng = random.Random(seed)
    searches = []
    for _ in range(count):
        teacher = rng.random() < 0.65
        search = {"school_id": rng.choice(school_ids) if teacher else None}
        if rng.random() < 0.6:
            search["offer_type"] = rng.choice(OFFER_TYPE_CODES)
        roll = rng.random()
        if roll < 0.4:
            search["sector"] = rng.choice(SECTORS)
        elif roll < 0.5:
            search["sector"] = rng.choice(CHAMBERS)
        if rng.random() < 0.4:
            search["level"] = rng.choice(LEVELS)
        if teacher:
            roll = rng.random()
            if roll < 0.6:
                search["max_km"] = rng.choice(STANDARD_KM)
            elif roll < 0.75:
                search["max_km"] = rng.choice(OTHER_KM)
            # else: any distance
        roll = rng.random()
        if roll < 0.3:
            search["text"] = rng.choice(WORDS)
        elif roll < 0.45:
            search["text"] = rng.choice(TYPOS)
        if teacher and rng.random() < 0.25 and search.get("offer_type", GROUP_TYPES[0]) \
                in GROUP_TYPES:
            search["group_size"] = rng.randint(5, 40)
        if rng.random() < 0.2:
            search["wanted_on"] = today + timedelta(days=rng.randint(7, 200))
            if rng.random() < 0.5:
                search["wanted_until"] = search["wanted_on"] + timedelta(
                    days=rng.randint(7, 60))
        if rng.random() < 0.1:
            search["page"] = 2
        searches.append(search)
    return searches


def kind_of(search):
    return "teacher" if search["school_id"] else "visitor"


class Codes:
    """Sector and level ids by code, read once."""

    def __init__(self):
        from portal.taxonomy.models import EducationLevel, Sector

        self.sectors = dict(db.session.execute(select(Sector.code, Sector.id)).all())
        self.levels = dict(db.session.execute(select(EducationLevel.code, EducationLevel.id)).all())


def filters_of(search, codes):
    from portal.matching.search import SearchFilters

    values = {"offer_type": search.get("offer_type"),
              "sector_id": codes.sectors.get(search.get("sector")),
              "level_id": codes.levels.get(search.get("level")),
              "max_km": search.get("max_km"), "text": search.get("text", ""),
              "group_size": search.get("group_size"), "wanted_on": search.get("wanted_on"),
              "wanted_until": search.get("wanted_until"), "page": search.get("page", 1)}
    known = {f.name for f in dataclasses.fields(SearchFilters)}
    return SearchFilters(**{k: v for k, v in values.items() if k in known and v is not None})


def percentile(values, share):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def time_searches(searches, codes):
    """Run each search twice (warm, timed) in the app context; return the figures."""
    from portal.matching.search import find_offers
    from portal.organisations.models import School

    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(1)

    # Every process reads the offers once (a gunicorn worker as it starts): timed apart.
    from portal.db import local_today
    from portal.matching import store

    started = time.perf_counter()
    with store.lock:
        kept = store.current(db.session.connection(), local_today()).size
    read_seconds = time.perf_counter() - started
    db.session.close()
    event.listen(db.engine, "before_cursor_execute", count)
    timings, counts, found, errors = [], [], [], []
    by_kind = {"teacher": [], "visitor": [], "text": []}
    try:
        for search in searches:
            filters = filters_of(search, codes)
            for timed in (False, True):
                db.session.close()  # no objects of an earlier run: each pays its own loads
                school = db.session.get(School, search["school_id"]) \
                    if search["school_id"] else None
                before = len(statements)
                started = time.perf_counter()
                try:
                    result = find_offers(filters, school=school)
                except Exception:  # the bench reports and goes on; the tests judge
                    errors.append(traceback.format_exc(limit=4))
                    db.session.rollback()
                    break
                elapsed = (time.perf_counter() - started) * 1000
                if timed:
                    timings.append(elapsed)
                    counts.append(len(statements) - before)
                    found.append(result.total)
                    by_kind[kind_of(search)].append(elapsed)
                    if search.get("text"):
                        by_kind["text"].append(elapsed)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
        db.session.close()
    return {
        "store_read_s": round(read_seconds, 1), "store_offers": kept,
        "searches": len(searches), "timed": len(timings),
        "p50_ms": _round(statistics.median(timings) if timings else None),
        "p95_ms": _round(percentile(timings, 0.95)), "max_ms": _round(max(timings, default=None)),
        "teacher_p50_ms": _round(percentile(by_kind["teacher"], 0.5)),
        "visitor_p50_ms": _round(percentile(by_kind["visitor"], 0.5)),
        "text_p50_ms": _round(percentile(by_kind["text"], 0.5)),
        "statements_min": min(counts, default=None), "statements_max": max(counts, default=None),
        "found_nothing": sum(1 for total in found if total == 0),
        "median_found": statistics.median(found) if found else None,
        "errors": len(errors), "first_error": errors[0] if errors else None,
    }


def _round(value):
    return None if value is None else round(value, 1)
