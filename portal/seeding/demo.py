"""The demo data set, loaded through the services so it passes the same rules as real data.

Idempotent: every object is looked up by its natural key (e-mail, KvK/enterprise number, BRIN,
name) before it is created, so running it twice changes nothing.
"""
import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from portal import security
from portal.accounts.services import (
    create_administrator,
    create_staff_user,
    find_user_by_email,
    register_user,
)
from portal.bookings.models import Booking
from portal.bookings.services import accept_booking, request_booking
from portal.extensions import db
from portal.geo.models import Place, Province
from portal.moderation.services import approve_company, approve_offer
from portal.offers.models import Offer
from portal.offers.services import create_offer, submit_offer
from portal.organisations.models import Company, Organisation, School, Technocentrum
from portal.organisations.services import (
    add_member,
    create_technocentrum,
    register_company,
    register_school,
)
from portal.seeds import read_seed
from portal.taxonomy.services import level_by_code, sector_by_code

DEMO_PASSWORD = "techniek-demo"
DOMAIN = "demo.example"
TOTAL_OFFERS = 300
# Companies (by position in companies.json) left waiting for moderation, to fill the queues.
PENDING_COMPANIES = (14, 15, 23)

TECHNOCENTRA = [
    ("zeeland", "Technocentrum Zeeland", ("NL-ZE", "BE-VLG")),
    ("flevoland", "Technocentrum Flevoland", ("NL-FL",)),
    ("noord-holland", "Technocentrum Noord-Holland", ("NL-NH",)),
    ("twente", "Technocentrum Twente", ("NL-OV",)),
    ("noord", "Technocentrum Noord-Nederland", ("NL-GR", "NL-FR", "NL-DR")),
    ("gelderland", "Technocentrum Gelderland", ("NL-GE",)),
    ("utrecht", "Technocentrum Utrecht", ("NL-UT",)),
    ("zuid-holland", "Technocentrum Zuid-Holland", ("NL-ZH",)),
    ("brabant", "Technocentrum Brabant", ("NL-NB",)),
    ("limburg", "Technocentrum Limburg", ("NL-LI",)),
]


DEMO_LOGINS = [
    ("administrator", f"beheer@{DOMAIN}"),
    ("moderator zeeland", f"moderator.zeeland@{DOMAIN}"),
    ("moderator flevoland", f"moderator.flevoland@{DOMAIN}"),
    ("moderator noord-holland", f"moderator.noord-holland@{DOMAIN}"),
    ("moderator twente", f"moderator.twente@{DOMAIN}"),
    ("company member", f"bedrijf@{DOMAIN}"),
    ("teacher", f"docent@{DOMAIN}"),
]


def database_is_empty():
    """No organisation yet: a new database that the demo data may fill."""
    return db.session.scalar(select(func.count(Organisation.id))) == 0


@dataclass
class Summary:
    logins: list = field(default_factory=lambda: list(DEMO_LOGINS))

    def text(self):
        count = lambda model: db.session.scalar(select(func.count(model.id)))  # noqa: E731
        published = db.session.scalar(select(func.count(Offer.id)).where(
            Offer.status == "published"))
        return (f"demo data: {count(Technocentrum)} Technocentra, {count(Company)} companies, "
                f"{count(Offer)} offers ({published} published), {count(School)} schools, "
                f"{count(Booking)} requests")


def _email(local):
    return f"{local}@{DOMAIN}"


def _user(local, full_name, role, admin=None):
    existing = find_user_by_email(_email(local))
    if existing is not None:
        return existing
    if role == security.ADMIN:
        return create_administrator(email=_email(local), full_name=full_name,
                                    password=DEMO_PASSWORD)
    if role in (security.COMPANY_MEMBER, security.TEACHER):
        return register_user(email=_email(local), full_name=full_name, password=DEMO_PASSWORD,
                             role=role)
    return create_staff_user(actor=admin, email=_email(local), full_name=full_name,
                             password=DEMO_PASSWORD, role=role)


def _place_label(item):
    """A label the place lookup resolves exactly; some names exist in both countries."""
    province = item.get("province_hint") or db.session.scalar(
        select(Province.name).join(Place, Place.province_id == Province.id)
        .where(Place.name == item["place"], Place.country_code == item["country"])
        .order_by(Place.population.desc()).limit(1))
    return f"{item['place']} ({province})"


def _technocentra(admin):
    for slug, name, codes in TECHNOCENTRA:
        centre = db.session.scalar(select(Technocentrum).where(Technocentrum.name == name))
        if centre is None:
            provinces = list(db.session.scalars(select(Province).where(Province.code.in_(codes))))
            centre = create_technocentrum(actor=admin, name=name, provinces=provinces)
        moderator = _user(f"moderator.{slug}", f"Moderator {name}", security.MODERATOR, admin)
        if not moderator.memberships:
            add_member(actor=admin, organisation=centre, user=moderator)


FIRST_NAMES = ["Anouk", "Bram", "Daan", "Eline", "Fleur", "Gijs", "Hanna", "Jesse", "Kim",
               "Lars", "Mila", "Noah", "Olivia", "Pieter", "Roos", "Sem", "Tess", "Thijs",
               "Vera", "Wouter", "Yara", "Zoë", "Joris", "Lotte", "Maarten", "Nina"]
LAST_NAMES = ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer",
              "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peeters", "Maes", "Claes",
              "Willems", "Goossens", "Wouters", "Hendriks", "Dekker", "van Leeuwen", "Verhoeven"]


def _person(index):
    return (f"{FIRST_NAMES[index % len(FIRST_NAMES)]} "
            f"{LAST_NAMES[(index * 7) % len(LAST_NAMES)]}")


def _companies(admin):
    companies = []
    for index, item in enumerate(read_seed("demo/companies.json")):
        local = "bedrijf" if index == 0 else f"bedrijf{index + 1:02d}"
        owner = _user(local, _person(index), security.COMPANY_MEMBER)
        number = item.get("kvk") or item["enterprise_number"]
        column = Company.kvk_number if item["country"] == "NL" else Company.enterprise_number
        company = db.session.scalar(select(Company).where(column == number))
        if company is None:
            company = register_company(
                actor=owner, name=item["name"], number=number, place_name=_place_label(item),
                sector_ids=[sector_by_code(code).id for code in item["sectors"]],
                description=item["description"], website=item["website"])
            if index not in PENDING_COMPANIES:
                approve_company(actor=admin, company=company)
        companies.append((company, owner))
    return companies


def _offer_counts(n_companies):
    """3 or 4 offers per company, adding up to TOTAL_OFFERS."""
    extra = TOTAL_OFFERS - 3 * n_companies
    return [4 if i < extra else 3 for i in range(n_companies)]


def _period(template_index, offer_type, today):
    start = today + timedelta(days=(template_index * 11) % 60)
    if offer_type in ("internship", "apprenticeship"):
        start = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    return start, start + timedelta(days=120 + (template_index * 17) % 150)


def _offers(admin, companies, today):
    templates = read_seed("demo/offers.json")
    cursor = itertools.count()
    for (company, owner), count in zip(companies, _offer_counts(len(companies)), strict=True):
        if db.session.scalar(select(func.count(Offer.id)).where(Offer.company_id == company.id)):
            continue
        sectors = {s.code for s in company.sectors}
        fitting = [t for t in templates if sectors & set(t["sectors"])] or templates
        for n in range(count):
            position = next(cursor)
            template = fitting[(position * 7 + n) % len(fitting)]
            starts_on, ends_on = _period(position, template["type"], today)
            offer = create_offer(
                actor=owner, company=company, offer_type=template["type"],
                title=template["title"].format(company=company.name, place=company.place.name),
                description=template["description"],
                sector_ids=[sector_by_code(c).id for c in template["sectors"]],
                level_ids=[level_by_code(c).id for c in template["levels"]],
                location_mode=template["location_mode"], travel_km=template.get("travel_km"),
                capacity=template["capacity"], max_group_size=template.get("max_group_size"),
                starts_on=starts_on, ends_on=ends_on)
            if position % 25 == 24:
                continue  # a few drafts, still being written
            submit_offer(actor=owner, offer=offer)
            if company.is_approved and position % 19 != 18:
                approve_offer(actor=admin, offer=offer)


def _schools():
    teachers = []
    items = read_seed("demo/schools.json")
    # The demo login teaches at the first secondary school: most offer types suit VO pupils.
    login = next(i for i, item in enumerate(items) if item["stage"] == "vo")
    items.insert(0, items.pop(login))
    for index, item in enumerate(items):
        local = "docent" if index == 0 else f"docent{index + 1:02d}"
        teacher = _user(local, _person(index + 40), security.TEACHER)
        school = db.session.scalar(select(School).where(
            School.brin_code == item["brin"], School.location_code == item["location"]))
        if school is None:
            school = register_school(
                actor=teacher, name=item["name"], brin=item["brin"], location=item["location"],
                place_name=_place_label(item),
                stage=item["stage"],
                sector_ids=[sector_by_code(code).id for code in item.get("sectors", ())])
        teachers.append((school, teacher))
    return teachers


def _bookings(companies, teachers, today):
    """A few requests around the first company, so both demo logins have something to do."""
    school, teacher = teachers[0]
    if db.session.scalar(select(func.count(Booking.id)).where(Booking.school_id == school.id)):
        return
    company, owner = companies[0]
    published = [o for o in company.offers if o.status == "published"
                 and any(lvl.stage == school.school_stage for lvl in o.levels)]
    for number, offer in enumerate(published[:2]):
        level = next(lvl for lvl in offer.levels if lvl.stage == school.school_stage)
        booking = request_booking(
            actor=teacher, offer=offer, wanted_on=max(today, offer.starts_on) + timedelta(
                days=14 + 7 * number),
            group_size=min(24, offer.max_group_size or 24), level_id=level.id,
            message="Wij komen graag met onze klas. Kan het in de ochtend?")
        if number == 0:
            accept_booking(actor=owner, booking=booking,
                           message="Van harte welkom! Meld u bij de receptie.")


def load_demo(today=None):
    """Load the demo data set; returns a Summary with the demo logins."""
    today = today or date.today()
    summary = Summary()
    admin = _user("beheer", "Beheerder Portaal", security.ADMIN)
    _technocentra(admin)
    companies = _companies(admin)
    _offers(admin, companies, today)
    teachers = _schools()
    _bookings(companies, teachers, today)
    return summary
