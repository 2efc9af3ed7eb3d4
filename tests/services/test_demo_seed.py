"""The demo data set: big enough to show every role something, and safe to load twice."""

from sqlalchemy import func, select

from portal import security
from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.bookings.bus.models import Bus, BusRide
from portal.bookings.bus.services import rules_of
from portal.bookings.models import Booking
from portal.db import local_today
from portal.extensions import db
from portal.moderation.models import Report
from portal.moderation.reports import open_reports
from portal.moderation.services import moderation_queue
from portal.offers.models import Offer, OfferRevision
from portal.organisations.models import Company, Membership, School, Technocentrum
from portal.organisations.partner_models import Partnership
from portal.organisations.partners import active_partners, partnerships_of
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
          BusRide, Report, Partnership)


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
    first = counts()

    load_demo()

    assert counts() == first


def _check_the_data_set(summary):

    assert db.session.scalar(select(func.count(Technocentrum.id))) >= 4
    assert db.session.scalar(select(func.count(Company.id))) == 80
    assert db.session.scalar(select(func.count(Offer.id))) == 301  # 300 and one archived
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
    [ride] = db.session.scalars(select(BusRide).where(BusRide.school_id == school_of(teacher).id))
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
