"""The audit trail: who changed what, on which object, when.

It sits in the core, not in moderation, because every feature's services write to it and the
arrows may only point leftwards; moderation reads it.
"""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime, utcnow
from portal.extensions import db


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_subject", "subject_type", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    actor = relationship("User")

    def __repr__(self):
        return (f"<AuditEvent {self.action} {self.subject_type}:{self.subject_id} "
                f"by {self.actor_id}>")


def record_event(actor, action, subject, **details):
    """Add an audit event to the session; the calling service commits it with its own change.

    The subject must have been flushed so it has an id.
    """
    if subject.id is None:
        db.session.flush()
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=subject.__tablename__,
        subject_id=subject.id,
        details=details,
    )
    db.session.add(event)
    return event
