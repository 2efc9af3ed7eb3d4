"""The demo data set: big enough to show every role something, and safe to load twice."""
from sqlalchemy import func, select

from portal import security
from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.bookings.models import Booking
from portal.extensions import db
from portal.offers.models import Offer
from portal.organisations.models import Company, Membership, School, Technocentrum
from portal.organisations.services import company_of, school_of, technocentrum_of
from portal.seeding.demo import DEMO_PASSWORD, load_demo
from portal.taxonomy.codes import OFFER_TYPE_CODES

MODELS = (User, Technocentrum, Company, School, Membership, Offer, Booking, AuditEvent)


def counts():
    return {model.__name__: db.session.scalar(select(func.count(model.id))) for model in MODELS}


def column_values(column, *where):
    return set(db.session.scalars(select(column).where(*where).distinct()))


def test_the_demo_data_set(make):
    summary = load_demo()

    assert db.session.scalar(select(func.count(Technocentrum.id))) >= 4
    assert db.session.scalar(select(func.count(Company.id))) == 80
    assert db.session.scalar(select(func.count(Offer.id))) == 300
    assert db.session.scalar(select(func.count(School.id))) == 25
    assert column_values(Offer.offer_type) == set(OFFER_TYPE_CODES)
    assert column_values(Offer.offer_type, Offer.status == "published") == set(OFFER_TYPE_CODES)
    assert column_values(School.school_stage) == {"po", "vo", "mbo"}
    assert column_values(Company.status) == {"approved", "pending"}
    belgian = db.session.scalars(select(Company).where(Company.enterprise_number.is_not(None)))
    assert "BE-VLG" in {company.place.province.code for company in belgian}
    assert db.session.scalar(select(func.count(Booking.id))) >= 1
    assert summary.text().startswith("demo data: ")


def test_demo_logins_exist_for_every_role(make):
    logins = dict(load_demo().logins)

    roles = {}
    for email in logins.values():
        user = accounts.authenticate(email=email, password=DEMO_PASSWORD)
        roles.setdefault(user.role, user)
    assert set(roles) == {security.ADMIN, security.MODERATOR, security.COMPANY_MEMBER,
                          security.TEACHER}
    assert {"administrator", "company member", "teacher"} <= set(logins)
    assert technocentrum_of(roles[security.MODERATOR]) is not None
    assert company_of(roles[security.COMPANY_MEMBER]).is_approved
    assert school_of(roles[security.TEACHER]) is not None


def test_loading_the_demo_twice_adds_nothing(make):
    load_demo()
    first = counts()

    load_demo()

    assert counts() == first
