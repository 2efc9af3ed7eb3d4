"""What the regions achieved: figures over a period, counted in SQL from the requests, their
evaluations and the Techniekbus's rides.

An activity is a request that took place (status completed: both sides said so). It counts in
a region when its school or its company lies in one of the region's provinces; the country
counts every activity once. Pupils reached are what the school's evaluation says, or the
group size the request was for when the school did not say. The share of girls is taken over
the activities whose school said how many girls took part.

This module holds the national headline figures of the public page (`/cijfers`); the
Technocentra's own pages build on it.
"""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from portal.bookings.bus.models import BOOKED, BusRide
from portal.bookings.models import Booking, Evaluation
from portal.bookings.rules import COMPLETED, SCHOOL
from portal.extensions import db
from portal.geo.models import Place
from portal.offers.models import Offer
from portal.organisations.models import Organisation

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


def _in_region(provinces):
    """SQL: the activity's school or company lies in one of the provinces (None: anywhere)."""
    if provinces is None:
        return None
    school, company = aliased(Organisation), aliased(Organisation)
    school_place, company_place = aliased(Place), aliased(Place)
    in_provinces = list(provinces)
    return or_(
        Booking.school_id.in_(select(school.id).join(school_place,
                                                     school.place_id == school_place.id)
                              .where(school_place.province_id.in_(in_provinces))),
        Offer.company_id.in_(select(company.id).join(company_place,
                                                     company.place_id == company_place.id)
                             .where(company_place.province_id.in_(in_provinces))))


def headline(period, provinces=None):
    """The headline figures of the period, for the provinces given (None: the country)."""
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
    region = _in_region(provinces)
    if region is not None:
        held, rides = held.where(region), rides.where(region)
    counts = db.session.execute(held).one()
    ride_counts = db.session.execute(rides).one()
    return Headline(*(int(value) for value in counts), *(int(value) for value in ride_counts))
