"""The life of an offer after publication: paused and resumed by its company, archived once
its last date has passed. Withdrawal, which also answers the schools' requests, lives with
the requests (bookings/offer_life.py). A pause and a resumption change no request, but the
schools with a request on the offer are told by e-mail, in the same transaction."""
from sqlalchemy import func, or_, select, update

from portal import security
from portal.audit import record_event
from portal.db import local_today, utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.offers import rules
from portal.offers.models import ARCHIVED, PAUSED, PUBLISHED, Offer, Slot
from portal.offers.pause_mail import tell_schools
from portal.organisations.services import is_member
from portal.text import clean_text

REASON_MAX = 2000


def require_own(actor, offer):
    security.require(security.has_role(actor, security.COMPANY_MEMBER)
                     and is_member(actor, offer.company), "not a member of this company")


def clean_reason(reason, required=False):
    reason = clean_text(reason or "", multiline=True)
    if required and not reason:
        raise ValidationFailed({"reason": _("Give a reason; the schools with requests will "
                                            "read it.")})
    if len(reason) > REASON_MAX:
        raise ValidationFailed({"reason": _("Keep it under %(n)d characters.", n=REASON_MAX)})
    return reason or None


def move_offer(offer, current, wanted, **values):
    """Move the offer from `current` to `wanted` with one conditional UPDATE; False when
    someone else changed its status first."""
    result = db.session.execute(
        update(Offer).where(Offer.id == offer.id, Offer.status == current)
        .values(status=wanted, **values).execution_options(synchronize_session=False))
    return result.rowcount == 1


def pause_offer(*, actor, offer, reason=""):
    """No new requests for now; open and accepted requests stay and their schools see why."""
    require_own(actor, offer)
    reason = clean_reason(reason)
    if not move_offer(offer, PUBLISHED, PAUSED, status_reason=reason):
        db.session.rollback()
        raise ValidationFailed({"": _("Only a published offer can be paused.")})
    record_event(actor, "offer.paused", offer, reason=reason)
    tell_schools(offer, paused=True, reason=reason)
    db.session.commit()
    db.session.refresh(offer)
    return offer


def resume_offer(*, actor, offer):
    require_own(actor, offer)
    if not move_offer(offer, PAUSED, PUBLISHED, status_reason=None):
        db.session.rollback()
        raise ValidationFailed({"": _("Only a paused offer can be resumed.")})
    record_event(actor, "offer.resumed", offer)
    tell_schools(offer, paused=False)
    db.session.commit()
    db.session.refresh(offer)
    return offer


def ended_offers(today):
    """Published and paused offers whose last date lies before today."""
    last_slot = (select(func.max(Slot.day)).where(Slot.offer_id == Offer.id)
                 .correlate(Offer).scalar_subquery())
    group = Offer.offer_type.in_(rules.GROUP_TYPES)
    return select(Offer.id).where(
        Offer.status.in_((PUBLISHED, PAUSED)),
        or_(group & (last_slot < today), ~group & (Offer.ends_on < today)))


def archive_ended_offers(today=None):
    """Archive every offer whose last date has passed; idempotent, safe from cron. Each offer
    moves with one conditional UPDATE, so two runs at once archive it once. Returns the ids."""
    today = today or local_today()
    archived = []
    for offer_id in list(db.session.scalars(ended_offers(today))):
        result = db.session.execute(
            update(Offer).where(Offer.id == offer_id, Offer.status.in_((PUBLISHED, PAUSED)))
            .values(status=ARCHIVED, archived_at=utcnow())
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            archived.append(offer_id)
            record_event(None, "offer.archived", db.session.get(Offer, offer_id),
                         today=today.isoformat())
    db.session.commit()
    return archived
