"""What every search needs at hand, kept per process: the places (their coordinates and
regions), the sectors' chambers, and the vocabulary of the word index (to map a misspelt
word onto known words).

They only grow in normal use, so a cheap check per search (the highest id) tells whether to read
what was added. A session that rolls back after adding words (portal.matching.index marks it)
drops the vocabulary, because SQLite may give their ids to other words.
"""
import threading
from dataclasses import dataclass, field

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from portal.extensions import database_key, db
from portal.geo.models import Place
from portal.matching.index import search_words
from portal.matching.rules import Area
from portal.taxonomy.models import Sector
from portal.taxonomy.version import current_version

_lock = threading.Lock()
_places: dict = {}  # database url -> (highest id, {place id: Area})
_vocabularies: dict = {}  # database url -> Vocabulary
_sectors: dict = {}  # database url -> (version, {sector id: chamber id})


@dataclass
class Vocabulary:
    highest: int = 0
    words: list = field(default_factory=list)  # sorted, distinct
    ids: dict = field(default_factory=dict)  # word -> id
    word_of: dict = field(default_factory=dict)  # id -> word
    # searched word -> {word id: score} (plan.make_plan), for this vocabulary: popular words
    # are searched again and again, and matching one scans every word
    matches: dict = field(default_factory=dict)


_HIGHEST = select(select(func.max(Place.id)).scalar_subquery(),
                  select(func.max(search_words.c.id)).scalar_subquery(),
                  current_version())


def highest_ids():
    """(highest place id, highest word id, taxonomy version): one cheap statement tells what
    changed."""
    row = db.session.connection().execute(_HIGHEST).one()  # Core: no ORM layer needed
    return row[0] or 0, row[1] or 0, row[2]


def sector_parents(version):
    """{sector id: its chamber's id (itself for a chamber)}; `version`: see highest_ids()."""
    key = database_key()
    cached = _sectors.get(key)
    if cached is None or cached[0] != version:
        parents = {sector_id: parent_id or sector_id for sector_id, parent_id in
                   db.session.execute(select(Sector.id, Sector.parent_id))}
        with _lock:
            _sectors[key] = cached = (version, parents)
    return cached[1]


def places(highest):
    """{place id: Area} of every place; `highest` is the first of highest_ids()."""
    key = database_key()
    cached = _places.get(key)
    if cached is None or cached[0] != highest:
        rows = db.session.execute(select(Place.id, Place.latitude, Place.longitude,
                                         Place.province_id, Place.landsdeel_id))
        areas = {row[0]: Area(latitude=row[1], longitude=row[2], place_id=row[0],
                              province_id=row[3], landsdeel_id=row[4]) for row in rows}
        with _lock:
            _places[key] = cached = (highest, areas)
    return cached[1]


def vocabulary(highest):
    """The words of the word index, sorted, with their ids; `highest`: see highest_ids()."""
    key = database_key()
    with _lock:
        current = _vocabularies.get(key) or Vocabulary()
    if current.highest == highest:
        return current
    added = db.session.execute(
        select(search_words.c.id, search_words.c.word)
        .where(search_words.c.id > current.highest)).all()
    ids = {**current.ids, **{word: word_id for word_id, word in added}}
    word_of = {**current.word_of, **{word_id: word for word_id, word in added}}
    fresh = Vocabulary(highest=highest, words=sorted(ids), ids=ids, word_of=word_of)
    with _lock:
        _vocabularies[key] = fresh
    return fresh


def forget():
    """Drop what is kept (tests, and after a rollback that may have freed word ids)."""
    with _lock:
        _places.clear()
        _vocabularies.clear()
        _sectors.clear()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    if session.info.pop("added_words", False):
        forget()


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    session.info.pop("added_words", None)
