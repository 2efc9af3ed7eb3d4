"""Reports: a signed-in user tells the region's Technocentrum that an offer or a company is
wrong (misleading, unsafe, not about technology...). A report waits in the queue of the
company's region until a moderator dismisses it or suspends the company."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, UTCDateTime

OPEN = "open"
DISMISSED = "dismissed"  # looked into: nothing to do
UPHELD = "upheld"  # the company was suspended

_OPEN_OFFER = text("status = 'open' AND offer_id IS NOT NULL")
_OPEN_COMPANY = text("status = 'open' AND offer_id IS NULL")


class Report(TimestampMixin, Base):
    __tablename__ = "reports"
    # One open report per reporter and subject: reporting it again adds nothing to the queue.
    __table_args__ = (
        Index("uq_reports_open_offer", "reporter_id", "offer_id", unique=True,
              sqlite_where=_OPEN_OFFER, postgresql_where=_OPEN_OFFER),
        Index("uq_reports_open_company", "reporter_id", "company_id", unique=True,
              sqlite_where=_OPEN_COMPANY, postgresql_where=_OPEN_COMPANY),
        Index("ix_reports_status_company", "status", "company_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The company reported, or the company of the offer reported: its place is the region.
    company_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"),
                                                 index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                    index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=OPEN)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)

    company = relationship("Company")
    offer = relationship("Offer")
    reporter = relationship("User", foreign_keys=[reporter_id])

    @property
    def subject(self):
        return self.offer if self.offer_id is not None else self.company

    def __repr__(self):
        return f"<Report {self.id} company={self.company_id} offer={self.offer_id} {self.status}>"
