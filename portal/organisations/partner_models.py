"""Partner circles (bedrijvenkring): a school and a company that agreed to a lasting
partnership, asked by one and accepted by the other, ended by either."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, UTCDateTime

ASKED = "asked"
ACTIVE = "active"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
ENDED = "ended"
SCHOOL_SIDE, COMPANY_SIDE = "school", "company"

_STANDING = text("status IN ('asked', 'active')")


class Partnership(TimestampMixin, Base):
    __tablename__ = "partnerships"
    # One standing (asked or active) partnership per school and company.
    __table_args__ = (
        Index("uq_partnerships_standing", "school_id", "company_id", unique=True,
              sqlite_where=_STANDING, postgresql_where=_STANDING),
        Index("ix_partnerships_company_status", "company_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"),
                                           index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default=ASKED)
    asked_by: Mapped[str] = mapped_column(String(10))  # the side that asked
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    message: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_by: Mapped[str | None] = mapped_column(String(10))
    end_reason: Mapped[str | None] = mapped_column(Text)

    school = relationship("School", foreign_keys=[school_id])
    company = relationship("Company", foreign_keys=[company_id])
    asked_by_user = relationship("User", foreign_keys=[asked_by_id])

    def other_side(self, side):
        return COMPANY_SIDE if side == SCHOOL_SIDE else SCHOOL_SIDE

    def __repr__(self):
        return f"<Partnership {self.id} school={self.school_id} company={self.company_id} " \
               f"{self.status}>"
