"""The word index of the search: every offer's words (title, description, company, place and
sector names, folded as portal.matching.words does), in two plain tables that SQLite and
PostgreSQL index alike, so both databases find exactly the same offers.

`search_words` holds each distinct word once; `offer_words` which offer has which word. The
index follows the offers by itself: a session hook notes offers whose words may have changed
(new, edited, moved, other sectors; a company renamed) and rewrites their rows in the same
transaction, just before it commits. Bulk loads that bypass the ORM call `rebuild_index()`.
Words are never deleted from `search_words`: a word no offer has any more finds nothing.
"""
from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    delete,
    event,
    insert,
    select,
)
from sqlalchemy.orm import Session

from portal.db import Base
from portal.extensions import db
from portal.geo.models import Place
from portal.matching import changes
from portal.matching.words import words_of
from portal.offers import findable
from portal.offers.models import Offer, offer_sectors
from portal.organisations.models import Organisation
from portal.taxonomy.models import Sector

search_words = Table(
    "search_words", Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("word", String(40), nullable=False, unique=True),
)

offer_words = Table(
    "offer_words", Base.metadata,
    Column("word_id", ForeignKey("search_words.id"), primary_key=True),
    Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)

# Offers are read and written in chunks of this many (bound parameters stay well within limits).
CHUNK = 2000
# What of an offer feeds its words; a change to any of these reindexes it.
_OFFER_FIELDS = ("title", "description", "place_id", "company_id", "sectors")
def _insert_ignoring_duplicates(session, table, rows):
    """INSERT, skipping rows whose unique key exists (another transaction may add the same new
    word at the same moment: the unique index keeps one, both then read its id)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    session.execute(dialect_insert(table).on_conflict_do_nothing(), rows)


def _word_ids(session, words):
    """The ids of the words, adding the ones the index does not know yet."""
    ids = {}
    words = list(words)
    for start in range(0, len(words), CHUNK):
        part = words[start:start + CHUNK]
        ids.update(session.execute(
            select(search_words.c.word, search_words.c.id).where(search_words.c.word.in_(part))
        ).all())
    missing = [word for word in words if word not in ids]
    if missing:
        # If this transaction rolls back, SQLite may reuse the ids: the search's vocabulary
        # (portal.matching.catalogue) is then read anew.
        session.info["added_words"] = True
        _insert_ignoring_duplicates(session, search_words, [{"word": word} for word in missing])
        for start in range(0, len(missing), CHUNK):
            part = missing[start:start + CHUNK]
            ids.update(session.execute(
                select(search_words.c.word, search_words.c.id)
                .where(search_words.c.word.in_(part))).all())
    return ids


def _texts(session, offer_ids):
    """offer id -> the texts its words come from."""
    texts = {}
    rows = session.execute(
        select(Offer.id, Offer.title, Offer.description, Organisation.name, Place.name)
        .join(Organisation, Organisation.id == Offer.company_id)
        .join(Place, Place.id == Offer.place_id)
        .where(Offer.id.in_(offer_ids)))
    for offer_id, *parts in rows:
        texts[offer_id] = list(parts)
    sectors = session.execute(
        select(offer_sectors.c.offer_id, Sector.name, Sector.name_en)
        .join(Sector, Sector.id == offer_sectors.c.sector_id)
        .where(offer_sectors.c.offer_id.in_(offer_ids)))
    for offer_id, name, name_en in sectors:
        texts[offer_id] += [name, name_en]
    return texts


def index_offers(offer_ids, session=None, fresh=()):
    """Rewrite the word rows of these offers from what they say now. `fresh`: offers known to
    have no word rows yet (new ones), spared the delete."""
    session = session or db.session
    offer_ids = sorted(set(offer_ids))
    fresh = set(fresh)
    for start in range(0, len(offer_ids), CHUNK):
        part = offer_ids[start:start + CHUNK]
        texts = _texts(session, part)
        words = {offer_id: words_of(*found) for offer_id, found in texts.items()}
        ids = _word_ids(session, {word for found in words.values() for word in found})
        stale = [offer_id for offer_id in part if offer_id not in fresh]
        if stale:
            session.execute(delete(offer_words).where(offer_words.c.offer_id.in_(stale)))
        rows = [{"word_id": ids[word], "offer_id": offer_id}
                for offer_id, found in words.items() for word in found]
        if rows:
            session.execute(insert(offer_words), rows)
        changes.note(session, part)


def rebuild_index(session=None):
    """Index every offer anew (after a bulk load, or to repair): returns the number indexed."""
    session = session or db.session
    session.execute(delete(offer_words))
    offer_ids = list(session.scalars(select(Offer.id).order_by(Offer.id)))
    index_offers(offer_ids, session, fresh=offer_ids)
    findable.refresh_all(session)
    return len(offer_ids)


# --- following the offers -------------------------------------------------------------

def _changed(instance, names):
    from sqlalchemy import inspect

    state = inspect(instance)
    return any(state.attrs[name].history.has_changes() for name in names)


@event.listens_for(Session, "before_flush")
def _note_changes(session, flush_context, instances):
    noted = session.info.setdefault("reindex", {"offers": set(), "new": set(),
                                                "companies": set(), "sectors": set()})
    for instance in session.new:
        if isinstance(instance, Offer):
            noted["offers"].add(instance)
            noted["new"].add(instance)
    for instance in session.dirty:
        if isinstance(instance, Offer) and _changed(instance, _OFFER_FIELDS):
            noted["offers"].add(instance)
        elif isinstance(instance, Organisation) and _changed(instance, ("name",)):
            noted["companies"].add(instance)
        elif isinstance(instance, Sector) and _changed(instance, ("name", "name_en")):
            noted["sectors"].add(instance)


@event.listens_for(Session, "before_commit")
def _reindex(session):
    if session.new or session.dirty or session.deleted:
        session.flush()  # the commit would flush after this hook: note its changes first
    noted = session.info.pop("reindex", None)
    if not noted or not any(noted.values()):
        return
    offer_ids = {offer.id for offer in noted["offers"] if offer.id is not None}
    fresh = {offer.id for offer in noted["new"] if offer.id is not None}
    company_ids = [company.id for company in noted["companies"]]
    if company_ids:
        offer_ids.update(session.scalars(select(Offer.id).where(Offer.company_id.in_(company_ids))))
    sector_ids = [sector.id for sector in noted["sectors"]]
    if sector_ids:
        offer_ids.update(session.scalars(select(offer_sectors.c.offer_id)
                                         .where(offer_sectors.c.sector_id.in_(sector_ids))))
    # Offers deleted meanwhile have no texts (and their rows went with them: ON DELETE CASCADE).
    if offer_ids:
        index_offers(offer_ids, session, fresh=fresh)


@event.listens_for(Session, "after_rollback")
def _forget(session):
    session.info.pop("reindex", None)
