"""Find offers for a search: candidates from the database on indexes, ranked by the pure rules.

A fixed number of queries per search, whatever the number of results: the candidates, their
sectors and levels (one select-in each), and the open requests per company.
"""
import math
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import contains_eager, selectinload

from portal.db import local_today
from portal.extensions import db
from portal.geo.distance import bounding_box
from portal.geo.models import Place
from portal.matching.rules import DEFAULT_WEIGHTS, Area, Candidate, Query, rank
from portal.offers.models import PUBLISHED, Offer
from portal.offers.slots import has_open_slot
from portal.organisations.models import APPROVED, Company
from portal.taxonomy.codes import AT_SCHOOL, ONLINE
from portal.taxonomy.models import EducationLevel, Sector

# Beyond this many candidates the search asks for narrower filters rather than rank a sample.
CANDIDATE_LIMIT = 5000
# Bookings are read by table name: bookings stands to the right of matching and is not imported.
OPEN_BOOKING_STATUS = "requested"


@dataclass(frozen=True)
class SearchFilters:
    offer_type: str | None = None
    sector_id: int | None = None
    level_id: int | None = None
    max_km: float | None = None
    text: str = ""
    group_size: int | None = None
    wanted_on: object = None
    page: int = 1
    per_page: int = 20


@dataclass
class SearchResult:
    hits: list  # (Ranked, Offer) pairs of this page
    total: int
    page: int
    pages: int
    truncated: bool = False
    origin: object = None  # the school's place the distances are measured from


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


def _candidate_query(filters, chamber_ids, origin):
    today = local_today()
    # Room left: on a slot from today on for group activities; places, in a period that has
    # not ended, for placements.
    has_room = or_(
        and_(Offer.capacity.is_(None), has_open_slot(Offer.id, today)),
        and_(Offer.places_taken < Offer.capacity,
             or_(Offer.ends_on.is_(None), Offer.ends_on >= today)))
    query = (select(Offer).join(Offer.company).join(Offer.place)
             .where(Offer.status == PUBLISHED, has_room, Company.status == APPROVED)
             .options(contains_eager(Offer.company), contains_eager(Offer.place),
                      selectinload(Offer.sectors), selectinload(Offer.levels)))
    if filters.offer_type:
        query = query.where(Offer.offer_type == filters.offer_type)
    if filters.level_id:
        query = query.where(Offer.levels.any(EducationLevel.id == filters.level_id))
    if filters.sector_id and chamber_ids:
        query = query.where(Offer.sectors.any(or_(Sector.id.in_(chamber_ids),
                                                  Sector.parent_id.in_(chamber_ids))))
    if origin is not None and filters.max_km:
        min_lat, max_lat, min_lon, max_lon = bounding_box(origin.latitude, origin.longitude,
                                                          filters.max_km)
        # The teacher's radius bounds everything but online offers and lessons at the school
        # whose company states its own travel distance; the rules check that distance.
        query = query.where(or_(
            Offer.location_mode == ONLINE,
            and_(Offer.location_mode == AT_SCHOOL, Offer.travel_km.is_not(None)),
            and_(Place.latitude.between(min_lat, max_lat),
                 Place.longitude.between(min_lon, max_lon))))
    # Past the limit the newest offers are ranked and the page says the search is too wide.
    return query.order_by(Offer.published_at.desc(), Offer.id.desc()).limit(CANDIDATE_LIMIT + 1)


def _open_requests(company_ids):
    bookings = db.metadata.tables["bookings"]
    if not company_ids:
        return {}
    return dict(db.session.execute(
        select(Offer.company_id, func.count(bookings.c.id))
        .join(bookings, bookings.c.offer_id == Offer.id)
        .where(Offer.company_id.in_(company_ids), bookings.c.status == OPEN_BOOKING_STATUS)
        .group_by(Offer.company_id)
    ).all())


def _candidate(offer, open_requests):
    return Candidate(
        offer_id=offer.id, offer_type=offer.offer_type, location_mode=offer.location_mode,
        area=area_of(offer.place), travel_km=offer.travel_km,
        sector_ids=frozenset(s.id for s in offer.sectors),
        chamber_ids=frozenset(s.chamber_id for s in offer.sectors),
        level_ids=frozenset(lvl.id for lvl in offer.levels),
        capacity=offer.capacity, places_taken=offer.places_taken,
        max_group_size=offer.max_group_size, starts_on=offer.starts_on, ends_on=offer.ends_on,
        title=offer.title, company_name=offer.company.name,
        keywords=(offer.place.name, *(s.name for s in offer.sectors)),
        open_requests=open_requests.get(offer.company_id, 0),
    )


def find_offers(filters, school=None, weights=DEFAULT_WEIGHTS):
    """Published offers that fit the filters, ranked for the school (None: a visitor)."""
    origin = area_of(school.place) if school is not None and school.place else None
    sector_ids, chamber_ids = _sector_preference(filters.sector_id, school)
    offers = list(db.session.scalars(_candidate_query(filters, chamber_ids, origin)).unique())
    truncated = len(offers) > CANDIDATE_LIMIT
    offers = offers[:CANDIDATE_LIMIT]
    open_requests = _open_requests({o.company_id for o in offers})
    query = Query(origin=origin, max_km=filters.max_km if origin else None,
                  sector_ids=sector_ids, chamber_ids=chamber_ids, level_id=filters.level_id,
                  text=(filters.text or "").strip(), group_size=filters.group_size,
                  wanted_on=filters.wanted_on)
    ranked = rank([_candidate(o, open_requests) for o in offers], query, weights)
    pages = max(1, math.ceil(len(ranked) / filters.per_page))
    page = min(max(1, filters.page), pages)
    start = (page - 1) * filters.per_page
    by_id = {o.id: o for o in offers}
    hits = [(r, by_id[r.candidate.offer_id]) for r in ranked[start:start + filters.per_page]]
    return SearchResult(hits=hits, total=len(ranked), page=page, pages=pages, truncated=truncated,
                        origin=school.place if origin else None)

