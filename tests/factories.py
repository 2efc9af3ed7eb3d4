"""Test data built through the services, with the fewest fields a test must name."""
import itertools
from datetime import date, timedelta

from sqlalchemy import select

from portal import security
from portal.accounts import services as accounts
from portal.bookings import services as bookings
from portal.extensions import db
from portal.geo.models import Province
from portal.moderation import services as moderation
from portal.offers import services as offers
from portal.organisations import services as organisations
from portal.taxonomy.services import level_by_code, sector_by_code

PASSWORD = "correct horse battery"
_serial = itertools.count(1)


def _next():
    return next(_serial)


def user(role=security.TEACHER, email=None, full_name="Test Gebruiker"):
    email = email or f"user{_next()}@example.nl"
    if role in accounts.SELF_SERVICE_ROLES:
        return accounts.register_user(email=email, full_name=full_name, password=PASSWORD,
                                      role=role)
    if role == security.ADMIN:
        return accounts.create_administrator(email=email, full_name=full_name, password=PASSWORD)
    return accounts.create_staff_user(actor=admin(), email=email, full_name=full_name,
                                      password=PASSWORD, role=role)


def admin():
    existing = db.session.scalar(select(accounts.User).where(
        accounts.User.email == "admin@example.nl"))
    return existing or accounts.create_administrator(
        email="admin@example.nl", full_name="Beheerder", password=PASSWORD)


def kvk():
    return f"{70000000 + _next():08d}"


def company(owner=None, place="Vlissingen", sectors=("metaal",), approved=True, name=None,
            number=None):
    owner = owner or user(security.COMPANY_MEMBER)
    created = organisations.register_company(
        actor=owner, name=name or f"Bedrijf {_next()}", number=number or kvk(),
        place_name=place, sector_ids=[sector_by_code(code).id for code in sectors])
    if approved:
        moderation.approve_company(actor=admin(), company=created)
    return created


def owner_of(organisation):
    return organisation.memberships[0].user


def school(teacher=None, place="Middelburg (Zeeland)", stage="vo", sectors=()):
    teacher = teacher or user(security.TEACHER)
    n = _next()
    brin = f"{n % 100:02d}{chr(65 + n % 26)}{chr(65 + n // 26 % 26)}"
    return organisations.register_school(
        actor=teacher, name=f"School {n}", brin=brin,
        location=f"{n // 676 % 100:02d}", place_name=place, stage=stage,
        sector_ids=[sector_by_code(code).id for code in sectors])


def technocentrum(provinces=("NL-ZE",), name=None):
    rows = list(db.session.scalars(select(Province).where(Province.code.in_(provinces))))
    return organisations.create_technocentrum(actor=admin(), name=name or f"TC {_next()}",
                                              provinces=rows)


def moderator(centre=None):
    centre = centre or technocentrum()
    person = user(security.MODERATOR)
    organisations.add_member(actor=admin(), organisation=centre, user=person)
    return person


def offer_fields(**overrides):
    fields = {
        "offer_type": "company_visit", "title": "Rondleiding door de werkplaats",
        "description": "Leerlingen zien lassen en frezen van dichtbij.",
        "sector_ids": [sector_by_code("metaal").id], "level_ids": [level_by_code("vmbo_kb").id],
        "location_mode": "company", "travel_km": None, "capacity": 3, "max_group_size": 30,
        "starts_on": date.today(), "ends_on": date.today() + timedelta(days=180),
    }
    fields.update(overrides)
    return fields


def offer(company_=None, status="published", **overrides):
    company_ = company_ or company()
    member = owner_of(company_)
    created = offers.create_offer(actor=member, company=company_, **offer_fields(**overrides))
    if status in ("pending", "published"):
        offers.submit_offer(actor=member, offer=created)
    if status == "published":
        moderation.approve_offer(actor=admin(), offer=created)
    return created


def booking(offer_=None, teacher=None, **overrides):
    offer_ = offer_ or offer()
    teacher = teacher or owner_of(school())
    fields = {"wanted_on": date.today() + timedelta(days=14), "group_size": 24,
              "level_id": offer_.levels[0].id, "message": "Graag met twee klassen."}
    fields.update(overrides)
    return bookings.request_booking(actor=teacher, offer=offer_, **fields)
