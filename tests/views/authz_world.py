"""The world of the authorization matrix: two of everything, side "a" and side "b".

Side a is Zeeland (Technocentrum A), side b is Utrecht (Technocentrum B). Each side has an
approved company with published, draft, pending and paused offers, a slot, a second location, a
logo, requests of its own side's school in several statuses, a waiting list with a school in
line and a school offered room, an open invitation, a company waiting for its moderator and a
company whose SBB number waits for a check. The sessions (SESSIONS) are the people of both sides
plus a visitor, a teacher and a company member without an organisation, and the administrator.

Everything is built through the factories (the services) once per module, inside one outer
transaction on one connection (`module_transaction`); each request of the matrix then runs in
a savepoint of its own that is rolled back, so every cell sees the same world and a rightful
POST (a removal, a sign-out) never spoils the next cell. Only ids, tokens and cookies are kept:
ORM objects would be detached by then.
"""
import io
import re
from dataclasses import dataclass, field
from datetime import time, timedelta

import pytest
from flask_sqlalchemy.session import _app_ctx_id
from PIL import Image
from sqlalchemy import select, update
from sqlalchemy.orm import Session, scoped_session, sessionmaker

from portal import security
from portal.administration import moderators
from portal.bookings import services as bookings
from portal.bookings import waitlist
from portal.bookings.bus import services as bus_services
from portal.bookings.bus import setup as bus_setup
from portal.bookings.calendar import renew_calendar_token
from portal.db import local_today, utcnow
from portal.extensions import db
from portal.moderation import reports
from portal.notifications.models import FAILED, OutboxMessage
from portal.offers import lifecycle
from portal.offers.models import Slot
from portal.organisations import accreditation, profiles, teams
from portal.organisations import partners as partner_services
from portal.taxonomy import admin as reference
from portal.taxonomy.holidays import add_holiday
from portal.taxonomy.models import Topsector
from portal.taxonomy.services import sector_by_code
from tests import factories
from tests.views.helpers import csrf_token, login

SIDES = ("a", "b")
WAITLIST_LINK = re.compile(r"/wachtlijst/([\w-]{20,})")
# Tables that hold reference data, which no request of the portal changes. (Sectors, levels
# and qualifications are compared: the administrator's reference pages change them.)
REFERENCE_TABLES = {"landsdelen", "place_aliases", "places", "provinces"}


@dataclass(frozen=True)
class Person:
    """A session of the matrix: its tags from the most specific (its own name) to the least,
    and its side (None: belongs to neither)."""

    name: str
    tags: tuple
    side: str | None = None


SESSIONS = (
    Person("anon", ("anon",)),
    Person("teacher_a", ("teacher_a", "school_owner", "school", "signed_in"), "a"),
    Person("coordinator_a", ("coordinator_a", "school_member", "school", "signed_in"), "a"),
    Person("teacher_b", ("teacher_b", "school_owner", "school", "signed_in"), "b"),
    Person("teacher_new", ("teacher_new", "schoolless", "signed_in")),
    Person("owner_a", ("owner_a", "company_owner", "company", "signed_in"), "a"),
    Person("member_a", ("member_a", "company_member", "company", "signed_in"), "a"),
    Person("owner_b", ("owner_b", "company_owner", "company", "signed_in"), "b"),
    Person("company_new", ("company_new", "companyless", "signed_in")),
    Person("moderator_a", ("moderator_a", "moderator", "staff", "signed_in"), "a"),
    Person("moderator_b", ("moderator_b", "moderator", "staff", "signed_in"), "b"),
    Person("admin", ("admin", "staff", "signed_in")),
)

PLACES = {"a": {"company": "Vlissingen", "school": "Middelburg (Zeeland)",
                "pending": "Goes", "sbb": "Terneuzen", "province": "NL-ZE"},
          "b": {"company": "Utrecht", "school": "Utrecht", "pending": "Amersfoort",
                "sbb": "Houten", "province": "NL-UT"}}


@dataclass
class World:
    ids: dict = field(default_factory=dict)      # case name ("offer.draft.a") -> id or token
    emails: dict = field(default_factory=dict)   # session name -> e-mail address
    cookies: dict = field(default_factory=dict)  # session name -> its session cookie
    rows: dict = field(default_factory=dict)     # the fingerprint of the world as built
    tokens: dict = field(default_factory=dict)   # session name -> a CSRF token of its session


def _email(name):
    return f"authz-{name.replace('_', '-')}@example.nl"


def _logo():
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (0, 84, 122)).save(out, "PNG")
    out.seek(0)
    return out


def _join(organisation, owner, person):
    """`person` joins the organisation's team by an invitation of its owner."""
    _invitation, token = teams.invite_member(actor=owner, organisation=organisation,
                                             email=person.email)
    teams.accept_invitation(actor=person, token=token)


def _full_offer(company, title):
    """A published offer whose one date is full, as accepted requests of others would make it."""
    offer = factories.offer(company, slot_capacity=30, title=title)
    slot_id = offer.slots[0].id
    db.session.execute(update(Slot).where(Slot.id == slot_id).values(taken=30))
    db.session.commit()
    return offer, db.session.get(Slot, slot_id)


def _side(world, side, admin):
    names = PLACES[side]
    person = {}
    for name, role in (("owner", security.COMPANY_MEMBER), ("member", security.COMPANY_MEMBER),
                       ("teacher", security.TEACHER), ("moderator", security.MODERATOR)):
        person[name] = factories.user(role, email=_email(f"{name}_{side}"),
                                      full_name=f"Authz {name} {side}")
    centre = factories.technocentrum((names["province"],), name=f"Authz TC {side}")
    from portal.organisations import services as organisations

    organisations.add_member(actor=admin, organisation=centre, user=person["moderator"])
    company = factories.company(person["owner"], place=names["company"],
                                name=f"Authz Bedrijf {side}")
    _join(company, person["owner"], person["member"])
    school = factories.school(person["teacher"], place=names["school"])
    owner, teacher = person["owner"], person["teacher"]
    if side == "a":
        coordinator = factories.user(security.SCHOOL_COORDINATOR,
                                     email=_email("coordinator_a"), full_name="Authz coordinator")
        _join(school, teacher, coordinator)
    ids = world.ids
    ids[f"company.{side}"] = company.id
    ids[f"school.{side}"] = school.id
    profiles.set_company_logo(actor=owner, company=company, upload=_logo())
    ids[f"location.{side}"] = factories.location(company, name=f"Werkplaats {side}",
                                                 place=names["company"]).id

    published = factories.offer(company, title=f"Authz gepubliceerd {side}")
    ids[f"offer.published.{side}"] = published.id
    ids[f"slot.{side}"] = published.slots[0].id
    ids[f"offer.draft.{side}"] = factories.offer(company, status="draft",
                                                 title=f"Authz concept {side}").id
    ids[f"offer.pending.{side}"] = factories.offer(company, status="pending",
                                                   title=f"Authz ingediend {side}").id
    paused = factories.offer(company, title=f"Authz gepauzeerd {side}")
    lifecycle.pause_offer(actor=owner, offer=paused, reason="Verbouwing.")
    ids[f"offer.paused.{side}"] = paused.id

    # Requests of this side's school on this side's company, one per offer.
    ids[f"booking.requested.{side}"] = factories.booking(published, teacher).id
    accepted = factories.booking(factories.offer(company, title=f"Authz geaccepteerd {side}"),
                                 teacher)
    factories.accepted(accepted)
    ids[f"booking.accepted.{side}"] = accepted.id
    # The Techniekbus: a bus of this side's Technocentrum, a period it does not run, and a
    # ride booked with the accepted visit.
    bus = factories.bus(centre, name=f"Authz bus {side}")
    ids[f"bus.{side}"] = bus.id
    ids[f"block.{side}"] = bus_setup.add_block(
        actor=admin, bus=bus, starts_on=local_today() + timedelta(days=300),
        ends_on=local_today() + timedelta(days=301), reason="Onderhoud").id
    ids[f"ride.{side}"] = bus_services.book_ride(
        actor=teacher, booking=accepted, bus_id=bus.id, departs_at=time(8, 15),
        returns_at=time(12, 15), teachers=2, price_cents=0).id
    declined = factories.booking(factories.offer(company, title=f"Authz afgewezen {side}"),
                                 teacher)
    bookings.decline_booking(actor=owner, booking=declined, message="Die week zijn we dicht.")
    ids[f"booking.declined.{side}"] = declined.id
    ids[f"booking.past.{side}"] = factories.past_booking(
        factories.offer(company, title=f"Authz voorbij {side}"), teacher).id

    # A waiting list: the school in line for one full date, offered room on another.
    offer, full = _full_offer(company, f"Authz vol {side}")
    ids[f"slot.full.{side}"] = full.id
    ids[f"entry.{side}"] = waitlist.join_waitlist(
        actor=teacher, slot=full, group_size=24, level_id=offer.levels[0].id).id
    offer, full = _full_offer(company, f"Authz plek vrij {side}")
    waitlist.join_waitlist(actor=teacher, slot=full, group_size=24, level_id=offer.levels[0].id)
    db.session.execute(update(Slot).where(Slot.id == full.id).values(taken=Slot.taken - 24))
    waitlist.offer_freed_room(full.id, now=utcnow())
    db.session.commit()
    mail = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.to_address == teacher.email, OutboxMessage.kind == "waitlist.offered")
        .order_by(OutboxMessage.id.desc()).limit(1))
    ids[f"waitlist.token.{side}"] = WAITLIST_LINK.search(mail.body_text).group(1)

    # Teams: a colleague to remove, an open invitation, a teacher asking to join the school.
    ids[f"membership.{side}"] = next(m.id for m in company.memberships if not m.is_owner)
    _invitation, ids[f"invitation.{side}"] = teams.invite_member(
        actor=owner, organisation=company, email=_email(f"invitee_{side}"))
    joiner = factories.user(security.TEACHER, email=_email(f"joiner_{side}"))
    ids[f"join_request.{side}"] = teams.request_to_join(actor=joiner, school=school).id

    # Work for this side's moderator: a company waiting for approval (with a logo), and an
    # approved company whose SBB number waits for a check.
    waiting_owner = factories.user(security.COMPANY_MEMBER, email=_email(f"waiting_{side}"))
    waiting = factories.company(waiting_owner, place=names["pending"], approved=False,
                                name=f"Authz Wachtend {side}")
    profiles.set_company_logo(actor=waiting_owner, company=waiting, upload=_logo())
    ids[f"company.pending.{side}"] = waiting.id
    sbb = factories.company(place=names["sbb"], name=f"Authz Leerbedrijf {side}")
    accreditation.set_sbb_number(actor=factories.owner_of(sbb), company=sbb, number="100200300")
    ids[f"company.sbb.{side}"] = sbb.id

    ids[f"calendar.{side}"] = renew_calendar_token(actor=teacher)
    # Partner circles: the side's school and company are partners; the school has asked the
    # side's accredited company too.
    ids[f"partnership.active.{side}"] = factories.partners(school, company).id
    ids[f"partnership.asked.{side}"] = partner_services.ask(actor=teacher, other=sbb).id
    # A report of this side's paused offer by its school, waiting for the side's moderator.
    ids[f"report.{side}"] = reports.report_offer(actor=teacher, offer=paused,
                                                 reason="Authz: onduidelijke veiligheid.").id
    # The side's Technocentrum as the administrator keeps it: its moderator's membership, and
    # an open invitation to moderate with the token of its link.
    ids[f"centre.{side}"] = centre.id
    ids[f"moderator.{side}"] = next(m.id for m in centre.memberships)
    invitation, ids[f"moderator_token.{side}"] = moderators.invite_moderator(
        actor=admin, centre=centre, email=_email(f"new_moderator_{side}"))
    ids[f"moderator_invitation.{side}"] = invitation.id
    return person


def build(app):
    """Build the world and sign every session in; returns the World."""
    world = World()
    admin = factories.user(security.ADMIN, email=_email("admin"), full_name="Authz beheerder")
    people = {"admin": admin}
    for side in SIDES:
        for name, user in _side(world, side, admin).items():
            people[f"{name}_{side}"] = user
    people["coordinator_a"] = db.session.scalar(select(type(admin)).where(
        type(admin).email == _email("coordinator_a")))
    people["teacher_new"] = factories.user(security.TEACHER, email=_email("teacher_new"))
    people["company_new"] = factories.user(security.COMPANY_MEMBER, email=_email("company_new"))
    holiday = add_holiday(actor=admin, region="zuid", name="Kerstvakantie",
                          starts_on=local_today() + timedelta(days=200),
                          ends_on=local_today() + timedelta(days=214))
    world.ids["holiday"] = holiday.id
    # Reference data of the administrator's own, used by nothing (so it may be removed).
    world.ids["sector"] = reference.add_sector(
        actor=admin, chamber_id=sector_by_code("handel").id, name="Authz sector",
        name_en="Authz sector").id
    world.ids["level"] = reference.add_level(
        actor=admin, code="authz_level", name="Authz niveau", name_en="Authz level",
        stage="vo", country_code="NL").id
    reference.add_qualification(actor=admin, crebo="09990", name="Authz kwalificatie", level=2)
    world.ids["qualification"] = "09990"
    world.ids["topsector"] = db.session.scalar(select(Topsector.id).where(
        Topsector.code == "water"))
    failed = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id).limit(1))
    failed.status = FAILED
    db.session.commit()
    world.ids["mail"] = failed.id
    world.ids.update({"token.unknown": "x" * 43, "lang.en": "en", "figures.table": "soorten",
                      "type.company_visit": "company_visit", "type.unknown": "spaceship"})
    world.emails = {name: user.email for name, user in people.items()}
    _sign_in(app, world, people)
    return world


def _sign_in(app, world, people):
    """Each session's cookie and a CSRF token of it, so a request needs no sign-in of its own."""
    for person in SESSIONS:
        client = app.test_client()
        if person.name == "anon":
            page = client.get("/account/inloggen")
        else:
            login(client, people[person.name])
            page = client.get("/account/instellingen")
        assert page.status_code == 200, person.name
        world.tokens[person.name] = csrf_token(page.get_data(as_text=True))
        cookie = client.get_cookie("session")
        world.cookies[person.name] = cookie.value if cookie else None


@pytest.fixture(scope="module")
def module_transaction(app, tmp_path_factory):
    """One connection and one outer transaction for the module: what the world and the requests
    write is rolled back at its end. Each session the code opens joins it with a savepoint."""
    uploads = app.config["UPLOAD_DIR"]
    app.config["UPLOAD_DIR"] = str(tmp_path_factory.mktemp("authz-uploads"))
    connection = db.engine.connect()
    outer = connection.begin()
    original = db.session
    db.session = scoped_session(
        sessionmaker(bind=connection, class_=Session, join_transaction_mode="create_savepoint"),
        scopefunc=_app_ctx_id)
    try:
        yield connection
    finally:
        db.session.remove()
        db.session = original
        outer.rollback()
        connection.close()
        app.config["UPLOAD_DIR"] = uploads


@pytest.fixture(scope="module")
def world(app, module_transaction):
    built = build(app)
    db.session.remove()
    built.rows = fingerprint(module_transaction)
    return built


def _secrets(side):
    """Names of side `side` that only some of its people may read, by kind, with the tags of
    their readers (the administrator reads everything)."""
    return {"draft": (f"Authz concept {side}", {"company"}),
            "pending offer": (f"Authz ingediend {side}", {"company", "moderator"}),
            "pending company": (f"Authz Wachtend {side}", {"moderator"}),
            "invitee": (_email(f"invitee_{side}"), {"company"}),
            "joiner": (_email(f"joiner_{side}"), {"school"})}


def secrets_shown(person, response, allowed=()):
    """The private names of a side that a text page shows to `person`, who may not read them;
    `allowed` names kinds the page may show to anyone who reaches it."""
    if "admin" in person.tags or not (response.mimetype.startswith("text/")
                                      or response.is_json):
        return []
    text = response.get_data(as_text=True)
    return [secret for side in SIDES for kind, (secret, readers) in _secrets(side).items()
            if kind not in allowed and secret in text
            and not (person.side == side and readers & set(person.tags))]


@pytest.fixture(autouse=True, name="_transaction")
def module_world_transaction(world):
    """Replaces the per-test transaction of tests/conftest.py in a module that takes it: the
    module's world is built once in module_transaction, and every request rolls back to a
    savepoint of its own."""
    yield


def fingerprint(connection):
    """Every row of every table that requests may change, to tell whether one changed any.

    Read as the driver gives it (no column types applied): only compared, never used."""
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in REFERENCE_TABLES:
            continue
        order = ", ".join(column.name for column in table.primary_key.columns)
        rows[table.name] = connection.exec_driver_sql(
            f"SELECT * FROM {table.name} ORDER BY {order}").all()
    return rows


def changes(before, after):
    """The names of the tables whose rows differ."""
    return sorted(name for name in before if before[name] != after[name])
