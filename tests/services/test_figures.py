"""The headline figures (portal/moderation/figures.py), tied out against the raw rows: every
figure is counted again here in plain Python from the requests, evaluations and rides, and the
two must agree for the country and for a region."""
from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from portal.bookings.bus.models import BusRide
from portal.bookings.models import Booking
from portal.bookings.outcomes import evaluate, report_outcome
from portal.db import local_today
from portal.extensions import db
from portal.moderation.figures import Period, headline, school_year_of
from portal.organisations.regions import Region

ZEELAND = "NL-ZE"


def test_a_school_year_runs_from_august_to_july():
    assert school_year_of(date(2026, 12, 1)) == Period(date(2026, 8, 1), date(2027, 7, 31))
    assert school_year_of(date(2027, 7, 31)) == Period(date(2026, 8, 1), date(2027, 7, 31))
    assert school_year_of(date(2027, 8, 1)).label == "2027-2028"


def _held(make, offer, teacher, days_ago, pupils=None, girls=None, evaluated=True):
    """A request that took place `days_ago` days ago; the school evaluates it (or not)."""
    booking = make.past_booking(offer, teacher, days_ago=days_ago, group_size=20)
    report_outcome(actor=teacher, booking=booking, held=True)
    report_outcome(actor=make.owner_of(offer.company), booking=booking, held=True)
    if evaluated:
        evaluate(actor=teacher, booking=booking, rating=4, pupils_reached=pupils, girls=girls)
        evaluate(actor=make.owner_of(offer.company), booking=booking, rating=5,
                 host_again=True)  # the company's evaluation says nothing of pupils
    return booking


@pytest.fixture
def activities(make):
    """Activities in Zeeland and Utrecht, evaluated or not, with and without girls reported;
    one that did not take place, one only requested, one by bus."""
    zeeland_teacher = make.owner_of(make.school(place="Middelburg (Zeeland)"))
    utrecht_teacher = make.owner_of(make.school(place="Utrecht"))
    zeeland_offer = make.offer(make.company(place="Vlissingen"))
    utrecht_offer = make.offer(make.company(place="Utrecht"))
    mixed_offer = make.offer(make.company(place="Utrecht"))  # a Zeeland school visits it
    _held(make, zeeland_offer, zeeland_teacher, 3, pupils=18, girls=7)
    _held(make, zeeland_offer, zeeland_teacher, 5, evaluated=False)
    _held(make, utrecht_offer, utrecht_teacher, 4, pupils=25, girls=10)
    _held(make, mixed_offer, zeeland_teacher, 6, pupils=12, girls=6)
    make.past_booking(utrecht_offer, utrecht_teacher, days_ago=8)  # nobody said it took place
    make.booking(utrecht_offer, utrecht_teacher, slot_id=next(  # only requested
        s.id for s in utrecht_offer.slots if s.day >= local_today()))
    bus = make.bus(make.technocentrum(provinces=(ZEELAND,)))
    visit = make.visit_to_ride()
    from portal.bookings.bus import services as bus_services

    ride = bus_services.book_ride(actor=visit.requested_by, booking=visit, bus_id=bus.id,
                                  departs_at=time(8, 15), returns_at=time(12, 15), teachers=2,
                                  price_cents=0)
    # The visit took place: its date is moved into the past as the nightly job would find it.
    past = local_today() - timedelta(days=2)
    db.session.execute(Booking.__table__.update().where(Booking.id == visit.id)
                       .values(status="completed", wanted_on=past))
    db.session.execute(BusRide.__table__.update().where(BusRide.id == ride.id)
                       .values(day=past))
    db.session.commit()


def _by_hand(period, province_code=None):
    """The figures counted from the rows, one request at a time."""
    activities = pupils = girls = girls_pupils = 0
    schools, companies = set(), set()
    for booking in db.session.scalars(select(Booking)):
        if booking.status != "completed" or not period.first <= booking.wanted_on <= period.last:
            continue
        school_province = booking.school.place.province.code
        company_province = booking.offer.company.place.province.code
        if province_code and province_code not in (school_province, company_province):
            continue
        evaluation = next((e for e in booking.evaluations if e.side == "school"), None)
        reached = evaluation.pupils_reached if evaluation and evaluation.pupils_reached \
            is not None else booking.group_size
        activities += 1
        pupils += reached
        if evaluation is not None and evaluation.girls is not None:
            girls += evaluation.girls
            girls_pupils += reached
        schools.add(booking.school_id)
        companies.add(booking.offer.company_id)
    rides = [r for r in db.session.scalars(select(BusRide))
             if r.status == "booked" and r.booking.status == "completed"
             and period.first <= r.day <= period.last
             and (not province_code or province_code in (
                 r.booking.school.place.province.code,
                 r.booking.offer.company.place.province.code))]
    return (activities, pupils, girls, girls_pupils, len(schools), len(companies), len(rides),
            sum(r.pupils for r in rides))


def _figures(period, region=None):
    h = headline(period, region)
    return (h.activities, h.pupils, h.girls, h.pupils_counted_for_girls, h.schools,
            h.companies, h.bus_rides, h.bus_pupils)


def test_the_national_figures_tie_out_with_the_rows(activities):
    period = Period(local_today() - timedelta(days=30), local_today())

    figures = _figures(period)

    assert figures == _by_hand(period)
    assert figures[0] == 5 and figures[6] == 1  # four held, the bus visit; one ride
    assert headline(period).girls_share == pytest.approx(23 / 55)


def test_a_regions_figures_tie_out_and_count_visits_across_its_border(activities):
    from portal.geo.models import Province

    zeeland = db.session.scalar(select(Province.id).where(Province.code == ZEELAND))
    period = Period(local_today() - timedelta(days=30), local_today())

    figures = _figures(period, Region((zeeland,)))

    assert figures == _by_hand(period, ZEELAND)
    assert figures[0] == 4  # its school's visit to Utrecht counts; Utrecht's own does not


def test_outside_the_period_nothing_counts(activities):
    period = Period(local_today() - timedelta(days=4), local_today())
    earlier = Period(local_today() - timedelta(days=400), local_today() - timedelta(days=31))

    assert _figures(period) == _by_hand(period)
    assert _figures(earlier) == (0, 0, 0, 0, 0, 0, 0, 0)
    assert headline(earlier).girls_share is None


# --- a region's figures in detail ----------------------------------------------------------


def _held_rows(period, province_code=None):
    for booking in db.session.scalars(select(Booking)):
        if booking.status != "completed" or not period.first <= booking.wanted_on <= period.last:
            continue
        provinces = (booking.school.place.province.code,
                     booking.offer.company.place.province.code)
        if province_code and province_code not in provinces:
            continue
        evaluation = next((e for e in booking.evaluations if e.side == "school"), None)
        yield booking, (evaluation.pupils_reached if evaluation and evaluation.pupils_reached
                        is not None else booking.group_size)


def _tally(pairs):
    totals = {}
    for key, pupils in pairs:
        entry = totals.setdefault(key, [0, 0])
        entry[0] += 1
        entry[1] += pupils
    return {key: tuple(value) for key, value in totals.items()}


@pytest.mark.parametrize("province_code", [None, ZEELAND])
def test_activities_by_type_sector_level_and_place_tie_out(activities, province_code):
    from portal.geo.models import Province
    from portal.moderation.figures import activities_by

    period = Period(local_today() - timedelta(days=30), local_today())
    region = None if province_code is None else Region((db.session.scalar(
        select(Province.id).where(Province.code == province_code)),))
    held = list(_held_rows(period, province_code))
    expected = {
        "type": _tally((b.offer.offer_type, p) for b, p in held),
        "sector": _tally((s.id, p) for b, p in held for s in b.offer.sectors),
        "level": _tally((b.education_level_id, p) for b, p in held),
        "place": _tally((b.school.place_id, p) for b, p in held),
    }

    for by, wanted in expected.items():
        rows = activities_by(period, region, by)
        assert {row.key: (row.activities, row.pupils) for row in rows} == wanted, by
        assert [row.activities for row in rows] == sorted(
            (row.activities for row in rows), reverse=True)


def test_late_answers_and_the_median_response_time(make):
    from portal.bookings.models import BookingMessage
    from portal.db import utcnow
    from portal.moderation.figures import answers

    offer = make.offer(make.company(place="Vlissingen"))
    answered, waiting, quick = (make.booking(offer, make.owner_of(make.school(place=p)))
                                for p in ("Goes", "Middelburg (Zeeland)", "Terneuzen"))
    make.accepted(answered)
    make.accepted(quick)
    now = utcnow()
    # asked three weeks ago; answered after 10 days (late), not at all (late), after 2 hours
    moved = {answered.id: (timedelta(days=21), timedelta(days=11)),
             waiting.id: (timedelta(days=21), None),
             quick.id: (timedelta(days=21), timedelta(days=21) - timedelta(hours=2))}
    for booking_id, (asked_ago, answered_ago) in moved.items():
        db.session.execute(Booking.__table__.update().where(Booking.id == booking_id)
                           .values(created_at=now - asked_ago))
        if answered_ago is not None:
            db.session.execute(BookingMessage.__table__.update().where(
                BookingMessage.booking_id == booking_id, BookingMessage.side == "company")
                .values(created_at=now - answered_ago))
    db.session.commit()

    result = answers(Period(local_today() - timedelta(days=30), local_today()), None,
                     local_today())

    assert (result.requests, result.answered, result.late) == (3, 2, 2)
    assert result.median_hours == pytest.approx((240 + 2) / 2, abs=0.1)


def test_internship_and_bbl_places_offered_taken_and_asked(make):
    from portal.moderation.figures import placements

    company = make.company(place="Vlissingen")
    internship = make.placement(company, places=3, title="Stage monteur")
    make.booking(internship, make.owner_of(make.school(place="Goes", stage="mbo")),
                 group_size=2)
    make.placement(make.company(place="Utrecht"), places=5)  # another region: left out

    from portal.geo.models import Province

    zeeland = db.session.scalar(select(Province.id).where(Province.code == ZEELAND))
    period = Period(local_today() - timedelta(days=1), local_today() + timedelta(days=60))

    [row] = placements(period, Region((zeeland,)))

    assert (row.sector_id, row.level_id) == (internship.sectors[0].id,
                                             internship.levels[0].id)
    assert (row.offered, row.taken, row.asked) == (3, 0, 2)
    assert len(placements(period, None)) == 1  # the same sector and level: summed
    assert placements(period, None)[0].offered == 8


def test_new_companies_of_the_period(make):
    from portal.geo.models import Province
    from portal.moderation.figures import new_companies

    make.company(place="Vlissingen")
    make.company(place="Goes", approved=False)
    make.rejected_company(place="Middelburg (Zeeland)")
    make.company(place="Utrecht")
    zeeland = db.session.scalar(select(Province.id).where(Province.code == ZEELAND))
    today = Period(local_today(), local_today())

    assert new_companies(today, Region((zeeland,))) == 2
    assert new_companies(today, None) == 3
    assert new_companies(Period(local_today() - timedelta(days=9),
                                local_today() - timedelta(days=1)), None) == 0
