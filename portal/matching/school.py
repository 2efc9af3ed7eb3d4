"""The teacher's school as a search reads it: its name, its place (where distances are
measured from, and its label) and its sectors (what the ranking prefers), read with two
prebuilt statements instead of the ORM's school, place, province and sectors (which took
longer than the rest of a teacher's search but the ranking)."""
from typing import NamedTuple

from sqlalchemy import bindparam, select

from portal.extensions import db
from portal.geo.labels import format_label
from portal.geo.models import Place, Province
from portal.organisations.models import Membership, Organisation, organisation_sectors
from portal.taxonomy.models import Sector


class SchoolPlace(NamedTuple):
    id: int
    latitude: float
    longitude: float
    province_id: int
    landsdeel_id: int | None
    label: str


class SchoolSector(NamedTuple):
    id: int
    chamber_id: int


class SearchingSchool(NamedTuple):
    """What the search page and make_plan read of a School (the same names)."""

    id: int
    name: str
    place_id: int | None
    place: SchoolPlace | None
    sectors: tuple


_SCHOOL = (select(Organisation.id, Organisation.name, Place.id, Place.latitude, Place.longitude,
                  Place.province_id, Place.landsdeel_id, Place.name, Province.name,
                  Place.distinguisher)
           .select_from(Membership)
           .join(Organisation, Organisation.id == Membership.organisation_id)
           .outerjoin(Place, Place.id == Organisation.place_id)
           .outerjoin(Province, Province.id == Place.province_id)
           .where(Membership.user_id == bindparam("user_id"), Organisation.kind == "school")
           .order_by(Membership.id).limit(1))
_SECTORS = (select(Sector.id, Sector.parent_id)
            .join(organisation_sectors, organisation_sectors.c.sector_id == Sector.id)
            .where(organisation_sectors.c.organisation_id == bindparam("school_id"))
            .order_by(Sector.position))


def searching_school(user):
    """The school of the user (a teacher), as the search reads it; None for anyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    connection = db.session.connection()
    row = connection.execute(_SCHOOL, {"user_id": user.id}).first()
    if row is None:
        return None
    school_id, name, place_id, latitude, longitude, province_id, landsdeel_id = row[:7]
    place = None if place_id is None else SchoolPlace(
        place_id, latitude, longitude, province_id, landsdeel_id, format_label(*row[7:]))
    sectors = tuple(SchoolSector(sector_id, parent_id or sector_id) for sector_id, parent_id
                    in connection.execute(_SECTORS, {"school_id": school_id}))
    return SearchingSchool(school_id, name, place_id, place, sectors)
