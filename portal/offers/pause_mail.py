"""The e-mail that tells schools an offer they asked for has been paused or resumed.

Nothing is committed here: the messages go into the outbox with the pause or resumption.
"""
from portal.notifications.outbox import notify_all
from portal.organisations.services import is_member
from portal.organisations.team_mail import active_members

# The statuses of a request whose school hears of a pause or a resumption: open (requested,
# counter-proposed) or accepted (bookings.rules.OPEN and ACCEPTED). Named here because offers
# may not import bookings; a test holds the two together.
TOLD_OF_PAUSE = ("requested", "counter_proposed", "accepted")
PAUSED_KIND, RESUMED_KIND = "booking.offer_paused", "booking.offer_resumed"


def school_side(booking):
    """Who of the school hears about a request, as bookings.notices.recipients names them: the
    teacher who asked, while they still work at that school; otherwise every member of it."""
    teacher = booking.requested_by
    if teacher is not None and teacher.is_active and is_member(teacher, booking.school):
        return [teacher]
    return active_members(booking.school)


def tell_schools(offer, *, paused, reason=None):
    """A message for each open or accepted request on the offer, with the company's reason for
    a pause if it gave one."""
    kind = PAUSED_KIND if paused else RESUMED_KIND
    for booking in offer.bookings:
        if booking.status in TOLD_OF_PAUSE:
            notify_all(school_side(booking), kind, booking=booking, offer=offer, reason=reason)
