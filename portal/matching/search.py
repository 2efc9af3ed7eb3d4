"""Find offers for a search: exactly what ranking every fitting offer with the pure rules
(portal.matching.rules) returns, without loading every fitting offer.

How (a fixed number of queries, whatever the number of offers):

1. One grouped count over the fitting offers (the hard rules but distance and room on the wanted
   date) by place, sector class and location: it gives the total, what the distance and the
   date left out, and how many candidates each place holds.
2. Every place's best possible score is known before reading its offers (region and distance
   come from the place, sector from the class; text and fairness can only add at most their
   weight or take away). Places are read best-first from the index on `offers.place_id`: first
   enough of them to fill the page, then, in one more query, every place that could still
   reach the page's lowest score. Nothing further away can outrank what is kept.
3. A visitor has no place to start from: per sector class, the lowest ids fill the page
   (everything else in the class scores the same and ranks after them by id).

Words come from the word index (portal.matching.index) through the vocabulary: each searched
word is mapped, typo-tolerant, onto the words the index knows (portal.matching.words).
"""
import math
from dataclasses import dataclass, field

from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import contains_eager

from portal.db import local_today
from portal.extensions import db
from portal.matching import catalogue
from portal.matching.index import bits, in_bits, offer_words
from portal.matching.rules import (
    BUSY_FROM,
    DEFAULT_WEIGHTS,
    Area,
    Facts,
    Query,
    area_distance,
    beyond_reach,
    order_key,
    points,
)
from portal.matching.words import MATCH_FROM, matching_words
from portal.offers.models import Offer, Slot, offer_levels, offer_sectors
from portal.taxonomy.models import Sector

# Bookings are read by table name: bookings stands to the right of matching and is not imported.
OPEN_BOOKING_STATUS = "requested"
EXACT, CHAMBER, OTHER = 2, 1, 0
# The most SQL statements one search runs, however many offers there are (a test holds it to
# that): the school's place and sectors, the catalogue check, the busy companies, the grouped
# count, two reads of offers with their words, and the page's offers; plus the reading of
# places or words the process does not know yet.
MAX_STATEMENTS = 11
_CLASS_NAME = {EXACT: "exact", CHAMBER: "chamber", OTHER: None}


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
    total: int
    page: int
    pages: int
    origin: object = None  # the school's place the distances are measured from
    # What the hard filters left out: {"distance": n beyond the radius, "room": n without room
    # on the wanted date or for the group}; only the filters the search used.
    left_out: dict = field(default_factory=dict)


def area_of(place):
    return Area(latitude=place.latitude, longitude=place.longitude, place_id=place.id,
                province_id=place.province_id, landsdeel_id=place.landsdeel_id)


def _sector_preference(sector_id, school):
    """(exact sector ids, their chamber ids) the ranking prefers."""
    if sector_id:
        sector = db.session.get(Sector, sector_id)
        if sector is not None:
            if sector.parent_id is None:
                return frozenset([sector.id, *(c.id for c in sector.children)]), frozenset(
                    [sector.id])
            return frozenset([sector.id]), frozenset([sector.parent_id])
    sectors = school.sectors if school is not None else []
    return frozenset(s.id for s in sectors), frozenset(s.chamber_id for s in sectors)


@dataclass
class _Plan:
    """A search turned into SQL conditions and what the ranking needs besides."""

    query: Query
    weights: object
    fits: list  # conditions every kept offer meets (not distance, not room on a date)
    room: object  # the room condition of the wanted date or group (None: none asked)
    sector_class: object  # SQL expression: EXACT, CHAMBER or OTHER
    token_words: list  # per searched word: {word id: score}
    busy: dict  # company id -> open requests, for companies from BUSY_FROM on
    vocabulary: object
    places: dict  # place id -> Area, when the search has an origin


def _has_sector(ids):
    """SQL: the offer has one of these sectors (on its bits when they all have one)."""
    ids = set(ids)
    if in_bits(ids):
        return Offer.sector_mask.op("&")(bits(ids)) != 0
    return exists().where(offer_sectors.c.offer_id == Offer.id,
                          offer_sectors.c.sector_id.in_(ids))


def _chamber_family(chamber_ids, parents):
    """The chambers and every sector in them."""
    return {sector_id for sector_id, chamber_id in parents.items() if chamber_id in chamber_ids}


def _class_expression(query, family):
    whens = []
    if query.sector_ids:
        whens.append((_has_sector(query.sector_ids), EXACT))
    if family:
        whens.append((_has_sector(family), CHAMBER))
    return case(*whens, else_=OTHER) if whens else literal(OTHER)


def _room_condition(query, today):
    """Room on the wanted date or period, for the group: a slot of a group activity, or an
    overlapping period with a free place of a placement. None when neither was asked."""
    if query.period is None and query.group_size is None:
        return None
    first, last = query.period or (today, None)
    need = query.group_size or 1
    slot = exists().where(Slot.offer_id == Offer.id, Slot.day >= max(first, today),
                          Slot.capacity - Slot.taken >= need)
    if last is not None:
        slot = slot.where(Slot.day <= last)
    placement = Offer.capacity.is_not(None)
    if query.period is not None:
        placement = and_(placement, or_(Offer.starts_on.is_(None), Offer.starts_on <= last),
                         or_(Offer.ends_on.is_(None), Offer.ends_on >= first))
    return or_(and_(Offer.capacity.is_(None), slot.correlate(Offer)), placement)


def _fits(filters, query, today, family, token_words):
    """The hard rules in SQL, except distance (checked per place) and room on a date. Whether
    an offer can be found at all (published, approved company, room, not ended) is one
    indexed column (portal/offers/findable.py)."""
    conditions = [Offer.search_until >= today]
    if filters.offer_type:
        conditions.append(Offer.offer_type == filters.offer_type)
    if filters.level_id:
        level = {filters.level_id}
        conditions.append(Offer.level_mask.op("&")(bits(level)) != 0 if in_bits(level) else
                          exists().where(offer_levels.c.offer_id == Offer.id,
                                         offer_levels.c.education_level_id == filters.level_id))
    if filters.sector_id and family:
        conditions.append(_has_sector(family))
    if query.group_size is not None:
        group = query.group_size
        conditions.append(or_(
            Offer.capacity.is_not(None),
            and_(or_(Offer.max_group_size.is_(None), Offer.max_group_size >= group),
                 or_(Offer.min_group_size.is_(None), Offer.min_group_size <= group))))
    for words in token_words:
        conditions.append(Offer.id.in_(select(offer_words.c.offer_id)
                                       .where(offer_words.c.word_id.in_(list(words)))))
    return conditions


def _busy_companies():
    bookings = db.metadata.tables["bookings"]
    return dict(db.session.execute(
        select(Offer.company_id, func.count(bookings.c.id))
        .join(bookings, bookings.c.offer_id == Offer.id)
        .where(bookings.c.status == OPEN_BOOKING_STATUS)
        .group_by(Offer.company_id)
        .having(func.count(bookings.c.id) >= BUSY_FROM)).all())


def _plan(filters, school, weights):
    today = local_today()
    origin = area_of(school.place) if school is not None and school.place else None
    sector_ids, chamber_ids = _sector_preference(filters.sector_id, school)
    query = Query(origin=origin, max_km=filters.max_km if origin else None,
                  sector_ids=sector_ids, chamber_ids=chamber_ids, level_id=filters.level_id,
                  text=(filters.text or "").strip(), group_size=filters.group_size,
                  wanted_on=filters.wanted_on, wanted_until=filters.wanted_until, today=today)
    token_words = []
    highest_place, highest_word, sectors_version = catalogue.highest_ids()
    vocabulary = catalogue.vocabulary(highest_word) if query.tokens else None
    if query.tokens:
        for token in query.tokens:
            found = matching_words(token, vocabulary.words)
            token_words.append({vocabulary.ids[word]: value for word, value in found.items()})
    family = _chamber_family(chamber_ids, catalogue.sector_parents(sectors_version))
    return _Plan(query=query, weights=weights,
                 fits=_fits(filters, query, today, family, token_words),
                 room=_room_condition(query, today),
                 sector_class=_class_expression(query, family),
                 token_words=token_words, busy=_busy_companies(), vocabulary=vocabulary,
                 places=catalogue.places(highest_place) if origin is not None else {})


def _count_groups(plan):
    """[(place id, location mode, travel km, class, fitting, with room)] of the fitting offers."""
    school_travel = case((Offer.location_mode == "school", Offer.travel_km), else_=None)
    with_room = func.sum(case((plan.room, 1), else_=0)) if plan.room is not None \
        else func.count()
    columns = (Offer.place_id, Offer.location_mode, school_travel, plan.sector_class)
    return db.session.execute(
        select(*columns, func.count(), with_room).where(*plan.fits).group_by(*columns)).all()


def _bounds(plan, places):
    """The most a place's offers of each class can score, before reading them."""
    query, weights = plan.query, plan.weights
    rest = (weights.level if query.level_id is not None else 0) \
        + (weights.period if query.period is not None else 0) \
        + (weights.text if query.tokens else 0)
    class_points = {EXACT: weights.sector, CHAMBER: weights.sector / 2, OTHER: 0.0}

    def bound(place_id, mode, klass):
        facts = Facts(offer_id=0, location_mode=mode, area=places[place_id],
                      distance=area_distance(places[place_id], query), sector=None,
                      level_fits=False, period_fits=False, text=None, open_requests=0)
        # + 0.01: a score is rounded to two decimals, which may lift it that much
        return points(facts, query, weights).score + class_points[klass] + rest + 0.01
    return bound


def _text_scores(plan, offer_ids):
    """offer id -> (text score, the word named), from the word index."""
    if not plan.token_words or not offer_ids:
        return {}
    all_ids = set().union(*plan.token_words)
    vocabulary = plan.vocabulary
    found = {}
    for offer_id, word_id in db.session.execute(
            select(offer_words.c.offer_id, offer_words.c.word_id)
            .where(offer_words.c.offer_id.in_(offer_ids), offer_words.c.word_id.in_(all_ids))):
        found.setdefault(offer_id, []).append(word_id)
    scores = {}
    for offer_id, word_ids in found.items():
        total, named, named_score = 0.0, None, -1.0
        for words in plan.token_words:
            best, best_word = 0.0, None
            for word_id in word_ids:
                value = words.get(word_id)
                if value is None:
                    continue
                word = vocabulary.word_of[word_id]
                if value > best or (value == best and best_word is not None and word < best_word):
                    best, best_word = value, word
            total += best
            if best > named_score:
                named, named_score = best_word, best
        if named_score >= MATCH_FROM:
            scores[offer_id] = (total / len(plan.token_words), named)
    return scores


def _rank_rows(plan, rows, places):
    """Score fetched rows (id, company, place, mode, travel, class) with the pure rules."""
    query = plan.query
    texts = _text_scores(plan, [row[0] for row in rows])
    ranked = []
    for offer_id, company_id, place_id, mode, travel_km, klass in rows:
        area = places.get(place_id)
        distance = area_distance(area, query)
        if beyond_reach(mode, travel_km, distance, query.max_km):
            continue
        text = texts.get(offer_id) if query.tokens else None
        if query.tokens and text is None:
            continue
        ranked.append(points(Facts(
            offer_id=offer_id, location_mode=mode, area=area, distance=distance,
            sector=_CLASS_NAME[klass], level_fits=query.level_id is not None,
            period_fits=query.period is not None, text=text,
            open_requests=plan.busy.get(company_id, 0)), query, plan.weights))
    return ranked


def _rows(plan, *conditions, order=None, limit=None):
    statement = select(Offer.id, Offer.company_id, Offer.place_id, Offer.location_mode,
                       Offer.travel_km, plan.sector_class).where(*plan.fits, *conditions)
    if plan.room is not None:
        statement = statement.where(plan.room)
    if order is not None:
        statement = statement.order_by(order)
    if limit is not None:
        statement = statement.limit(limit)
    return db.session.execute(statement).all()


def _best_from_places(plan, groups, need, places):
    """Rank best-first by place: the groups ((place, class) -> offers with room) in order of
    their bound, read in at most two queries."""
    bound = _bounds(plan, places)
    order = sorted(groups, key=lambda g: -bound(*g))
    first, count = [], 0
    for group in order:
        first.append(group)
        count += groups[group]
        if count >= need:
            break
    ranked = _rank_rows(plan, _rows(plan, _group_condition(plan, first)), places)
    ranked.sort(key=order_key)
    rest = order[len(first):]
    if rest:
        floor = ranked[need - 1].score if len(ranked) >= need else -math.inf
        more = [group for group in rest if bound(*group) >= floor]
        if more:
            ranked += _rank_rows(plan, _rows(plan, _group_condition(plan, more)), places)
            ranked.sort(key=order_key)
    return ranked[:need]


def _group_condition(plan, groups):
    """Offers of these (place, mode, class) groups: by place on the index, the class and mode
    checked on the rows the index gives."""
    by_key = {}
    for place_id, mode, klass in groups:
        by_key.setdefault((mode, klass), set()).add(place_id)
    return or_(*(and_(Offer.place_id.in_(sorted(ids)), Offer.location_mode == mode,
                      plan.sector_class == klass)
                 for (mode, klass), ids in by_key.items()))


def _best_by_id(plan, classes, need):
    """A visitor: per sector class every offer of a company that is not busy scores the same,
    so the lowest ids are the best; offers of busy companies are read whole (they are few)."""
    ranked = []
    not_busy = Offer.company_id.not_in(list(plan.busy)) if plan.busy else literal(True)
    if plan.query.tokens:
        rows = _rows(plan)
    else:
        rows = []
        for klass in classes:
            rows += _rows(plan, plan.sector_class == klass, not_busy, order=Offer.id,
                          limit=need)
        if plan.busy:
            rows += _rows(plan, Offer.company_id.in_(list(plan.busy)))
    ranked = _rank_rows(plan, list({row[0]: row for row in rows}.values()), {})
    ranked.sort(key=order_key)
    return ranked[:need]


def find_offers(filters, school=None, weights=DEFAULT_WEIGHTS):
    """Published offers that fit the filters, ranked for the school (None: a visitor)."""
    plan = _plan(filters, school, weights)
    query = plan.query
    if query.tokens and not all(plan.token_words):
        return SearchResult(hits=[], total=0, page=1, pages=1,
                            origin=school.place if query.origin else None,
                            left_out={})
    places = plan.places
    total, beyond, without_room = 0, 0, 0
    groups, classes = {}, set()
    for place_id, mode, travel_km, klass, fitting, with_room in _count_groups(plan):
        if query.origin is not None and beyond_reach(
                mode, travel_km, area_distance(places[place_id], query), query.max_km):
            beyond += with_room
            continue
        total += with_room
        without_room += fitting - with_room
        classes.add(klass)
        if with_room:
            key = (place_id, mode, klass)
            groups[key] = groups.get(key, 0) + with_room
    pages = max(1, math.ceil(total / filters.per_page))
    page = min(max(1, filters.page), pages)
    need = page * filters.per_page
    if not total:
        best = []
    elif query.origin is not None:
        best = _best_from_places(plan, groups, need, places)
    else:
        best = _best_by_id(plan, sorted(classes, reverse=True), need)
    shown = best[(page - 1) * filters.per_page:need]
    offers = {offer.id: offer for offer in db.session.scalars(
        select(Offer).join(Offer.company).join(Offer.place)
        .options(contains_eager(Offer.company), contains_eager(Offer.place))
        .where(Offer.id.in_([r.offer_id for r in shown])))} if shown else {}
    left_out = {}
    if query.max_km is not None:
        left_out["distance"] = beyond
    if plan.room is not None:
        left_out["room"] = without_room
    return SearchResult(hits=[(r, offers[r.offer_id]) for r in shown], total=total, page=page,
                        pages=pages, origin=school.place if query.origin else None,
                        left_out=left_out)

