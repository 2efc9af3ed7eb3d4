"""Places, provinces and landsdelen: the gazetteer in tables."""
from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.geo.labels import format_label


class Landsdeel(Base):
    """One of the five Techniekpact regions of the Netherlands."""

    __tablename__ = "landsdelen"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(60))

    def __repr__(self):
        return f"<Landsdeel {self.code}>"


class Province(Base):
    """A Dutch province, or a Belgian region (Vlaanderen, Brussel, Wallonie)."""

    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(10), unique=True)  # e.g. NL-ZE, BE-VLG
    country_code: Mapped[str] = mapped_column(String(2))
    name: Mapped[str] = mapped_column(String(60))

    def __repr__(self):
        return f"<Province {self.code}>"


class Place(Base):
    __tablename__ = "places"
    __table_args__ = (Index("ix_places_lat_lon", "latitude", "longitude"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    geonameid: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    country_code: Mapped[str] = mapped_column(String(2))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    landsdeel_id: Mapped[int | None] = mapped_column(ForeignKey("landsdelen.id"), index=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(default=0)
    # Set only where name and province do not tell this place apart from another ("bij Aarschot"
    # for the smaller Tielt); computed when the gazetteer is loaded (portal/geo/labels.py).
    distinguisher: Mapped[str | None] = mapped_column(String(120))

    province = relationship("Province", lazy="joined")
    landsdeel = relationship("Landsdeel")
    aliases = relationship("PlaceAlias", back_populates="place", cascade="all, delete-orphan")

    @property
    def label(self):
        """The name with its province (and where needed a distinguishing part): unique."""
        return format_label(self.name, self.province.name, self.distinguisher)

    def __repr__(self):
        return f"<Place {self.name} {self.country_code}>"


class PlaceAlias(Base):
    """Another name a place is known by ("Den Bosch" for 's-Hertogenbosch)."""

    __tablename__ = "place_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))

    place = relationship("Place", back_populates="aliases")

    def __repr__(self):
        return f"<PlaceAlias {self.name!r} -> {self.place_id}>"
