"""The data the accessibility walk visits: every role, each with an empty and a full state.

Built once per session through the factories (the services), on the live server's database,
which the journey test shares: every e-mail address and name starts with "a11y" so the two
worlds never meet. The regions are Utrecht (full) and Groningen (empty), away from the
journey's Zeeland, so the journey's companies never appear in these moderators' queues.

The full company ("company") is an accredited training company with published offers of every
type, offers in every status (draft, pending, rejected, published, paused, withdrawn, archived,
published with a change waiting for the moderator), two locations, a logo, and a team: a
colleague who joined by invitation, and invitations open, used, revoked and expired. Requests
after their answer, waiting lists, e-mail, the calendar feed and account links: world_life.py.
"""
import io
from dataclasses import dataclass, field
from datetime import time, timedelta

from PIL import Image
from sqlalchemy import update

from portal import security
from portal.administration import moderators
from portal.bookings import services as bookings
from portal.bookings.bus import services as bus_services
from portal.bookings.bus import setup as bus_setup
from portal.bookings.models import Booking
from portal.bookings.offer_life import withdraw_offer
from portal.db import local_today, utcnow
from portal.extensions import db
from portal.moderation import reports
from portal.moderation import services as moderation
from portal.offers import lifecycle
from portal.organisations import accreditation, profiles, teams
from portal.organisations import partners as partner_services
from portal.organisations import services as organisations
from portal.organisations.models import Company
from portal.organisations.team_models import Invitation
from portal.taxonomy.codes import AT_COMPANY, AT_SCHOOL, GUEST_LESSON, OFFER_TYPE_CODES
from tests import factories
from tests.e2e.world_life import build_life

# Enough published offers of one company for a second page of search results (20 a page).
PUBLISHED_OFFERS = 24


def email(key):
    return f"a11y-{key}@e2e.example"


@dataclass
class World:
    """What the page registry needs to build its URLs: e-mail addresses and ids, no ORM objects
    (they would be detached from their session by the time the walk uses them)."""

    logins: dict = field(default_factory=dict)    # role key -> e-mail address
    offers: dict = field(default_factory=dict)    # offer status -> id (the full company's)
    by_type: dict = field(default_factory=dict)   # offer type -> a published offer, no requests
    bookings: dict = field(default_factory=dict)  # booking status -> id (full company/teacher)
    slots: dict = field(default_factory=dict)     # "free" (no requests) / "booked" -> slot id
    tokens: dict = field(default_factory=dict)    # link state -> the token of its link
    mails: dict = field(default_factory=dict)     # "nl", "en", "calendar" -> an outbox message
    company: int = 0                              # the full company, approved
    empty_company: int = 0                        # approved, without offers or requests
    pending_company: int = 0                      # waiting for the Utrecht moderator
    sbb_company: int = 0                          # approved; its SBB number waits for a check
    pending_offer: int = 0                        # waiting for the Utrecht moderator
    report: int = 0                               # teacher-empty's report of a full company's offer
    bus: int = 0                                  # the Techniekbus of Utrecht
    bus_visit: int = 0                            # the teacher's accepted visit, without a bus
    ride: int = 0                                 # a ride booked with another accepted visit
    ride_week: str = ""                           # the ride's ISO week, as 2026-W50
    ride_month: str = ""                          # the ride's month, as 2026-12
    requestable_offer: int = 0                    # published, not yet requested by the teacher
    location: int = 0                             # the full company's second location
    centre: int = 0                               # Technocentrum Utrecht, with a moderator
    school: int = 0                               # the full teacher's school
    empty_school: int = 0                         # the school of teacher-empty


def _person(world, key, role, full_name):
    world.logins[key] = email(key)
    return factories.user(role, email=email(key), full_name=full_name)


def _moderator(world, key, centre, full_name):
    person = _person(world, key, security.MODERATOR, full_name)
    organisations.add_member(actor=factories.admin(), organisation=centre, user=person)


def _offer(company, number, status="published", offer_type=None):
    offer_type = offer_type or OFFER_TYPE_CODES[number % len(OFFER_TYPE_CODES)]
    mode = AT_SCHOOL if offer_type == GUEST_LESSON else AT_COMPANY
    return factories.offer(company, status=status, offer_type=offer_type, location_mode=mode,
                           travel_km=30 if mode == AT_SCHOOL else None,
                           title=f"A11y aanbod {number}: werkplaats en techniek")


def _bookings(world, owner, teacher, offers):
    """One booking in each status, each on an offer of its own (a school may hold one open
    request per offer)."""
    requested, accepted, declined, withdrawn, cancelled = (
        factories.booking(offer, teacher) for offer in offers)
    bookings.accept_booking(actor=owner, booking=accepted, message="Welkom, meld u bij de balie.")
    bookings.decline_booking(actor=owner, booking=declined, message="Die week zijn we dicht.")
    bookings.withdraw_booking(actor=teacher, booking=withdrawn, message="De klas gaat niet door.")
    bookings.accept_booking(actor=owner, booking=cancelled)
    bookings.cancel_booking(actor=teacher, booking=cancelled, message="De bus is uitgevallen.")
    world.bookings.update(requested=requested.id, accepted=accepted.id, declined=declined.id,
                          withdrawn=withdrawn.id, cancelled=cancelled.id)


def _logo_png():
    image = Image.new("RGB", (240, 80), (0, 84, 122))
    out = io.BytesIO()
    image.save(out, "PNG")
    out.seek(0)
    return out


def _offers_in_every_status(world, company):
    """Beside the published ones: draft, pending, rejected, paused, withdrawn, archived, and a
    published offer whose new title waits for the moderator."""
    owner = factories.owner_of(company)
    world.offers["draft"] = _offer(company, 100, "draft").id
    # A group activity without dates yet: its dates page is empty.
    world.offers["draft-no-dates"] = factories.offer(
        company, status="draft", slot_capacity=None,
        title="A11y aanbod 102: nog zonder data").id
    world.offers["pending"] = _offer(company, 101, "pending").id
    rejected = _offer(company, 200, "pending")
    moderation.reject_offer(actor=factories.admin(), offer=rejected,
                            reason="Vermeld welke leeftijd de leerlingen minstens hebben.")
    world.offers["rejected"] = rejected.id
    paused = _offer(company, 201)
    lifecycle.pause_offer(actor=owner, offer=paused, reason="De werkplaats wordt verbouwd.")
    world.offers["paused"] = paused.id
    withdrawn = _offer(company, 202)
    withdraw_offer(actor=owner, offer=withdrawn, reason="De machine is verkocht.")
    world.offers["withdrawn"] = withdrawn.id
    world.offers["archived"] = factories.archived_offer(
        company, title="A11y aanbod 203: afgelopen open dag").id
    revised = _offer(company, 204)
    factories.revise(revised, title="A11y aanbod 204: werkplaats, techniek en robots",
                     description="Nieuw: leerlingen programmeren zelf een lasrobot.")
    world.offers["revised"] = revised.id


def _team(world, company):
    """A colleague who joined by invitation (that link is used now), and invitations open (for
    company-new, who has no company yet), revoked, expired, and one for a member of another
    company."""
    owner = factories.owner_of(company)
    colleague = _person(world, "company-colleague", security.COMPANY_MEMBER,
                        "A11y Collega Bedrijf")

    def invite(address):
        return teams.invite_member(actor=owner, organisation=company, email=address)

    _, world.tokens["used"] = invite(colleague.email)
    teams.accept_invitation(actor=colleague, token=world.tokens["used"])
    _, world.tokens["open"] = invite(email("company-new"))
    _, world.tokens["has-team"] = invite(email("company-empty"))
    revoked, world.tokens["revoked"] = invite(email("revoked"))
    teams.revoke_invitation(actor=owner, invitation=revoked)
    expired, world.tokens["expired"] = invite(email("expired"))
    db.session.execute(update(Invitation).where(Invitation.id == expired.id)
                       .values(expires_at=utcnow() - timedelta(days=1)))
    db.session.commit()


def build():
    world = World()
    _person(world, "admin", security.ADMIN, "A11y Beheerder")
    utrecht = factories.technocentrum(("NL-UT",), name="A11y Technocentrum Utrecht")
    groningen = factories.technocentrum(("NL-GR",), name="A11y Technocentrum Groningen")
    _moderator(world, "moderator", utrecht, "A11y Moderator Utrecht")
    _moderator(world, "moderator-empty", groningen, "A11y Moderator Groningen")

    owner = _person(world, "company", security.COMPANY_MEMBER, "A11y Bedrijfslid")
    company = factories.company(owner, place="Utrecht", name="A11y Techniek Utrecht")
    world.company = company.id
    factories.accredit(company)  # before its BBL offers
    world.location = factories.location(company, name="A11y Werkplaats Nieuwegein",
                                        place="Nieuwegein", address="Industrieweg 4").id
    profiles.set_company_logo(actor=owner, company=company, upload=_logo_png())
    published = [_offer(company, n) for n in range(PUBLISHED_OFFERS)]
    world.offers["published"] = published[0].id
    world.offers["with-requests"] = published[1].id  # the open request's offer
    world.requestable_offer = published[0].id
    # published[1:6] get requests below; from 7 on, one offer of each type has none.
    for offer in published[7:7 + len(OFFER_TYPE_CODES)]:
        world.by_type.setdefault(offer.offer_type, offer.id)
    _offers_in_every_status(world, company)
    world.pending_offer = world.offers["pending"]
    # A second date, for a smallest group: the dates page lists two.
    factories.slot(published[0], days=21, min_group=10)
    world.slots["free"] = published[0].slots[0].id

    waiting_owner = _person(world, "company-pending", security.COMPANY_MEMBER,
                            "A11y Wachtend Bedrijfslid")
    waiting = factories.company(waiting_owner, place="Amersfoort", approved=False,
                                name="A11y Wachtend Bedrijf")
    world.pending_company = waiting.id
    _offer(waiting, 300, "pending")

    rejected_owner = _person(world, "company-rejected", security.COMPANY_MEMBER,
                             "A11y Afgewezen Bedrijfslid")
    factories.rejected_company(owner=rejected_owner, place="Veenendaal",
                               name="A11y Afgewezen Bedrijf",
                               reason="Dit KvK-nummer hoort bij een ander bedrijf.")

    sbb_owner = _person(world, "company-sbb", security.COMPANY_MEMBER, "A11y Leerbedrijf")
    sbb_company = factories.company(sbb_owner, place="Houten", name="A11y Leerbedrijf Houten")
    accreditation.set_sbb_number(actor=sbb_owner, company=sbb_company, number="100200400")
    world.sbb_company = sbb_company.id

    empty_owner = _person(world, "company-empty", security.COMPANY_MEMBER, "A11y Leeg Bedrijfslid")
    world.empty_company = factories.company(empty_owner, place="Zeist",
                                            name="A11y Leeg Bedrijf").id
    _person(world, "company-new", security.COMPANY_MEMBER, "A11y Nieuw Bedrijfslid")
    _team(world, company)

    teacher = _person(world, "teacher", security.TEACHER, "A11y Docent")
    school = factories.school(teacher, place="Utrecht")
    world.school = school.id
    _bookings(world, owner, teacher, published[1:6])
    world.slots["booked"] = db.session.get(
        Booking, world.bookings["requested"]).slot_id
    teacher_empty = _person(world, "teacher-empty", security.TEACHER, "A11y Docent Leeg")
    world.empty_school = factories.school(teacher_empty, place="Zeist").id
    world.report = reports.report_offer(actor=teacher_empty, offer=published[2],
                                        reason="De veiligheidsregels ontbreken.").id
    newcomer = _person(world, "teacher-new", security.TEACHER, "A11y Docent Nieuw")
    # teacher-new asked to join the full school once and was declined: may ask again.
    declined = teams.request_to_join(actor=newcomer, school=school)
    teams.decline_join_request(actor=teacher, join_request=declined)
    joining = _person(world, "teacher-joining", security.TEACHER, "A11y Docent Aansluitend")
    teams.request_to_join(actor=joining, school=school)
    _techniekbus(world, utrecht, company, teacher)
    # Partner circles: the teacher's school and the full company are partners; the school
    # has asked the empty company too (its partners page has a question to answer).
    factories.partners(school, company)
    partner_services.ask(actor=teacher, other=db.session.get(Company, world.empty_company),
                         message="Zullen we samenwerken?")
    build_life(world, company)
    # The administrator's Technocentrum page, and an open invitation to moderate for it.
    world.centre = utrecht.id
    _, world.tokens["moderator-invitation"] = moderators.invite_moderator(
        actor=factories.admin(), centre=utrecht, email="a11y-moderator-nieuw@e2e.example")
    return world


def _techniekbus(world, centre, company, teacher):
    bus = factories.bus(centre, name="A11y Techniekbus")
    world.bus = bus.id
    bus_setup.add_block(actor=factories.admin(), bus=bus,
                        starts_on=local_today() + timedelta(days=200),
                        ends_on=local_today() + timedelta(days=206), reason="Kerstvakantie")
    world.bus_visit = factories.accepted(factories.booking(
        factories.offer(company, title="A11y bezoek, de bus nog te boeken"), teacher)).id
    ridden = factories.accepted(factories.booking(
        factories.offer(company, title="A11y bezoek met de Techniekbus"), teacher))
    # on a second bus: the first stays free for the visit without one (the same date)
    second = factories.bus(centre, name="A11y Techniekbus 2", seats=49)
    ride = bus_services.book_ride(actor=teacher, booking=ridden, bus_id=second.id,
                                  departs_at=time(8, 15), returns_at=time(12, 15), teachers=2,
                                  price_cents=0)
    world.ride, world.ride_week = ride.id, ride.day.strftime("%G-W%V")
    world.ride_month = ride.day.strftime("%Y-%m")
