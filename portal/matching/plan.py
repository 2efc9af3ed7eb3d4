"""A search turned into SQL: the hard rules as conditions on the offers' search columns and
indexes, the sector class, the room on a date, and how far an offer reaches (exact per place
in Python; in SQL by the same haversine formula, for counting and reading only what is in
reach)."""
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, literal, or_, select

from portal.db import local_today
from portal.extensions import db
from portal.geo.distance import EARTH_RADIUS_KM
from portal.geo.models import Place
from portal.matching import catalogue
from portal.matching.index import bits, in_bits, offer_words
from portal.matching.rules import BUSY_FROM, Area, Query, area_distance
from portal.matching.words import matching_words
from portal.offers.models import Offer, Slot, offer_levels, offer_sectors
from portal.taxonomy.models import Sector

# Bookings are read by table name: bookings stands to the right of matching and is not imported.
OPEN_BOOKING_STATUS = "requested"
EXACT, CHAMBER, OTHER = 2, 1, 0
CLASS_NAME = {EXACT: "exact", CHAMBER: "chamber", OTHER: None}


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
class Plan:
    """A search turned into SQL conditions and what the ranking needs besides."""

    query: Query
    weights: object
    fits: list  # conditions every kept offer meets (not distance, not room on a date)
    room: object  # the room condition of the wanted date or group (None: none asked)
    sector_class: object  # SQL expression: EXACT, CHAMBER or OTHER
    classes: int  # how many sector classes the search tells apart (1: all are OTHER)
    token_words: list  # per searched word: {word id: score}
    busy: dict  # company id -> open requests, for companies from BUSY_FROM on
    vocabulary: object
    places: dict  # place id -> Area, when the search has an origin
    distances: dict  # place id -> km from the origin (empty without one)
    longest_travel: int  # km: the farthest any company travels to a school


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


def class_expression(query, family):
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


def make_plan(filters, school, weights):
    today = local_today()
    origin = area_of(school.place) if school is not None and school.place else None
    sector_ids, chamber_ids = _sector_preference(filters.sector_id, school)
    query = Query(origin=origin, max_km=filters.max_km if origin else None,
                  sector_ids=sector_ids, chamber_ids=chamber_ids, level_id=filters.level_id,
                  text=(filters.text or "").strip(), group_size=filters.group_size,
                  wanted_on=filters.wanted_on, wanted_until=filters.wanted_until, today=today)
    token_words = []
    highest_place, highest_word, sectors_version, longest_travel = catalogue.highest_ids()
    vocabulary = catalogue.vocabulary(highest_word) if query.tokens else None
    if query.tokens:
        for token in query.tokens:
            found = matching_words(token, vocabulary.words)
            token_words.append({vocabulary.ids[word]: value for word, value in found.items()})
    family = _chamber_family(chamber_ids, catalogue.sector_parents(sectors_version))
    places = catalogue.places(highest_place) if origin is not None else {}
    return Plan(query=query, weights=weights,
                fits=_fits(filters, query, today, family, token_words),
                room=_room_condition(query, today),
                sector_class=class_expression(query, family),
                classes=1 + bool(query.sector_ids) + bool(family),
                token_words=token_words, busy=_busy_companies(), vocabulary=vocabulary,
                places=places, distances=_distances(query, places),
                longest_travel=longest_travel)


_DISTANCES = {}  # (origin, places) -> {place id: km}: the same school searches again


def _distances(query, places):
    if query.origin is None:
        return {}
    key = (query.origin, id(places))
    found = _DISTANCES.get(key)
    if found is None:
        if len(_DISTANCES) >= 256:
            _DISTANCES.clear()
        found = _DISTANCES[key] = {place_id: area_distance(area, query)
                                   for place_id, area in places.items()}
    return found


def _distance_sql(origin):
    """SQL for the great-circle km from the origin to the offer's place: the formula of
    portal.geo.distance.haversine_km, so SQL and Python agree but for the last float bits
    (the rows SQL keeps are checked again in Python)."""
    lat = select(Place.latitude).where(Place.id == Offer.place_id).scalar_subquery()
    lon = select(Place.longitude).where(Place.id == Offer.place_id).scalar_subquery()
    half_dphi = (func.radians(lat) - func.radians(literal(origin.latitude))) / 2
    half_dlambda = (func.radians(lon) - func.radians(literal(origin.longitude))) / 2
    a = func.sin(half_dphi) * func.sin(half_dphi) + func.cos(
        func.radians(literal(origin.latitude))) * func.cos(func.radians(lat)) * func.sin(
        half_dlambda) * func.sin(half_dlambda)
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(a))


def reach_condition(plan):
    """SQL: the offer is within reach of the teacher's school (None: no school, all are).
    Online always; a lesson at the school within the company's own travel distance; anything
    else within the teacher's radius, which the places within it tell."""
    query = plan.query
    if query.origin is None:
        return None
    travels = and_(Offer.location_mode == "school", Offer.travel_km.is_not(None))
    # The places no company's travel distance reaches are left out on the index first.
    reachable = [place_id for place_id, km in plan.distances.items()
                 if km <= plan.longest_travel]
    travel_reach = and_(travels, Offer.place_id.in_(reachable),
                        Offer.travel_km >= _distance_sql(query.origin))
    if query.max_km is None:
        return or_(~travels, travel_reach)
    within = [place_id for place_id, km in plan.distances.items() if km <= query.max_km]
    return or_(Offer.location_mode == "online", travel_reach,
               and_(~travels, Offer.place_id.in_(within)))
