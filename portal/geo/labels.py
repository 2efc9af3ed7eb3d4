"""Labels that tell every place apart, such as "Tielt (Vlaanderen)" and
"Tielt (bij Tielt-Winge, Vlaanderen)".

A label is the place's name and its province. Where several places of one province share a
name, they also get a distinguishing part: the nearest well-known town ("bij Aarschot"), or a
name given by hand in seeds/regions.json ("Ameland"). The biggest of such places keeps the
plain label when it clearly is the one people mean (three times the size of the next), so the
town of Aalst stays "Aalst (Vlaanderen)" and only the hamlet becomes "Aalst (bij Sint-Truiden,
Vlaanderen)".

Pure functions: the gazetteer loader computes the distinguishing parts once and stores them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from portal.geo.distance import haversine_km

__all__ = ["PROMINENT_RATIO", "TOWN_POPULATION", "LabelledPlace", "distinguishers",
           "format_label", "parse_label"]

# A town everyone in the region knows, to say which of two same-named villages is meant.
TOWN_POPULATION = 10_000
# The biggest of same-named places keeps the plain label when at least this many times the next.
PROMINENT_RATIO = 3

_LABEL = re.compile(r"^\s*(?P<name>[^()]+?)\s*\((?P<inner>[^()]+)\)\s*$")


@dataclass(frozen=True)
class LabelledPlace:
    """What telling a place apart needs to know about it; `key` identifies it (a geonameid)."""

    key: int
    name: str
    province: str
    country_code: str
    population: int
    latitude: float
    longitude: float


def format_label(name: str, province: str, distinguisher: str | None = None) -> str:
    """"Name (Province)", or "Name (distinguisher, Province)" for a place that needs one."""
    if distinguisher:
        return f"{name} ({distinguisher}, {province})"
    return f"{name} ({province})"


def parse_label(text: str) -> tuple[str, str | None, str] | None:
    """(name, distinguisher or None, province) of a label, or None when `text` is not one."""
    found = _LABEL.match(text or "")
    if not found:
        return None
    distinguisher, _comma, province = found["inner"].rpartition(",")
    province = province.strip()
    if not province:
        return None
    return found["name"], distinguisher.strip() or None, province


def _needing_a_part(group: list[LabelledPlace]) -> list[LabelledPlace]:
    """The places of one same-named group that need a distinguishing part, biggest first."""
    ordered = sorted(group, key=lambda p: (-p.population, p.key))
    if ordered[0].population >= PROMINENT_RATIO * max(ordered[1].population, 1):
        return ordered[1:]
    return ordered


def _nearby_towns(place, references, used):
    """Candidate parts for `place`, best first: well-known bigger towns, then any place."""
    same_country = [r for r in references
                    if r.country_code == place.country_code and r.name != place.name]
    towns = [r for r in same_country
             if r.population >= TOWN_POPULATION and r.population > place.population]
    for pool in (towns, same_country):
        by_distance = sorted(pool, key=lambda ref: (haversine_km(
            place.latitude, place.longitude, ref.latitude, ref.longitude), ref.key))
        for ref in by_distance:
            part = f"bij {ref.name}"
            if part not in used:
                yield part


def distinguishers(places: Iterable[LabelledPlace],
                   overrides: Mapping[int, str] | None = None) -> dict[int, str | None]:
    """The distinguishing part of every place by key: None where name and province suffice.

    `overrides` gives the part for some places by key (e.g. "Ameland" for Nes on Ameland).
    Within a group of same-named places the parts always differ, so every label is unique.
    """
    overrides = overrides or {}
    places = list(places)
    groups = defaultdict(list)
    for place in places:
        groups[(place.name, place.province)].append(place)
    # Only a place whose own label is unique can help describe where another one lies.
    references = [group[0] for group in groups.values() if len(group) == 1]
    result: dict[int, str | None] = {place.key: None for place in places}
    for group in groups.values():
        if len(group) < 2:
            continue
        used: set[str] = set()
        for place in _needing_a_part(group):
            part = overrides.get(place.key)
            if not part or part in used:
                part = next(_nearby_towns(place, references, used), f"nr. {place.key}")
            used.add(part)
            result[place.key] = part
    return result
