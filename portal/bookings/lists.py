"""Requests as each side sees them: its lists, what needs its action first, and the count of
those in the navigation. For a school, room offered to it from a waiting list needs its action
too (take it or leave it within 48 hours), so it is listed and counted with the requests."""
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal import security
from portal.bookings import rules
from portal.bookings.models import OFFERED, WAITING, Booking, Evaluation, WaitlistEntry
from portal.bookings.parties import actions_of
from portal.bookings.rules import COMPANY, SCHOOL
from portal.db import local_today, utcnow
from portal.errors import NotFound
from portal.extensions import db
from portal.offers.models import Offer, Slot
from portal.organisations.models import Membership
from portal.organisations.services import is_member


def _with_parties(query):
    return query.options(joinedload(Booking.offer).joinedload(Offer.company),
                         joinedload(Booking.slot), joinedload(Booking.school),
                         joinedload(Booking.education_level),
                         joinedload(Booking.requested_by), selectinload(Booking.evaluations))


def bookings_for_company(*, actor, company):
    security.require(security.has_role(actor, security.COMPANY_MEMBER)
                     and is_member(actor, company), "not a member of this company")
    return list(db.session.scalars(_with_parties(
        select(Booking).join(Booking.offer).where(Offer.company_id == company.id)
    ).order_by(Booking.created_at.desc(), Booking.id.desc())).unique())


def bookings_for_school(*, actor, school):
    security.require(security.has_role(actor, *security.SCHOOL_ROLES)
                     and is_member(actor, school), "not a member of this school")
    return list(db.session.scalars(_with_parties(
        select(Booking).where(Booking.school_id == school.id)
    ).order_by(Booking.created_at.desc(), Booking.id.desc())).unique())


def get_booking_for(actor, booking_id):
    """The booking if the actor is one of its two parties; otherwise NotFound."""
    booking = db.session.get(Booking, booking_id)
    if booking is None or not (is_member(actor, booking.school)
                               or is_member(actor, booking.offer.company)):
        raise NotFound("booking")
    return booking


# --- what needs action -----------------------------------------------------------------------

# The groups of "Needs your action", in the order of the dashboard. A request is in the first
# group whose action it offers.
ANSWER, OUTCOME, EVALUATION = "answer", "outcome", "evaluation"
_GROUP_OF = {rules.ACCEPT: ANSWER, rules.ACCEPT_COUNTER: ANSWER, rules.REPORT: OUTCOME,
             rules.EVALUATE: EVALUATION}


def needs_action(bookings, side, today=None):
    """{group: [booking]} of the requests waiting for `side`: requests to answer (the company:
    new requests; the school: counter-proposals), "did it take place?" to answer, evaluations
    due. Uses only what the lists above load."""
    today = today or local_today()
    groups = {ANSWER: [], OUTCOME: [], EVALUATION: []}
    for booking in bookings:
        actions = actions_of(booking, side, today)
        group = next((_GROUP_OF[a] for a in actions if a in _GROUP_OF), None)
        if group is not None:
            groups[group].append(booking)
    return groups


def _waiting_on(side, today):
    """The condition (SQL) that a request waits for `side`, as needs_action decides it."""
    outcome = Booking.school_outcome if side == SCHOOL else Booking.company_outcome
    answer = rules.REQUESTED if side == COMPANY else rules.COUNTER_PROPOSED
    due = or_(and_(Booking.slot_id.is_(None), Booking.wanted_on <= today),
              and_(Booking.slot_id.is_not(None), Booking.wanted_on < today))
    evaluated = exists().where(Evaluation.booking_id == Booking.id, Evaluation.side == side)
    return or_(Booking.status == answer,
               and_(Booking.status.in_(rules.FIXED), outcome.is_(None), due),
               and_(Booking.status == rules.COMPLETED, ~evaluated))


def _room_offered(school_ids, now):
    """The condition (SQL) that room from a waiting list is held for one of these schools."""
    return and_(WaitlistEntry.school_id.in_(school_ids), WaitlistEntry.status == OFFERED,
                WaitlistEntry.offer_expires_at > now)


def action_count(user, today=None, now=None):
    """How many requests wait for this user's side (for a teacher also the room offered to
    the school from a waiting list): for the badge in the navigation. One query; 0 for anyone
    but a company member or a teacher."""
    if security.has_role(user, security.COMPANY_MEMBER):
        side = COMPANY
    elif security.has_role(user, *security.SCHOOL_ROLES):
        side = SCHOOL
    else:
        return 0
    today = today or local_today()
    theirs = select(Membership.organisation_id).where(Membership.user_id == user.id)
    if side == COMPANY:
        return db.session.scalar(
            select(func.count(Booking.id)).join(Offer, Offer.id == Booking.offer_id)
            .where(Offer.company_id.in_(theirs), _waiting_on(COMPANY, today))) or 0
    requests = (select(func.count(Booking.id))
                .where(Booking.school_id.in_(theirs), _waiting_on(SCHOOL, today))
                .scalar_subquery())
    offers = (select(func.count(WaitlistEntry.id))
              .where(_room_offered(theirs, now or utcnow())).scalar_subquery())
    return db.session.scalar(select(requests + offers)) or 0


# --- the school's waiting lists ----------------------------------------------------------------


def room_offers(school, now=None):
    """The school's places in line where room is offered and still held for it, the soonest to
    lapse first, with their date, offer and company loaded: for "Needs your action"."""
    return list(db.session.scalars(
        select(WaitlistEntry).where(_room_offered([school.id], now or utcnow()))
        .options(joinedload(WaitlistEntry.slot).joinedload(Slot.offer)
                 .joinedload(Offer.company))
        .order_by(WaitlistEntry.offer_expires_at, WaitlistEntry.id)).unique())


def waitlist_count(school):
    """On how many waiting lists the school is: waiting in line, or with room offered."""
    return db.session.scalar(select(func.count(WaitlistEntry.id)).where(
        WaitlistEntry.school_id == school.id,
        WaitlistEntry.status.in_((WAITING, OFFERED)))) or 0
