"""The demo data set: big enough to show every role something, and safe to load twice."""
from datetime import timedelta

from sqlalchemy import func, select

from portal import security
from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.bookings.bus.models import Bus, BusRide
from portal.bookings.bus.services import rules_of
from portal.bookings.models import Booking, BookingMessage, Evaluation, WaitlistEntry
from portal.db import local_today
from portal.extensions import db
from portal.matching.empty_searches import EmptySearch
from portal.moderation import figures
from portal.moderation.models import Report
from portal.moderation.reports import open_reports
from portal.moderation.services import moderation_queue
from portal.offers.models import Offer, OfferRevision, Slot
from portal.organisations.models import Company, Membership, School, Technocentrum
from portal.organisations.partner_models import Partnership
from portal.organisations.partners import active_partners, partnerships_of
from portal.organisations.regions import region_of
from portal.organisations.services import (
    company_of,
    school_of,
    technocentrum_of,
    uncovered_provinces,
)
from portal.seeding.demo import DEMO_PASSWORD, load_demo
from portal.taxonomy.codes import OFFER_TYPE_CODES
from portal.taxonomy.holidays import holiday_region_of, holidays_between

MODELS = (User, Technocentrum, Company, School, Membership, Offer, Booking, AuditEvent, Bus,
          BusRide, Report, Partnership, Slot, BookingMessage, Evaluation, WaitlistEntry,
          EmptySearch)


def counts():
    return {model.__name__: db.session.scalar(select(func.count(model.id))) for model in MODELS}


def column_values(column, *where):
    return set(db.session.scalars(select(column).where(*where).distinct()))


def test_the_demo_data_set_loads_once_and_only_once(make):
    """One test, as loading the demo takes a while: what it holds, then loading it again."""
    summary = load_demo()
    _check_the_data_set(summary)
    _check_the_logins(summary)
    _check_the_life_of_offers()
    assert uncovered_provinces() == []  # every province has a moderator, Belgium included
    _check_the_queue_has_waited()
    _check_the_techniekbus_and_a_report()
    _check_the_season()
    first, seen = counts(), all_figures()

    load_demo()

    assert counts() == first
    assert all_figures() == seen


def _check_the_data_set(summary):

    assert db.session.scalar(select(func.count(Technocentrum.id))) >= 4
    assert db.session.scalar(select(func.count(Company.id))) == 80
    # 300, one archived as its date passed, and last year's editions of placements
    assert db.session.scalar(select(func.count(Offer.id)).where(Offer.status != "archived")) == 300
    assert db.session.scalar(select(func.count(Offer.id)).where(Offer.status == "archived")) > 1
    assert db.session.scalar(select(func.count(School.id))) == 25
    assert column_values(Offer.offer_type) == set(OFFER_TYPE_CODES)
    assert column_values(Offer.offer_type, Offer.status == "published") == set(OFFER_TYPE_CODES)
    assert column_values(School.school_stage) == {"po", "vo", "mbo"}
    assert column_values(Company.status) == {"approved", "pending"}
    belgian = db.session.scalars(select(Company).where(Company.enterprise_number.is_not(None)))
    assert "BE-VLG" in {company.place.province.code for company in belgian}
    assert db.session.scalar(select(func.count(Booking.id))) >= 1
    assert summary.text().startswith("demo data: ")


def _check_the_queue_has_waited():
    """The moderators' queue holds items of different ages, the oldest first."""
    zeeland = db.session.scalar(select(User).where(User.email == "moderator.zeeland@demo.example"))
    companies, offers = moderation_queue(actor=zeeland)
    waited = [item.days for item in companies] + [item.days for item in offers]
    assert companies and offers and min(waited) >= 1 and len(set(waited)) >= 3
    assert [item.since for item in offers] == sorted(item.since for item in offers)
    assert any(company.offers for company in companies)


def _check_the_techniekbus_and_a_report():
    """Zeeland runs two buses with its rules; the demo teacher's accepted visit has a ride;
    a report waits in Zeeland's queue."""
    zeeland = db.session.scalar(select(Technocentrum).where(
        Technocentrum.name == "Technocentrum Zeeland"))
    assert [b.seats for b in db.session.scalars(select(Bus).where(
        Bus.technocentrum_id == zeeland.id).order_by(Bus.name))] == [53, 49]
    assert rules_of(zeeland.id).price_cents == 7500
    teacher = accounts.find_user_by_email("docent@demo.example")
    [ride] = db.session.scalars(select(BusRide).where(BusRide.school_id == school_of(teacher).id,
                                                      BusRide.day >= local_today()))
    assert ride.status == "booked" and ride.booking.status == "accepted"
    moderator = db.session.scalar(select(User).where(
        User.email == "moderator.zeeland@demo.example"))
    assert len(open_reports(actor=moderator)) == 1
    demo_company = company_of(accounts.find_user_by_email("bedrijf@demo.example"))
    assert len(active_partners(school_of(teacher))) == 3
    assert sorted(p.status for p in partnerships_of(demo_company)) == ["active", "asked"]


def _check_the_life_of_offers():
    assert {"draft", "pending", "published", "paused", "withdrawn", "archived"} <= column_values(
        Offer.status)
    assert column_values(OfferRevision.status) == {"pending"}  # a change for the moderator
    published = list(db.session.scalars(select(Offer).where(Offer.status == "published")))
    today = local_today()
    for offer in published:
        if offer.has_slots:  # group activities on dates ahead, with room in pupils
            assert any(slot.day >= today for slot in offer.slots), offer
        else:
            assert offer.capacity >= 1 and offer.starts_on is not None, offer
    # No date falls in the school holidays of the company's own region.
    in_holidays = [slot for offer in published for slot in offer.slots if holidays_between(
        holiday_region_of(offer.company.place.province.code), slot.day, slot.day)]
    assert not in_holidays
    series = [o for o in published if len(o.slots) > 3]
    assert series, "some offers have a weekly series of dates"
    bbl = [o for o in published if o.offer_type == "apprenticeship"]
    assert bbl and all(o.company.sbb_verified_at is not None and o.crebo for o in bbl)
    visit = next(o for o in published if o.offer_type == "company_visit")
    assert visit.safety_rules and visit.protective_gear and visit.duration_minutes
    # Teams: the demo company has three members, the demo teacher's school two.
    demo_company = company_of(accounts.find_user_by_email("bedrijf@demo.example"))
    demo_school = school_of(accounts.find_user_by_email("docent@demo.example"))
    assert (len(demo_company.memberships), len(demo_school.memberships)) == (3, 2)


def _check_the_logins(summary):
    logins = dict(summary.logins)

    roles = {}
    for email in logins.values():
        user = accounts.authenticate(email=email, password=DEMO_PASSWORD)
        roles.setdefault(user.role, user)
        assert user.email_confirmed_at is not None  # no banner asking to confirm an example
    assert set(roles) == {security.ADMIN, security.MODERATOR, security.COMPANY_MEMBER,
                          security.TEACHER}
    assert {"administrator", "company member", "teacher"} <= set(logins)
    assert technocentrum_of(roles[security.MODERATOR]) is not None
    assert company_of(roles[security.COMPANY_MEMBER]).is_approved
    assert school_of(roles[security.TEACHER]) is not None


def _years():
    """(last school year, this one)."""
    this = figures.school_year_of(local_today())
    return figures.school_year_of(this.first - timedelta(days=1)), this


def _zeeland():
    return region_of(db.session.scalar(select(Technocentrum).where(
        Technocentrum.name == "Technocentrum Zeeland")))


def all_figures():
    """Every figure of the figures page, for both school years, of Zeeland and the country."""
    today, seen = local_today(), []
    for region in (_zeeland(), None):
        for period in _years():
            seen += [figures.headline(period, region), figures.answers(period, region, today),
                     figures.new_companies(period, region), figures.placements(period, region)]
            seen += [figures.activities_by(period, region, by) for by in (
                figures.BY_TYPE, figures.BY_SECTOR, figures.BY_LEVEL, figures.BY_PLACE)]
            seen += [figures.ended_requests(period, region, by)
                     for by in (figures.BY_TYPE, figures.BY_SECTOR)]
            seen.append(figures.empty_searches(period, region))
    return seen


def _closed_in_line(period, region=None):
    return sum(row.waitlist_closed
               for row in figures.ended_requests(period, region, figures.BY_TYPE))


def _check_the_season():
    """Zeeland's last school year looks like a region's year on the figures page; this year
    has begun; the country holds more than Zeeland."""
    last, this = _years()
    zeeland, today = _zeeland(), local_today()
    held = figures.headline(last, zeeland)
    assert held.activities >= 20 and held.pupils > 10 * held.schools
    assert 0 < held.girls_share < 1
    assert held.bus_rides > 0 and held.bus_pupils > held.bus_rides
    assert len(figures.activities_by(last, zeeland, figures.BY_TYPE)) >= 4
    for by in (figures.BY_SECTOR, figures.BY_LEVEL, figures.BY_PLACE):
        assert len(figures.activities_by(last, zeeland, by)) >= 3, by
    # not everything took place, and some companies answered late
    assert {"completed", "no_show", "cancelled", "declined"} <= column_values(
        Booking.status, Booking.wanted_on >= last.first, Booking.wanted_on <= last.last)
    assert any(row.no_room for row in figures.ended_requests(last, zeeland, figures.BY_TYPE))
    answers = figures.answers(last, zeeland, today)
    assert answers.requests > held.activities and answers.late > 0
    assert 0 < answers.median_hours < 24 * 14
    places = figures.placements(last, zeeland)
    assert any(row.asked > row.offered for row in places) and any(row.taken for row in places)
    assert figures.new_companies(last, zeeland) > 0
    # the country's figures hold Zeeland's and more
    country = figures.headline(last)
    assert country.activities > held.activities and country.schools > held.schools
    # schools that waited in line until their date began, and searches that found nothing
    assert 3 <= _closed_in_line(last, zeeland) < _closed_in_line(last)
    searches = figures.empty_searches(last, zeeland)
    assert len(searches) >= 3 and searches[0].searches > searches[-1].searches
    assert sum(row.searches for row in searches) < sum(
        row.searches for row in figures.empty_searches(last, None))
    if today >= this.first + timedelta(days=61):  # this year so far, once September is over
        assert _closed_in_line(this, zeeland) > 0 and figures.empty_searches(this, zeeland)
        assert figures.headline(this, zeeland).activities > 0
        assert figures.headline(this).activities > figures.headline(this, zeeland).activities
        assert figures.new_companies(this, zeeland) > 0
        waiting = figures.answers(this, zeeland, today)  # some requests wait for an answer
        assert waiting.requests > waiting.answered
