"""The offers as the search reads them, in memory: one numpy array per fact (type, place, how
it is given, travel distance, period, group sizes, until when it can be found), and per offer
its dates with room, sectors, levels and words. Kept per process and database, read once in
full, then brought up to date before every search from the change log
(portal/matching/changes.py): a search never waits for the database to scan offers, and sees
every committed change.

Only offers that can be found at all (`offers.search_until` set) are kept; `until` then tells
per day. An offer that changed is read again: its facts in place, its values in `changed` of
each Links until there are so many that the arrays are rebuilt.
"""
import threading
import time
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from portal.matching import changes
from portal.matching.rules import BUSY_FROM, BUSY_FULL

MODES = ("company", "school", "online")
COMPANY, SCHOOL, ONLINE = range(3)
NONE = -1  # a number that is not given (travel_km, capacity, group sizes, dates)
# Offers changed since the arrays were built, from which they are rebuilt.
REBUILD_FROM = 2000
# A copy not brought up to date for this long may have missed rows the log no longer has.
STALE_AFTER = (changes.KEEP_HOURS - 1) * 3600
# Offers read again per statement.
CHUNK = 2000
# Arrays kept for the searches to come (Store.kept): at 250,000 offers a mask takes 0.25 MB,
# a school's distances 2 MB.
KEPT_BYTES = 32 * 1024 * 1024


def _ordinal(dialect, column):
    """SQL: the date as Python's date.toordinal() (NONE when NULL)."""
    if dialect == "postgresql":
        return f"COALESCE(({column} - DATE '0001-01-01') + 1, {NONE})"
    return f"COALESCE(CAST(julianday({column}) - 1721424.5 AS INTEGER), {NONE})"


def _aggregate(dialect, expression):
    if dialect == "postgresql":
        return f"string_agg(({expression})::text, ',')"
    return f"group_concat({expression})"


class _Values:
    """Values per offer, read in bulk, plus for offers read again since (stale ones) their
    current values in `changed` (position -> tuple of values)."""

    def __init__(self):
        self.changed = {}

    def _patch(self, found, stale, value_of):
        found[stale] = 0
        for position, values in self.changed.items():
            found[position] = value_of(values)


class Dated(_Values):
    """A group activity's dates with room (day * ROOM_SPAN + room), in the order of the
    values: the dates of a wanted day or period are one slice."""

    def __init__(self, owners, values):
        super().__init__()
        values = np.asarray(values, dtype=np.int64)
        order = np.argsort(values, kind="stable")
        self.owners = np.asarray(owners, dtype=np.int32)[order]
        self.values = values[order]

    def with_room(self, lowest, beyond, need, stale):
        """Whether each offer has a value from `lowest` up to `beyond` (a day, packed as
        above) with room for `need`."""
        start, stop = np.searchsorted(self.values, [lowest, beyond])
        values = self.values[start:stop]
        found = np.zeros(len(stale), dtype=bool)
        found[self.owners[start:stop][(values & (ROOM_SPAN - 1)) >= need]] = True
        self._patch(found, stale, lambda values: any(
            lowest <= value < beyond and value & (ROOM_SPAN - 1) >= need for value in values))
        return found

    def rebuilt(self, stale, back=None):
        keep = ~stale[self.owners]
        owners, values = [self.owners[keep]], [self.values[keep]]
        for position, found in self.changed.items():
            owners.append(np.full(len(found), position, dtype=np.int32))
            values.append(np.asarray(found, dtype=np.int64))
        owners, values = np.concatenate(owners), np.concatenate(values)
        if back is not None:
            owners = back[owners]
        return Dated(owners, values)


class Postings(_Values):
    """Sectors, levels or words: per value, the positions of the offers that have it, in
    ascending order: `positions[offsets[v]:offsets[v + 1]]` (4 bytes an entry)."""

    def __init__(self, offsets, positions):
        super().__init__()
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.positions = np.asarray(positions, dtype=np.int32)

    @classmethod
    def from_pairs(cls, values, owners):
        order = np.lexsort((owners, values))
        values, owners = values[order], owners[order]
        top = int(values.max(initial=-1)) + 1
        return cls(np.searchsorted(values, np.arange(top + 1)), owners)

    def _slice(self, value):
        if value + 1 >= len(self.offsets) or value < 0:
            return self.positions[:0]
        return self.positions[self.offsets[value]:self.offsets[value + 1]]

    def owners_of(self, wanted):
        """Positions of the offers read in bulk that have one of these values (with repeats)."""
        found = [self._slice(v) for v in wanted]
        return np.concatenate(found) if found else np.empty(0, dtype=np.int32)

    def having(self, wanted, stale):
        """Whether each offer has one of the wanted values."""
        found = np.zeros(len(stale), dtype=bool)
        found[self.owners_of(wanted)] = True
        self._patch(found, stale, lambda values: any(v in wanted for v in values))
        return found

    def best(self, scores, stale):
        """Each offer's best score of its values ({value: score}; 0 without any)."""
        found = np.zeros(len(stale))
        for score in sorted(set(scores.values())):  # higher scores overwrite lower ones
            found[self.owners_of([v for v, s in scores.items() if s == score])] = score
        self._patch(found, stale, lambda values: max((scores.get(v, 0.0) for v in values),
                                                     default=0.0))
        return found

    def among(self, positions, values, stale):
        """{position: [the values it has]} of some offers, for these values."""
        found = {position: [] for position in positions}
        read = np.asarray([p for p in positions if not stale[p]], dtype=np.int32)
        for value in values:
            posting = self._slice(value)
            if len(read) and len(posting):
                at = np.minimum(np.searchsorted(posting, read), len(posting) - 1)
                for position in read[posting[at] == read].tolist():
                    found[position].append(value)
        for position in positions:
            if stale[position]:
                found[position] = [v for v in self.changed.get(position, ()) if v in values]
        return found

    def pairs(self):
        """(values, owners) of every entry."""
        return (np.repeat(np.arange(len(self.offsets) - 1), np.diff(self.offsets)),
                self.positions)

    def rebuilt(self, stale, back=None):
        values, owners = self.pairs()
        keep = ~stale[owners]
        values, owners = [values[keep]], [owners[keep]]
        for position, found in self.changed.items():
            values.append(np.asarray(found, dtype=np.int64))
            owners.append(np.full(len(found), position, dtype=np.int32))
        values, owners = np.concatenate(values), np.concatenate(owners)
        if back is not None:
            owners = back[owners]
        return Postings.from_pairs(values, owners)


# A slot's day and room in one integer: day * ROOM_SPAN + room.
ROOM_SPAN = 1 << 20

_FACTS = ("company", "place", "mode", "travel", "kind", "until", "capacity", "min_group",
          "max_group", "starts", "ends")


@dataclass
class Store:
    ids: np.ndarray  # offer ids, ascending: an offer's position is its index here
    company: np.ndarray
    place: np.ndarray
    mode: np.ndarray  # index in MODES
    travel: np.ndarray  # km a company travels to a school, or NONE
    kind: np.ndarray  # index in `kinds`
    until: np.ndarray  # ordinal of search_until; NONE: cannot be found
    capacity: np.ndarray
    min_group: np.ndarray
    max_group: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    slots: Dated  # of dates with room from the day read on
    sectors: Postings
    levels: Postings
    words: Postings
    stale: np.ndarray  # read again since the Links were built
    kinds: list
    busy: dict  # company id -> open requests on its offers (every company with one or more)
    seen: object = None  # see changes.read
    synced_at: float = 0.0
    # Positions up to `ordered` hold ascending ids (found by bisection); offers added after an
    # id lower than the highest are in `tail` (id -> position) until the next rebuild.
    ordered: int = 0
    tail: dict = field(default_factory=dict)
    _kept: dict = field(default_factory=dict)  # see kept()

    @property
    def size(self):
        return len(self.ids)

    def kept(self, key, make):
        """The array make() returns, kept under `key` until the offers change: what searches
        ask alike (the offers of a sector, a level, a type; the distances from a school...).
        It is read-only: callers combine it into new arrays. The least recently used go when
        the kept arrays pass KEPT_BYTES."""
        found = self._kept.pop(key, None)
        if found is None:
            found = make()
            found.flags.writeable = False
            held = sum(array.nbytes for array in self._kept.values())
            while self._kept and held + found.nbytes > KEPT_BYTES:
                held -= self._kept.pop(next(iter(self._kept))).nbytes
        self._kept[key] = found  # the most recently used last
        return found

    def kind_code(self, name):
        return self.kinds.index(name) if name in self.kinds else -2

    def links(self):
        return {"slots": self.slots, "sectors": self.sectors, "levels": self.levels,
                "words": self.words}

    # --- reading ---------------------------------------------------------------------

    @classmethod
    def read(cls, connection, today):
        _changed, seen, wrote = changes.read(connection, None)
        kinds = []
        chunks = [_fact_arrays(rows, kinds) for rows in _stream(connection, _offers_sql(
            connection.dialect.name, _FINDABLE))]
        ids = np.concatenate([chunk.pop("id") for chunk in chunks] or [np.empty(0, np.int64)])
        facts = {name: np.concatenate([chunk[name] for chunk in chunks])
                 if chunks else np.empty(0, np.int32) for name in _FACTS}
        del chunks
        size = len(ids)
        dialect = connection.dialect.name
        slots = [_flatten(ids, rows) for rows in _stream(
            connection, _links_sql(dialect, today, _FINDABLE)["slots"])]
        made = {"slots": Dated(
            np.concatenate([p[0] for p in slots] or [np.empty(0, np.int32)]),
            np.concatenate([p[1] for p in slots] or [np.empty(0, np.int64)]))}
        del slots
        for name, (table, column) in _POSTINGS.items():
            made[name] = _postings(connection, ids, table, column)
        busy = dict(connection.execute(text(_REQUESTS_SQL.format(where="1 = 1"))).all())
        store = cls(ids=ids, **facts, **made, stale=np.zeros(size, dtype=bool), kinds=kinds,
                    busy=busy, seen=seen, synced_at=time.monotonic(), ordered=size)
        return store, wrote

    def bring_up_to_date(self, connection, today):
        """Read what changed since the last time; returns whether this transaction wrote.
        When most offers changed (a bulk load, the word index rebuilt) everything is read
        anew instead: the caller replaces the store (see `current`)."""
        offer_ids, seen, wrote = changes.read(connection, self.seen)
        if len(offer_ids) > max(REBUILD_FROM, self.size // 10):
            return None
        for start in range(0, len(offer_ids), CHUNK):
            self._read_again(connection, today, offer_ids[start:start + CHUNK])
        self.seen = seen
        self.synced_at = time.monotonic()
        if len(offer_ids) and (int(self.stale.sum()) >= REBUILD_FROM
                               or len(self.tail) >= REBUILD_FROM):
            self._rebuild()
        return wrote

    def _read_again(self, connection, today, offer_ids):
        dialect = connection.dialect.name
        listed = ",".join(str(int(i)) for i in offer_ids)
        self._kept.clear()  # what was kept may change (a company's requests, an offer's facts)
        self._count_requests_again(connection, offer_ids, listed)
        where = _FINDABLE + " AND o.id IN (" + listed + ")"
        rows = connection.execute(text(_offers_sql(dialect, where))).all()
        linked = {name: {offer_id: [int(v) for v in joined.split(",")]
                         for offer_id, joined in connection.execute(text(sql))}
                  for name, sql in _links_sql(dialect, today, where).items()}
        found = {row[0]: row for row in rows}
        self._append(sorted(i for i in found if self.position(i) is None))
        for name in {row[5] for row in rows} - set(self.kinds):
            self.kinds.append(name)
        for offer_id in offer_ids:
            position = self.position(offer_id)
            if position is None:  # neither kept nor findable now
                continue
            row = found.get(offer_id)
            self.stale[position] = True
            if row is None:  # cannot be found (any more): deleted, withdrawn, full, ended
                self.until[position] = NONE
                for links in self.links().values():
                    links.changed[position] = ()
                continue
            for name, value in zip(_FACTS, _fact_values(row, self.kinds), strict=True):
                getattr(self, name)[position] = value
            for name, links in self.links().items():
                links.changed[position] = tuple(linked[name].get(offer_id, ()))

    def fairness_points(self, weight):
        """The fairness rule's points per offer (rules._fairness of its company: -weight *
        min(1, requests / BUSY_FULL) from BUSY_FROM open requests on, else 0), kept."""
        def make():
            top = max(int(self.company.max(initial=0)), max(self.busy, default=0)) + 1
            points = np.zeros(top)
            for company, requests in self.busy.items():
                if requests >= BUSY_FROM:
                    points[company] = -weight * min(1.0, requests / BUSY_FULL)
            return points[self.company]
        return self.kept(("fairness", weight), make)

    def _count_requests_again(self, connection, offer_ids, listed):
        """The open requests of the changed offers' companies (also of a deleted offer's
        company, known from the arrays)."""
        known = {int(self.company[p]) for p in map(self.position, offer_ids) if p is not None}
        companies = known | set(connection.execute(text(
            f"SELECT DISTINCT company_id FROM offers WHERE id IN ({listed})")).scalars())
        if not companies:
            return
        counted = dict(connection.execute(text(_REQUESTS_SQL.format(
            where="o.company_id IN (" + ",".join(str(int(c)) for c in companies) + ")"))).all())
        for company in companies:
            if counted.get(company):
                self.busy[company] = counted[company]
            else:
                self.busy.pop(company, None)

    def position(self, offer_id):
        at = int(np.searchsorted(self.ids[:self.ordered], offer_id))
        if at < self.ordered and self.ids[at] == offer_id:
            return at
        return self.tail.get(offer_id)

    def _append(self, offer_ids):
        """New offers at the end (stale: their values come in `changed`)."""
        count = len(offer_ids)
        if not count:
            return
        in_order = self.ordered == self.size and (not self.size or offer_ids[0] > self.ids[-1])
        start = self.size
        self.ids = np.concatenate([self.ids, np.asarray(offer_ids, dtype=np.int64)])
        for name in _FACTS:
            array = getattr(self, name)
            setattr(self, name, np.concatenate([array, np.full(count, NONE, dtype=array.dtype)]))
        self.stale = np.concatenate([self.stale, np.ones(count, dtype=bool)])
        if in_order:
            self.ordered = self.size
        else:  # an id lower than the highest: a draft published, or committed out of order
            self.tail.update(zip(offer_ids, range(start, self.size), strict=True))

    def _rebuild(self):
        self._kept.clear()
        order = np.argsort(self.ids, kind="stable")
        back = None
        if not np.array_equal(order, np.arange(self.size)):
            back = np.empty_like(order)
            back[order] = np.arange(self.size)
            back = back.astype(np.int32)
        made = {name: links.rebuilt(self.stale, back) for name, links in self.links().items()}
        if back is not None:
            self.ids = self.ids[order]
            for name in _FACTS:
                setattr(self, name, getattr(self, name)[order])
        for name, links in made.items():
            setattr(self, name, links)
        self.stale = np.zeros(self.size, dtype=bool)
        self.ordered, self.tail = self.size, {}


_POSTINGS = {"sectors": ("offer_sectors", "sector_id"),
             "levels": ("offer_levels", "education_level_id"),
             "words": ("offer_words", "word_id")}


def _postings(connection, ids, table, column):
    """Postings of every offer kept, read per value (the link table's primary key order) into
    one array allocated once: memory stays near the size of the result."""
    total = connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()
    positions = np.empty(total, dtype=np.int32)
    counts, filled = {}, 0
    sql = (f"SELECT {column}, {_aggregate(connection.dialect.name, 'offer_id')} FROM {table} "
           f"GROUP BY {column} ORDER BY {column}")
    for rows in _stream(connection, sql, POSTINGS_FETCH):
        for value, joined in rows:
            offer_ids = np.fromstring(joined, dtype=np.int64, sep=",")
            at = np.minimum(np.searchsorted(ids, offer_ids), max(len(ids) - 1, 0))
            kept = np.sort(at[ids[at] == offer_ids]) if len(ids) else at[:0]
            if filled + len(kept) > len(positions):  # rows added since the count
                positions = np.concatenate([positions[:filled], np.empty(
                    len(kept) + len(positions) // 8, dtype=np.int32)])
            positions[filled:filled + len(kept)] = kept
            counts[value] = len(kept)
            filled += len(kept)
    lengths = np.zeros(max(counts, default=-1) + 1, dtype=np.int64)
    for value, count in counts.items():
        lengths[value] = count
    # a copy: the buffer also had room for rows of offers that are not kept
    return Postings(np.concatenate([[0], np.cumsum(lengths)]), positions[:filled].copy())


_FINDABLE = "o.search_until IS NOT NULL"
# Open requests per company (rules.points' open_requests), of every offer the company has.
_REQUESTS_SQL = ("SELECT o.company_id, count(*) FROM bookings b "
                 "JOIN offers o ON o.id = b.offer_id "
                 f"WHERE b.status = '{changes.OPEN_REQUEST}' AND {{where}} "
                 "GROUP BY o.company_id")
# Rows read per fetch when reading everything: memory stays low while arrays are built.
FETCH = 20000
POSTINGS_FETCH = 64  # a row of postings holds every offer with a value


def _offers_sql(dialect, where):
    return f"""
        SELECT o.id, o.company_id, o.place_id, o.location_mode,
               COALESCE(o.travel_km, {NONE}), o.offer_type, {_ordinal(dialect, "o.search_until")},
               COALESCE(o.capacity, {NONE}), COALESCE(o.min_group_size, {NONE}),
               COALESCE(o.max_group_size, {NONE}), {_ordinal(dialect, "o.starts_on")},
               {_ordinal(dialect, "o.ends_on")}
        FROM offers o WHERE {where} ORDER BY o.id"""


def _links_sql(dialect, today, where):
    """{name: SQL of (offer id, "value,value,...") per offer, in the order of ids}."""
    day = _ordinal(dialect, "t.day")
    sources = {
        "slots": ("slots", f"CAST({day} AS BIGINT) * {ROOM_SPAN} + (t.capacity - t.taken)",
                  f"o.capacity IS NULL AND t.taken < t.capacity "
                  f"AND {day} >= {today.toordinal()}"),
        "sectors": ("offer_sectors", "t.sector_id", "1 = 1"),
        "levels": ("offer_levels", "t.education_level_id", "1 = 1"),
        "words": ("offer_words", "t.word_id", "1 = 1"),
    }
    return {name: f"""
        SELECT t.offer_id, {_aggregate(dialect, expression)}
        FROM {table} t JOIN offers o ON o.id = t.offer_id
        WHERE {where} AND {condition} GROUP BY t.offer_id ORDER BY t.offer_id"""
            for name, (table, expression, condition) in sources.items()}


def _stream(connection, sql, fetch=None):
    """The rows in lists of up to FETCH (PostgreSQL: from a server-side cursor)."""
    fetch = fetch or FETCH
    result = connection.execute(text(sql).execution_options(stream_results=True,
                                                            yield_per=fetch))
    yield from result.partitions(fetch)


def _flatten(ids, grouped):
    """(owner positions, values) from [(offer id, "v,v,v")] in the order of ids."""
    if not grouped:
        return np.empty(0, dtype=np.int32), np.empty(0, dtype=np.int64)
    offer_ids = np.fromiter((row[0] for row in grouped), dtype=np.int64, count=len(grouped))
    counts = np.fromiter((row[1].count(",") + 1 for row in grouped), dtype=np.int64,
                         count=len(grouped))
    values = np.fromstring(",".join(row[1] for row in grouped), dtype=np.int64, sep=",")
    positions = np.minimum(np.searchsorted(ids, offer_ids), max(len(ids) - 1, 0))
    # PostgreSQL reads each statement anew: an offer findable since the offers were read is
    # not kept (the change log brings it)
    known = (ids[positions] == offer_ids) if len(ids) else np.zeros(len(offer_ids), bool)
    owners = np.repeat(positions, counts).astype(np.int32)
    return owners[np.repeat(known, counts)], values[np.repeat(known, counts)]


def _fact_values(row, kinds):
    (_id, company, place, mode, travel, kind, until, capacity, min_group, max_group, starts,
     ends) = row
    return (company, place, MODES.index(mode), travel, kinds.index(kind), until, capacity,
            min_group, max_group, starts, ends)


def _fact_arrays(rows, kinds):
    """{"id": ids, fact: array} of some rows; kinds not seen before are added to `kinds`."""
    for name in {row[5] for row in rows} - set(kinds):
        kinds.append(name)
    columns = list(zip(*(_fact_values(row, kinds) for row in rows), strict=True))
    types = {"mode": np.int8, "kind": np.int8}
    found = {name: np.asarray(column, dtype=types.get(name, np.int32))
             for name, column in zip(_FACTS, columns, strict=True)}
    found["id"] = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    return found


# --- one store per database, per process ---------------------------------------------

_lock = threading.RLock()
_stores = {}  # database url -> Store


def key_of(connection):
    return str(connection.engine.url)


def current(connection, today):
    """The store of the connection's database, up to date for this connection's transaction.
    Hold `lock` while using it. When the transaction has written rows of its own that are not
    committed, what it read is marked tentative: a rollback then drops the store."""
    key = key_of(connection)
    store = _stores.get(key)
    wrote = None
    if store is not None and time.monotonic() - store.synced_at <= STALE_AFTER:
        wrote = store.bring_up_to_date(connection, today)
    if wrote is None:
        _stores[key] = None  # the old copy's memory goes before the new one is read
        store, wrote = Store.read(connection, today)
        _stores[key] = store
    if wrote:
        connection.info["search_store_tentative"] = key
    return store


lock = _lock


def read_in_background(app):
    """Read the store in a thread of its own (a server's worker starting); a search meanwhile
    waits for it on the lock. If it fails, the first search reads it."""
    def read():
        from portal.db import local_today
        from portal.extensions import db

        with app.app_context():
            try:
                with _lock:
                    current(db.session.connection(), local_today())
            except Exception:  # noqa: BLE001 - logged; the first search tries again
                app.logger.exception("reading the offers for the search failed")
            finally:
                db.session.remove()

    thread = threading.Thread(target=read, name="search-store", daemon=True)
    thread.start()
    return thread


def forget(key=None):
    with _lock:
        if key is None:
            _stores.clear()
        else:
            _stores.pop(key, None)


def _forget_tentative(connection):
    key = connection.info.pop("search_store_tentative", None)
    if key is not None:
        forget(key)


@event.listens_for(Engine, "commit")
def _committed(connection):
    connection.info.pop("search_store_tentative", None)


@event.listens_for(Engine, "rollback")
def _rolled_back(connection):
    _forget_tentative(connection)


@event.listens_for(Engine, "rollback_savepoint")
def _rolled_back_to_savepoint(connection, name, context):
    _forget_tentative(connection)


@event.listens_for(Pool, "reset")
def _reset(dbapi_connection, record, reset_state):
    """A connection given back to the pool mid-transaction is rolled back without the Engine
    events above."""
    key = record.info.pop("search_store_tentative", None)
    if key is not None:
        forget(key)
