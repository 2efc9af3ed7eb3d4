"""Withdrawing an offer, which answers the requests on it: open ones are declined and
accepted ones cancelled, each with the company's reason, in the same transaction."""
from flask_babel import gettext as _
from sqlalchemy import select, update

from portal.audit import record_event
from portal.bookings import rules
from portal.bookings.models import Booking
from portal.bookings.services import release_room
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.offers.lifecycle import clean_reason, move_offer, require_own
from portal.offers.models import PAUSED, PUBLISHED, WITHDRAWN


def withdraw_offer(*, actor, offer, reason):
    """The company stops the offer for good; every school with a request on it is told why."""
    require_own(actor, offer)
    reason = clean_reason(reason, required=True)
    current = offer.status
    if current not in (PUBLISHED, PAUSED) or not move_offer(
            offer, current, WITHDRAWN, status_reason=reason):
        db.session.rollback()
        raise ValidationFailed({"": _("Only a published or paused offer can be withdrawn.")})
    answered = {rules.REQUESTED: rules.DECLINED, rules.ACCEPTED: rules.CANCELLED}
    affected = list(db.session.scalars(select(Booking).where(
        Booking.offer_id == offer.id, Booking.status.in_(tuple(answered)))))
    for booking in affected:
        _answer(actor, booking, answered[booking.status], reason)
    record_event(actor, "offer.withdrawn", offer, reason=reason,
                 requests=[b.id for b in affected])
    db.session.commit()
    db.session.refresh(offer)
    return offer


def _answer(actor, booking, wanted, reason):
    result = db.session.execute(
        update(Booking).where(Booking.id == booking.id, Booking.status == booking.status)
        .values(status=wanted, response=_("The company withdrew this offer: %(reason)s",
                                          reason=reason),
                decided_by_id=actor.id, decided_at=utcnow())
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return  # answered at this very moment by someone else; nothing more to undo
    if wanted == rules.CANCELLED:
        release_room(booking)
    record_event(actor, f"booking.{wanted}", booking, reason=reason, offer_withdrawn=True)

