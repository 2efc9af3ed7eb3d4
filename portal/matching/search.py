"""Find offers for a search: exactly what ranking every fitting offer with the pure rules
(portal.matching.rules) returns, every fitting offer counted.

The offers' facts are at hand in memory (portal/matching/store.py, brought up to date from the
database before every search), so every rule runs over all offers at once as array operations:
the hard rules as masks, the soft rules as the same sums of the same points in the same order
as rules.points(), so the scores are equal to the last bit. The best `page * per_page` are
picked by one key (score, then nearer, then the lower id: rules.order_key), and only the
offers of the page are scored again by the pure rules for their reasons and read from the
database for display.
"""
import itertools
import math
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import and_, bindparam, select

from portal.extensions import db
from portal.geo.labels import format_label
from portal.geo.models import Place, Province
from portal.matching import store as stores
from portal.matching.plan import CHAMBER, CLASS_NAME, EXACT, OTHER, area_of, make_plan
from portal.matching.rules import (
    DEFAULT_RADIUS_KM,
    DEFAULT_WEIGHTS,
    PARTNER_POINTS,
    Facts,
    points,
)
from portal.matching.store import MODES, NONE, ONLINE, ROOM_SPAN, SCHOOL
from portal.matching.words import combine
from portal.offers.models import Offer, Places
from portal.offers.slots import (
    NUMBERED_OPEN_SLOTS,
    OPEN_SLOT_COLUMNS,
    OPEN_SLOT_ORDER,
    OpenSlot,
)
from portal.organisations.models import Organisation

# The most SQL statements one search runs, however many offers there are (a test holds it
# to that): the catalogue check, what changed since the last search, the page's offers; plus
# the school's place and sectors, and reading places, sectors or words the process does not
# know yet.
MAX_STATEMENTS = 10
# The best offers are picked by one integer key (score, nearness, id) while it fits in these
# bits; by numpy's lexsort of the three otherwise (slower, the same order).
KEY_BITS = 62

__all__ = ["MAX_STATEMENTS", "SearchFilters", "SearchResult", "area_of", "find_offers"]


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
    hits: list  # (Ranked, OfferCard) pairs of this page
    total: int  # every fitting offer
    page: int
    pages: int
    origin: object = None  # the school's place the distances are measured from
    # What the hard filters left out: {"distance": n beyond the radius, "room": n without room
    # on the wanted date or for the group}; only the filters the search used.
    left_out: dict = field(default_factory=dict)


@dataclass
class _Found:
    total: int
    page: int
    pages: int
    shown: list  # Ranked of the page
    left_out: dict


@dataclass(frozen=True)
class OfferCard(Places):
    """An offer as a list of results shows it: read for a page in one statement, without the
    ORM (which took longer to make the page's 80 objects than the search itself), with its
    next dates with room."""

    id: int
    title: str
    offer_type: str
    description: str
    capacity: int | None  # None: a group activity on slots
    places_taken: int
    company_name: str
    place_label: str
    open_slots: tuple = ()  # the next SLOTS_SHOWN slots with room (OpenSlot)


SLOTS_SHOWN = 3
_CARDS = (select(Offer.id, Offer.title, Offer.offer_type, Offer.description, Offer.capacity,
                 Offer.places_taken, Organisation.name, Place.name, Province.name,
                 Place.distinguisher, *OPEN_SLOT_COLUMNS)
          .join(Organisation, Organisation.id == Offer.company_id)
          .join(Place, Place.id == Offer.place_id).join(Province, Province.id == Place.province_id)
          .outerjoin(NUMBERED_OPEN_SLOTS, and_(
              NUMBERED_OPEN_SLOTS.c.offer_id == Offer.id,
              NUMBERED_OPEN_SLOTS.c.number <= bindparam("per_offer")))
          .where(Offer.id.in_(bindparam("offer_ids", expanding=True)))
          .order_by(Offer.id, *OPEN_SLOT_ORDER))


def _cards(offer_ids, today):
    """{offer id: OfferCard} of these offers, with their next slots with room from `today`."""
    if not offer_ids:
        return {}
    rows = db.session.connection().execute(_CARDS, {
        "offer_ids": offer_ids, "today": today, "per_offer": SLOTS_SHOWN})
    found = {}
    for offer_id, group in itertools.groupby(rows, key=lambda row: row[0]):
        first = next(group)
        slots = [OpenSlot(*row[10:]) for row in itertools.chain([first], group)
                 if row[10] is not None]
        found[offer_id] = OfferCard(*first[:7], place_label=format_label(*first[7:10]),
                                    open_slots=tuple(slots))
    return found


def find_offers(filters, school=None, weights=DEFAULT_WEIGHTS, catalogue_ids=None):
    """Published offers that fit the filters, ranked for the school (None: a visitor).
    `catalogue_ids`: catalogue.highest_ids() when the caller read them in this request."""
    plan = make_plan(filters, school, weights, catalogue_ids)
    origin = school.place if plan.query.origin is not None else None
    if plan.query.tokens and not all(plan.token_words):
        return SearchResult(hits=[], total=0, page=1, pages=1, origin=origin)
    connection = db.session.connection()
    with stores.lock:
        store = stores.current(connection, plan.query.today)
        found = _find(store, plan, filters)
    offers = _cards([r.offer_id for r in found.shown], plan.query.today)
    # An offer committed or deleted between this request's view of the database and the
    # process's copy (another thread brought it up to date) is left off this page.
    return SearchResult(hits=[(r, offers[r.offer_id]) for r in found.shown
                              if r.offer_id in offers], total=found.total,
                        page=found.page, pages=found.pages, origin=origin,
                        left_out=found.left_out)


def _find(store, plan, filters):
    fits, texts = _fits(store, plan)
    room = _room(store, plan)
    reach = _reach(store, plan)
    kept = fits
    if room is not None:
        kept = kept & room
    if reach is not None:
        kept = kept & reach
    left_out = {}
    if reach is not None and plan.query.max_km is not None:
        left_out["distance"] = int(np.count_nonzero(
            (fits & room if room is not None else fits) & ~reach))
    if room is not None:
        left_out["room"] = int(np.count_nonzero(
            (fits & reach if reach is not None else fits) & ~room))
    positions = np.flatnonzero(kept)
    total = len(positions)
    pages = max(1, math.ceil(total / filters.per_page))
    page = min(max(1, filters.page), pages)
    need = page * filters.per_page
    best = _best(store, plan, positions, [text[positions] for text in texts], need)
    page_best = best[(page - 1) * filters.per_page:need]
    words = store.words.among([position for position, _klass in page_best],
                              sorted(set().union(*plan.token_words)),
                              store.stale) if plan.token_words else {}
    shown = [_ranked(store, plan, position, klass, words.get(position, ()))
             for position, klass in page_best]
    return _Found(total=total, page=page, pages=pages, shown=shown, left_out=left_out)


# --- hard rules ------------------------------------------------------------------------

def _fits(store, plan):
    """Whether each offer meets the hard rules but distance and room; and per searched word
    each offer's best word score (0: none)."""
    today = plan.query.today.toordinal()
    fits = store.kept(("until", today), lambda: store.until >= today)
    if plan.offer_type:
        code = store.kind_code(plan.offer_type)
        fits = fits & store.kept(("kind", code), lambda: store.kind == code)
    level_id = plan.query.level_id
    if level_id:
        fits = fits & _having(store, "levels", frozenset([level_id]))
    if plan.sector_id and plan.family:
        fits = fits & _having(store, "sectors", frozenset(plan.family))
    group = plan.query.group_size
    if group is not None:
        fits = fits & ((store.capacity != NONE) | (
            ((store.max_group == NONE) | (store.max_group >= group))
            & ((store.min_group == NONE) | (store.min_group <= group))))
    texts = []
    for words in plan.token_words:
        text = store.words.best(words, store.stale)
        fits = fits & (text > 0)
        texts.append(text)
    return fits, texts


def _having(store, links, values):
    """Whether each offer has one of these sectors or levels (a frozenset), kept."""
    return store.kept((links, values), lambda: getattr(store, links).having(values, store.stale))


def _room(store, plan):
    """Room on the wanted date or period, for the group: a date of a group activity, or an
    overlapping period of a placement (which has a free place, or it could not be found).
    None when neither was asked."""
    query = plan.query
    if query.period is None and query.group_size is None:
        return None
    today = query.today
    first, last = query.period or (today, None)
    low = max(first, today).toordinal()
    high = last.toordinal() if last is not None else np.iinfo(np.int64).max // ROOM_SPAN
    need = query.group_size or 1
    # day * ROOM_SPAN + room: the day in [low, high], the room at least `need` (the low bits)
    lowest = low * ROOM_SPAN
    beyond = min((high + 1) * ROOM_SPAN, int(np.iinfo(np.int64).max))
    group_activity = store.kept(("group activity",), lambda: store.capacity == NONE)
    dated = store.slots.with_room(lowest, beyond, need, store.stale)
    placement = ~group_activity
    if query.period is not None:
        placement &= ((store.starts == NONE) | (store.starts <= last.toordinal())) & (
            (store.ends == NONE) | (store.ends >= first.toordinal()))
    return (group_activity & dated) | placement


def _reach(store, plan):
    """Within reach of the school (None: a visitor, everything is): online always; a lesson
    at the school within the company's own travel distance; anything else within the radius
    (rules.beyond_reach)."""
    if plan.query.origin is None:
        return None
    school = (plan.query.origin, plan.places_version)
    # NaN for a place newer than the places read: within no distance, not even "any"
    distance = store.kept(("distance", *school), lambda: _of_place(
        _by_place(plan).distance, store.place, np.nan))
    travels = store.kept(("travels",), lambda: (store.mode == SCHOOL) & (store.travel != NONE))
    # online, or within the company's travel distance: the same for every search of the school
    reached = store.kept(("reached", *school), lambda: (store.mode == ONLINE) | (
        travels & (distance <= store.travel)))
    radius = plan.query.max_km if plan.query.max_km is not None else np.inf
    return reached | (~travels & (distance <= radius))


# --- soft rules ------------------------------------------------------------------------

@dataclass
class _Places:
    distance: np.ndarray  # place id -> km from the school (inf: no such place)
    points: np.ndarray  # place id -> region and distance points of an offer there
    rank: np.ndarray  # place id -> rank of its distance (equal distances, equal ranks)
    ranks: int


_PLACES = {}  # (origin, radius, weights, places) -> _Places: the same school searches again


def _places_key(plan):
    query, weights = plan.query, plan.weights
    return (query.origin, query.max_km, weights.region, weights.distance, plan.places_version)


def _by_place(plan):
    query, weights = plan.query, plan.weights
    key = _places_key(plan)
    found = _PLACES.get(key)
    if found is None:
        ids = np.fromiter(plan.places, dtype=np.int64, count=len(plan.places))
        size = int(ids.max(initial=0)) + 1
        distance = np.full(size, np.inf)
        distance[ids] = [plan.distances[i] for i in ids.tolist()]
        origin = query.origin
        areas = [plan.places[i] for i in ids.tolist()]
        province = np.array([a.province_id for a in areas])
        landsdeel = np.array([a.landsdeel_id if a.landsdeel_id is not None else -1
                              for a in areas])
        # rules._region: the same place, province or landsdeel; exactly its values
        region = np.select(
            [ids == origin.place_id, province == origin.province_id,
             (landsdeel == origin.landsdeel_id) if origin.landsdeel_id is not None
             else np.zeros(len(ids), dtype=bool)],
            [float(weights.region), weights.region * 2 / 3, weights.region / 3], 0.0)
        # rules._distance
        radius = query.max_km or DEFAULT_RADIUS_KM
        near = weights.distance * np.maximum(0.0, 1 - distance[ids] / radius)
        place_points = np.zeros(size)
        place_points[ids] = region + near
        values, inverse = np.unique(distance[ids], return_inverse=True)
        rank = np.full(size, len(values), dtype=np.int64)
        rank[ids] = inverse
        found = _Places(distance=distance, points=place_points, rank=rank,
                        ranks=len(values) + 1)
        if len(_PLACES) >= 256:
            _PLACES.clear()
        _PLACES[key] = found
    return found


def _of_place(by_place, place_ids, missing):
    """by_place[place_ids], and `missing` for a place added after the places were read (its
    offer came in between; it is out of reach until the next search reads the places)."""
    if not len(place_ids) or int(place_ids.max()) < len(by_place):
        return by_place[place_ids]
    known = place_ids < len(by_place)
    return np.where(known, by_place[np.where(known, place_ids, 0)], missing)


def _classes(store, plan, positions):
    """EXACT, CHAMBER or OTHER per offer (rules.sector_match)."""
    query = plan.query
    klass = np.full(len(positions), OTHER, dtype=np.int8)
    if plan.family:
        klass[_having(store, "sectors", frozenset(plan.family))[positions]] = CHAMBER
    if query.sector_ids:
        klass[_having(store, "sectors", frozenset(query.sector_ids))[positions]] = EXACT
    return klass


def _by_where(store, plan, positions, klass):
    """The points of these offers before words and fairness (region, distance, sector, level
    and period, added in the order of rules.points), which depend only on where an offer is
    (a place, online, or a place read after the places) and its sector class: (the _Table of
    every where and class, each offer's index in it, each offer's where or None)."""
    query, weights = plan.query, plan.weights
    by_class = np.array([0.0, weights.sector / 2, float(weights.sector)])  # OTHER, CHAMBER, EXACT
    level = float(weights.level) if query.level_id is not None else 0.0
    period = float(weights.period) if query.period is not None else 0.0
    if query.origin is None:  # no region or distance points
        points = (by_class + level) + period
        return _Table(points=points, cents=_cents(points)), klass, None
    known = len(_by_place(plan).points)
    rows = store.kept(("where", known), lambda: np.where(
        store.mode == ONLINE, known, np.where(store.place < known, store.place, known + 1)))
    where = rows[positions]
    return _table(plan, by_class, level, period), where * 3 + klass, where


_TABLES = {}  # (the places' key, sector weight, level, period) -> _Table; the last few used
KEPT_TABLES = 32


@dataclass
class _Table:
    points: np.ndarray  # per where and class (where * 3 + class), before words and fairness
    cents: np.ndarray  # the same in hundredths, rounded as rules.points rounds


def _table(plan, by_class, level, period):
    key = (_places_key(plan), float(by_class[2]), level, period)
    found = _TABLES.pop(key, None)
    if found is None:
        # the rows: every place id, then online (half the distance points), then a place
        # newer than the places read (no points: it is out of reach until they are read)
        points = np.append(_by_place(plan).points, [0.0 + plan.weights.distance / 2, 0.0])
        table = points[:, None] + by_class
        if level:  # adding 0.0 changes nothing
            table = table + level
        if period:
            table = table + period
        found = _Table(points=table.ravel(), cents=_cents(table.ravel()))
        while len(_TABLES) >= KEPT_TABLES:
            _TABLES.pop(next(iter(_TABLES)))
    _TABLES[key] = found  # the most recently used last
    return found


def _scored(store, plan, positions, texts, klass):
    """(rules.points() of these offers in hundredths, each offer's where: see _by_where)."""
    weights = plan.weights
    table, index, where = _by_where(store, plan, positions, klass)
    fairness = store.fairness_points(weights.fairness)[positions] if store.busy else None
    partner = _partner_points(store, plan, positions)
    if texts:
        summed = 0.0
        for text in texts:
            summed = summed + text
        total = table.points[index] + weights.text * (summed / len(texts)) / 100
        if fairness is not None:
            total = total + fairness
        if partner is not None:
            total = total + partner
        return _cents(total), where
    # without words most offers score what their where and class give, rounded once per
    # entry of the table; the offers of busy and of partner companies are scored one by one,
    # adding in the rules' order
    cents = table.cents[index]
    if fairness is None and partner is None:
        return cents, where
    other = np.zeros(len(index), dtype=bool)
    for extra in (fairness, partner):
        if extra is not None:
            other |= extra != 0
    special = np.flatnonzero(other)
    if len(special):
        total = table.points[index[special]]
        if fairness is not None:
            total = total + fairness[special]
        if partner is not None:
            total = total + partner[special]
        cents[special] = _cents(total)
    return cents, where


def _partner_points(store, plan, positions):
    """PARTNER_POINTS for the offers of the searching school's partner companies, else 0;
    None when the school has no partners."""
    partners = plan.query.partner_company_ids
    if not partners:
        return None
    own = np.isin(store.company[positions], np.fromiter(partners, dtype=np.int64))
    return np.where(own, PARTNER_POINTS, 0.0)


def _cents(total):
    """round(x, 2) of every score in hundredths, as Python rounds (numpy's rint differs where
    x * 100 lies on a half: those few are rounded by Python)."""
    hundredths = total * 100
    cents = np.rint(hundredths)
    halves = np.flatnonzero(np.abs(hundredths - np.floor(hundredths) - 0.5) < 1e-6)
    for at in halves.tolist():
        cents[at] = np.rint(round(float(total[at]), 2) * 100)
    return cents.astype(np.int64)


def _best(store, plan, positions, texts, need):
    """[(position, sector class)] of the `need` best offers, in the order of rules.order_key."""
    if not len(positions):
        return []
    klass = _classes(store, plan, positions)
    cents, where = _scored(store, plan, positions, texts, klass)
    ids = store.ids[positions]
    # nearer first; online offers have no distance: after all others. A visitor's offers
    # have none at all: by score, then id.
    near, near_bits = None, 0
    if where is not None:
        places = _by_place(plan)
        near = np.append(places.rank, [places.ranks - 1, places.ranks - 1])[where]
        near_bits = int(places.ranks).bit_length()
    top = int(cents.max())
    id_bits = int(ids.max()).bit_length()
    score_bits = (top - int(cents.min())).bit_length()
    if id_bits + near_bits + score_bits <= KEY_BITS:
        key = ((top - cents) << (near_bits + id_bits)) | ids
        if near is not None:
            key |= near << id_bits
        if len(key) > need:
            chosen = np.argpartition(key, need - 1)[:need]
            chosen = chosen[np.argsort(key[chosen])]
        else:
            chosen = np.argsort(key)
    else:
        chosen = np.lexsort((ids, -cents) if near is None else (ids, near, -cents))[:need]
    return list(zip(positions[chosen].tolist(), klass[chosen].tolist(), strict=True))


def _ranked(store, plan, position, klass, word_ids):
    """The pure rules' score and reasons of one offer (with the searched words it has)."""
    query = plan.query
    place_id = int(store.place[position])
    text = None
    if plan.token_words:
        word_of = plan.vocabulary.word_of
        text = combine(((word_of[i], words[i]) for i in word_ids if i in words)
                       for words in plan.token_words)
    return points(Facts(
        offer_id=int(store.ids[position]), location_mode=MODES[store.mode[position]],
        area=plan.places.get(place_id), distance=plan.distances.get(place_id),
        sector=CLASS_NAME[klass], level_fits=query.level_id is not None,
        period_fits=query.period is not None, text=text,
        open_requests=store.busy.get(int(store.company[position]), 0),
        partner=int(store.company[position]) in query.partner_company_ids), query, plan.weights)
