"""Reference data: sectors (SBB sector chambers and finer sectors), the nine topsectors as a
second lens on them, education levels, qualifications and school holidays.

`edited_at` marks a row the administrator changed on the reference pages: loading the seeds
again adds what is missing but leaves such a row as the administrator left it.
"""
from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base, UTCDateTime

sector_topsectors = Table(
    "sector_topsectors",
    Base.metadata,
    Column("sector_id", ForeignKey("sectors.id", ondelete="CASCADE"), primary_key=True),
    Column("topsector_id", ForeignKey("topsectors.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Sector(Base):
    """A sector; one without a parent is one of SBB's eight sector chambers."""

    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    parent = relationship("Sector", remote_side=[id], back_populates="children")
    children = relationship("Sector", back_populates="parent", order_by="Sector.position")
    topsectors = relationship("Topsector", secondary=sector_topsectors,
                              order_by="Topsector.position", back_populates="sectors")

    @property
    def chamber_id(self):
        return self.parent_id or self.id

    def __repr__(self):
        return f"<Sector {self.code}>"


class Topsector(Base):
    """One of the nine topsectors of Dutch economic policy (Agri & Food, Energie, ...): a second
    lens on the same sectors, for the figures. A sector belongs to none, one or several."""

    __tablename__ = "topsectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    sectors = relationship("Sector", secondary=sector_topsectors, order_by="Sector.position",
                           back_populates="topsectors")

    def __repr__(self):
        return f"<Topsector {self.code}>"


class EducationLevel(Base):
    __tablename__ = "education_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    stage: Mapped[str] = mapped_column(String(10))  # po, vo, mbo, hbo, wo, so_be
    country_code: Mapped[str] = mapped_column(String(2), default="NL")
    position: Mapped[int] = mapped_column(default=0)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<EducationLevel {self.code}>"


class Qualification(Base):
    """An MBO qualification of SBB's structure, by its crebo code (seeds/qualifications.json)."""

    __tablename__ = "qualifications"

    crebo: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[int]
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<Qualification {self.crebo} {self.name!r}>"


class SchoolHoliday(Base):
    """A school holiday of one holiday region (NL noord, midden, zuid; Flanders), first and
    last day inclusive. Series of slots skip them; the administrator maintains them."""

    __tablename__ = "school_holidays"
    __table_args__ = (UniqueConstraint("region", "starts_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(String(80))
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    def __repr__(self):
        return f"<SchoolHoliday {self.region} {self.name} {self.starts_on}>"
