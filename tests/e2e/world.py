"""The data the accessibility walk visits: every role, each with an empty and a full state.

Built once per session through the factories (the services), on the live server's database,
which the journey test shares: every e-mail address and name starts with "a11y" so the two
worlds never meet. The regions are Utrecht (full) and Groningen (empty), away from the
journey's Zeeland, so the journey's companies never appear in these moderators' queues.
"""
from dataclasses import dataclass, field

from portal import security
from portal.bookings import services as bookings
from portal.moderation import services as moderation
from portal.organisations import services as organisations
from portal.taxonomy.codes import AT_COMPANY, AT_SCHOOL, GUEST_LESSON, OFFER_TYPE_CODES
from tests import factories

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
    bookings: dict = field(default_factory=dict)  # booking status -> id (full company/teacher)
    company: int = 0                              # the full company, approved
    empty_company: int = 0                        # approved, without offers or requests
    pending_company: int = 0                      # waiting for the Utrecht moderator
    pending_offer: int = 0                        # waiting for the Utrecht moderator
    requestable_offer: int = 0                    # published, not yet requested by the teacher


def _person(world, key, role, full_name):
    world.logins[key] = email(key)
    return factories.user(role, email=email(key), full_name=full_name)


def _moderator(world, key, centre, full_name):
    person = _person(world, key, security.MODERATOR, full_name)
    organisations.add_member(actor=factories.admin(), organisation=centre, user=person)


def _offer(company, number, status="published"):
    offer_type = OFFER_TYPE_CODES[number % len(OFFER_TYPE_CODES)]
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
    published = [_offer(company, n) for n in range(PUBLISHED_OFFERS)]
    world.offers["draft"] = _offer(company, 100, "draft").id
    world.offers["pending"] = _offer(company, 101, "pending").id
    rejected = _offer(company, 200, "pending")
    moderation.reject_offer(actor=factories.admin(), offer=rejected,
                            reason="Vermeld welke leeftijd de leerlingen minstens hebben.")
    world.offers["rejected"] = rejected.id
    world.offers["published"] = published[0].id
    world.pending_offer = world.offers["pending"]
    world.requestable_offer = published[0].id

    waiting_owner = _person(world, "company-pending", security.COMPANY_MEMBER,
                            "A11y Wachtend Bedrijfslid")
    waiting = factories.company(waiting_owner, place="Amersfoort", approved=False,
                                name="A11y Wachtend Bedrijf")
    world.pending_company = waiting.id
    _offer(waiting, 300, "pending")

    empty_owner = _person(world, "company-empty", security.COMPANY_MEMBER, "A11y Leeg Bedrijfslid")
    world.empty_company = factories.company(empty_owner, place="Zeist",
                                            name="A11y Leeg Bedrijf").id
    _person(world, "company-new", security.COMPANY_MEMBER, "A11y Nieuw Bedrijfslid")

    teacher = _person(world, "teacher", security.TEACHER, "A11y Docent")
    factories.school(teacher, place="Utrecht")
    _bookings(world, owner, teacher, published[1:6])
    teacher_empty = _person(world, "teacher-empty", security.TEACHER, "A11y Docent Leeg")
    factories.school(teacher_empty, place="Zeist")
    _person(world, "teacher-new", security.TEACHER, "A11y Docent Nieuw")
    return world
