"""A search made ready: the teacher's query, the sectors it prefers, the index words each
searched word matches, and the distance from the school to every place. (The companies' open
requests are kept with the offers, in portal/matching/store.py.)"""
from dataclasses import dataclass

from portal.db import local_today
from portal.geo.distance import haversine_from
from portal.matching import catalogue
from portal.matching.rules import Area, Query
from portal.matching.words import matching_words
from portal.organisations.partners import partner_company_ids

EXACT, CHAMBER, OTHER = 2, 1, 0
CLASS_NAME = {EXACT: "exact", CHAMBER: "chamber", OTHER: None}


def area_of(place):
    return Area(latitude=place.latitude, longitude=place.longitude, place_id=place.id,
                province_id=place.province_id, landsdeel_id=place.landsdeel_id)


def _sector_preference(sector_id, school, parents):
    """(exact sector ids, their chamber ids) the ranking prefers; `parents`: sector id -> its
    chamber's id (catalogue.sector_parents)."""
    if sector_id in parents:
        chamber = parents[sector_id]
        if chamber == sector_id:  # a chamber and every sector in it
            return frozenset(s for s, c in parents.items() if c == sector_id), frozenset(
                [sector_id])
        return frozenset([sector_id]), frozenset([chamber])
    sectors = school.sectors if school is not None else []
    return frozenset(s.id for s in sectors), frozenset(s.chamber_id for s in sectors)


@dataclass
class Plan:
    """What a search needs besides the offers."""

    query: Query
    weights: object
    sector_id: int | None  # the searched sector: offers must have one of `family`
    offer_type: str | None
    family: set  # the preferred chambers' sectors (see _chamber_family)
    token_words: list  # per searched word: {word id: score}
    vocabulary: object
    places: dict  # place id -> Area, when the search has an origin
    places_version: int  # the highest place id: `places` changes with it
    distances: dict  # place id -> km from the origin (empty without one)


def _chamber_family(chamber_ids, parents):
    """The chambers and every sector in them."""
    return {sector_id for sector_id, chamber_id in parents.items() if chamber_id in chamber_ids}


def _partners_of(school):
    """The company ids of the school's active partnerships: read with the searching school
    (school.py), or for a School of the ORM (the weights' preview, tests)."""
    if school is None:
        return frozenset()
    known = getattr(school, "partners", None)
    if known is not None:
        return known
    return frozenset(partner_company_ids(school.id))


def make_plan(filters, school, weights, catalogue_ids=None):
    today = local_today()
    origin = area_of(school.place) if school is not None and school.place else None
    highest_place, highest_word, sectors_version = catalogue_ids or catalogue.highest_ids()
    parents = catalogue.sector_parents(sectors_version)
    sector_ids, chamber_ids = _sector_preference(filters.sector_id, school, parents)
    query = Query(origin=origin, max_km=filters.max_km if origin else None,
                  sector_ids=sector_ids, chamber_ids=chamber_ids, level_id=filters.level_id,
                  text=(filters.text or "").strip(), group_size=filters.group_size,
                  wanted_on=filters.wanted_on, wanted_until=filters.wanted_until, today=today,
                  partner_company_ids=_partners_of(school))
    token_words = []
    vocabulary = catalogue.vocabulary(highest_word) if query.tokens else None
    if query.tokens:
        token_words = [_matches(vocabulary, token) for token in query.tokens]
    family = _chamber_family(chamber_ids, parents)
    places = catalogue.places(highest_place) if origin is not None else {}
    return Plan(query=query, weights=weights, sector_id=filters.sector_id,
                offer_type=filters.offer_type, family=family, token_words=token_words,
                vocabulary=vocabulary, places=places,
                places_version=highest_place,
                distances=_distances(query, places, highest_place))


KEPT_MATCHES = 4096


def _matches(vocabulary, token):
    """{word id: score} of the index words matching a searched word, kept with the vocabulary
    (a new word makes a new vocabulary). Callers only read it."""
    found = vocabulary.matches.get(token)
    if found is None:
        if len(vocabulary.matches) >= KEPT_MATCHES:
            vocabulary.matches.clear()
        found = vocabulary.matches[token] = {
            vocabulary.ids[word]: value
            for word, value in matching_words(token, vocabulary.words).items()}
    return found


_DISTANCES = {}  # (origin, places) -> {place id: km}: the same school searches again


def _distances(query, places, version):
    if query.origin is None:
        return {}
    key = (query.origin, version)
    found = _DISTANCES.get(key)
    if found is None:
        if len(_DISTANCES) >= 256:
            _DISTANCES.clear()
        origin = query.origin
        # rules.area_distance of every place, computed in one loop
        found = _DISTANCES[key] = dict(zip(places, haversine_from(
            origin.latitude, origin.longitude,
            [(area.latitude, area.longitude) for area in places.values()]), strict=True))
    return found
