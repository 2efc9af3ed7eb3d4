"""The two parties of a request: who speaks for the school and who for the company, and what
each may see of the other."""
from portal import security
from portal.bookings.rules import CANCELLED, COMPANY, FIXED, SCHOOL, actions_for
from portal.organisations.services import is_member
from portal.taxonomy.codes import AT_COMPANY

# Statuses in which the parties see each other's contact details: accepted, and afterwards
# (a cancelled request was accepted before; its parties may need to reach each other).
SHARED = (*FIXED, CANCELLED)


def is_school_side(actor, booking):
    return (security.has_role(actor, *security.SCHOOL_ROLES)
            and is_member(actor, booking.school))


def is_company_side(actor, booking):
    return (security.has_role(actor, security.COMPANY_MEMBER)
            and is_member(actor, booking.offer.company))


def side_of(actor, booking):
    """SCHOOL or COMPANY: the side `actor` speaks for; NotAllowed for anyone else."""
    if is_company_side(actor, booking):
        return COMPANY
    if is_school_side(actor, booking):
        return SCHOOL
    security.require(False, "not a party to this request")


def require_side(actor, booking, side):
    """Let only a member of `side` of this request through."""
    if side == COMPANY:
        security.require(is_company_side(actor, booking), "not this offer's company")
    else:
        security.require(is_school_side(actor, booking), "not this request's school")


def outcome_of(booking, side):
    """That side's answer to "did it take place?", or None."""
    return booking.school_outcome if side == SCHOOL else booking.company_outcome


def evaluation_of(booking, side):
    return next((e for e in booking.evaluations if e.side == side), None)


def actions_of(booking, side, today):
    """What `side` may do with the request now (rules.actions_for on the booking's facts)."""
    return actions_for(booking.status, side, activity_on=booking.wanted_on, today=today,
                       placement=booking.slot_id is None, outcome=outcome_of(booking, side),
                       evaluated=evaluation_of(booking, side) is not None)


def _person(organisation, preferred):
    """`preferred` while they are still an active member of `organisation`, else its owner."""
    memberships = organisation.memberships
    if preferred is not None and preferred.is_active and any(
            m.user_id == preferred.id for m in memberships):
        return preferred
    owner = next((m.user for m in memberships if m.is_owner), None)
    return owner or next((m.user for m in memberships), None)


def company_contact(booking):
    """The person a school contacts about the request: the offer's contact person while they
    still work at the company, otherwise the company's owner."""
    return _person(booking.offer.company, booking.offer.contact)


def school_contact(booking):
    """The person a company contacts: the teacher who asked, or else the school's owner."""
    return _person(booking.school, booking.requested_by)


def contact_details(booking, side):
    """What `side` sees of the other party once the request is accepted; None before, as the
    parties' addresses are shared only for an arrangement that stands or stood. (Users have no
    phone number in the portal, so none is shown.)

    The school sees the company's contact person and the location of an activity at the
    company; the company sees the teacher who asked and the school's place."""
    if booking.status not in SHARED:
        return None
    if side == SCHOOL:
        offer = booking.offer
        return {"organisation": offer.company, "person": company_contact(booking),
                "location": offer.location if offer.location_mode == AT_COMPANY else None,
                "place": None}
    return {"organisation": booking.school, "person": school_contact(booking), "location": None,
            "place": booking.school.place}
