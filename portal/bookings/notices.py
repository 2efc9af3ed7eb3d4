"""Who of each side hears about a request, and the e-mail that tells them.

The school side is the teacher who asked, while they still work at that school; otherwise every
member of the school. The company side is the offer's contact person, while they still work at
the company; otherwise every member of the company. Nothing is committed here: the messages go
into the outbox with the change that causes them.
"""
from sqlalchemy import select

from portal.accounts.models import User
from portal.bookings import rules
from portal.bookings.calendar import booking_ics
from portal.extensions import db
from portal.notifications.outbox import notify, notify_all
from portal.organisations.models import Membership

SCHOOL, COMPANY = rules.SCHOOL, rules.COMPANY
# Mail kinds that go with no audit event of the same name (most booking mails share their name
# with the event that causes them): a message in the conversation; the confirmation, with the
# calendar entry, that the side which accepted gets (the company that accepted a request, the
# school that took a counter-proposal); and the confirmation, with the calendar's cancellation,
# that the side which cancelled gets.
MESSAGE_MAIL = "booking.message"
CONFIRMED_MAIL = "booking.confirmed"
CANCEL_CONFIRMED_MAIL = "booking.cancellation_confirmed"


def _members(organisation_id):
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == organisation_id, User.is_active.is_(True))
        .order_by(User.id)))


def recipients(booking, side):
    """The users of `side` ("school" or "company") who hear about this request."""
    if side == SCHOOL:
        organisation_id, person = booking.school_id, booking.requested_by
    else:
        organisation_id, person = booking.offer.company_id, booking.offer.contact
    members = _members(organisation_id)
    if person is not None and any(member.id == person.id for member in members):
        return [person]
    return members


def other_side(side):
    return COMPANY if side == SCHOOL else SCHOOL


def tell(booking, side, kind, *, calendar=None, **context):
    """Write a message of `kind` about `booking` to each recipient of `side`.

    With `calendar` ("REQUEST" or "CANCEL") each message carries the request's calendar entry,
    written in its recipient's language. Both sides get every entry of a request (the
    invitation when it is accepted, the cancellation when it is cancelled), so no calendar
    keeps an activity that will not take place, or is asked to cancel one it never had."""
    people = recipients(booking, side)
    if calendar is None:
        return notify_all(people, kind, booking=booking, offer=booking.offer, to_side=side,
                          **context)
    written = []
    for user in people:
        entry = booking_ics(booking, calendar, locale=user.locale or "nl")
        message = notify(user, kind, ics=entry, ics_method=calendar, booking=booking,
                         offer=booking.offer, to_side=side, **context)
        if message is not None:
            written.append(message)
    return written
