"""Test data built through the services, with the fewest fields a test must name."""
import itertools
from datetime import time, timedelta

from sqlalchemy import select

from portal import security
from portal.accounts import services as accounts
from portal.bookings import services as bookings
from portal.db import local_today
from portal.extensions import db
from portal.geo.models import Province
from portal.moderation import services as moderation
from portal.offers import services as offers
from portal.offers import slots
from portal.organisations import profiles
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


def rejected_company(reason="Dit KvK-nummer hoort bij een ander bedrijf.", **fields):
    created = company(approved=False, **fields)
    moderation.reject_company(actor=admin(), company=created, reason=reason)
    return created


def location(company_=None, name=None, place="Terneuzen", address=None):
    """Another location of a company (every company starts with its main one)."""
    company_ = company_ or company()
    return profiles.add_location(actor=owner_of(company_), company=company_,
                                      name=name or f"Vestiging {_next()}", place_name=place,
                                      address=address)


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
    """A company visit unless `offer_type` says otherwise; the fields of another type are
    filled from PLACEMENT_FIELDS or GROUP_FIELDS so every type can be made in one call."""
    fields = {
        "offer_type": "company_visit", "title": "Rondleiding door de werkplaats",
        "description": "Leerlingen zien lassen en frezen van dichtbij.",
        "sector_ids": [sector_by_code("metaal").id], "level_ids": [level_by_code("vmbo_kb").id],
        "location_mode": "company", "travel_km": None, "max_group_size": 30,
        "duration_minutes": 90,
    }
    fields.update(TYPE_DEFAULTS.get(overrides.get("offer_type", "company_visit"), {}))
    fields.update(overrides)
    return fields


TYPE_DEFAULTS = {
    "guest_lesson": {"location_mode": "school", "travel_km": 40, "topic": "Lassen",
                     "duration_minutes": 90},
    "taster_day": {"pupils_per_day": 4, "days": 1, "location_mode": "company"},
    "internship": {"crebo": "25623", "capacity": 3, "starts_on": local_today(),
                   "ends_on": local_today() + timedelta(days=180), "allowance_euros": 300},
    "apprenticeship": {"crebo": "25623", "mbo_level": 2, "hours_per_week": 32,
                       "starts_on": local_today() + timedelta(days=30), "capacity": 2},
    "teacher_placement": {"days": 3, "capacity": 1, "subjects": "CNC-frezen"},
    "assignment": {"deliverable": "Een ontwerp voor een nieuwe opspanmal.", "duration_weeks": 6},
}

SLOT_DAY = 14  # days from today of a factory offer's slot


def offer(company_=None, status="published", slot_capacity=60, **overrides):
    """An offer through the services; a group activity gets one slot 14 days ahead with room
    for `slot_capacity` pupils (None: no slot)."""
    company_ = company_ or company()
    member = owner_of(company_)
    created = offers.create_offer(actor=member, company=company_, **offer_fields(**overrides))
    if created.has_slots and slot_capacity:
        slot(created, capacity=slot_capacity)
    if status in ("pending", "published"):
        offers.submit_offer(actor=member, offer=created)
    if status == "published":
        moderation.approve_offer(actor=admin(), offer=created)
    return created


def slot(offer_, capacity=60, days=SLOT_DAY, starts_at=time(9, 0), ends_at=time(11, 30),
         min_group=None):
    return slots.add_slot(actor=owner_of(offer_.company), offer=offer_,
                          day=local_today() + timedelta(days=days), starts_at=starts_at,
                          ends_at=ends_at, capacity=capacity, min_group=min_group)


def placement(company_=None, status="published", places=3, **overrides):
    """An internship with `places` places."""
    return offer(company_, status, offer_type="internship", capacity=places,
                 level_ids=[level_by_code("mbo_3").id], **overrides)


def booking(offer_=None, teacher=None, **overrides):
    """A request: for the offer's first slot and 24 pupils, or for one place of a placement."""
    offer_ = offer_ or offer()
    teacher = teacher or owner_of(school())
    fields = {"group_size": 24, "level_id": offer_.levels[0].id,
              "message": "Graag met twee klassen."}
    if offer_.has_slots:
        fields["slot_id"] = offer_.slots[0].id
    else:
        fields.update(group_size=1, wanted_on=offer_.starts_on or local_today())
    fields.update(overrides)
    return bookings.request_booking(actor=teacher, offer=offer_, **fields)


def accepted(booking_, message="Welkom!"):
    """The request, accepted by its company's owner."""
    return bookings.accept_booking(actor=owner_of(booking_.offer.company), booking=booking_,
                                   message=message)


def past_booking(offer_=None, teacher=None, days_ago=3, accept=True, **overrides):
    """A request for a date of the offer that passed `days_ago` days ago, made a week before it
    (and accepted then, unless `accept` is False)."""
    offer_ = offer_ or offer()
    day = local_today() - timedelta(days=days_ago)
    then = day - timedelta(days=7)
    past = slots.add_slot(actor=owner_of(offer_.company), offer=offer_, day=day,
                          starts_at=time(9, 0), ends_at=time(11, 30), capacity=60, today=then)
    made = booking(offer_, teacher, slot_id=past.id, today=then, **overrides)
    if accept:
        bookings.accept_booking(actor=owner_of(offer_.company), booking=made, today=then)
    return made


def completed_booking(offer_=None, teacher=None, **overrides):
    """A request whose date passed and that both sides say took place."""
    from portal.bookings.outcomes import report_outcome

    made = past_booking(offer_, teacher, **overrides)
    report_outcome(actor=made.requested_by, booking=made, held=True)
    report_outcome(actor=owner_of(made.offer.company), booking=made, held=True)
    return made


def accredit(company_, number="100200300"):
    """Make the company an accredited training company, as its moderator would."""
    from portal.organisations import accreditation

    accreditation.set_sbb_number(actor=owner_of(company_), company=company_, number=number)
    return accreditation.verify_sbb_number(actor=admin(), company=company_, seen=number)


def revise(offer_, **changes):
    """Change an offer as its edit form would: its current values, with `changes`. A published
    offer takes practical changes at once and keeps a substantive one (a new title...) as a
    revision for the moderator."""
    fields = {name: getattr(offer_, name) for name in offers.FIELDS if not name.endswith("_ids")}
    fields.update(sector_ids=[s.id for s in offer_.sectors],
                  level_ids=[lvl.id for lvl in offer_.levels])
    fields.update(changes)
    return offers.update_offer(actor=owner_of(offer_.company), offer=offer_, **fields)


def archived_offer(company_=None, **overrides):
    """A published group activity whose only date was yesterday, archived as the nightly job
    (`flask offers archive`) does."""
    from portal.offers import lifecycle

    created = offer(company_, status="draft", slot_capacity=None, **overrides)
    member = owner_of(created.company)
    yesterday = local_today() - timedelta(days=1)
    slots.add_slot(actor=member, offer=created, day=yesterday, starts_at=time(9, 0),
                   ends_at=time(11, 30), capacity=60, today=yesterday)
    offers.submit_offer(actor=member, offer=created)
    moderation.approve_offer(actor=admin(), offer=created)
    lifecycle.archive_ended_offers()
    db.session.refresh(created)
    return created


def bus(centre, name="Techniekbus 1", seats=53, run_days=0b1111111):
    """A bus of the Technocentrum, running every day unless told otherwise."""
    from portal.bookings.bus import setup

    return setup.add_bus(actor=admin(), centre=centre, name=name, seats=seats,
                         run_days=run_days)


def visit_to_ride(teacher=None, company_place="Vlissingen", group_size=24, **overrides):
    """An accepted company visit of a school in Middelburg, 14 days ahead, 9:00-11:30."""
    teacher = teacher or owner_of(school())
    visit = offer(company(place=company_place), title="Rondleiding op de werf")
    return accepted(booking(visit, teacher, group_size=group_size, **overrides))


def partners(school_, company_):
    """An active partnership: the school asks, the company accepts."""
    from portal.organisations import partners as partner_services

    asked = partner_services.ask(actor=owner_of(school_), other=company_)
    return partner_services.answer(actor=owner_of(company_), partnership=asked, accept=True)
