"""What the regions achieved: figures over a period, counted in SQL from the requests, their
evaluations and the Techniekbus's rides.

An activity is a request that took place (status completed: both sides said so). It counts in
a region when its school or its company lies in the region (organisations/regions.py); the country
counts every activity once. Pupils reached are what the school's evaluation says, or the
group size the request was for when the school did not say. The share of girls is taken over
the activities whose school said how many girls took part.

This module holds the national headline figures of the public page (`/cijfers`); the
Technocentra's own pages build on it. Beside what took place it counts the demand that was
not met: requests declined or withdrawn for lack of room, waiting-list entries that closed
without room, and searches that found nothing.
"""
import json
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from portal.bookings.bus.models import BOOKED, BusRide
from portal.bookings.models import (
    CLOSED,
    DATE_BEGAN,
    NO_ROOM,
    Booking,
    BookingMessage,
    Evaluation,
    WaitlistEntry,
)
from portal.bookings.rules import COMPANY as COMPANY_SIDE
from portal.bookings.rules import COMPLETED, DECLINED, SCHOOL
from portal.bookings.rules import WITHDRAWN as REQUEST_WITHDRAWN
from portal.db import PORTAL_TIMEZONE
from portal.extensions import db
from portal.geo.models import Place, Province
from portal.matching.empty_searches import EmptySearch
from portal.offers.models import SHOWN, Offer, Slot, offer_levels, offer_sectors
from portal.organisations.models import REJECTED, Company, Organisation
from portal.taxonomy.codes import APPRENTICESHIP, INTERNSHIP
from portal.taxonomy.holidays import holiday_region_of, holidays_between
from portal.taxonomy.models import sector_topsectors

PLACEMENT_TYPES = (INTERNSHIP, APPRENTICESHIP)

SCHOOL_YEAR_STARTS = 8  # a Dutch school year runs from August to July


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def label(self):
        return f"{self.first.year}-{self.last.year}"


def school_year_of(day):
    """The school year that holds `day`: 1 August to 31 July."""
    start = day.year if day.month >= SCHOOL_YEAR_STARTS else day.year - 1
    return Period(date(start, SCHOOL_YEAR_STARTS, 1), date(start + 1, SCHOOL_YEAR_STARTS - 1, 31))


@dataclass(frozen=True)
class Headline:
    activities: int
    pupils: int
    girls: int
    pupils_counted_for_girls: int  # pupils of the activities whose school said how many girls
    schools: int
    companies: int
    bus_rides: int
    bus_pupils: int

    @property
    def girls_share(self):
        """The share of girls (0 to 1), or None when no school said."""
        if not self.pupils_counted_for_girls:
            return None
        return self.girls / self.pupils_counted_for_girls


def _in_region(region, school_id=Booking.school_id):
    """SQL: the activity's (or request's, or waiting-list entry's: `school_id`) school or its
    offer's company lies in the region (None: anywhere)."""
    if region is None:
        return None
    school, company = aliased(Organisation), aliased(Organisation)
    school_place, company_place = aliased(Place), aliased(Place)
    return or_(
        school_id.in_(select(school.id).join(school_place, school.place_id == school_place.id)
                      .where(region.holds(school_place))),
        Offer.company_id.in_(select(company.id).join(company_place,
                                                     company.place_id == company_place.id)
                             .where(region.holds(company_place))))


def headline(period, region=None):
    """The headline figures of the period, for the Region given (None: the country)."""
    pupils = func.coalesce(Evaluation.pupils_reached, Booking.group_size)
    held = (select(
        func.count(Booking.id), func.coalesce(func.sum(pupils), 0),
        func.coalesce(func.sum(Evaluation.girls), 0),
        func.coalesce(func.sum(case((Evaluation.girls.is_not(None), pupils), else_=0)), 0),
        func.count(Booking.school_id.distinct()), func.count(Offer.company_id.distinct()))
        .select_from(Booking).join(Offer, Offer.id == Booking.offer_id)
        .outerjoin(Evaluation, and_(Evaluation.booking_id == Booking.id,
                                    Evaluation.side == SCHOOL))
        .where(Booking.status == COMPLETED, Booking.wanted_on >= period.first,
               Booking.wanted_on <= period.last))
    rides = (select(func.count(BusRide.id), func.coalesce(func.sum(BusRide.pupils), 0))
             .join(Booking, Booking.id == BusRide.booking_id)
             .join(Offer, Offer.id == Booking.offer_id)
             .where(BusRide.status == BOOKED, Booking.status == COMPLETED,
                    BusRide.day >= period.first, BusRide.day <= period.last))
    in_region = _in_region(region)
    if in_region is not None:
        held, rides = held.where(in_region), rides.where(in_region)
    counts = db.session.execute(held).one()
    ride_counts = db.session.execute(rides).one()
    return Headline(*(int(value) for value in counts), *(int(value) for value in ride_counts))


# --- a region's figures in detail ----------------------------------------------------------

# What activities are counted by (the first column of each table).
BY_TYPE, BY_SECTOR, BY_LEVEL, BY_PLACE = "type", "sector", "level", "place"
BY_TOPSECTOR = "topsector"
ANSWER_SCHOOL_DAYS = 5  # a request without an answer after this many school days is late


@dataclass(frozen=True)
class Row:
    key: object  # an offer type code, a sector or level id, a place id
    activities: int
    pupils: int


def _offer_topsectors():
    """Each (offer, topsector) once: an offer whose two sectors share a topsector is in it
    once."""
    return (select(offer_sectors.c.offer_id, sector_topsectors.c.topsector_id)
            .join(sector_topsectors,
                  sector_topsectors.c.sector_id == offer_sectors.c.sector_id)
            .distinct().subquery())


def activities_by(period, region, by):
    """Activities held and pupils reached per offer type, sector (an activity with two sectors
    counts in both), topsector (in each topsector of each of its sectors, once per
    topsector), education level of the group, or the school's place; most first."""
    pupils = func.coalesce(Evaluation.pupils_reached, Booking.group_size)
    school_place = aliased(Place)
    topsectors = _offer_topsectors() if by == BY_TOPSECTOR else None
    key = {BY_TYPE: Offer.offer_type, BY_SECTOR: offer_sectors.c.sector_id,
           BY_LEVEL: Booking.education_level_id, BY_PLACE: school_place.id,
           BY_TOPSECTOR: topsectors.c.topsector_id if topsectors is not None else None}[by]
    query = (select(key, func.count(Booking.id), func.coalesce(func.sum(pupils), 0))
             .select_from(Booking).join(Offer, Offer.id == Booking.offer_id)
             .outerjoin(Evaluation, and_(Evaluation.booking_id == Booking.id,
                                         Evaluation.side == SCHOOL))
             .where(Booking.status == COMPLETED, Booking.wanted_on >= period.first,
                    Booking.wanted_on <= period.last)
             .group_by(key))
    if by == BY_SECTOR:
        query = query.join(offer_sectors, offer_sectors.c.offer_id == Offer.id)
    if by == BY_TOPSECTOR:
        query = query.join(topsectors, topsectors.c.offer_id == Offer.id)
    if by == BY_PLACE:
        school = aliased(Organisation)
        query = (query.join(school, school.id == Booking.school_id)
                 .join(school_place, school_place.id == school.place_id))
    in_region = _in_region(region)
    if in_region is not None:
        query = query.where(in_region)
    rows = [Row(k, int(n), int(p)) for k, n, p in db.session.execute(query)]
    return sorted(rows, key=lambda row: (-row.activities, -row.pupils, str(row.key)))


def new_companies(period, region):
    """Companies that registered in the period (not rejected), in the region."""
    query = (select(func.count(Company.id))
             .where(Company.status != REJECTED,
                    Company.created_at >= _start_of(period.first),
                    Company.created_at < _start_of(period.last + timedelta(days=1))))
    if region is not None:
        query = query.join(Place, Company.place_id == Place.id).where(region.holds(Place))
    return int(db.session.scalar(query))


def _start_of(day):
    return datetime.combine(day, time(0), tzinfo=PORTAL_TIMEZONE)


@dataclass(frozen=True)
class Answers:
    requests: int  # requests made in the period to the region's companies
    answered: int
    late: int  # without an answer after ANSWER_SCHOOL_DAYS school days
    median_hours: float | None  # from the request to the company's first word


def answers(period, region, today):
    """How the region's companies answered the requests made to them in the period. The
    answer is the company's first word (an acceptance, a refusal, a proposal or a question) or
    its decision, whichever came first: an acceptance without a message writes no word. A
    request the school withdrew before any answer is late only if it was withdrawn after the
    deadline; it is not answered."""
    first_word = (select(BookingMessage.booking_id,
                         func.min(BookingMessage.created_at).label("at"))
                  .where(BookingMessage.side == COMPANY_SIDE)
                  .group_by(BookingMessage.booking_id).subquery())
    # A withdrawn request's last change is its withdrawal (a reason is optional: no message).
    withdrawn_at = case((Booking.status == REQUEST_WITHDRAWN, Booking.updated_at))
    company, place = aliased(Organisation), aliased(Place)
    query = (select(Booking.created_at, first_word.c.at, Booking.decided_at, withdrawn_at,
                    place.province_id)
             .join(Offer, Offer.id == Booking.offer_id)
             .join(company, company.id == Offer.company_id)
             .join(place, place.id == company.place_id)
             .outerjoin(first_word, first_word.c.booking_id == Booking.id)
             .where(Booking.created_at >= _start_of(period.first),
                    Booking.created_at < _start_of(period.last + timedelta(days=1))))
    if region is not None:
        query = query.where(region.holds(place))
    rows = db.session.execute(query).all()
    holidays = _holidays_by_province({row[-1] for row in rows}, period, today)
    waits, late = [], 0
    for asked_at, word_at, decided_at, withdrawn_at, province_id in rows:
        deadline = _school_days_after(_local_day(asked_at), ANSWER_SCHOOL_DAYS,
                                      holidays.get(province_id, ()))
        answered_at = min((at for at in (word_at, decided_at) if at is not None), default=None)
        if answered_at is not None and (withdrawn_at is None or answered_at <= withdrawn_at):
            waits.append((answered_at - asked_at).total_seconds() / 3600)
            late += _local_day(answered_at) > deadline
        elif withdrawn_at is not None:
            late += _local_day(withdrawn_at) > deadline
        else:
            late += deadline < today
    return Answers(len(rows), len(waits), late,
                   round(statistics.median(waits), 1) if waits else None)


def _local_day(moment):
    return moment.astimezone(PORTAL_TIMEZONE).date()


def _holidays_by_province(province_ids, period, today):
    """{province id: [(first, last)]} of the school holidays of its holiday region."""
    codes = dict(db.session.execute(select(Province.id, Province.code)
                                    .where(Province.id.in_(province_ids))).all())
    last = max(period.last, today) + timedelta(days=60)
    return {pid: holidays_between(holiday_region_of(code), period.first, last)
            for pid, code in codes.items()}


def _school_days_after(day, count, holidays):
    """The date `count` school days (weekdays outside the holidays) after `day`."""
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5 and not any(first <= day <= last for first, last in holidays):
            count -= 1
    return day


@dataclass(frozen=True)
class Places:
    sector_id: int
    level_id: int
    offered: int  # places of internships and BBL places open in the period
    taken: int
    asked: int  # places schools asked for in the period's requests


def placements(period, region):
    """Internship and BBL places per sector and level, as SBB's meldpunt stagetekorten shows
    the shortages: offered, taken and asked for. An offer counts when its period overlaps
    the period (or it has no end); an offer with two sectors or levels counts in each."""
    def counted(*columns):
        query = (select(offer_sectors.c.sector_id, offer_levels.c.education_level_id, *columns)
                 .select_from(Offer)
                 .join(offer_sectors, offer_sectors.c.offer_id == Offer.id)
                 .join(offer_levels, offer_levels.c.offer_id == Offer.id)
                 .where(Offer.offer_type.in_(PLACEMENT_TYPES), Offer.status.in_(SHOWN),
                        or_(Offer.starts_on.is_(None), Offer.starts_on <= period.last),
                        or_(Offer.ends_on.is_(None), Offer.ends_on >= period.first))
                 .group_by(offer_sectors.c.sector_id, offer_levels.c.education_level_id))
        if region is not None:
            company, place = aliased(Organisation), aliased(Place)
            query = (query.join(company, company.id == Offer.company_id)
                     .join(place, place.id == company.place_id)
                     .where(region.holds(place)))
        return query

    offered = db.session.execute(counted(func.coalesce(func.sum(Offer.capacity), 0),
                                         func.coalesce(func.sum(Offer.places_taken), 0)))
    # the places asked for: the few requests of the period, not every offer again
    asked = dict(((s, lv), int(n)) for s, lv, n in db.session.execute(
        counted(func.sum(Booking.group_size))
        .join(Booking, Booking.offer_id == Offer.id)
        .where(Booking.wanted_on >= period.first, Booking.wanted_on <= period.last)))
    rows = [Places(s, lv, int(places), int(taken), asked.get((s, lv), 0))
            for s, lv, places, taken in offered]
    return sorted(rows, key=lambda row: (-(row.asked - row.offered), -row.offered,
                                         row.sector_id, row.level_id))


# --- demand that found no room, and searches that found nothing ----------------------------


@dataclass(frozen=True)
class Ended:
    key: object  # an offer type code or a sector id
    requests: int  # requests made in the period
    ended: int  # of them declined or withdrawn
    no_room: int  # of those, for lack of room (Booking.end_reason)
    waitlist_closed: int  # waiting-list entries of the period closed without getting room


def _made_in(column, period):
    return and_(column >= _start_of(period.first),
                column < _start_of(period.last + timedelta(days=1)))


def ended_requests(period, region, by):
    """Per offer type or sector (an offer with two sectors counts in both): the requests made
    in the period, how many of them were declined or withdrawn, and how many of those for lack
    of room (the company said so declining, or the school withdrawing); beside them the
    waiting-list entries made in the period that closed because their date began while they
    waited, never offered room (WaitlistEntry.closed_why, written as they closed: not those
    closed as the offer was withdrawn or ended, nor for nobody left at the school). A request
    or entry counts in a region when its school or the offer's company lies there. Most for
    lack of room first."""
    key = {BY_TYPE: Offer.offer_type, BY_SECTOR: offer_sectors.c.sector_id}[by]
    ended = Booking.status.in_((DECLINED, REQUEST_WITHDRAWN))
    requests = (select(key, func.count(Booking.id),
                       func.coalesce(func.sum(case((ended, 1), else_=0)), 0),
                       func.coalesce(func.sum(case((and_(ended, Booking.end_reason == NO_ROOM),
                                                    1), else_=0)), 0))
                .select_from(Booking).join(Offer, Offer.id == Booking.offer_id)
                .where(_made_in(Booking.created_at, period)).group_by(key))
    waiting = (select(key, func.count(WaitlistEntry.id)).select_from(WaitlistEntry)
               .join(Slot, Slot.id == WaitlistEntry.slot_id)
               .join(Offer, Offer.id == Slot.offer_id)
               .where(WaitlistEntry.status == CLOSED, WaitlistEntry.closed_why == DATE_BEGAN,
                      WaitlistEntry.offered_at.is_(None),
                      _made_in(WaitlistEntry.created_at, period))
               .group_by(key))
    if by == BY_SECTOR:
        requests = requests.join(offer_sectors, offer_sectors.c.offer_id == Offer.id)
        waiting = waiting.join(offer_sectors, offer_sectors.c.offer_id == Offer.id)
    if region is not None:
        requests = requests.where(_in_region(region))
        waiting = waiting.where(_in_region(region, WaitlistEntry.school_id))
    counts = {k: (int(n), int(e), int(r)) for k, n, e, r in db.session.execute(requests)}
    closed = {k: int(n) for k, n in db.session.execute(waiting)}
    rows = [Ended(k, *counts.get(k, (0, 0, 0)), closed.get(k, 0))
            for k in set(counts) | set(closed)]
    return sorted(rows, key=lambda row: (-row.no_room, -row.waitlist_closed, -row.ended,
                                         -row.requests, str(row.key)))


@dataclass(frozen=True)
class Unfound:
    filters: dict  # as portal/matching/empty_searches.py keeps them
    searches: int


def empty_searches(period, region):
    """The schools' searches of the period that found nothing, grouped by their filters (the
    distance included), most first. A region's are those of the schools in its places; the
    place itself is neither grouped by nor shown: in a village with one school it would name
    the school."""
    searches = func.count(EmptySearch.id)
    query = (select(EmptySearch.filters, searches)
             .where(EmptySearch.day >= period.first, EmptySearch.day <= period.last)
             .group_by(EmptySearch.filters))
    if region is not None:
        query = query.join(Place, Place.id == EmptySearch.place_id).where(region.holds(Place))
    rows = [Unfound(filters, int(n)) for filters, n in db.session.execute(query)]
    return sorted(rows, key=lambda row: (-row.searches, json.dumps(row.filters,
                                                                   sort_keys=True)))
