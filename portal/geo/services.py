"""Finding places: the typo-tolerant lookup over the gazetteer."""
from sqlalchemy import func, select

from portal.errors import ValidationFailed
from portal.extensions import db
from portal.geo.labels import parse_label
from portal.geo.models import Place, PlaceAlias, Province
from portal.geo.names import best_place, match_places, normalise
from portal.i18n import gettext as _
from portal.text import clean_text

_entries_cache = {}
# Suggestions below this score share a few letters with the text, not a likely typo.
SUGGESTION_SCORE = 75


def _load(key, query):
    """Rows of the gazetteer, cached per database until the number of places changes."""
    cache_key = (str(db.engine.url), key)
    count = db.session.scalar(select(func.count(Place.id)))
    cached = _entries_cache.get(cache_key)
    if cached and cached[0] == count:
        return cached[1]
    rows = [tuple(row) for row in db.session.execute(query)]
    _entries_cache[cache_key] = (count, rows)
    return rows


def _names():
    """(name, place_id, population) of every place under its own name."""
    return _load("names", select(Place.name, Place.id, Place.population))


def _entries():
    """(name, place_id, population) under every name a place has, aliases included."""
    return _names() + _load("aliases", select(PlaceAlias.name, Place.id, Place.population)
                            .join(PlaceAlias.place))


def find_places(query, limit=8, min_score=0):
    """Places whose name or alias looks like `query`, best first."""
    matches = [m for m in match_places(query or "", _entries(), limit=limit)
               if m.score >= min_score]
    places = {p.id: p for p in db.session.scalars(
        select(Place).where(Place.id.in_([m.place_id for m in matches]))
    )}
    return [places[m.place_id] for m in matches if m.place_id in places]


def _which_place(field, places):
    labels = ", ".join(p.label for p in places)
    return ValidationFailed({field: _("Which place do you mean? %(labels)s", labels=labels)})


def _chosen(text):
    """The place picked from the suggestions (a form's PlaceText carries its id), as long as the
    text is still that place's label: typing something else afterwards means another place."""
    place_id = getattr(text, "place_id", None)
    if not isinstance(place_id, int):
        return None
    place = db.session.get(Place, place_id)
    if place is not None and place.label == text.strip():
        return place
    return None


def _by_label(text, field):
    """The place a label such as "Hengelo (Overijssel)" or "Tielt (bij Tielt-Winge, Vlaanderen)"
    names exactly, if any; a label shared by several places (an old one, or one typed by hand
    without its distinguishing part) makes the user choose."""
    parsed = parse_label(text)
    if parsed is None:
        return None
    name, distinguisher, province = parsed
    places = list(db.session.scalars(
        select(Place).join(Place.province)
        .where(Place.name == name, Province.name == province)
        .order_by(Place.population.desc(), Place.id)))
    exact = [p for p in places if p.distinguisher == distinguisher]
    if len(exact) == 1:
        return exact[0]
    if places:
        raise _which_place(field, places)
    return None


def _exact(text):
    """Places named exactly `text` (normalised): by their own name if any, else by an alias."""
    wanted = normalise(text)
    own = {place_id for name, place_id, _ in _names() if normalise(name) == wanted}
    if own:
        return own
    return {place_id for name, place_id, _ in _entries() if normalise(name) == wanted}


def resolve_place(text, field="place"):
    """The one place the user meant by `text`, or ValidationFailed naming the candidates.

    In order: the place chosen from the suggestions, when `text` carries its id (`place_id`, see
    portal.forms.PlaceText) and still reads as its label; a label such as "Hengelo (Overijssel)";
    a place's own name; another name ("Den Bosch"); a confident typo-tolerant match
    ("Vlisingen"). Two places of the same name are never guessed between.
    """
    place = _chosen(text)
    if place is not None:
        return place
    text = clean_text(text or "")
    if not text:
        raise ValidationFailed({field: _("Enter a place.")})
    place = _by_label(text, field)
    if place is not None:
        return place
    exact = _exact(text)
    if len(exact) == 1:
        return db.session.get(Place, exact.pop())
    if not exact:
        match = best_place(text, _entries())
        if match is not None:
            return db.session.get(Place, match.place_id)
    suggestions = find_places(text, limit=4, min_score=SUGGESTION_SCORE)
    if not suggestions:
        raise ValidationFailed({field: _("We do not know a place called %(name)s.", name=text)})
    raise _which_place(field, suggestions)
