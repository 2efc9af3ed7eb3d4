"""Find offers for a search: exactly what ranking every fitting offer with the pure rules
(portal.matching.rules) returns, reading only what can reach the page.

How, in a bounded number of statements (MAX_STATEMENTS, whatever the number of offers):

1. The fitting offers within reach are counted on the search columns and indexes (see
   portal/matching/plan.py), up to COUNT_CAP + 1. Up to COUNT_CAP they are read and ranked
   whole, and the total is exact. Beyond it the page says "more than
   COUNT_CAP" and the best are found without reading the rest:
2. with a school, places are read best-first: every place's highest possible score is known
   before reading it (region and distance come from the place; sector, text and fairness can
   add at most their weight), so once the page is full nothing in a place whose best possible
   score is lower can enter it. Online offers, which are nowhere, are read like a visitor's:
3. for a visitor, every offer of a sector class (and, for one searched word, of a word score)
   of a company that is not busy scores the same, so the lowest ids of each fill the page;
   offers of busy companies, and of fuzzy words whose scores vary, are read whole.
4. When no more than COUNT_CAP are found, what the radius and the date left out is counted in
   one more statement (up to COUNT_CAP).
"""
import math
from dataclasses import dataclass, field

from sqlalchemy import String, and_, cast, func, literal, select, union_all
from sqlalchemy.orm import contains_eager

from portal.extensions import db
from portal.matching.index import offer_words
from portal.matching.plan import CLASS_NAME, area_of, make_plan, reach_condition
from portal.matching.rules import (
    DEFAULT_WEIGHTS,
    Facts,
    Query,
    beyond_reach,
    order_key,
    points,
)
from portal.matching.words import combine
from portal.offers.models import Offer

# Counted exactly up to this many; beyond, the page says "more than" and pages stop there.
COUNT_CAP = 1000
# The most SQL statements one search runs, however many offers there are (a test holds it
# to that): the school's place and sectors, the catalogue check, the busy companies, the count
# within reach, then its rows or up to three rounds of places and one of online offers, what
# was left out, and the page's offers; plus reading places, sectors or words the process does
# not know yet.
MAX_STATEMENTS = 14
# Places read per round when there are more than COUNT_CAP offers in reach.
ROUNDS = (8, 64, 512)
# (origin, radius, weights, places) -> _location_points: the same school searches again.
_LOCATION_POINTS = {}
# Word scores that many words share: their offers are read by lowest id, like a visitor's.
_SHARED_SCORES = (100.0, 95.0, 90.0, 85.0)

__all__ = ["COUNT_CAP", "MAX_STATEMENTS", "SearchFilters", "SearchResult", "area_of",
           "find_offers"]


@dataclass(frozen=True)
class SearchFilters:
    offer_type: str | None = None
    sector_id: int | None = None
    level_id: int | None = None
    max_km: float | None = None
    text: str = ""
    group_size: int | None = None
    wanted_on: object = None
    wanted_until: object = None
    page: int = 1
    per_page: int = 20


@dataclass
class SearchResult:
    hits: list  # (Ranked, Offer) pairs of this page
    total: int  # exact, or COUNT_CAP when `more`
    page: int
    pages: int
    origin: object = None  # the school's place the distances are measured from
    more: bool = False  # more than `total` offers fit
    # What the hard filters left out: {"distance": n beyond the radius, "room": n without room
    # on the wanted date or for the group}; only the filters the search used; n > COUNT_CAP
    # means more than COUNT_CAP.
    left_out: dict = field(default_factory=dict)
    cap: int = COUNT_CAP


def _words_column(plan):
    """The searched words' ids an offer has, as text ("3,17"), in the same statement."""
    if not plan.token_words:
        return literal(None)
    ids = sorted(set().union(*plan.token_words))
    word_id = cast(offer_words.c.word_id, String)
    if db.session.get_bind().dialect.name == "postgresql":
        joined = func.string_agg(word_id, ",")
    else:
        joined = func.group_concat(word_id, ",")
    # `word_id + 0`: read the offer's few words by offer_id, not each searched word by its id
    return select(joined).where(offer_words.c.offer_id == Offer.id,
                                (offer_words.c.word_id + 0).in_(ids)).scalar_subquery()


def _select(plan, *conditions, order=False, limit=None):
    statement = select(Offer.id, Offer.company_id, Offer.place_id, Offer.location_mode,
                       Offer.travel_km, plan.sector_class.label("class"),
                       _words_column(plan).label("words")).where(*plan.fits, *conditions)
    if plan.room is not None:
        statement = statement.where(plan.room)
    if order:
        statement = statement.order_by(Offer.id)
    if limit is not None:
        statement = statement.limit(limit)
    return statement


def _read(plan, *statements):
    """Run one statement, or several as one UNION ALL; rows of the same offer once."""
    if len(statements) == 1:
        statement = statements[0]
    else:
        statement = union_all(*(select(s.subquery()) for s in statements))
    return list({row[0]: row for row in db.session.execute(statement)}.values())


def _text_of(plan, word_ids):
    """(text score, the word named) from the ids of the searched words an offer has."""
    word_of = plan.vocabulary.word_of
    return combine(((word_of[i], words[i]) for i in word_ids if i in words)
                   for words in plan.token_words)


def _rank(plan, rows):
    """Score read rows with the rules; rows out of reach (checked exactly) are dropped."""
    query = plan.query
    ranked = []
    for offer_id, company_id, place_id, mode, travel_km, klass, words in rows:
        area = plan.places.get(place_id)
        distance = plan.distances.get(place_id)
        if beyond_reach(mode, travel_km, distance, query.max_km):
            continue
        text = None
        if plan.token_words:
            text = _text_of(plan, [int(word) for word in words.split(",")])
        ranked.append(points(Facts(
            offer_id=offer_id, location_mode=mode, area=area, distance=distance,
            sector=CLASS_NAME[klass], level_fits=query.level_id is not None,
            period_fits=query.period is not None, text=text,
            open_requests=plan.busy.get(company_id, 0)), query, plan.weights))
    return ranked


def _place_bounds(plan):
    """{place id: the most a located offer there can score}, best places first."""
    query, weights = plan.query, plan.weights
    best_sector = weights.sector if query.sector_ids else (
        weights.sector / 2 if query.chamber_ids else 0)
    rest = best_sector + (weights.level if query.level_id is not None else 0) \
        + (weights.period if query.period is not None else 0) \
        + (weights.text if query.tokens else 0) + 0.01  # scores are rounded to 0.01
    located = _location_points(query.origin, query.max_km, weights, plan.places,
                               plan.distances)
    return {place_id: value + rest for place_id, value in located}


def _location_points(origin, max_km, weights, places, distances):
    """[(place id, region and distance points there)], best first; kept per origin."""
    key = (origin, max_km, weights, id(places))
    found = _LOCATION_POINTS.get(key)
    if found is None:
        query = Query(origin=origin, max_km=max_km)
        found = sorted(((place_id, points(Facts(
            offer_id=0, location_mode="company", area=area, distance=distances[place_id],
            sector=None, level_fits=False, period_fits=False, text=None, open_requests=0),
            query, weights).score) for place_id, area in places.items()),
            key=lambda item: -item[1])
        if len(_LOCATION_POINTS) >= 256:
            _LOCATION_POINTS.clear()
        _LOCATION_POINTS[key] = found
    return found


def _by_lowest_id(plan, need, *conditions):
    """Statements for the offers that can be best when within each sector class (and word
    score) the lowest id wins: see the module's docstring, point 3."""
    not_busy = Offer.company_id.not_in(list(plan.busy)) if plan.busy else literal(True)
    statements = []
    if plan.busy:
        statements.append(_select(plan, *conditions, Offer.company_id.in_(list(plan.busy))))
    if len(plan.token_words) > 1:
        return [_select(plan, *conditions)]  # every word must match: few, read them whole
    tiers = [literal(True)]
    if plan.token_words:
        words = plan.token_words[0]
        shared = [[i for i, value in words.items() if value == score] for score in _SHARED_SCORES]
        tiers = [_has_word(tier) for tier in shared if tier]
        fuzzy = [i for i, value in words.items() if value not in _SHARED_SCORES]
        if fuzzy:
            statements.append(_select(plan, *conditions, _has_word(fuzzy)))
    for tier in tiers:
        # the best class first, then the lowest ids: `need` rows per tier cover every class
        statement = _select(plan, *conditions, tier, not_busy, limit=need)
        if plan.classes > 1:
            statements.append(statement.order_by(plan.sector_class.desc(), Offer.id))
        else:  # in the order of the primary key, the database stops at `need` rows
            statements.append(statement.order_by(Offer.id))
    return statements


def _has_word(word_ids):
    return Offer.id.in_(select(offer_words.c.offer_id).where(offer_words.c.word_id.in_(word_ids)))


def _best_from_places(plan, need, reach):
    """A school's best: online offers by lowest id, located ones place by place."""
    ranked = _rank(plan, _read(plan, *_by_lowest_id(plan, need, reach,
                                                       Offer.location_mode == "online")))
    located = and_(reach, Offer.location_mode != "online")
    bounds = _place_bounds(plan)
    read_places = _places_reader(plan, need, located)
    order = list(bounds)
    taken = 0
    for size in ROUNDS:
        chunk = order[taken:taken + size]
        taken += len(chunk)
        if chunk:
            ranked += _rank(plan, read_places(chunk))
        ranked.sort(key=order_key)
        floor = ranked[need - 1].score if len(ranked) >= need else -math.inf
        if taken >= len(order) or bounds[order[taken]] < floor:
            return ranked[:need]
    more = [place_id for place_id in order[taken:] if bounds[place_id] >= floor]
    if more:
        ranked += _rank(plan, read_places(more))
        ranked.sort(key=order_key)
    return ranked[:need]


def _places_reader(plan, need, located):
    """Read the offers of some places. Without searched words, the offers of a place and a
    sector class by companies that are not busy all score the same: only the `need` lowest ids
    of each can reach the page, and only those are read."""
    def read(place_ids):
        statement = _select(plan, located, Offer.place_id.in_(place_ids))
        if plan.token_words:
            return _read(plan, statement)
        busy = Offer.company_id.in_(list(plan.busy)) if plan.busy else literal(False)
        number = func.row_number().over(
            partition_by=(Offer.place_id, plan.sector_class, busy), order_by=Offer.id)
        inner = statement.add_columns(number.label("number"), busy.label("busy")).subquery()
        rows = db.session.execute(select(*list(inner.c)[:7]).where(
            (inner.c.number <= need) | inner.c.busy))
        return list(rows)
    return read


def _count(plan, *conditions):
    """How many fitting offers meet the conditions, counted up to COUNT_CAP + 1 (the
    database stops there) on the search's covering indexes."""
    room = [plan.room] if plan.room is not None else []
    inner = select(literal(1)).where(*plan.fits, *room, *conditions).limit(COUNT_CAP + 1)
    return db.session.scalar(select(func.count()).select_from(inner.subquery()))


def _left_out(plan, reach):
    """{"distance": n, "room": n}: offers only the radius or only the room left out."""
    counts = {}
    query = plan.query

    def capped(*conditions):
        inner = select(literal(1)).where(*plan.fits, *conditions).limit(COUNT_CAP + 1)
        return select(func.count()).select_from(inner.subquery()).scalar_subquery()

    if query.origin is not None and query.max_km is not None:
        room = [plan.room] if plan.room is not None else []
        counts["distance"] = capped(~reach, *room)
    if plan.room is not None:
        counts["room"] = capped(*([reach] if reach is not None else []), ~plan.room)
    if not counts:
        return {}
    values = db.session.execute(select(*counts.values())).one()
    return dict(zip(counts, values, strict=True))


def find_offers(filters, school=None, weights=DEFAULT_WEIGHTS):
    """Published offers that fit the filters, ranked for the school (None: a visitor)."""
    plan = make_plan(filters, school, weights)
    origin = school.place if plan.query.origin is not None else None
    if plan.query.tokens and not all(plan.token_words):
        return SearchResult(hits=[], total=0, page=1, pages=1, origin=origin)
    reach = reach_condition(plan)
    within = [reach] if reach is not None else []
    more = _count(plan, *within) > COUNT_CAP
    if more:
        pages = max(1, COUNT_CAP // filters.per_page)
        page = min(max(1, filters.page), pages)
        need = page * filters.per_page
        if plan.query.origin is not None:
            best = _best_from_places(plan, need, reach)
        else:
            best = sorted(_rank(plan, _read(plan, *_by_lowest_id(plan, need))), key=order_key)
        total = COUNT_CAP
    else:
        best = sorted(_rank(plan, _read(plan, _select(plan, *within))), key=order_key)
        total = len(best)
        pages = max(1, math.ceil(total / filters.per_page))
        page = min(max(1, filters.page), pages)
    shown = best[(page - 1) * filters.per_page:page * filters.per_page]
    offers = {offer.id: offer for offer in db.session.scalars(
        select(Offer).join(Offer.company).join(Offer.place)
        .options(contains_eager(Offer.company), contains_eager(Offer.place))
        .where(Offer.id.in_([r.offer_id for r in shown])))} if shown else {}
    # What the filters left out helps when few offers are found; beside more than COUNT_CAP
    # it would say nothing the page does not.
    left_out = {} if more else _left_out(plan, reach)
    return SearchResult(hits=[(r, offers[r.offer_id]) for r in shown], total=total, page=page,
                        pages=pages, origin=origin, more=more, left_out=left_out)
