"""Companies, schools and Technocentra (one table, told apart by `kind`), and memberships."""
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, TimestampMixin, UTCDateTime

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
SUSPENDED = "suspended"  # approved before; its offers hidden until a moderator lifts it

organisation_sectors = Table(
    "organisation_sectors",
    Base.metadata,
    Column("organisation_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("sector_id", ForeignKey("sectors.id"), primary_key=True, index=True),
)

technocentrum_provinces = Table(
    "technocentrum_provinces",
    Base.metadata,
    Column("technocentrum_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("province_id", ForeignKey("provinces.id"), primary_key=True, index=True),
)

# Single places a Technocentrum works in besides its provinces (a border town, a place of a
# neighbouring province it has always served).
technocentrum_places = Table(
    "technocentrum_places",
    Base.metadata,
    Column("technocentrum_id", ForeignKey("organisations.id", ondelete="CASCADE"),
           primary_key=True),
    Column("place_id", ForeignKey("places.id"), primary_key=True, index=True),
)


class Organisation(TimestampMixin, Base):
    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("brin_code", "location_code"),)
    __mapper_args__ = {"polymorphic_on": "kind"}

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(160))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default=PENDING, index=True)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Company identifiers: exactly one of them for a company. Unique among the companies that
    # are not rejected (see the indexes below the class), so a false claim frees its number.
    kvk_number: Mapped[str | None] = mapped_column(String(8))
    enterprise_number: Mapped[str | None] = mapped_column(String(10))
    # School identifiers and stage (po, vo, mbo).
    brin_code: Mapped[str | None] = mapped_column(String(4))
    location_code: Mapped[str | None] = mapped_column(String(2))
    school_stage: Mapped[str | None] = mapped_column(String(10))
    # A company's SBB leerbedrijf-ID (accredited training company), and when a moderator
    # checked it in SBB's register: only then may it offer BBL places.
    sbb_number: Mapped[str | None] = mapped_column(String(12))
    sbb_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The file name of the logo under the upload folder (organisations/logos.py), if any.
    logo: Mapped[str | None] = mapped_column(String(64))

    place = relationship("Place")
    sectors = relationship("Sector", secondary=organisation_sectors, order_by="Sector.position")
    memberships = relationship(
        "Membership", back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def is_approved(self):
        return self.status == APPROVED

    def __repr__(self):
        return f"<{type(self).__name__} {self.id} {self.name!r}>"


# A rejected company keeps the number it claimed, but no longer blocks the real company from
# registering it: the numbers are unique only among the companies that are not rejected.
_NOT_REJECTED = Organisation.status != REJECTED
Index("uq_organisations_kvk_number_not_rejected", Organisation.kvk_number, unique=True,
      sqlite_where=_NOT_REJECTED, postgresql_where=_NOT_REJECTED)
Index("uq_organisations_enterprise_number_not_rejected", Organisation.enterprise_number,
      unique=True, sqlite_where=_NOT_REJECTED, postgresql_where=_NOT_REJECTED)


class Company(Organisation):
    __mapper_args__ = {"polymorphic_identity": "company"}

    offers = relationship("Offer", back_populates="company", order_by="Offer.id")
    locations = relationship("Location", back_populates="company", order_by="Location.id",
                             cascade="all, delete-orphan")

    @property
    def country_code(self):
        return "BE" if self.enterprise_number else "NL"


class School(Organisation):
    __mapper_args__ = {"polymorphic_identity": "school"}


class Technocentrum(Organisation):
    __mapper_args__ = {"polymorphic_identity": "technocentrum"}

    provinces = relationship("Province", secondary=technocentrum_provinces,
                             order_by="Province.name")
    places = relationship("Place", secondary=technocentrum_places, order_by="Place.name")

    @property
    def region_label(self):
        """Where it works, in words: its provinces, then its places besides."""
        return "; ".join(part for part in (
            ", ".join(p.name for p in self.provinces),
            ", ".join(p.label for p in self.places)) if part)

    def covers(self, place):
        """Whether this centre works in the place: its province, or the place by name."""
        if place is None:
            return False
        return (any(p.id == place.province_id for p in self.provinces)
                or any(p.id == place.id for p in self.places))


class Location(TimestampMixin, Base):
    """A place where a company works: its main site, a workshop, a yard. Offers happen at one."""

    __tablename__ = "locations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(200))

    company = relationship("Company", back_populates="locations")
    place = relationship("Place")

    def __repr__(self):
        return f"<Location {self.id} {self.name!r} of org={self.organisation_id}>"


class Membership(TimestampMixin, Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    is_owner: Mapped[bool] = mapped_column(default=False)

    user = relationship("User", back_populates="memberships")
    organisation = relationship("Organisation", back_populates="memberships")

    def __repr__(self):
        return f"<Membership user={self.user_id} org={self.organisation_id}>"
