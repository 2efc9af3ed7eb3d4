"""Reference data: sectors (SBB sector chambers and finer sectors) and education levels."""
from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base


class Sector(Base):
    """A sector; one without a parent is one of SBB's eight sector chambers."""

    __tablename__ = "sectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("sectors.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    parent = relationship("Sector", remote_side=[id], back_populates="children")
    children = relationship("Sector", back_populates="parent", order_by="Sector.position")

    @property
    def chamber_id(self):
        return self.parent_id or self.id

    def __repr__(self):
        return f"<Sector {self.code}>"


class EducationLevel(Base):
    __tablename__ = "education_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    stage: Mapped[str] = mapped_column(String(10))  # po, vo, mbo, hbo, wo, so_be
    country_code: Mapped[str] = mapped_column(String(2), default="NL")
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self):
        return f"<EducationLevel {self.code}>"


class Qualification(Base):
    """An MBO qualification of SBB's structure, by its crebo code (seeds/qualifications.json)."""

    __tablename__ = "qualifications"

    crebo: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[int]

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
