"""Typo-tolerant lookup of place names (towns, villages and their aliases).

Pure functions over a list of ``(name, place_id, population)`` entries, so the caller
decides where the names come from (database, gazetteer file) and this module only
decides which of them a user meant.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

__all__ = ["MIN_SCORE", "PlaceMatch", "best_place", "match_places", "normalise"]

# Below this WRatio a "match" is usually a different town sharing a few letters.
MIN_SCORE = 60.0
# A confident single answer needs at least this score (typo, not a guess).
CONFIDENT_SCORE = 85.0

_NON_WORD = re.compile(r"[^0-9a-z]+")


@functools.lru_cache(maxsize=100_000)  # the gazetteer has ~20,000 names and aliases
def normalise(name: str) -> str:
    """Return the comparison form of a place name.

    Lower case, accents removed, punctuation (hyphens, apostrophes, dots...) turned
    into spaces, so ``"'s-Hertogenbosch"`` becomes ``"s hertogenbosch"`` and
    ``"Liège"`` becomes ``"liege"``.
    """
    if not name:
        return ""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Dutch articles like 's and 't stay as their own word: people type them both
    # with and without the apostrophe, and dropping them would merge distinct names.
    return _NON_WORD.sub(" ", bare).strip()


@dataclass(frozen=True)
class PlaceMatch:
    """A place that matches a query, with the (alias) name that matched best."""

    place_id: int
    score: float
    matched: str


def _ranked(query: str, entries: Sequence[tuple[str, int, int]]) -> list[tuple[PlaceMatch, int]]:
    """Return one ``(match, population)`` per place scoring at least MIN_SCORE, best first."""
    wanted = normalise(query)
    if not wanted or not entries:
        return []
    choices = [normalise(name) for name, _place_id, _population in entries]
    # WRatio already weighs full, partial and token-order similarity by length ratio,
    # which suits both typos ("Vlisingen") and partial names ("hertogenbosch").
    hits = process.extract(
        wanted,
        choices,
        scorer=fuzz.WRatio,
        processor=None,
        limit=None,
        score_cutoff=MIN_SCORE,
    )
    best: dict[int, tuple[PlaceMatch, int, int]] = {}
    for _choice, hit_score, index in hits:
        name, place_id, population = entries[index]
        current = best.get(place_id)
        # Prefer the higher score; on a tie keep the name listed first, for stability.
        if current is None or (hit_score, -index) > (current[0].score, -current[2]):
            best[place_id] = (PlaceMatch(place_id, float(hit_score), name), population or 0, index)
    ordered = sorted(best.values(), key=lambda item: (-item[0].score, -item[1], item[0].place_id))
    return [(match, population) for match, population, _index in ordered]


def match_places(
    query: str, entries: Sequence[tuple[str, int, int]], limit: int = 8
) -> list[PlaceMatch]:
    """Return up to ``limit`` places that a (possibly misspelt) query may refer to.

    One match per place (its best-matching name or alias), sorted by score, then by
    population (bigger towns are likelier meant), then by place id.
    """
    if limit <= 0:
        return []
    return [match for match, _population in _ranked(query, entries)[:limit]]


def best_place(
    query: str, entries: Sequence[tuple[str, int, int]], margin: float = 5.0
) -> PlaceMatch | None:
    """Return the one place a query clearly means, or None when weak or ambiguous.

    A place is clear when it is the only place whose name equals the query after
    normalisation, or when no name matches exactly and the top score is at least 85
    and beats the next place by ``margin``. Two places with exactly the same name
    (two Hengelos) are ambiguous: the user must choose.
    """
    wanted = normalise(query)
    if not wanted:
        return None
    exact_ids = {place_id for name, place_id, _pop in entries if normalise(name) == wanted}
    if exact_ids:
        if len(exact_ids) > 1:
            return None
        (place_id,) = exact_ids
        matched = next(
            name for name, pid, _pop in entries if pid == place_id and normalise(name) == wanted
        )
        return PlaceMatch(place_id, 100.0, matched)
    ranked = _ranked(query, entries)
    if not ranked:
        return None
    top = ranked[0][0]
    if top.score < CONFIDENT_SCORE:
        return None
    if len(ranked) > 1 and top.score - ranked[1][0].score < margin:
        return None
    return top
