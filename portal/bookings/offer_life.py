"""Withdrawing an offer, which answers the requests on it: open ones (requested or with a
counter-proposal) are declined and accepted ones cancelled, each with the company's reason as a
message in its conversation and an e-mail to its school, in the same transaction. The schools
waiting for a date of the offer leave its waiting list."""
from sqlalchemy import select, update

from portal.audit import record_event
from portal.bookings import rules
from portal.bookings.bus.services import cancel_with_visit
from portal.bookings.calendar import CANCEL
from portal.bookings.conversation import add_message
from portal.bookings.due import starts_at
from portal.bookings.models import Booking
from portal.bookings.notices import tell
from portal.bookings.services import release_room, tell_both
from portal.bookings.waitlist import close_waitlist_for_offer
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.offers.lifecycle import clean_reason, move_offer, require_own
from portal.offers.models import PAUSED, PUBLISHED, WITHDRAWN

# What withdrawing the offer does to a request in each status.
ANSWERED = {rules.REQUESTED: rules.DECLINED, rules.COUNTER_PROPOSED: rules.DECLINED,
            rules.ACCEPTED: rules.CANCELLED}


def withdraw_offer(*, actor, offer, reason, now=None):
    """The company stops the offer for good; every school with a request on it is told why."""
    require_own(actor, offer)
    reason = clean_reason(reason, required=True)
    current = offer.status
    if current not in (PUBLISHED, PAUSED) or not move_offer(
            offer, current, WITHDRAWN, status_reason=reason):
        db.session.rollback()
        raise ValidationFailed({"": _("Only a published or paused offer can be withdrawn.")})
    now = now or utcnow()
    # Read afresh: a request on this page may have been answered since it was loaded.
    affected = list(db.session.scalars(select(Booking).where(
        Booking.offer_id == offer.id, Booking.status.in_(tuple(ANSWERED)))
        .order_by(Booking.id).execution_options(populate_existing=True)))
    for booking in affected:
        _answer(actor, booking, reason, now)
    close_waitlist_for_offer(offer.id, now=now)
    record_event(actor, "offer.withdrawn", offer, reason=reason,
                 requests=[b.id for b in affected])
    db.session.commit()
    db.session.refresh(offer)
    return offer


def _answer(actor, booking, reason, now):
    """Decline or cancel one request with one conditional UPDATE. Answered by its school at
    this very moment (a proposal taken, a request withdrawn), it is read again and answered as
    it is now: an accepted one is cancelled, an ended one left alone."""
    for _attempt in range(3):
        wanted = ANSWERED.get(booking.status)
        if wanted is None:
            return
        cancelling = wanted == rules.CANCELLED
        values = {"status": wanted, "decided_by_id": actor.id, "decided_at": now}
        if cancelling:
            values.update(cancelled_by=rules.COMPANY, sequence=booking.sequence + 1,
                          cancelled_late=rules.is_late_cancellation(starts_at(booking), now))
        result = db.session.execute(
            update(Booking).where(Booking.id == booking.id, Booking.status == booking.status)
            .values(**values).execution_options(synchronize_session=False))
        db.session.expire(booking)
        if result.rowcount == 1:
            break
    else:
        return
    if cancelling:
        release_room(booking)
    text = _("The company withdrew this offer: %(reason)s", reason=reason)
    add_message(booking, actor, rules.COMPANY, "cancel" if cancelling else "decline", text, now)
    record_event(actor, f"booking.{wanted}", booking, reason=reason, offer_withdrawn=True)
    if cancelling:
        cancel_with_visit(booking, actor, text)
        # The school's calendar and the company's both hold the activity: both get the
        # cancellation (the company's with its confirmation of the cancelled request).
        tell_both(booking, "booking.cancelled", acting=rules.COMPANY, calendar=CANCEL,
                  reason=text, late=booking.cancelled_late, cancelled_by=rules.COMPANY,
                  offer_withdrawn=True)
    else:
        tell(booking, rules.SCHOOL, "booking.declined", reason=text)
