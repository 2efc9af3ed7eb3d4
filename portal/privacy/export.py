"""The user's own data as one JSON document (the right of access, AVG article 15, and of data
portability, article 20).

Only what is about the user or was written by them: their account, their choices, their teams,
the requests they made or answered, their messages and evaluations, their places on waiting
lists, their reports, the partnerships they asked for, the Techniekbus rides they booked, the
invitations they sent, the audit events about them and the e-mail sent to them.
Never a password hash, a token's hash or the body of an e-mail (those hold sign-in links), and
nothing of another user beyond the names of organisations and offers the user dealt with.
"""
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from portal import security
from portal.audit import AuditEvent, record_event
from portal.bookings.bus.models import BusRide
from portal.bookings.models import Booking, BookingMessage, Evaluation, WaitlistEntry
from portal.db import utcnow
from portal.extensions import db
from portal.moderation.models import Report
from portal.notifications.models import OutboxMessage
from portal.notifications.outbox import CATEGORIES
from portal.offers.models import Offer, Slot
from portal.organisations.models import Membership
from portal.organisations.partner_models import Partnership
from portal.organisations.team_models import Invitation, JoinRequest

FORMAT_VERSION = 1


def _when(value):
    """A date or time as ISO 8601 text (times in UTC), or None."""
    return value.isoformat() if value is not None else None


def _require_self(actor):
    security.require(getattr(actor, "is_authenticated", False) and actor.is_active
                     and actor.deleted_at is None, "only for a signed-in account")


def export_user_data(*, actor, now=None):
    """Everything the portal keeps about the actor, as a dict ready for json.dumps. The export
    itself is written to the audit log (who downloaded what is part of keeping data safe)."""
    _require_self(actor)
    now = now or utcnow()
    data = {
        "format": FORMAT_VERSION,
        "exported_at": _when(now),
        "account": _account(actor),
        "mail_choices": {
            "receive": [c for c in CATEGORIES if c not in (actor.mail_off or ())],
            "daily_digest": bool(actor.mail_digest),
        },
        "memberships": _memberships(actor),
        "join_requests": _join_requests(actor),
        "requests": _requests(actor),
        "messages": _messages(actor),
        "evaluations": _evaluations(actor),
        "waiting_list_entries": _waitlist(actor),
        "reports": _reports(actor),
        "partnership_questions": _partnership_questions(actor),
        "bus_rides_booked": _bus_rides(actor),
        "invitations_sent": _invitations(actor, now),
        "audit_events": _audit_events(actor),
        "emails": _emails(actor),
    }
    record_event(actor, "user.data_exported", actor)
    db.session.commit()
    return data


def _account(user):
    return {
        "id": user.id,
        "full_name": user.full_name,
        "email": user.email,
        "role": user.role,
        "language": user.locale,
        "created_at": _when(user.created_at),
        "email_confirmed_at": _when(user.email_confirmed_at),
        "last_login_at": _when(user.last_login_at),
        "calendar_feed": user.calendar_token_hash is not None,
    }


def _organisation(organisation):
    if organisation is None:
        return None
    return {"id": organisation.id, "kind": organisation.kind, "name": organisation.name}


def _memberships(user):
    rows = db.session.scalars(
        select(Membership).options(joinedload(Membership.organisation))
        .where(Membership.user_id == user.id).order_by(Membership.id))
    return [{"organisation": _organisation(m.organisation),
             "role": "owner" if m.is_owner else "member",
             "since": _when(m.created_at)} for m in rows]


def _reports(user):
    """What the user reported to a Technocentrum, and what became of it."""
    rows = db.session.scalars(select(Report).options(
        joinedload(Report.company), joinedload(Report.offer))
        .where(Report.reporter_id == user.id).order_by(Report.id))
    return [{"company": _organisation(r.company),
             "offer": _offer(r.offer) if r.offer is not None else None, "reason": r.reason,
             "status": r.status, "created_at": _when(r.created_at),
             "decided_at": _when(r.decided_at)} for r in rows]


def _partnership_questions(user):
    """The partnerships the user asked for, with their message."""
    rows = db.session.scalars(select(Partnership).options(
        joinedload(Partnership.school), joinedload(Partnership.company))
        .where(Partnership.asked_by_id == user.id).order_by(Partnership.id))
    return [{"school": _organisation(p.school), "company": _organisation(p.company),
             "message": p.message, "status": p.status, "created_at": _when(p.created_at)}
            for p in rows]


def _bus_rides(user):
    rows = db.session.scalars(select(BusRide).options(joinedload(BusRide.bus))
                              .where(BusRide.booked_by_id == user.id).order_by(BusRide.id))
    return [{"request_id": r.booking_id, "bus": r.bus.name, "day": r.day.isoformat(),
             "departs_at": r.departs_at.strftime("%H:%M"),
             "returns_at": r.returns_at.strftime("%H:%M"), "teachers": r.teachers,
             "status": r.status, "cancel_reason": r.cancel_reason} for r in rows]


def _join_requests(user):
    rows = db.session.scalars(
        select(JoinRequest).options(joinedload(JoinRequest.school))
        .where(JoinRequest.user_id == user.id).order_by(JoinRequest.id))
    return [{"school": _organisation(r.school), "status": r.status,
             "created_at": _when(r.created_at), "decided_at": _when(r.decided_at)}
            for r in rows]


def _offer(offer):
    return {"id": offer.id, "title": offer.title, "company": _organisation(offer.company)}


def _requests(user):
    """Requests the user made (for their school) or answered (for their company)."""
    rows = db.session.scalars(
        select(Booking)
        .options(joinedload(Booking.offer).joinedload(Offer.company), joinedload(Booking.school),
                 joinedload(Booking.slot))
        .where(or_(Booking.requested_by_id == user.id, Booking.decided_by_id == user.id))
        .order_by(Booking.id))
    return [{
        "id": b.id,
        "offer": _offer(b.offer),
        "school": _organisation(b.school),
        "your_part": [part for part, mine in (("requested", b.requested_by_id == user.id),
                                              ("decided", b.decided_by_id == user.id)) if mine],
        "status": b.status,
        "date": _when(b.wanted_on),
        "starts_at": _when(b.slot.starts_at) if b.slot is not None else None,
        "pupils": b.group_size,
        "teachers": b.teachers,
        "created_at": _when(b.created_at),
        "decided_at": _when(b.decided_at),
    } for b in rows.unique()]


def _messages(user):
    rows = db.session.scalars(
        select(BookingMessage).where(BookingMessage.author_id == user.id)
        .order_by(BookingMessage.id))
    return [{"request_id": m.booking_id, "side": m.side, "kind": m.kind, "text": m.body,
             "written_at": _when(m.created_at)} for m in rows]


def _evaluations(user):
    rows = db.session.scalars(
        select(Evaluation).where(Evaluation.author_id == user.id).order_by(Evaluation.id))
    return [{"request_id": e.booking_id, "side": e.side, "rating": e.rating,
             "comment": e.comment, "pupils_reached": e.pupils_reached, "girls": e.girls,
             "host_again": e.host_again, "written_at": _when(e.created_at)} for e in rows]


def _waitlist(user):
    rows = db.session.scalars(
        select(WaitlistEntry)
        .options(joinedload(WaitlistEntry.slot).joinedload(Slot.offer).joinedload(Offer.company),
                 joinedload(WaitlistEntry.school))
        .where(WaitlistEntry.requested_by_id == user.id).order_by(WaitlistEntry.id))
    return [{"offer": _offer(e.slot.offer), "date": _when(e.slot.day),
             "school": _organisation(e.school), "status": e.status, "pupils": e.group_size,
             "teachers": e.teachers, "message": e.message, "created_at": _when(e.created_at)}
            for e in rows.unique()]


def _invitations(user, now):
    rows = db.session.scalars(
        select(Invitation).options(joinedload(Invitation.organisation))
        .where(Invitation.invited_by_id == user.id).order_by(Invitation.id))
    return [{"organisation": _organisation(i.organisation), "email": i.email,
             "state": i.state(now), "created_at": _when(i.created_at),
             "expires_at": _when(i.expires_at)} for i in rows]


def _audit_events(user):
    """Events the user caused or that are about their account. Who else acted is not named."""
    rows = db.session.scalars(
        select(AuditEvent).where(or_(
            AuditEvent.actor_id == user.id,
            (AuditEvent.subject_type == "users") & (AuditEvent.subject_id == user.id)))
        .order_by(AuditEvent.created_at, AuditEvent.id))
    return [{"action": e.action, "by_you": e.actor_id == user.id,
             "subject": {"type": e.subject_type, "id": e.subject_id},
             "details": e.details or {}, "at": _when(e.created_at)} for e in rows]


def _emails(user):
    """E-mail written to the user: what it was about and when, not its text (the text of some
    holds links that sign in or reset a password)."""
    rows = db.session.execute(
        select(OutboxMessage.kind, OutboxMessage.subject, OutboxMessage.status,
               OutboxMessage.created_at, OutboxMessage.sent_at)
        .where(or_(OutboxMessage.user_id == user.id, OutboxMessage.to_address == user.email))
        .order_by(OutboxMessage.id))
    return [{"kind": kind, "subject": subject, "status": status, "written_at": _when(created),
             "sent_at": _when(sent)} for kind, subject, status, created, sent in rows]
