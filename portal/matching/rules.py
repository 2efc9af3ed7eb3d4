"""Explainable ranking of educational offers for a teacher's search.

Region and sector weigh most, then level, date and free-text words. Hard rules drop
offers that cannot work at all (full, wrong level, too far...); soft rules add points,
and every point comes with a :class:`Reason` that the result page can show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from portal.geo.distance import haversine_km
from portal.matching.words import search_tokens, text_match

# Without a chosen radius, distance points fade out over this many kilometres.
DEFAULT_RADIUS_KM = 100.0
# Open requests from which a company counts as busy: it ranks a little lower and it says so.
BUSY_FROM = 3
# Open requests at which the fairness penalty is complete.
BUSY_FULL = 10
# What an offer of a partner company of the searching school (portal/organisations/
# partners.py) gains: enough to come before an otherwise equal offer of a stranger, not enough
# to lift an offer far away or of another sector above what fits well.
PARTNER_POINTS = 15.0


@dataclass(frozen=True)
class Area:
    """Where something is: coordinates plus the administrative units it lies in."""

    latitude: float
    longitude: float
    place_id: int
    province_id: int
    landsdeel_id: int | None


@dataclass(frozen=True)
class SlotRoom:
    """A date of a group activity from today on, and the pupils that still fit on it."""

    day: date
    room: int


@dataclass(frozen=True)
class Candidate:
    """An offer as the ranking sees it, flattened from the database rows."""

    offer_id: int
    offer_type: str
    location_mode: str  # "company" | "school" | "online"
    area: Area
    travel_km: int | None
    sector_ids: frozenset[int]
    chamber_ids: frozenset[int]
    level_ids: frozenset[int]
    capacity: int | None  # None: a group activity, whose room is on its slots
    places_taken: int
    max_group_size: int | None
    starts_on: date | None
    ends_on: date | None
    min_group_size: int | None = None
    slots: tuple[SlotRoom, ...] = ()  # a group activity's dates from today on
    words: tuple[str, ...] = ()  # portal.matching.words.words_of its texts
    open_requests: int = 0
    company_id: int | None = None


@dataclass(frozen=True)
class Query:
    """What the teacher searches for; every field is optional."""

    origin: Area | None = None
    max_km: float | None = None
    sector_ids: frozenset[int] = frozenset()
    chamber_ids: frozenset[int] = frozenset()
    level_id: int | None = None
    text: str = ""
    group_size: int | None = None
    wanted_on: date | None = None
    wanted_until: date | None = None  # with wanted_on: a period; without: wanted_on only
    today: date | None = None  # offers whose period ended before it are never shown
    partner_company_ids: frozenset[int] = frozenset()  # the searching school's partners

    @property
    def tokens(self) -> tuple[str, ...]:
        return search_tokens(self.text) if self.text else ()

    @property
    def period(self) -> tuple[date, date] | None:
        if self.wanted_on is None:
            return None
        return self.wanted_on, max(self.wanted_until or self.wanted_on, self.wanted_on)


@dataclass(frozen=True)
class Reason:
    """One explanation of a score: which rule, which outcome, and a detail value."""

    rule: str
    code: str
    value: float | int | str | None = None


@dataclass(frozen=True)
class Weights:
    """Maximum points per soft rule (fairness is a maximum penalty)."""

    region: float = 30
    distance: float = 20
    sector: float = 30
    level: float = 10
    period: float = 5
    text: float = 25
    fairness: float = 5


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Ranked:
    """A kept offer with its total score, distance and the reasons behind it."""

    offer_id: int
    score: float
    distance_km: float | None
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Facts:
    """What the soft rules need to know of a kept offer. The pure path derives them from a
    Candidate; the search derives the same from its index rows."""

    offer_id: int
    location_mode: str
    area: Area
    distance: float | None
    sector: str | None  # "exact", "chamber" or None
    level_fits: bool
    period_fits: bool
    text: tuple[float, str | None] | None
    open_requests: int
    partner: bool = False  # a partner company of the searching school


def distance_km(candidate: Candidate, query: Query) -> float | None:
    """Return the great-circle distance from the teacher's school to the offer's area."""
    return area_distance(candidate.area, query)


def area_distance(area: Area, query: Query) -> float | None:
    if query.origin is None:
        return None
    origin = query.origin
    return haversine_km(origin.latitude, origin.longitude, area.latitude, area.longitude)


def sector_match(sector_ids, chamber_ids, query: Query) -> str | None:
    if query.sector_ids & sector_ids:
        return "exact"
    if query.chamber_ids & chamber_ids:
        return "chamber"
    return None


# --- hard rules --------------------------------------------------------------------


def beyond_reach(location_mode: str, travel_km: int | None, distance: float | None,
                 max_km: float | None) -> bool:
    """Too far for the teacher. Online is never too far. At the school it is the company that
    travels, so its own range counts; a company that states none is held to the teacher's
    radius, like a visit."""
    if distance is None or location_mode == "online":
        return False
    limit = max_km
    if location_mode == "school" and travel_km is not None:
        limit = travel_km
    return limit is not None and distance > limit


def _has_room(candidate: Candidate, query: Query, need: int, period) -> bool:
    if candidate.capacity is not None:
        if candidate.places_taken >= candidate.capacity:
            return False
        return period is None or _overlaps(candidate, period)
    return any(slot.room >= need and (period is None or period[0] <= slot.day <= period[1])
               for slot in candidate.slots)


def _overlaps(candidate: Candidate, period: tuple[date, date]) -> bool:
    if candidate.starts_on is not None and candidate.starts_on > period[1]:
        return False
    return candidate.ends_on is None or candidate.ends_on >= period[0]


def _group_fits(candidate: Candidate, group: int | None) -> bool:
    """A class fits a group activity between its smallest and largest group (placements take
    students one by one: a group size does not apply to them)."""
    if group is None or candidate.capacity is not None:
        return True
    if candidate.max_group_size is not None and group > candidate.max_group_size:
        return False
    return candidate.min_group_size is None or group >= candidate.min_group_size


def exclusion(candidate: Candidate, query: Query, distance: float | None,
              text: tuple[float, str | None] | None = None) -> str | None:
    """Return the name of the hard rule that rules the candidate out, or None to keep it."""
    if query.today is not None and candidate.ends_on is not None \
            and candidate.ends_on < query.today:
        return "ended"
    if not _has_room(candidate, query, 1, None):
        return "capacity"
    if query.level_id is not None and query.level_id not in candidate.level_ids:
        return "level"
    if not _group_fits(candidate, query.group_size):
        return "group_size"
    if (query.period is not None or query.group_size is not None) and not _has_room(
            candidate, query, query.group_size or 1, query.period):
        return "room"
    if beyond_reach(candidate.location_mode, candidate.travel_km, distance, query.max_km):
        return "distance"
    tokens = query.tokens
    if tokens and text is None and text_match(tokens, candidate.words) is None:
        return "text"
    return None


# --- soft rules --------------------------------------------------------------------

_Points = tuple[float, list[Reason]]


def _region(facts: Facts, query: Query, weight: float) -> _Points:
    origin, area = query.origin, facts.area
    # Online happens nowhere in particular: it earns no region points (see _distance).
    if origin is None or facts.location_mode == "online":
        return 0.0, []
    if origin.place_id == area.place_id:
        return weight, [Reason("region", "same_place")]
    if origin.province_id == area.province_id:
        return weight * 2 / 3, [Reason("region", "same_province")]
    if origin.landsdeel_id is not None and origin.landsdeel_id == area.landsdeel_id:
        return weight / 3, [Reason("region", "same_landsdeel")]
    # Across the NL/BE border nothing is shared: allowed, just no region points.
    return 0.0, []


def _distance(facts: Facts, query: Query, weight: float) -> _Points:
    mode = facts.location_mode
    if mode == "online":
        # Online is neither near nor far: half the distance points and no region points, so
        # it ranks with offers on the far side of one's own province, below everything in
        # one's own town and nearby. Without a school (a visitor) nobody gets distance points.
        return (weight / 2 if query.origin is not None else 0.0), [Reason("distance", "online")]
    reasons = [Reason("distance", "at_school")] if mode == "school" else []
    if facts.distance is None:
        return 0.0, reasons
    reasons.append(Reason("distance", "km", round(facts.distance, 1)))
    radius = query.max_km or DEFAULT_RADIUS_KM
    return weight * max(0.0, 1 - facts.distance / radius), reasons


def _sector(facts: Facts, weight: float) -> _Points:
    if facts.sector == "exact":
        return weight, [Reason("sector", "exact")]
    if facts.sector == "chamber":
        return weight / 2, [Reason("sector", "chamber")]
    return 0.0, []


def _level(facts: Facts, weight: float) -> _Points:
    return (weight, [Reason("level", "fits")]) if facts.level_fits else (0.0, [])


def _period(facts: Facts, weight: float) -> _Points:
    return (weight, [Reason("period", "free")]) if facts.period_fits else (0.0, [])


def _text(facts: Facts, weight: float) -> _Points:
    if facts.text is None:
        return 0.0, []
    text_score, word = facts.text
    return weight * text_score / 100, [Reason("text", "match", word)]


def _fairness(facts: Facts, weight: float) -> _Points:
    busy = facts.open_requests
    if busy < BUSY_FROM:
        return 0.0, []
    return -weight * min(1.0, busy / BUSY_FULL), [Reason("fairness", "busy", busy)]


def _partner(facts: Facts) -> _Points:
    if not facts.partner:
        return 0.0, []
    return PARTNER_POINTS, [Reason("partner", "partner")]


def points(facts: Facts, query: Query, weights: Weights = DEFAULT_WEIGHTS) -> Ranked:
    """The soft rules' score of a kept offer, with the reasons behind it."""
    parts = (
        _region(facts, query, weights.region),
        _distance(facts, query, weights.distance),
        _sector(facts, weights.sector),
        _level(facts, weights.level),
        _period(facts, weights.period),
        _text(facts, weights.text),
        _fairness(facts, weights.fairness),
        _partner(facts),
    )
    total = sum(value for value, _reasons in parts)
    reasons = tuple(reason for _value, rule_reasons in parts for reason in rule_reasons)
    # Online offers have no meaningful distance for the teacher; don't show or sort by one.
    shown = None if facts.location_mode == "online" else facts.distance
    return Ranked(facts.offer_id, round(total, 2), shown, reasons)


def score(candidate: Candidate, query: Query, weights: Weights = DEFAULT_WEIGHTS) -> Ranked | None:
    """Score one candidate for a query with its reasons; None when a hard rule drops it."""
    distance = distance_km(candidate, query)
    tokens = query.tokens
    text = text_match(tokens, candidate.words) if tokens else None
    if tokens and text is None:
        return None
    if exclusion(candidate, query, distance, text) is not None:
        return None
    return points(Facts(
        offer_id=candidate.offer_id, location_mode=candidate.location_mode,
        area=candidate.area, distance=distance,
        sector=sector_match(candidate.sector_ids, candidate.chamber_ids, query),
        level_fits=query.level_id is not None, period_fits=query.period is not None,
        text=text, open_requests=candidate.open_requests,
        partner=candidate.company_id in query.partner_company_ids), query, weights)


def order_key(ranked: Ranked):
    """Best first; ties: nearer first (no distance last), then the lower offer id."""
    return (-ranked.score, ranked.distance_km is None,
            ranked.distance_km if ranked.distance_km is not None else 0.0, ranked.offer_id)


def rank(
    candidates: Iterable[Candidate], query: Query, weights: Weights = DEFAULT_WEIGHTS
) -> list[Ranked]:
    """Return the kept candidates, best first (see order_key)."""
    kept = [ranked for c in candidates if (ranked := score(c, query, weights)) is not None]
    kept.sort(key=order_key)
    return kept
