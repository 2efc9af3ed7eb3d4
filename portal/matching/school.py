"""The teacher's school as a search reads it: its name, its place (where distances are
measured from, and its label), its sectors (what the ranking prefers) and its region's
weights, in one prebuilt statement instead of the ORM's school, place, province and sectors
and a query for the weights (five statements, which took longer than the rest of a teacher's
search but the ranking)."""
from typing import NamedTuple

from sqlalchemy import String, bindparam, cast, func, select

from portal.extensions import db
from portal.geo.labels import format_label
from portal.geo.models import Place, Province
from portal.matching.models import MatchingWeights
from portal.matching.rules import DEFAULT_WEIGHTS, Weights
from portal.matching.weights import WEIGHT_COLUMNS, centre_weighting, weights_in_row
from portal.organisations.models import Membership, Organisation, organisation_sectors
from portal.organisations.partner_models import ACTIVE, Partnership
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
    """What the search page and make_plan read of a School (the same names), and the weights
    its searches use (weights_for_school)."""

    id: int
    name: str
    place_id: int | None
    place: SchoolPlace | None
    sectors: tuple
    weights: Weights
    partners: frozenset  # the company ids of its active partnerships


# Each sector of the school as "id:chamber id", joined by commas.
_SECTORS = (select(func.aggregate_strings(
                cast(Sector.id, String) + ":" + cast(func.coalesce(Sector.parent_id, Sector.id),
                                                     String), ","))
            .select_from(organisation_sectors)
            .join(Sector, Sector.id == organisation_sectors.c.sector_id)
            .where(organisation_sectors.c.organisation_id == Organisation.id)
            .scalar_subquery())
# Its active partner companies' ids, joined by commas.
_PARTNERS = (select(func.aggregate_strings(cast(Partnership.company_id, String), ","))
             .where(Partnership.school_id == Organisation.id, Partnership.status == ACTIVE)
             .scalar_subquery())
_SCHOOL = (select(Organisation.id, Organisation.name, Place.id, Place.latitude, Place.longitude,
                  Place.province_id, Place.landsdeel_id, Place.name, Province.name,
                  Place.distinguisher, _SECTORS, _PARTNERS, *WEIGHT_COLUMNS)
           .select_from(Membership)
           .join(Organisation, Organisation.id == Membership.organisation_id)
           .outerjoin(Place, Place.id == Organisation.place_id)
           .outerjoin(Province, Province.id == Place.province_id)
           .outerjoin(MatchingWeights, MatchingWeights.technocentrum_id
                      == centre_weighting(Place))
           .where(Membership.user_id == bindparam("user_id"), Organisation.kind == "school")
           .order_by(Membership.id).limit(1))


def searching_school(user):
    """The school of the user (a teacher), as the search reads it, in one statement; None for
    anyone else."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    row = db.session.connection().execute(_SCHOOL, {"user_id": user.id}).first()
    if row is None:
        return None
    school_id, name, place_id, latitude, longitude, province_id, landsdeel_id = row[:7]
    place = None if place_id is None else SchoolPlace(
        place_id, latitude, longitude, province_id, landsdeel_id, format_label(*row[7:10]))
    sectors = tuple(sorted(SchoolSector(*map(int, pair.split(":")))
                           for pair in (row[10] or "").split(",") if pair))
    weights = weights_in_row(row) if place_id is not None else DEFAULT_WEIGHTS
    partners = frozenset(int(i) for i in (row[11] or "").split(",") if i)
    return SearchingSchool(school_id, name, place_id, place, sectors, weights, partners)
