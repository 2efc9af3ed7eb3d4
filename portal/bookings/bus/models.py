"""Buses, the periods they do not run, each Technocentrum's booking rules, and the rides."""
from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, UTCDateTime

BOOKED = "booked"
CANCELLED = "cancelled"
BY_SCHOOL = "school"
BY_CENTRE = "technocentrum"
BY_VISIT = "visit"  # the visit it went with was cancelled

# Monday is bit 0, as date.weekday(): a bus that runs Monday to Friday has 0b0011111.
WEEKDAYS = 0b0011111
SEATS_MAX = 90  # the largest coach; the Techniekbus of Zeeland had 53 seats


class Bus(TimestampMixin, Base):
    __tablename__ = "buses"
    __table_args__ = (CheckConstraint(f"seats >= 1 AND seats <= {SEATS_MAX}", name="seats"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    technocentrum_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # Pupils and their accompanying teachers together.
    seats: Mapped[int]
    run_days: Mapped[int] = mapped_column(default=WEEKDAYS)
    active: Mapped[bool] = mapped_column(default=True)
    # Raised by every booking or change of one of its rides: the conditional UPDATE that makes
    # two bookings of the bus at once wait for each other (portal/bookings/bus/services.py).
    rides_version: Mapped[int] = mapped_column(default=0)

    technocentrum = relationship("Technocentrum")
    blocks = relationship("BusBlock", back_populates="bus", cascade="all, delete-orphan",
                          order_by="BusBlock.starts_on")

    def runs_on(self, day):
        return bool(self.run_days >> day.weekday() & 1)

    def __repr__(self):
        return f"<Bus {self.id} {self.name!r} {self.seats} seats>"


class BusBlock(Base):
    """A period the bus does not run: a school holiday, maintenance."""

    __tablename__ = "bus_blocks"
    __table_args__ = (CheckConstraint("ends_on >= starts_on", name="order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bus_id: Mapped[int] = mapped_column(ForeignKey("buses.id", ondelete="CASCADE"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(120))

    bus = relationship("Bus", back_populates="blocks")


bus_rule_levels = Table(
    "bus_rule_levels", Base.metadata,
    Column("technocentrum_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("education_level_id", ForeignKey("education_levels.id"), primary_key=True),
)

bus_surcharge_places = Table(
    "bus_surcharge_places", Base.metadata,
    Column("technocentrum_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("place_id", ForeignKey("places.id"), primary_key=True),
)


class BusRules(Base):
    """A Technocentrum's rules for booking its buses. A Technocentrum without a row books with
    the defaults (portal/bookings/bus/rules.py DEFAULTS)."""

    __tablename__ = "bus_rules"
    __table_args__ = (
        CheckConstraint("min_days_ahead >= 0 AND max_days_ahead >= min_days_ahead "
                        "AND max_days_ahead <= 730", name="ahead"),
        CheckConstraint("max_distance_km >= 1 AND max_distance_km <= 500", name="distance"),
        CheckConstraint("price_cents >= 0 AND surcharge_cents >= 0", name="price"),
    )

    technocentrum_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    min_days_ahead: Mapped[int]
    max_days_ahead: Mapped[int]
    opens_at: Mapped[time]  # the hour booking for a date opens, max_days_ahead days before
    max_distance_km: Mapped[int]  # school to company, in a straight line
    price_cents: Mapped[int]
    surcharge_cents: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))

    levels = relationship("EducationLevel", secondary=bus_rule_levels,
                          primaryjoin="BusRules.technocentrum_id == "
                                      "bus_rule_levels.c.technocentrum_id",
                          order_by="EducationLevel.id", viewonly=True)
    surcharge_places = relationship("Place", secondary=bus_surcharge_places,
                                    primaryjoin="BusRules.technocentrum_id == "
                                                "bus_surcharge_places.c.technocentrum_id",
                                    order_by="Place.name", viewonly=True)


_BOOKED = text("status = 'booked'")


class BusRide(TimestampMixin, Base):
    """A bus booked for an accepted company visit: out from the school, the visit, back."""

    __tablename__ = "bus_rides"
    __table_args__ = (
        # one ride per request while it stands
        Index("uq_bus_rides_booking", "booking_id", unique=True, sqlite_where=_BOOKED,
              postgresql_where=_BOOKED),
        Index("ix_bus_rides_bus_day", "bus_id", "day"),
        CheckConstraint("returns_at > departs_at", name="times"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bus_id: Mapped[int] = mapped_column(ForeignKey("buses.id"))
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"),
                                            index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    day: Mapped[date]
    departs_at: Mapped[time]  # from the school
    returns_at: Mapped[time]  # back at the school
    pupils: Mapped[int]
    teachers: Mapped[int]
    price_cents: Mapped[int]  # as shown when the teacher confirmed, surcharge included
    surcharge_cents: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=BOOKED)
    cancelled_by: Mapped[str | None] = mapped_column(String(20))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(default=0)  # of its calendar entry

    bus = relationship("Bus")
    booking = relationship("Booking")
    school = relationship("School")
    booked_by = relationship("User")

    @property
    def passengers(self):
        return self.pupils + self.teachers

    def __repr__(self):
        return f"<BusRide {self.id} bus={self.bus_id} {self.day} {self.status}>"
