"""Offers of every type that companies publish."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, UTCDateTime

DRAFT = "draft"
PENDING = "pending"
PUBLISHED = "published"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
STATUSES = (DRAFT, PENDING, PUBLISHED, REJECTED, WITHDRAWN)

offer_sectors = Table(
    "offer_sectors",
    Base.metadata,
    Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sectors.id"), primary_key=True, index=True),
)

offer_levels = Table(
    "offer_levels",
    Base.metadata,
    Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True),
    Column("education_level_id", ForeignKey("education_levels.id"), primary_key=True,
           index=True),
)


class Offer(TimestampMixin, Base):
    __tablename__ = "offers"
    __table_args__ = (
        Index("ix_offers_status_type", "status", "offer_type"),
        CheckConstraint("places_taken >= 0 AND places_taken <= capacity", name="capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    offer_type: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(160))
    description: Mapped[str] = mapped_column(Text)
    location_mode: Mapped[str] = mapped_column(String(20))  # company, school, online
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    # How far the company travels to a school, for activities at the school.
    travel_km: Mapped[int | None]
    capacity: Mapped[int]
    # Accepted bookings; changed only by an atomic conditional UPDATE so it never passes capacity.
    places_taken: Mapped[int] = mapped_column(default=0)
    max_group_size: Mapped[int | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    company = relationship("Company", back_populates="offers")
    place = relationship("Place")
    sectors = relationship("Sector", secondary=offer_sectors, order_by="Sector.position")
    levels = relationship("EducationLevel", secondary=offer_levels,
                          order_by="EducationLevel.position")
    bookings = relationship("Booking", back_populates="offer", order_by="Booking.id")

    @property
    def places_left(self):
        return self.capacity - self.places_taken

    @property
    def is_full(self):
        return self.places_taken >= self.capacity

    def can_submit(self):
        return self.status in (DRAFT, REJECTED)

    def can_publish(self):
        return self.status == PENDING and self.company.is_approved

    def __repr__(self):
        return f"<Offer {self.id} {self.offer_type} {self.status}>"
