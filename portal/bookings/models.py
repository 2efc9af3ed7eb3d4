"""Requests from schools on offers (bookings), their conversation, evaluations and the
waiting list of a full date."""
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, UTCDateTime

# Why a request was declined or withdrawn (Booking.end_reason): for lack of room, or for
# another reason (stored as None, as is a reason not said).
NO_ROOM, OTHER_REASON = "no_room", "other"
END_REASONS = (NO_ROOM, OTHER_REASON)


class Booking(TimestampMixin, Base):
    __tablename__ = "bookings"
    __table_args__ = (Index("ix_bookings_offer_status", "offer_id", "status"),
                      Index("ix_bookings_status_wanted_on", "status", "wanted_on"))

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
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The company's counter-proposal: another slot, start date or group size (None: unchanged).
    proposed_slot_id: Mapped[int | None] = mapped_column(
        ForeignKey("slots.id", ondelete="SET NULL"))
    proposed_on: Mapped[date | None]
    proposed_group_size: Mapped[int | None]
    # The calendar entry's SEQUENCE: one higher on every change the other side is sent.
    sequence: Mapped[int] = mapped_column(default=0)
    # Who cancelled ("school" or "company"), and whether within 48 hours of the start.
    cancelled_by: Mapped[str | None] = mapped_column(String(10))
    cancelled_late: Mapped[bool] = mapped_column(default=False)
    # Why a declined or withdrawn request ended, where a side said: "no_room" (the company
    # has no room for it, or told the school so); None for any other reason, or not said.
    end_reason: Mapped[str | None] = mapped_column(String(20))
    # "Did it happen?", asked of both sides after the date: "held" or "no_show" from each.
    school_outcome: Mapped[str | None] = mapped_column(String(10))
    company_outcome: Mapped[str | None] = mapped_column(String(10))
    # Time-driven work done for this request, so it is done once: the reminder 48 hours before,
    # and the question "did it happen?" the day after.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    offer = relationship("Offer", back_populates="bookings")
    slot = relationship("Slot", back_populates="bookings", foreign_keys=[slot_id])
    proposed_slot = relationship("Slot", foreign_keys=[proposed_slot_id])
    school = relationship("School")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    education_level = relationship("EducationLevel")
    messages = relationship("BookingMessage", back_populates="booking",
                            order_by="BookingMessage.id", cascade="all, delete-orphan")
    evaluations = relationship("Evaluation", back_populates="booking",
                               order_by="Evaluation.id", cascade="all, delete-orphan")

    @property
    def room_needed(self):
        """Room this request takes once accepted: pupils, plus teachers where they count."""
        return self.group_size + (self.teachers if self.offer.counts_teachers else 0)

    def __repr__(self):
        return f"<Booking {self.id} offer={self.offer_id} {self.status}>"


class BookingMessage(Base):
    """One message in a request's conversation: never changed, never removed.

    `kind` says what the message went with: a plain message, or the text of the request, an
    answer, a counter-proposal, a withdrawal or a cancellation (bookings.rules)."""

    __tablename__ = "booking_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"),
                                            index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(String(10))  # "school" or "company"
    kind: Mapped[str] = mapped_column(String(20), default="message")
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    booking = relationship("Booking", back_populates="messages")
    author = relationship("User")

    def __repr__(self):
        return f"<BookingMessage {self.id} booking={self.booking_id} {self.side}>"


class Evaluation(Base):
    """What one side thought of an activity that took place; one per side and request."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("booking_id", "side"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"),
                                            index=True)
    side: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    rating: Mapped[int]  # 1-5
    comment: Mapped[str] = mapped_column(Text, default="")
    # The teacher's side: pupils who took part, and of them girls.
    pupils_reached: Mapped[int | None]
    girls: Mapped[int | None]
    # The company's side: would it host this school again?
    host_again: Mapped[bool | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    booking = relationship("Booking", back_populates="evaluations")
    author = relationship("User")

    def __repr__(self):
        return f"<Evaluation {self.id} booking={self.booking_id} {self.side}>"


# The life of a place on a waiting list (bookings/waitlist.py).
WAITING = "waiting"      # in line
OFFERED = "offered"      # room came free and is held for this school until offer_expires_at
BOOKED = "booked"        # the school took the room: booking_id
EXPIRED = "expired"      # the offer passed unanswered; the next in line was offered the room
LEFT = "left"            # the school left the line, or declined the offered room
CLOSED = "closed"        # the date passed or the offer ended
# Why an entry was CLOSED (WaitlistEntry.closed_why), written with the status: its date began
# while it waited (room never came free for it); the company withdrew the offer; the offer
# ended otherwise (no longer published or paused) before the date; nobody was left at the
# school to be offered room.
DATE_BEGAN, OFFER_WITHDRAWN, OFFER_ENDED = "date_began", "offer_withdrawn", "offer_ended"
NOBODY_AT_SCHOOL = "nobody_at_school"


class WaitlistEntry(TimestampMixin, Base):
    """A school in line for a full date of a group activity, with the group it would bring."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (Index("ix_waitlist_entries_slot_status", "slot_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    group_size: Mapped[int]
    teachers: Mapped[int] = mapped_column(default=0)
    education_level_id: Mapped[int] = mapped_column(ForeignKey("education_levels.id"))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=WAITING)
    # While OFFERED: the room held on the slot for this school, and until when.
    room_held: Mapped[int] = mapped_column(default=0)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The link in the offer's e-mail: only its SHA-256 is kept.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id",
                                                              ondelete="SET NULL"))
    # Why it was CLOSED (DATE_BEGAN, OFFER_WITHDRAWN, OFFER_ENDED, NOBODY_AT_SCHOOL); None
    # otherwise, and for entries closed before this column.
    closed_why: Mapped[str | None] = mapped_column(String(20))

    slot = relationship("Slot")
    school = relationship("School")
    requested_by = relationship("User")
    education_level = relationship("EducationLevel")
    booking = relationship("Booking")

    def __repr__(self):
        return f"<WaitlistEntry {self.id} slot={self.slot_id} {self.status}>"
