"""Where a Technocentrum works: the provinces it covers, and single places besides them.

Every page that shows "the region" (the moderation queue, reports, figures, circles, the
Techniekbus, a region's search weights) asks the same question through this module: does this
place lie in the region? A place belongs to a region when its province is one of the region's
provinces, or when it is one of the region's own places.
"""
from dataclasses import dataclass

from sqlalchemy import exists, or_, select

from portal.extensions import db
from portal.organisations.models import (
    Technocentrum,
    technocentrum_places,
    technocentrum_provinces,
)


@dataclass(frozen=True)
class Region:
    province_ids: tuple = ()
    place_ids: tuple = ()

    @classmethod
    def of(cls, centre):
        return cls(tuple(p.id for p in centre.provinces), tuple(p.id for p in centre.places))

    def holds(self, place):
        """SQL: the place (a Place entity or alias of the statement) lies in the region."""
        return or_(place.province_id.in_(self.province_ids), place.id.in_(self.place_ids))

    def contains(self, place):
        """Whether a loaded Place lies in the region."""
        return place is not None and (place.province_id in self.province_ids
                                      or place.id in self.place_ids)


def region_of(centre):
    """The Region of a Technocentrum, or None for None (everywhere: the administrator)."""
    return None if centre is None else Region.of(centre)


def names_place(centre_id, place):
    """SQL: the Technocentrum `centre_id` (a column) names the place itself."""
    return (exists().where(technocentrum_places.c.technocentrum_id == centre_id,
                           technocentrum_places.c.place_id == place.id)
            .correlate_except(technocentrum_places))


def covers(centre_id, place):
    """SQL: the Technocentrum `centre_id` (a column) covers the place (a Place entity or alias
    of an enclosing statement, however deep, or a loaded Place): by its province or by name.
    Both tests correlate explicitly, so they reach the place through a subquery between."""
    return or_(names_place(centre_id, place),
               exists().where(technocentrum_provinces.c.technocentrum_id == centre_id,
                              technocentrum_provinces.c.province_id == place.province_id)
               .correlate_except(technocentrum_provinces))


def covering_centre_ids(place):
    """SQL: the ids of the Technocentra covering the place."""
    centre = Technocentrum.__table__.alias("covering")
    return select(centre.c.id).where(centre.c.kind == "technocentrum", covers(centre.c.id, place))


def centres_covering(place):
    """The Technocentra covering a loaded Place, the one naming the place itself first."""
    if place is None:
        return []
    centres = db.session.scalars(
        select(Technocentrum).where(Technocentrum.id.in_(covering_centre_ids(place)))
        .order_by(Technocentrum.id)).all()
    return sorted(centres, key=lambda c: (not any(p.id == place.id for p in c.places), c.id))
