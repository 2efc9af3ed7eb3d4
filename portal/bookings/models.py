"""Requests from schools on offers (bookings) and their life."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, UTCDateTime


class Booking(TimestampMixin, Base):
    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_offer_status", "offer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id"))
    # The slot of a group activity; None for a placement, which is for places from a date.
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("slots.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    wanted_on: Mapped[date]
    # Pupils of a group activity, or students (places) of a placement.
    group_size: Mapped[int]
    # Accompanying teachers; they take room only where the offer counts them.
    teachers: Mapped[int] = mapped_column(default=0)
    # The room the acceptance took, given back exactly on cancelling, whatever the offer's
    # settings have become since.
    room_taken: Mapped[int] = mapped_column(default=0)
    education_level_id: Mapped[int] = mapped_column(ForeignKey("education_levels.id"))
    message: Mapped[str] = mapped_column(Text, default="")
    response: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    offer = relationship("Offer", back_populates="bookings")
    slot = relationship("Slot", back_populates="bookings")
    school = relationship("School")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    education_level = relationship("EducationLevel")

    @property
    def room_needed(self):
        """Room this request takes once accepted: pupils, plus teachers where they count."""
        return self.group_size + (self.teachers if self.offer.counts_teachers else 0)

    def __repr__(self):
        return f"<Booking {self.id} offer={self.offer_id} {self.status}>"
