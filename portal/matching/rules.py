"""Explainable ranking of educational offers for a teacher's search.

Region and sector weigh most, then level, date and free-text words. Hard rules drop
offers that cannot work at all (full, wrong level, too far...); soft rules add points,
and every point comes with a :class:`Reason` that the result page can show.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from portal.geo.distance import haversine_km

TEXT_THRESHOLD = 70
# Without a chosen radius, distance points fade out over this many kilometres.
DEFAULT_RADIUS_KM = 100.0
# Open requests from which a company counts as busy enough to mention it.
BUSY_FROM = 3
# Open requests at which the fairness penalty is complete.
BUSY_FULL = 10

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Area:
    """Where something is: coordinates plus the administrative units it lies in."""

    latitude: float
    longitude: float
    place_id: int
    province_id: int
    landsdeel_id: int | None


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
    title: str
    company_name: str
    keywords: tuple[str, ...] = ()
    open_requests: int = 0


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
    """A kept candidate with its total score, distance and the reasons behind it."""

    candidate: Candidate
    score: float
    distance_km: float | None
    reasons: tuple[Reason, ...]


def distance_km(candidate: Candidate, query: Query) -> float | None:
    """Return the great-circle distance from the teacher's school to the offer's area."""
    if query.origin is None:
        return None
    origin, area = query.origin, candidate.area
    return haversine_km(origin.latitude, origin.longitude, area.latitude, area.longitude)


# --- text ------------------------------------------------------------------------


def _process(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return default_process("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@lru_cache(maxsize=4096)
def _target_words(
    title: str, company_name: str, keywords: tuple[str, ...]
) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    """Return ((shown word, processed word), ...) and the processed whole targets."""
    words: list[tuple[str, str]] = []
    phrases: list[str] = []
    for target in (title, company_name, *keywords):
        if not target:
            continue
        phrases.append(_process(target))
        for raw in _WORD.findall(target):
            for part in _process(raw).split():
                words.append((raw, part))
    return tuple(words), tuple(phrases)


def _token_score(token: str, word: str) -> float:
    # Teachers type stems ("elektro", "las"): a prefix of a real word is a full hit.
    if len(token) >= 3 and len(word) >= 4 and word.startswith(token):
        return 100.0
    # Dutch glues words together ("booglassen", "installatietechniek"), so a
    # substantial word inside a compound counts as a near-full hit.
    if len(token) >= 4 and token in word:
        return 90.0
    return fuzz.ratio(token, word)


def _text_match(candidate: Candidate, query: Query) -> tuple[float, str | None] | None:
    """Return (score 0-100, best-matching word), or None when the query has no words."""
    processed = _process(query.text) if query.text else ""
    tokens = processed.split()
    if not tokens:
        return None
    words, phrases = _target_words(candidate.title, candidate.company_name, candidate.keywords)
    total = 0.0
    best_word: str | None = None
    best_overall = 0.0
    for token in tokens:
        token_best = 0.0
        for shown, word in words:
            value = _token_score(token, word)
            if value > token_best:
                token_best = value
            if value > best_overall:
                best_overall, best_word = value, shown
        total += token_best
    result = total / len(tokens)
    if len(tokens) > 1:
        # A literal phrase ("lassen en snijden") should not be diluted by its
        # short connecting words, which score poorly one by one.
        for phrase in phrases:
            result = max(result, fuzz.partial_ratio(processed, phrase))
    return result, best_word


# --- hard rules --------------------------------------------------------------------


def _exclusion(
    candidate: Candidate,
    query: Query,
    distance: float | None,
    text: tuple[float, str | None] | None,
) -> str | None:
    if candidate.capacity is not None and candidate.places_taken >= candidate.capacity:
        return "capacity"
    if (
        query.group_size is not None
        and candidate.max_group_size is not None
        and query.group_size > candidate.max_group_size
    ):
        return "group_size"
    if query.level_id is not None and query.level_id not in candidate.level_ids:
        return "level"
    if query.wanted_on is not None and not _in_period(candidate, query.wanted_on):
        return "period"
    if distance is not None and candidate.location_mode != "online":
        # At the school it is the company that travels, so its own range counts; a company that
        # states none is held to the teacher's radius, like a visit.
        limit = query.max_km
        if candidate.location_mode == "school" and candidate.travel_km is not None:
            limit = candidate.travel_km
        if limit is not None and distance > limit:
            return "distance"
    if text is not None and text[0] < TEXT_THRESHOLD:
        return "text"
    return None


def _in_period(candidate: Candidate, day: date) -> bool:
    if candidate.starts_on is not None and day < candidate.starts_on:
        return False
    return candidate.ends_on is None or day <= candidate.ends_on


def exclusion(candidate: Candidate, query: Query, distance: float | None) -> str | None:
    """Return the name of the hard rule that rules the candidate out, or None to keep it."""
    return _exclusion(candidate, query, distance, _text_match(candidate, query))


# --- soft rules --------------------------------------------------------------------

_Points = tuple[float, list[Reason]]


def _region(candidate: Candidate, query: Query, weight: float) -> _Points:
    origin, area = query.origin, candidate.area
    if origin is None:
        return 0.0, []
    if origin.place_id == area.place_id:
        return weight, [Reason("region", "same_place")]
    if origin.province_id == area.province_id:
        return weight * 2 / 3, [Reason("region", "same_province")]
    if origin.landsdeel_id is not None and origin.landsdeel_id == area.landsdeel_id:
        return weight / 3, [Reason("region", "same_landsdeel")]
    # Across the NL/BE border nothing is shared: allowed, just no region points.
    return 0.0, []


def _distance(candidate: Candidate, query: Query, distance: float | None, weight: float) -> _Points:
    mode = candidate.location_mode
    if mode == "online":
        # Online is as near as it gets, but only worth points when others can earn
        # distance points too, otherwise anonymous searches would float online to the top.
        return (weight if query.origin is not None else 0.0), [Reason("distance", "online")]
    reasons = [Reason("distance", "at_school")] if mode == "school" else []
    if distance is None:
        return 0.0, reasons
    reasons.append(Reason("distance", "km", round(distance, 1)))
    radius = query.max_km or DEFAULT_RADIUS_KM
    return weight * max(0.0, 1 - distance / radius), reasons


def _sector(candidate: Candidate, query: Query, weight: float) -> _Points:
    if query.sector_ids & candidate.sector_ids:
        return weight, [Reason("sector", "exact")]
    if query.chamber_ids & candidate.chamber_ids:
        return weight / 2, [Reason("sector", "chamber")]
    return 0.0, []


def _level(candidate: Candidate, query: Query, weight: float) -> _Points:
    if query.level_id is not None and query.level_id in candidate.level_ids:
        return weight, [Reason("level", "fits")]
    return 0.0, []


def _period(candidate: Candidate, query: Query, weight: float) -> _Points:
    if query.wanted_on is not None and _in_period(candidate, query.wanted_on):
        return weight, [Reason("period", "free")]
    return 0.0, []


def _text(text: tuple[float, str | None] | None, weight: float) -> _Points:
    if text is None:
        return 0.0, []
    text_score, word = text
    return weight * text_score / 100, [Reason("text", "match", word)]


def _fairness(candidate: Candidate, weight: float) -> _Points:
    busy = candidate.open_requests
    if busy <= 0:
        return 0.0, []
    reasons = [Reason("fairness", "busy", busy)] if busy >= BUSY_FROM else []
    return -weight * min(1.0, busy / BUSY_FULL), reasons


def score(candidate: Candidate, query: Query, weights: Weights = DEFAULT_WEIGHTS) -> Ranked | None:
    """Score one candidate for a query with its reasons; None when a hard rule drops it."""
    distance = distance_km(candidate, query)
    text = _text_match(candidate, query)
    if _exclusion(candidate, query, distance, text) is not None:
        return None
    parts = (
        _region(candidate, query, weights.region),
        _distance(candidate, query, distance, weights.distance),
        _sector(candidate, query, weights.sector),
        _level(candidate, query, weights.level),
        _period(candidate, query, weights.period),
        _text(text, weights.text),
        _fairness(candidate, weights.fairness),
    )
    total = sum(points for points, _reasons in parts)
    reasons = tuple(reason for _points, rule_reasons in parts for reason in rule_reasons)
    # Online offers have no meaningful distance for the teacher; don't show or sort by one.
    shown_distance = None if candidate.location_mode == "online" else distance
    return Ranked(candidate, round(total, 2), shown_distance, reasons)


def rank(
    candidates: Iterable[Candidate], query: Query, weights: Weights = DEFAULT_WEIGHTS
) -> list[Ranked]:
    """Return the kept candidates, best first (ties: nearer first, then lower offer id)."""
    kept = [ranked for c in candidates if (ranked := score(c, query, weights)) is not None]
    kept.sort(
        key=lambda r: (
            -r.score,
            r.distance_km is None,
            r.distance_km if r.distance_km is not None else 0.0,
            r.candidate.offer_id,
        )
    )
    return kept
