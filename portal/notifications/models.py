"""The outbox: every e-mail the portal sends, written in the transaction of the change that
causes it, then delivered by `flask outbox work`."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, TimestampMixin, UTCDateTime

PENDING = "pending"      # waits for the worker (from next_attempt_at on)
HELD = "held"            # kept for the recipient's daily digest
DIGESTED = "digested"    # went out inside a digest (digest_id)
SENT = "sent"
FAILED = "failed"        # failed for good; listed for the administrator
STATUSES = (PENDING, HELD, DIGESTED, SENT, FAILED)


class OutboxMessage(TimestampMixin, Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # What the message is about ("booking.requested", "account.reset"): the mail template's name.
    kind: Mapped[str] = mapped_column(String(60))
    # The user it is for; None for an address that has no account yet (an invitation).
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # A calendar entry sent along (text/calendar), with its METHOD (REQUEST, CANCEL).
    ics: Mapped[str | None] = mapped_column(Text)
    ics_method: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A worker that claimed the message owns it until then; after that another may take it.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # For a HELD message: the digest message it went out in.
    digest_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL"))

    @property
    def message_id(self):
        """A stable Message-ID, the same on every attempt, so a receiver can drop a repeat."""
        return f"<outbox-{self.id}-{self.created_at:%Y%m%d%H%M%S}@portal>"

    def __repr__(self):
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
