"""The national bench data set: `flask bench generate --offers 250000` (and `make bench`).

Companies and schools over the real NL and BE places of the gazetteer, weighted by population;
offers of every type in a realistic mix, with slots over the school year, places with periods,
and open requests for the search's fairness rule. Seeded and reproducible: the same seed gives
the same rows on SQLite and on PostgreSQL (ids and e-mail addresses follow what the database
holds already). Bench data, not demo data: written with bulk Core inserts in chunks rather than
through the services, which would take hours for a quarter of a million offers; the rows keep
the rules the services enforce (only approved companies publish, taken <= capacity, unique KvK
and enterprise numbers, BBL places only from SBB-verified companies).
"""
import bisect
import itertools
import random
import secrets
import time
from collections import Counter, namedtuple
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, insert, select, text

from portal import security
from portal.db import local_today, utcnow
from portal.extensions import db
from portal.geo.models import Place, Province
from portal.offers.models import ARCHIVED, DRAFT, PAUSED, PENDING, PUBLISHED, WITHDRAWN
from portal.organisations.models import (
    APPROVED,
    Location,
    Membership,
    Organisation,
    organisation_sectors,
)
from portal.organisations.models import PENDING as COMPANY_PENDING
from portal.seeding import national_text as words
from portal.seeding.national_offers import offer_chunk
from portal.taxonomy import codes
from portal.taxonomy.models import EducationLevel, Qualification, Sector

COMPANIES_PER_OFFER = 0.24   # 60,000 companies for 250,000 offers
SCHOOLS_PER_OFFER = 0.032    # 8,000 schools
CHUNK = 10_000               # offers generated and inserted at a time
TYPE_MIX = {codes.GUEST_LESSON: 20, codes.COMPANY_VISIT: 25, codes.TASTER_DAY: 10,
            codes.INTERNSHIP: 20, codes.APPRENTICESHIP: 12, codes.TEACHER_PLACEMENT: 5,
            codes.ASSIGNMENT: 8}
STATUS_MIX = {PUBLISHED: 92, PAUSED: 2.5, WITHDRAWN: 1.5, ARCHIVED: 2.5, PENDING: 1, DRAFT: 0.5}
PENDING_COMPANIES = 0.03     # their offers wait too: pending or draft, never published
SBB_VERIFIED = 0.85          # companies that may offer BBL places
BUSY_COMPANIES = 0.006       # companies with 1-12 open requests
# A Dutch-speaking portal: Walloon places count for a quarter of their population.
WALLONIA_WEIGHT = 0.25
EMAIL_DOMAIN = "bench.example"
# Tables whose rows get explicit ids, from the largest id there on.
ID_TABLES = ("users", "organisations", "locations", "memberships", "offers", "slots",
               "bookings")

CompanyInfo = namedtuple("CompanyInfo", "id index place_id country sector approved location_id "
                                        "name")
SchoolInfo = namedtuple("SchoolInfo", "id teacher_id")


class Weighted:
    """Picks items in proportion to their weights (bisect on the cumulative weights)."""

    def __init__(self, items, weights):
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng):
        return self.items[bisect.bisect_right(self.cumulative, rng.random() * self.total)]


@dataclass
class Summary:
    """What was made, for the command's output and the benchmark's manifest."""
    seed: int
    counts: Counter = field(default_factory=Counter)
    offers_by_status: Counter = field(default_factory=Counter)
    published_by_type: Counter = field(default_factory=Counter)
    first_ids: dict = field(default_factory=dict)
    seconds: float = 0.0
    index: str = ""

    def text(self):
        c = self.counts
        lines = [
            f"national data set (seed {self.seed}) made in {self.seconds:.1f} s:",
            f"  companies {c['companies']} ({c['companies_pending']} pending), schools "
            f"{c['schools']}, teachers {c['teachers']}",
            f"  offers {c['offers']}: " + ", ".join(
                f"{k} {v}" for k, v in sorted(self.offers_by_status.items())),
            "  published by type: " + ", ".join(
                f"{k} {v}" for k, v in sorted(self.published_by_type.items())),
            f"  published whose period or dates have passed: {c['published_ended']}",
            f"  slots {c['slots']}, open requests {c['open_requests']} at "
            f"{c['busy_companies']} companies",
        ]
        return "\n".join(lines)


def _next_id(table):
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


class _Generator:
    """The seeded random, the reference data read once, the next ids and the numbers in use:
    everything the row builders share. Reads the database only here, so the rows depend on the
    seed, the day and the reference data alone."""

    def __init__(self, seed, today, now):
        self.rng = random.Random(seed)
        self.today, self.now = today, now
        year_end = date(today.year, 7, 15)
        self.year_end = year_end if today <= year_end - timedelta(days=30) else date(
            today.year + 1, 7, 15)
        self._reference()
        self.ids = {name: _next_id(db.metadata.tables[name]) for name in ID_TABLES}
        self.numbers = Counter()
        self.verified, self.schools = set(), []
        self.taken_numbers = {n for row in db.session.execute(
            select(Organisation.kvk_number, Organisation.enterprise_number)) for n in row if n}
        self.taken_brins = {tuple(row) for row in db.session.execute(
            select(Organisation.brin_code, Organisation.location_code)
            .where(Organisation.brin_code.is_not(None)))}

    def _reference(self):
        rows = db.session.execute(
            select(Place.id, Place.name, Place.country_code, Province.code, Place.population)
            .join(Province, Province.id == Place.province_id)
            .where(Place.population > 0).order_by(Place.geonameid)).all()
        self.places = [row[:4] for row in rows]
        self.place_pick = Weighted(range(len(rows)), (
            row.population * (WALLONIA_WEIGHT if row.code == "BE-WAL" else 1) for row in rows))
        sectors = db.session.execute(select(Sector.code, Sector.id, Sector.parent_id)).all()
        self.sector_ids = {code: id_ for code, id_, _ in sectors}
        self.chamber_of = {code: parent for code, _, parent in sectors}
        self.sector_pick = Weighted(words.WEIGHTED_SECTORS, (
            words.SECTORS[code]["weight"] for code in words.WEIGHTED_SECTORS))
        self.levels = dict(db.session.execute(select(EducationLevel.code, EducationLevel.id)).all())
        self.quals = {q.crebo: q for q in db.session.scalars(
            select(Qualification).order_by(Qualification.crebo))}
        self.type_pick = Weighted(TYPE_MIX, TYPE_MIX.values())
        self.status_pick = Weighted(STATUS_MIX, STATUS_MIX.values())

    def new_id(self, table):
        value = self.ids[table]
        self.ids[table] += 1
        return value

    def stamp(self, days_back):
        return self.now - timedelta(seconds=self.rng.uniform(0, days_back * 86400))

    def number(self, country):
        """A KvK number (NL) or an enterprise number with its mod-97 check (BE), unused."""
        while True:
            self.numbers[country] += 1
            n = self.numbers[country]
            if country == "NL":
                value = f"{90000000 + n:08d}"
            else:
                body = f"{9000000 + n:08d}"
                value = f"{body}{97 - int(body) % 97:02d}"
            if value not in self.taken_numbers:
                return value

    def brin(self):
        while True:
            n = self.numbers["brin"]
            self.numbers["brin"] += 1
            pair = (f"{n // 676 % 100:02d}{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}",
                    f"{50 + n // 67600:02d}")
            if pair not in self.taken_brins:
                return pair

    def school_day(self, first, last):
        day = first + timedelta(days=self.rng.randint(0, max((last - first).days, 0)))
        while day.weekday() >= 5:
            day += timedelta(days=1)
        return day


def _insert(table, rows):
    """Many rows at once: COPY on PostgreSQL (several times faster than an INSERT per row),
    an executemany INSERT elsewhere. All rows of a call have the same keys; columns left out
    take their default (COPY sees only the database's, so the model's fixed ones are added)."""
    if not rows:
        return
    connection = db.session.connection()
    defaults = {c.name: c.default for c in table.columns
                if c.name not in rows[0] and c.default is not None}
    if connection.dialect.name != "postgresql" or any(
            not default.is_scalar for default in defaults.values()) or any(
            isinstance(value, (list, dict)) for value in rows[0].values()):
        db.session.execute(insert(table), rows)
        return
    columns, extra = list(rows[0]), [default.arg for default in defaults.values()]
    cursor = connection.connection.driver_connection.cursor()
    names = ", ".join(columns + list(defaults))
    with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns] + extra)


def _companies(gen, count, summary):
    rng, companies, weights = gen.rng, [], []
    rows, locations, sectors = [], [], []
    for index in range(count):
        place_id, place_name, country, province = gen.places[gen.place_pick.pick(rng)]
        sector = gen.sector_pick.pick(rng)
        approved = rng.random() >= PENDING_COMPANIES
        verified = rng.random() < SBB_VERIFIED
        name = words.company_name(rng, sector, country, province, place_name)
        number = gen.number(country)
        created = gen.stamp(900)
        company_id, location_id = gen.new_id("organisations"), gen.new_id("locations")
        rows.append({
            "id": company_id, "kind": "company", "name": name[:160], "place_id": place_id,
            "description": words.company_description(rng, sector, name, place_name),
            "status": APPROVED if approved else COMPANY_PENDING,
            "decided_at": created + timedelta(days=2) if approved else None,
            "kvk_number": number if country == "NL" else None,
            "enterprise_number": number if country == "BE" else None,
            "sbb_number": f"{100000000 + index}" if verified else None,
            "sbb_verified_at": created + timedelta(days=3) if verified else None,
            "created_at": created, "updated_at": created})
        locations.append({"id": location_id, "organisation_id": company_id,
                          "name": "Hoofdvestiging", "place_id": place_id, "address": None,
                          "created_at": created, "updated_at": created})
        own = {gen.sector_ids[sector]}
        if rng.random() < 0.25:
            own.add(gen.sector_ids[gen.sector_pick.pick(rng)])
        sectors += [{"organisation_id": company_id, "sector_id": s} for s in sorted(own)]
        companies.append(CompanyInfo(company_id, index, place_id, country, sector, approved,
                                     location_id, name))
        weights.append(rng.paretovariate(1.6))  # a few large companies, many small ones
        summary.counts["companies"] += 1
        summary.counts["companies_pending"] += not approved
        if verified and approved:
            gen.verified.add(index)
    _insert(Organisation.__table__, rows)
    _insert(Location.__table__, locations)
    _insert(organisation_sectors, sectors)
    gen.companies = companies
    gen.company_pick = Weighted(companies, weights)
    verified = [c for c in companies if c.index in gen.verified]
    gen.bbl_pick = Weighted(verified, (weights[c.index] for c in verified))
    approved = [c.index for c in companies if c.approved]
    busy = rng.sample(approved, min(len(approved), max(3, round(count * BUSY_COMPANIES))))
    gen.open_quota = {index: rng.randint(1, 12) for index in busy}
    gen.quota = dict(gen.open_quota)


def _schools(gen, count, password_hash, summary):
    rng, schools, users, members, sectors = gen.rng, [], [], [], []
    stages = Weighted(("po", "vo", "mbo"), (25, 50, 25))
    for _ in range(count):
        place_id, place_name, _country, _province = gen.places[gen.place_pick.pick(rng)]
        stage = stages.pick(rng)
        brin, location = gen.brin()
        created = gen.stamp(900)
        school_id, user_id = gen.new_id("organisations"), gen.new_id("users")
        schools.append({
            "id": school_id, "kind": "school", "name": words.school_name(rng, stage, place_name),
            "place_id": place_id, "description": "", "status": APPROVED, "brin_code": brin,
            "location_code": location, "school_stage": stage, "created_at": created,
            "updated_at": created})
        users.append({
            "id": user_id, "email": f"docent{user_id}@{EMAIL_DOMAIN}",
            "full_name": words.person_name(rng), "password_hash": password_hash,
            "role": security.TEACHER, "is_active": True, "email_confirmed_at": created,
            "locale": "nl", "mail_off": [], "mail_digest": False,
            "session_token": secrets.token_urlsafe(32), "created_at": created,
            "updated_at": created})
        members.append({"id": gen.new_id("memberships"), "user_id": user_id,
                        "organisation_id": school_id, "is_owner": True,
                        "created_at": created, "updated_at": created})
        if stage != "po" and rng.random() < 0.6:
            chosen = {gen.sector_ids[gen.sector_pick.pick(rng)] for _ in range(rng.randint(1, 2))}
            sectors += [{"organisation_id": school_id, "sector_id": s} for s in sorted(chosen)]
        gen.schools.append(SchoolInfo(school_id, user_id))
    _insert(db.metadata.tables["users"], users)
    _insert(Organisation.__table__, schools)
    _insert(Membership.__table__, members)
    _insert(organisation_sectors, sectors)
    summary.counts["schools"] += count
    summary.counts["teachers"] += count



def _fix_sequences():
    """PostgreSQL's id sequences know nothing of explicit ids: move them past the rows."""
    if db.engine.dialect.name != "postgresql":
        return
    for name in ID_TABLES:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {name}), false)"))


def _rebuild_index():
    """The search's word index and derived columns (portal/matching/index.py), if it exists."""
    try:
        from portal.matching.index import rebuild_index
    except ImportError:
        return "WARNING: portal.matching.index.rebuild_index is missing: no search index built"
    started = time.perf_counter()
    rebuild_index()
    db.session.commit()
    return f"search index rebuilt in {time.perf_counter() - started:.1f} s"


def generate_national(*, offers, seed=1, companies=None, schools=None, password=None,
                      today=None, now=None, rebuild=True, analyze=True, echo=print):
    """Add the national data set to a database holding the reference data; commit; return
    a Summary. `password` is every generated teacher's (one hash for all; random if None)."""
    started = time.perf_counter()
    today, now = today or local_today(), now or utcnow()
    companies = companies if companies is not None else max(3, round(offers * COMPANIES_PER_OFFER))
    schools = schools if schools is not None else max(2, round(offers * SCHOOLS_PER_OFFER))
    gen = _Generator(seed, today, now)
    summary = Summary(seed=seed, first_ids=dict(gen.ids))
    _companies(gen, companies, summary)
    _schools(gen, schools, security.hash_password(password or secrets.token_urlsafe(16)),
             summary)
    echo(f"  {companies} companies and {schools} schools in "
         f"{time.perf_counter() - started:.1f} s")
    tables = db.metadata.tables
    for done in range(0, offers, CHUNK):
        count = min(CHUNK, offers - done)
        first_id = gen.ids["offers"]
        gen.ids["offers"] += count
        for name, rows in offer_chunk(gen, first_id, count, summary).items():
            _insert(tables[name], rows)
        if (done + count) % (5 * CHUNK) == 0 or done + count == offers:
            echo(f"  {done + count} offers in {time.perf_counter() - started:.1f} s")
    summary.counts["busy_companies"] = sum(
        1 for index, left in gen.open_quota.items() if left < gen.quota[index])
    _fix_sequences()
    db.session.commit()
    if rebuild:
        summary.index = _rebuild_index()
        echo(f"  {summary.index}")
    if analyze:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    summary.seconds = time.perf_counter() - started
    return summary
