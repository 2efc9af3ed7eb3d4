"""Searches that found nothing: what was asked for, never who asked.

When a school's search (a teacher's, signed in with a school) with at least one filter chosen
(or words typed) finds no offer at all, the search page writes one row: the day, the place of
the school (only to know which region it belongs to: the figures neither show nor export it,
they group the searches by their filters), and the filters as JSON. No user, no school, no
address: a Technocentrum reads what its region's schools ask for and nobody offers (the
figures, portal/moderation/figures.py), not who asked it. A visitor's searches (anyone not
signed in as a school's teacher, bots among them) are not logged, nor a HEAD request: they are
noise, and belong to no region.

Only the empty case writes, with one INSERT; a search that finds something runs no statement
more. A page of a search's results (the links carry `page`) is never logged again: only the
search as sent from its form is.

Rows are kept as long as the figures page offers their period: this school year and the
two before it (KEEP_SCHOOL_YEARS); `flask tasks run` deletes older ones (prune).
"""
from datetime import date

from sqlalchemy import JSON, ForeignKey, delete, insert
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base, local_today
from portal.extensions import db
from portal.matching.forms import DEFAULT_KM

# JSONB on PostgreSQL, so the figures can group rows by their filters (json has no equality);
# JSON (text) on SQLite, where the same filters are always written as the same text.
FILTERS_TYPE = JSON().with_variant(JSONB(), "postgresql")

# The figures page offers this school year and the two before it; older rows are deleted.
KEEP_SCHOOL_YEARS = 3
SCHOOL_YEAR_STARTS = 8  # 1 August, as portal/moderation/figures.py counts school years

# The keys of the filters, in the order they are written and read out.
TYPE, SECTOR, LEVEL, KM, GROUP, FROM, UNTIL, WORDS = (
    "type", "sector", "level", "km", "group", "from", "until", "words")
KEYS = (TYPE, SECTOR, LEVEL, KM, GROUP, FROM, UNTIL, WORDS)
# What a searcher chose, beyond the defaults: the distance is filled in for a teacher already,
# so it counts as chosen only when changed.
CHOSEN = (TYPE, SECTOR, LEVEL, GROUP, FROM, UNTIL, WORDS)


class EmptySearch(Base):
    """One school's search that found nothing: the day, the school's place (for its region
    only), and the filters. Nothing of who."""

    __tablename__ = "empty_searches"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    # {"type": code, "sector": code, "level": code, "km": n, "group": n, "from": ISO date,
    #  "until": ISO date, "words": text}: only the filters the search used, in KEYS' order
    filters: Mapped[dict] = mapped_column(FILTERS_TYPE)

    def __repr__(self):
        return f"<EmptySearch {self.id} {self.day} place={self.place_id}>"


def filters_of(*, offer_type=None, sector_code=None, level_code=None, max_km=None,
               group_size=None, wanted_on=None, wanted_until=None, text=""):
    """The filters of a search as the log keeps them, or None when nothing was chosen (a
    teacher's distance left at its default is no choice)."""
    words = " ".join((text or "").lower().split())
    values = {TYPE: offer_type or None, SECTOR: sector_code, LEVEL: level_code,
              KM: max_km, GROUP: group_size,
              FROM: wanted_on.isoformat() if wanted_on else None,
              UNTIL: wanted_until.isoformat() if wanted_until else None, WORDS: words or None}
    filters = {key: values[key] for key in KEYS if values[key] is not None}
    chosen = any(key in filters for key in CHOSEN) or filters.get(KM, DEFAULT_KM) != DEFAULT_KM
    return filters if chosen else None


def note_empty_search(filters, place=None, today=None):
    """Write one search that found nothing (`filters` from filters_of; `place`: the place of
    the school that searched, anything with `id`, or None for a school without one): one
    INSERT, no ORM object.

    The page's reads are committed first and the INSERT in a transaction of its own: on SQLite
    a transaction that has read cannot wait for the write lock (portal/db.py, _sqlite_begin),
    so an INSERT after the search's reads would fail whenever another request wrote meanwhile.
    The objects the page read stay as they are (nothing expires): they are not read again for
    the rest of the request."""
    session = db.session()
    expiring = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
        session.execute(insert(EmptySearch).values(
            day=today or local_today(), filters=filters,
            place_id=place.id if place is not None else None))
        session.commit()
    finally:
        session.expire_on_commit = expiring


def first_kept_day(today):
    """The first day of the oldest school year kept."""
    start = today.year if today.month >= SCHOOL_YEAR_STARTS else today.year - 1
    return date(start - (KEEP_SCHOOL_YEARS - 1), SCHOOL_YEAR_STARTS, 1)


def prune(session, today=None):
    """Delete the searches older than the school years kept; returns how many. A second run
    finds nothing more."""
    before = first_kept_day(today or local_today())
    return session.execute(delete(EmptySearch).where(EmptySearch.day < before)
                           .execution_options(synchronize_session=False)).rowcount
