"""The audit log as the administrator reads it: the newest events and the objects they name."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal import security
from portal.accounts.models import User
from portal.audit import AuditEvent
from portal.bookings.models import Booking
from portal.extensions import db
from portal.offers.models import Offer
from portal.organisations.models import Organisation
from portal.organisations.services import can_moderate

# The tables events name, and the relationships a sentence about their rows needs.
SUBJECT_MODELS = {
    "users": (User, ()),
    "organisations": (Organisation, ()),
    "offers": (Offer, ()),
    "bookings": (Booking, ("offer", "school")),
}


def recent_events(*, actor, limit=100):
    """The audit trail, newest first; the administrator's view of the whole portal."""
    security.require_role(actor, security.ADMIN)
    return list(db.session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()).limit(limit)
    ))


def subjects_of(events):
    """{(table name, id): row} for every object the events name, in one query per table.

    A user an event names in its details (a member added) counts as a subject too."""
    wanted = {}
    for event in events:
        wanted.setdefault(event.subject_type, set()).add(event.subject_id)
        if (event.details or {}).get("user_id"):
            wanted.setdefault("users", set()).add(event.details["user_id"])
    found = {}
    for table, ids in wanted.items():
        if table not in SUBJECT_MODELS:
            continue
        model, related = SUBJECT_MODELS[table]
        options = [joinedload(getattr(model, name)) for name in related]
        rows = db.session.scalars(select(model).where(model.id.in_(ids)).options(*options))
        found.update({(table, row.id): row for row in rows.unique()})
    return found


def history_of(*, actor, subject):
    """What happened to a company or an offer, oldest first (every decision and what led to
    it), for a moderator of its region or the administrator."""
    company = subject if isinstance(subject, Organisation) else subject.company
    security.require(can_moderate(actor, company), "outside the moderator's region")
    return list(db.session.scalars(
        select(AuditEvent).options(joinedload(AuditEvent.actor))
        .where(AuditEvent.subject_type == subject.__tablename__,
               AuditEvent.subject_id == subject.id)
        .order_by(AuditEvent.created_at, AuditEvent.id)))
