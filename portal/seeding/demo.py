"""The demo data set, loaded through the services so it passes the same rules as real data.

Idempotent: every object is looked up by its natural key (e-mail, KvK/enterprise number, BRIN,
name) before it is created, so running it twice changes nothing. The past school year and this
one so far (demo_season.py) are written directly, as the use cases refuse dates that passed.
"""
import itertools
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update

from portal import security
from portal.accounts.services import (
    create_administrator,
    create_staff_user,
    find_user_by_email,
    register_user,
)
from portal.bookings.bus import services as bus_services
from portal.bookings.bus import setup as bus_setup
from portal.bookings.bus.models import Bus
from portal.bookings.conversation import post_message
from portal.bookings.counter import counter_propose
from portal.bookings.models import Booking
from portal.bookings.offer_life import withdraw_offer
from portal.bookings.outcomes import evaluate, report_outcome
from portal.bookings.services import accept_booking, request_booking
from portal.db import PORTAL_TIMEZONE, local_today, utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.geo.models import Place, Province
from portal.moderation.models import Report
from portal.moderation.reports import report_offer
from portal.moderation.services import approve_company, approve_offer
from portal.offers.lifecycle import archive_ended_offers, pause_offer
from portal.offers.models import REVISION_PENDING, Offer, OfferRevision
from portal.offers.services import FIELDS as OFFER_FIELDS
from portal.offers.services import create_offer, submit_offer, update_offer
from portal.offers.slots import add_series, add_slot
from portal.organisations import partners as partner_services
from portal.organisations.accreditation import is_accredited, set_sbb_number, verify_sbb_number
from portal.organisations.models import (
    Company,
    Organisation,
    School,
    Technocentrum,
    technocentrum_provinces,
)
from portal.organisations.partner_models import Partnership
from portal.organisations.services import (
    add_member,
    create_technocentrum,
    register_company,
    register_school,
)
from portal.organisations.teams import accept_invitation, invite_member
from portal.seeding.demo_season import load_season
from portal.seeds import read_seed
from portal.taxonomy.holidays import holiday_region_of, holidays_between
from portal.taxonomy.services import all_levels, level_by_code, sector_by_code

DEMO_PASSWORD = "techniek-demo"
DOMAIN = "demo.example"
TOTAL_OFFERS = 300
# Companies (by position in companies.json) left waiting for moderation, to fill the queues.
PENDING_COMPANIES = (14, 15, 23)

# Every province is some Technocentrum's region (organisations.services.uncovered_provinces).
# Zeeland works across the border with Flanders already, so it also takes Brussels and Wallonia:
# one point of contact for every Belgian company, which knows the enterprise numbers.
TECHNOCENTRA = [
    ("zeeland", "Technocentrum Zeeland", ("NL-ZE", "BE-VLG", "BE-BRU", "BE-WAL")),
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
    ("moderator zeeland and belgium", f"moderator.zeeland@{DOMAIN}"),
    ("moderator flevoland", f"moderator.flevoland@{DOMAIN}"),
    ("moderator noord-holland", f"moderator.noord-holland@{DOMAIN}"),
    ("moderator twente", f"moderator.twente@{DOMAIN}"),
    ("company member", f"bedrijf@{DOMAIN}"),
    ("colleague (same company)", f"collega@{DOMAIN}"),
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
        user = create_administrator(email=_email(local), full_name=full_name,
                                    password=DEMO_PASSWORD)
    elif role in (security.COMPANY_MEMBER, security.TEACHER):
        user = register_user(email=_email(local), full_name=full_name, password=DEMO_PASSWORD,
                             role=role)
    else:
        user = create_staff_user(actor=admin, email=_email(local), full_name=full_name,
                                 password=DEMO_PASSWORD, role=role)
    # The demo's addresses are examples nobody can read mail at: count them as confirmed, so
    # the demo shows the portal as its users see it once they have confirmed.
    user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


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


# A qualification (crebo, seeds/qualifications.json) that fits each sector, for placements.
CREBO_BY_SECTOR = {
    "metaal": "25624", "elektrotechniek": "25736", "installatietechniek": "26100",
    "bouw": "25828", "procesindustrie": "25762", "energie": "27011", "werktuigbouw": "25892",
    "life_sciences": "25952", "maritiem": "25971", "logistiek": "25775",
    "automotive": "25669", "luchtvaart": "25938", "ict": "27015", "media": "25998",
    "medische_techniek": "25893", "technische_groothandel": "25774",
    "voedingsmiddelen": "25761", "agrotechniek": "25669", "veiligheid": "25825",
    "instrumentmaken": "25623",
}
SUBJECTS = {"metaal": "CNC-frezen, lassen", "elektrotechniek": "PLC-programmeren, NEN 1010",
            "installatietechniek": "warmtepompen, ventilatie", "ict": "netwerken, cloud",
            "procesindustrie": "procesbesturing, veiligheid", "bouw": "BIM, houtskeletbouw"}
GEAR = "Veiligheidsbril en gehoorbescherming krijgen de leerlingen van ons; dichte schoenen zijn " \
       "verplicht."
SAFETY = ("Leerlingen blijven bij hun begeleider en lopen alleen over de gemarkeerde paden. "
          "Machines raken ze alleen aan als de begeleider dat zegt.")


def _details(template, position, company, owner, period):
    """The fields of the template's type, varied by position, so every type shows its own."""
    kind, sector = template["type"], template["sectors"][0]
    starts_on, ends_on = period
    group = template.get("max_group_size") or 30
    if kind == "guest_lesson":
        return {"topic": template["title"].split(":")[-1].strip()[:200],
                "given_by": f"{owner.full_name}, techniekambassadeur",
                "duration_minutes": (60, 90, 100)[position % 3],
                "travel_km": template.get("travel_km") or 40, "max_group_size": group}
    if kind == "company_visit":
        return {"min_group_size": 8, "max_group_size": group,
                "min_age": 10 if "po_7_8" in template["levels"] else 12,
                "duration_minutes": (90, 120)[position % 2], "safety_rules": SAFETY,
                "protective_gear": GEAR, "wheelchair_access": position % 3 != 0,
                "counts_teachers": position % 2 == 0}
    if kind == "taster_day":
        return {"pupils_per_day": max(2, min(template.get("capacity") or 4, 6)),
                "days": 1 + position % 2, "min_age": 14, "protective_gear": GEAR}
    if kind == "internship":
        return {"crebo": CREBO_BY_SECTOR.get(sector, "25744"), "starts_on": starts_on,
                "ends_on": ends_on, "capacity": max(1, min(template.get("capacity") or 2, 4)),
                "allowance_euros": (250, 300, 350, 400)[position % 4]}
    if kind == "apprenticeship":
        return {"crebo": CREBO_BY_SECTOR.get(sector, "25744"), "starts_on": starts_on,
                "hours_per_week": (32, 36, 38)[position % 3],
                "capacity": max(1, min(template.get("capacity") or 1, 3))}
    if kind == "teacher_placement":
        return {"days": 2 + position % 4, "subjects": SUBJECTS.get(sector, "vakkennis"),
                "starts_on": starts_on, "ends_on": ends_on, "capacity": 1 + position % 2}
    return {"deliverable": "Een advies met ontwerp en een korte presentatie voor het team van "
                           f"{company.name}.", "duration_weeks": 4 + position % 7,
            "max_group_size": min(group, 6)}


def _slots(owner, offer, position, today):
    """Dates over the coming months: a weekly series for some, a few single dates for others."""
    room = {"guest_lesson": 32, "company_visit": 30, "taster_day": offer.pupils_per_day or 4,
            "assignment": 12}[offer.offer_type]
    if offer.counts_teachers:
        room += 4
    region = holiday_region_of(offer.company.place.province.code)
    first = today + timedelta(days=7 + position % 14)
    if position % 3 == 0:
        add_series(actor=owner, offer=offer, weekday=1 + position % 4, first=first,
                   last=first + timedelta(days=120), starts_at=time(9, 0),
                   ends_at=time(11, 30), capacity=room, region=region, today=today)
        return
    holidays = holidays_between(region, first, first + timedelta(days=120))
    for n in range(3):
        day = first + timedelta(days=17 * n + n % 2)
        # Schools are closed at weekends (then the Monday) and in holidays (the week after).
        while day.weekday() >= 5 or any(start <= day <= end for start, end in holidays):
            day += timedelta(days=1 if day.weekday() >= 5 else 7)
        add_slot(actor=owner, offer=offer, day=day,
                 starts_at=time(13, 0) if n % 2 else time(9, 30),
                 ends_at=time(15, 30) if n % 2 else time(12, 0), capacity=room,
                 min_group=15 if position % 5 == 0 and room >= 15 else None, today=today)


def _accredit(admin, company, owner, index):
    """Companies with BBL places are accredited training companies (demo SBB numbers)."""
    if company.is_approved and not is_accredited(company):
        set_sbb_number(actor=owner, company=company, number=f"{100200300 + index}")
        verify_sbb_number(actor=admin, company=company, seen=company.sbb_number)


def _offers(admin, companies, today):
    templates = read_seed("demo/offers.json")
    cursor = itertools.count()
    for index, ((company, owner), count) in enumerate(
            zip(companies, _offer_counts(len(companies)), strict=True)):
        if db.session.scalar(select(func.count(Offer.id)).where(Offer.company_id == company.id)):
            continue
        sectors = {s.code for s in company.sectors}
        fitting = [t for t in templates if sectors & set(t["sectors"])] or templates
        for n in range(count):
            position = next(cursor)
            template = fitting[(position * 7 + n) % len(fitting)]
            if template["type"] == "apprenticeship":
                if not company.is_approved:
                    template = next(t for t in fitting + templates
                                    if t["type"] == "internship")
                else:
                    _accredit(admin, company, owner, index)
            period = _period(position, template["type"], today)
            offer = create_offer(
                actor=owner, company=company, offer_type=template["type"],
                title=template["title"].format(company=company.name, place=company.place.name),
                description=template["description"],
                sector_ids=[sector_by_code(c).id for c in template["sectors"]],
                level_ids=[level_by_code(c).id for c in template["levels"]],
                location_mode=template["location_mode"], contact_id=owner.id,
                **_details(template, position, company, owner, period))
            if offer.has_slots:
                _slots(owner, offer, position, today)
            if position % 25 == 24:
                continue  # a few drafts, still being written
            submit_offer(actor=owner, offer=offer)
            if company.is_approved and position % 19 != 18:
                approve_offer(actor=admin, offer=offer)
                _life_after_publishing(admin, owner, offer, position)


def _life_after_publishing(admin, owner, offer, position):
    """Some published offers move on: paused, withdrawn, or with a change for the moderator."""
    if position % 23 == 5:
        pause_offer(actor=owner, offer=offer, reason="Onze werkplaats wordt verbouwd; na de "
                                                     "zomer kunnen we weer klassen ontvangen.")
    elif position % 29 == 7:
        withdraw_offer(actor=owner, offer=offer,
                       reason="Onze techniekambassadeur is met pensioen gegaan.")
    elif position % 17 == 3:
        fields = {name: getattr(offer, name) for name in OFFER_FIELDS
                  if not name.endswith("_ids")}
        update_offer(actor=owner, offer=offer, **{
            **fields, "title": f"{offer.title} (vernieuwd)",
            "description": offer.description + "\n\nNieuw: leerlingen maken zelf een "
                                               "werkstuk dat ze mee naar huis nemen.",
            "sector_ids": [s.id for s in offer.sectors],
            "level_ids": [lvl.id for lvl in offer.levels]})


def _archived_offer(admin, companies, today):
    """One offer whose dates have passed, archived as `flask offers archive` does nightly."""
    company, owner = companies[1]
    title = "Open dag werkplaats (afgelopen)"
    if db.session.scalar(select(Offer.id).where(Offer.title == title)) is not None:
        return
    offer = create_offer(
        actor=owner, company=company, offer_type="company_visit", title=title,
        description="Een open middag voor klassen uit de regio, met rondleiding en proeflassen.",
        sector_ids=[s.id for s in company.sectors[:1]],
        level_ids=[level_by_code("vmbo_kb").id], location_mode="company",
        max_group_size=30, duration_minutes=120, contact_id=owner.id)
    add_slot(actor=owner, offer=offer, day=today, starts_at=time(13, 0), ends_at=time(16, 0),
             capacity=30, today=today)
    submit_offer(actor=owner, offer=offer)
    approve_offer(actor=admin, offer=offer)
    archive_ended_offers(today=today + timedelta(days=1))


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
    """Requests around the first company, so both demo logins have something to do: one
    accepted with a conversation, one with a counter-proposal waiting for the teacher, one that
    took place and was evaluated by both sides, and one whose date passed without an answer to
    "did it take place?" yet."""
    school, teacher = teachers[0]
    if db.session.scalar(select(func.count(Booking.id)).where(Booking.school_id == school.id)):
        return
    company, owner = companies[0]
    fitting = [o for o in company.offers if o.status == "published"
               and any(lvl.stage == school.school_stage for lvl in o.levels)]
    published = [o for o in fitting if not o.has_slots or any(
        s.day >= today and s.room >= _group(o) for s in o.slots)]
    requested = []
    for offer in published[:2]:
        level = next(lvl for lvl in offer.levels if lvl.stage == school.school_stage)
        when = ({"slot_id": next(s.id for s in offer.slots
                                 if s.day >= today and s.room >= _group(offer))}
                if offer.has_slots else
                {"wanted_on": max(today, offer.starts_on or today) + timedelta(days=7)})
        requested.append(request_booking(
            actor=teacher, offer=offer, level_id=level.id, today=today,
            group_size=_group(offer), **when,
            message="Wij komen graag met onze klas. Kan het in de ochtend?"))
    if requested:
        accepted = accept_booking(actor=owner, booking=requested[0],
                                  message="Van harte welkom! Meld u bij de receptie.")
        post_message(actor=teacher, booking=accepted,
                     body="Dank u wel! Wij komen met de bus; kan die op uw terrein parkeren?")
        post_message(actor=owner, booking=accepted,
                     body="Ja hoor, er is plek voor een bus bij de achteringang.")
    if len(requested) > 1:
        _counter_proposal(owner, requested[1], today)
    visit = next((o for o in fitting if o.has_slots), None)
    if visit is not None:
        _past_activities(owner, teacher, school, visit, today)


def _counter_proposal(owner, booking, today):
    """The company proposes another date (or a smaller group, or a later start date)."""
    offer = booking.offer
    message = "Die dag lukt ons helaas niet. Zou deze andere datum ook passen?"
    if not offer.has_slots:
        counter_propose(actor=owner, booking=booking, today=today,
                        wanted_on=booking.wanted_on + timedelta(days=7), message=message)
        return
    other = next((s for s in offer.slots if s.day >= today and s.id != booking.slot_id
                  and s.room >= booking.room_needed), None)
    if other is not None:
        counter_propose(actor=owner, booking=booking, today=today, slot_id=other.id,
                        message=message)
    else:
        counter_propose(actor=owner, booking=booking, today=today,
                        group_size=max(booking.group_size - 4, offer.min_group_size or 1),
                        message="Wij kunnen op die dag iets minder leerlingen ontvangen. "
                                "Past dat voor u?")


def _school_day_before(offer, day):
    """`day`, or the weekday before it outside the school holidays of the company's region."""
    region = holiday_region_of(offer.company.place.province.code)
    holidays = holidays_between(region, day - timedelta(days=120), day)
    while day.weekday() >= 5 or any(start <= day <= end for start, end in holidays):
        day -= timedelta(days=1)
    return day


def _past_activities(owner, teacher, school, offer, today):
    """Two dates that have passed: one took place and was evaluated by both sides, the other
    waits for both sides to say whether it took place."""
    level = next(lvl for lvl in offer.levels if lvl.stage == school.school_stage)
    group = _group(offer)
    for weeks_ago, evaluated in ((3, True), (1, False)):
        day = _school_day_before(offer, today - timedelta(days=7 * weeks_ago - 1))
        asked = day - timedelta(days=14)
        slot = add_slot(actor=owner, offer=offer, day=day, starts_at=time(9, 30),
                        ends_at=time(12, 0), capacity=group + 10, today=asked)
        at = datetime.combine(asked, time(10, 0), tzinfo=PORTAL_TIMEZONE)
        booking = request_booking(actor=teacher, offer=offer, level_id=level.id, today=asked,
                                  now=at, group_size=group, slot_id=slot.id,
                                  message="Graag een rondleiding voor mijn examenklas.")
        accept_booking(actor=owner, booking=booking, today=asked, now=at + timedelta(hours=3),
                       message="Leuk! Tot dan.")
        if not evaluated:
            continue
        report_outcome(actor=teacher, booking=booking, held=True, today=today)
        report_outcome(actor=owner, booking=booking, held=True, today=today)
        evaluate(actor=teacher, booking=booking, rating=5, pupils_reached=group,
                 girls=group // 3, today=today,
                 comment="Heel leerzaam; de leerlingen praten er nog steeds over.")
        evaluate(actor=owner, booking=booking, rating=4, host_again=True, today=today,
                 comment="Betrokken klas met goede vragen.")


def _teams(companies, teachers):
    """Teams of two or three: colleagues who joined by invitation, and one invitation open."""
    plans = [(companies[0][0], companies[0][1], ("collega", "collega2"), security.COMPANY_MEMBER),
             (companies[2][0], companies[2][1], ("bedrijf03.collega",), security.COMPANY_MEMBER),
             (teachers[0][0], teachers[0][1], ("docent.collega",), security.TEACHER)]
    if len(companies[0][0].memberships) > 1:
        return  # loaded before
    for number, (organisation, owner, locals_, role) in enumerate(plans):
        for offset, local in enumerate(locals_):
            colleague = _user(local, _person(60 + 3 * number + offset), role)
            _invitation, token = invite_member(actor=owner, organisation=organisation,
                                               email=colleague.email)
            accept_invitation(actor=colleague, token=token)
    invite_member(actor=companies[0][1], organisation=companies[0][0],
                  email=_email("nieuwe.collega"))


def _group(offer):
    """A class of 24, or what the offer takes; one student for a placement."""
    if not offer.has_slots:
        return 1
    return max(min(24, offer.max_group_size or 24), offer.min_group_size or 1)


def load_demo(today=None):
    """Load the demo data set; returns a Summary with the demo logins."""
    today = today or local_today()
    summary = Summary()
    admin = _user("beheer", "Beheerder Portaal", security.ADMIN)
    _technocentra(admin)
    companies = _companies(admin)
    _offers(admin, companies, today)
    _archived_offer(admin, companies, today)
    teachers = _schools()
    _bookings(companies, teachers, today)
    _teams(companies, teachers)
    _techniekbus(admin, teachers, today)
    _partners(companies, teachers)
    _report(teachers)
    load_season(companies, teachers, today)
    _waiting_for_days()
    return summary


def _waiting_for_days():
    """What waits for a moderator has waited a while, as in a real queue: a pending company
    since 3 to 12 days, a submitted offer or a proposed change since 1 to 11 (by id, so a
    second load gives the same)."""
    now = utcnow()
    for company_id in db.session.scalars(select(Company.id).where(Company.status == "pending")):
        db.session.execute(update(Company).where(Company.id == company_id).values(
            created_at=now - timedelta(days=3 + company_id % 10, hours=company_id % 7)))
    for offer_id in db.session.scalars(select(Offer.id).where(Offer.status == "pending")):
        db.session.execute(update(Offer).where(Offer.id == offer_id).values(
            submitted_at=now - timedelta(days=1 + offer_id % 11, hours=offer_id % 5)))
    for revision_id in db.session.scalars(select(OfferRevision.id).where(
            OfferRevision.status == REVISION_PENDING)):
        db.session.execute(update(OfferRevision).where(OfferRevision.id == revision_id).values(
            created_at=now - timedelta(days=1 + revision_id % 6, hours=revision_id % 3)))
    db.session.commit()


def _techniekbus(admin, teachers, today):
    """Zeeland's two buses, as Bedrijf+School ran them, with rules, a price and a surcharge;
    a bus of the teacher's own region (if not Zeeland); and a ride booked with the teacher's
    accepted visit, when the rules allow it."""
    school, teacher = teachers[0]
    zeeland = db.session.scalar(select(Technocentrum).where(
        Technocentrum.name == "Technocentrum Zeeland"))
    if db.session.scalar(select(func.count(Bus.id))):
        return  # loaded before
    first = bus_setup.add_bus(actor=admin, centre=zeeland, name="Techniekbus 1", seats=53,
                              run_days=0b0011111)
    bus_setup.add_bus(actor=admin, centre=zeeland, name="Techniekbus 2", seats=49,
                      run_days=0b0001111)
    christmas = holidays_between("zuid", today, today + timedelta(days=365))
    for starts_on, ends_on in christmas[:3]:
        bus_setup.add_block(actor=admin, bus=first, starts_on=starts_on, ends_on=ends_on,
                            reason="Schoolvakantie")
    bus_setup.save_rules(actor=admin, centre=zeeland, values=bus_setup.RuleValues(
        min_days_ahead=5, max_days_ahead=120, opens_at=time(9, 0), max_distance_km=80,
        price_cents=7500, surcharge_cents=2500,
        level_ids=tuple(level.id for level in all_levels() if level.code != "po_1_6"),
        surcharge_places=("Hulst (Zeeland)",)))
    covering = db.session.scalar(
        select(Technocentrum).join(technocentrum_provinces,
                                   technocentrum_provinces.c.technocentrum_id == Technocentrum.id)
        .where(technocentrum_provinces.c.province_id == school.place.province_id)
        .order_by(Technocentrum.id).limit(1))
    if covering is not None and covering.id != zeeland.id:
        bus_setup.add_bus(actor=admin, centre=covering, name="Techniekbus", seats=53,
                          run_days=0b0011111)
    _visit_by_bus(school, teacher, today)


def _visit_by_bus(school, teacher, today):
    """The teacher's class visits a company in the school's province on a school day ahead,
    accepted, and goes there by Techniekbus."""
    level = next(lvl for lvl in all_levels() if lvl.stage == school.school_stage
                 and lvl.code != "po_1_6")
    visits = db.session.scalars(
        select(Offer).join(Offer.company).join(Place, Company.place_id == Place.id)
        .where(Offer.status == "published", Offer.offer_type == "company_visit",
               Place.province_id == school.place.province_id).order_by(Offer.id))
    for offer in visits:
        if level not in offer.levels:
            continue
        for slot in offer.slots:
            if slot.day < today + timedelta(days=7) or slot.room < _group(offer):
                continue
            owner = offer.company.memberships[0].user
            booking = request_booking(actor=teacher, offer=offer, level_id=level.id,
                                      today=today, group_size=_group(offer), slot_id=slot.id,
                                      message="Wij komen met de Techniekbus.")
            accept_booking(actor=owner, booking=booking, message="Welkom!")
            _ride(teacher, booking)
            return


def _ride(teacher, visit):
    """A bus of the region for the visit, the first whose rules and times allow it."""
    slot = visit.slot
    for bus in bus_services.buses_for(visit.school):
        values = dict(actor=teacher, booking=visit, bus_id=bus.id, teachers=2,
                      departs_at=(datetime.combine(slot.day, slot.starts_at)
                                  - timedelta(minutes=45)).time(),
                      returns_at=(datetime.combine(slot.day, slot.ends_at)
                                  + timedelta(minutes=45)).time())
        try:
            quote = bus_services.quote_ride(**values)
            bus_services.book_ride(price_cents=quote.price_cents, **values)
            return True
        except ValidationFailed:
            db.session.rollback()
    return False


def _report(teachers):
    """A teacher's report of a published offer in Zeeland, waiting in its queue."""
    if db.session.scalar(select(func.count(Report.id))):
        return
    offer = db.session.scalar(
        select(Offer).join(Offer.company).join(Place, Company.place_id == Place.id)
        .join(Province, Place.province_id == Province.id)
        .where(Offer.status == "published", Province.code == "NL-ZE")
        .order_by(Offer.id).limit(1))
    if offer is not None:
        report_offer(actor=teachers[1][1], offer=offer,
                     reason="De beschrijving noemt geen veiligheidsmaatregelen bij het lassen, "
                            "en de leeftijd van de leerlingen staat er niet bij.")


def _partners(companies, teachers):
    """Partner circles: the demo teacher's school with the demo company and two more, the
    next schools with companies near them; the demo company has a question to answer."""
    if db.session.scalar(select(func.count(Partnership.id))):
        return
    approved = [(company, owner) for company, owner in companies if company.is_approved]
    pairs = [(0, 0), (0, 3), (0, 6), (1, 1), (2, 2), (3, 4), (4, 5)]
    for school_index, company_index in pairs:
        school, teacher = teachers[school_index]
        company, owner = approved[company_index]
        asked = partner_services.ask(actor=teacher, other=company,
                                     message="Zullen we elk jaar samen iets organiseren?")
        partner_services.answer(actor=owner, partnership=asked, accept=True)
    school, teacher = teachers[5]
    partner_services.ask(actor=teacher, other=approved[0][0],
                         message="Onze leerlingen willen graag bij u op bezoek, elk schooljaar.")
