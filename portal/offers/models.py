"""Offers of every type that companies publish."""
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    Time,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, UTCDateTime
from portal.offers import findable

# The life of an offer: draft -> pending (submitted) -> published <-> paused; rejected (with a
# reason) -> edited -> pending again; withdrawn by the company; archived after its last date.
DRAFT = "draft"
PENDING = "pending"
PUBLISHED = "published"
PAUSED = "paused"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
ARCHIVED = "archived"
STATUSES = (DRAFT, PENDING, PUBLISHED, PAUSED, REJECTED, WITHDRAWN, ARCHIVED)
# Statuses whose offer schools have seen: its page stays reachable for their requests.
SHOWN = (PUBLISHED, PAUSED, WITHDRAWN, ARCHIVED)

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


class Places:
    """What an offer's `capacity` and `places_taken` say, for the model and for the cards a
    search reads without it (portal.matching.search.OfferCard)."""

    @property
    def has_slots(self):
        """Group activities happen on slots; placements have places."""
        return self.capacity is None

    @property
    def places_left(self):
        return (self.capacity or 0) - self.places_taken


class Offer(Places, TimestampMixin, Base):
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
    # Where it happens: one of the company's locations; `place_id` follows it (or the
    # company's place for lessons at the school and online), so searching needs no join.
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # How far the company travels to a school, for activities at the school.
    travel_km: Mapped[int | None]
    # Places of a placement (internship, BBL place, teacher placement): one student each.
    # Group activities keep their capacity in pupils on their slots instead.
    capacity: Mapped[int | None]
    # Places taken by accepted requests; changed only by one conditional UPDATE.
    places_taken: Mapped[int] = mapped_column(default=0)
    # The fields of each type (offers/rules.TYPE_FIELDS); empty for the other types.
    topic: Mapped[str | None] = mapped_column(String(200))
    given_by: Mapped[str | None] = mapped_column(String(200))
    duration_minutes: Mapped[int | None]
    min_group_size: Mapped[int | None]
    max_group_size: Mapped[int | None]
    min_age: Mapped[int | None]
    safety_rules: Mapped[str | None] = mapped_column(Text)
    protective_gear: Mapped[str | None] = mapped_column(String(300))
    wheelchair_access: Mapped[bool | None]
    counts_teachers: Mapped[bool | None]
    pupils_per_day: Mapped[int | None]
    days: Mapped[int | None]
    crebo: Mapped[str | None] = mapped_column(String(5), index=True)
    qualification_name: Mapped[str | None] = mapped_column(String(200))
    mbo_level: Mapped[int | None]
    allowance_euros: Mapped[int | None]
    hours_per_week: Mapped[int | None]
    subjects: Mapped[str | None] = mapped_column(String(300))
    deliverable: Mapped[str | None] = mapped_column(Text)
    duration_weeks: Mapped[int | None]
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(20), default=DRAFT)
    # Counts every change to what the moderator judges; a decision names the one it saw.
    revision: Mapped[int] = mapped_column(default=1)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # Why the company paused or withdrew it, for the schools with requests on it.
    status_reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Derived, for the search: the last day the offer can be found (portal/offers/findable.py,
    # kept by triggers).
    search_until: Mapped[date | None]

    company = relationship("Company", back_populates="offers")
    place = relationship("Place")
    location = relationship("Location")
    sectors = relationship("Sector", secondary=offer_sectors, order_by="Sector.position")
    levels = relationship("EducationLevel", secondary=offer_levels,
                          order_by="EducationLevel.position")
    contact = relationship("User", foreign_keys=[contact_id])
    bookings = relationship("Booking", back_populates="offer", order_by="Booking.id")
    slots = relationship("Slot", back_populates="offer", cascade="all, delete-orphan",
                         order_by="(Slot.day, Slot.starts_at, Slot.id)")
    revisions = relationship("OfferRevision", back_populates="offer",
                             cascade="all, delete-orphan", order_by="OfferRevision.id")

    @property
    def is_full(self):
        return self.capacity is not None and self.places_taken >= self.capacity

    @property
    def pending_revision(self):
        return next((r for r in self.revisions if r.status == REVISION_PENDING), None)

    def can_submit(self):
        return self.status in (DRAFT, REJECTED)

    def waits_for_its_company(self):
        """A submitted offer of a company that waits for its own approval: decided after it.
        (A suspended company's offer cannot be published at all: moderation refuses it.)"""
        return self.status == PENDING and self.company.status == "pending"

    def __repr__(self):
        return f"<Offer {self.id} {self.offer_type} {self.status}>"


class Slot(TimestampMixin, Base):
    """A date and times on which a group activity happens, with room for a number of pupils."""

    __tablename__ = "slots"
    __table_args__ = (
        Index("ix_slots_offer_day", "offer_id", "day"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="room"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    day: Mapped[date]
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    # Pupils (and accompanying teachers where the offer counts them), never exceeded: `taken`
    # changes only by one conditional UPDATE.
    capacity: Mapped[int]
    taken: Mapped[int] = mapped_column(default=0)
    min_group: Mapped[int | None]

    offer = relationship("Offer", back_populates="slots")
    bookings = relationship("Booking", back_populates="slot", foreign_keys="Booking.slot_id")

    @property
    def room(self):
        return self.capacity - self.taken

    def __repr__(self):
        return f"<Slot {self.id} offer={self.offer_id} {self.day} {self.taken}/{self.capacity}>"


REVISION_PENDING = "pending"
REVISION_APPROVED = "approved"
REVISION_REJECTED = "rejected"
REVISION_SUPERSEDED = "superseded"


class OfferRevision(TimestampMixin, Base):
    """A change to what a published offer says, waiting for the moderator while the published
    version stays visible. `content` holds the substantive fields (rules.SUBSTANTIVE)."""

    __tablename__ = "offer_revisions"
    __table_args__ = (Index("ix_offer_revisions_offer_status", "offer_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"))
    # The offer's version number it proposes (Offer.revision when it was made): what a
    # moderator's decision names, the same kind of number as for a first publication.
    number: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=REVISION_PENDING)
    content: Mapped[dict] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)

    offer = relationship("Offer", back_populates="revisions")
    created_by = relationship("User", foreign_keys=[created_by_id])

    def __repr__(self):
        return f"<OfferRevision {self.id} offer={self.offer_id} {self.status}>"


findable.install(Base.metadata)
