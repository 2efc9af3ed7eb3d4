"""The load test's own data, added to a database that holds the reference and demo data:
companies with a few company visits on dates with little room, and teachers with a school of
their own each, so that 32 users compete for the same room and an overbooking would show.

Made through the services, like the demo set (so it passes the same rules), and run in the
configuration the server runs with: `python -m tests.load.seed MANIFEST.json` with
PORTAL_DATABASE_URL (and the other PORTAL_* variables) set. It writes what the Locust users
need to MANIFEST.json: the accounts and their password, the offers and the search filters.
"""
import json
import sys
from datetime import time, timedelta

from portal import create_app, security
from portal.accounts.services import find_user_by_email, register_user
from portal.db import local_today, utcnow
from portal.extensions import db
from portal.moderation.services import approve_company, approve_offer
from portal.offers.services import create_offer, submit_offer
from portal.offers.slots import add_slot
from portal.organisations.services import add_member, register_company, register_school
from portal.taxonomy.services import level_by_code, sector_by_code

DOMAIN = "load.example"
ADMIN = "beheer@demo.example"  # the demo set's administrator approves the load companies
COMPANIES = 4             # each with an owner and a colleague: 8 company members
OFFERS_PER_COMPANY = 2
SLOTS_PER_OFFER = 2
SLOT_CAPACITY = 30        # pupils; a request is for 6 to 16, so a date holds two or three
TEACHERS = 21             # each with a school of their own
LEVELS = ("vmbo_kb", "havo")
SECTOR = "metaal"


def _account(local, name, role, password):
    email = f"{local}@{DOMAIN}"
    user = find_user_by_email(email) or register_user(
        email=email, full_name=name, password=password, role=role)
    # Nobody reads mail at these addresses: count them as confirmed, as the demo set does.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    db.session.commit()
    return user


def _school_days(today, count):
    """Weekdays from three weeks ahead on, a week apart: far from any late cancellation."""
    day = today + timedelta(days=21)
    days = []
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=7 if days else 1)
    return days


def load_data(password, today=None):
    """Add the load test's companies, offers and teachers; return the manifest."""
    today = today or local_today()
    admin = find_user_by_email(ADMIN)
    levels = [level_by_code(code) for code in LEVELS]
    sector = sector_by_code(SECTOR)
    companies, offers = [], []
    for c in range(COMPANIES):
        owner = _account(f"bedrijf{c + 1:02d}", f"Eigenaar Lastbedrijf {c + 1}",
                         security.COMPANY_MEMBER, password)
        colleague = _account(f"bedrijf{c + 1:02d}.collega", f"Collega Lastbedrijf {c + 1}",
                             security.COMPANY_MEMBER, password)
        company = register_company(
            actor=owner, name=f"Lastbedrijf {c + 1}", number=f"{79900000 + c:08d}",
            place_name="Vlissingen", sector_ids=[sector.id],
            description="Een bedrijf van de belastingtest.")
        approve_company(actor=admin, company=company)
        add_member(actor=owner, organisation=company, user=colleague)
        companies.append({"id": company.id, "members": [owner.email, colleague.email]})
        for n in range(OFFERS_PER_COMPANY):
            offer = create_offer(
                actor=owner, company=company, offer_type="company_visit",
                title=f"Rondleiding lasserij {c + 1}.{n + 1}",
                description="Leerlingen zien lassen en frezen van dichtbij.",
                sector_ids=[sector.id], level_ids=[level.id for level in levels],
                location_mode="company", max_group_size=SLOT_CAPACITY, duration_minutes=90,
                contact_id=owner.id)
            for day in _school_days(today + timedelta(days=n), SLOTS_PER_OFFER):
                add_slot(actor=owner, offer=offer, day=day, starts_at=time(9, 0),
                         ends_at=time(11, 30), capacity=SLOT_CAPACITY, today=today)
            submit_offer(actor=owner, offer=offer)
            approve_offer(actor=admin, offer=offer)
            offers.append(offer.id)
    teachers = []
    for t in range(TEACHERS):
        teacher = _account(f"docent{t + 1:02d}", f"Docent Last {t + 1}", security.TEACHER,
                           password)
        register_school(actor=teacher, name=f"Lastschool {t + 1}",
                        brin=f"{98 + t // 26}L{chr(65 + t % 26)}", location="00",
                        place_name="Middelburg (Zeeland)", stage="vo")
        teachers.append(teacher.email)
    return {"password": password, "teachers": teachers, "companies": companies,
            "offers": offers, "sector_id": sector.id, "level_ids": [lvl.id for lvl in levels],
            "slot_capacity": SLOT_CAPACITY}


def main(path, password):
    app = create_app()
    with app.app_context():
        manifest = load_data(password)
    with open(path, "w", encoding="utf-8") as file:
        json.dump(manifest, file, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
