"""Teams: invitations to join an organisation, and teachers asking to join a registered school."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, UTCDateTime

# What an invitation link is, for whoever opens it (see Invitation.state).
OPEN = "open"
USED = "used"
REVOKED = "revoked"
EXPIRED = "expired"

# The life of a join request: open -> approved | declined | withdrawn.
REQUESTED = "open"
APPROVED = "approved"
DECLINED = "declined"
WITHDRAWN = "withdrawn"


class Invitation(TimestampMixin, Base):
    """A link the owner of an organisation sends a colleague; usable once, until it expires.

    Only the SHA-256 of the link's token is kept, so the table alone opens no door."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))  # lower case, as users' addresses are
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    invited_by = relationship("User", foreign_keys=[invited_by_id])

    def state(self, now):
        if self.accepted_at is not None:
            return USED
        if self.revoked_at is not None:
            return REVOKED
        if self.expires_at <= now:
            return EXPIRED
        return OPEN

    def __repr__(self):
        return f"<Invitation {self.id} org={self.organisation_id}>"


class JoinRequest(TimestampMixin, Base):
    """A teacher asks to join a registered school; any member of that school decides."""

    __tablename__ = "join_requests"
    __table_args__ = (
        # One open request per teacher: the second of two clicks at once fails here.
        Index("uq_join_requests_open_user", "user_id", unique=True,
              sqlite_where=text("status = 'open'"), postgresql_where=text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=REQUESTED)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    user = relationship("User", foreign_keys=[user_id])
    school = relationship("School")
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def is_open(self):
        return self.status == REQUESTED

    def __repr__(self):
        return f"<JoinRequest {self.id} user={self.user_id} school={self.school_id} {self.status}>"
