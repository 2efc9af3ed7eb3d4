"""The search's offers in memory (portal/matching/store.py) follow the database: what other
processes commit is found at the next search, also when PostgreSQL commits transactions in
another order than they wrote; what a transaction saw of its own writes goes when it rolls back;
and whatever way the copy was brought up to date, it searches like a copy read anew.

Each test has a database of its own (tests/databases.py); the "other process" is a connection
of its own that writes with plain SQL, as a conditional UPDATE of another worker does.
"""
import threading

import pytest
from sqlalchemy import text

from portal.extensions import db
from portal.matching import store
from portal.matching.search import SearchFilters, find_offers
from portal.organisations.models import School
from tests import factories
from tests.databases import app_with_two_towns

pytestmark = pytest.mark.own_app


@pytest.fixture
def app(tmp_path):
    with app_with_two_towns(tmp_path, "search_store") as app:
        yield app
    store.forget()


@pytest.fixture
def world(app):
    with app.app_context():
        company = factories.company(place="Vlissingen")
        school = factories.school(place="Middelburg")
        offers = [factories.offer(company, title=f"Rondleiding {n}") for n in range(4)]
        ids = {"school": school.id, "offers": [offer.id for offer in offers],
               "company": company.id}
        db.session.remove()
        return ids


def found(app, school_id=None, **filters):
    """(offer ids of the first page, total) as a search in a request of its own finds them."""
    with app.test_request_context("/"):
        school = db.session.get(School, school_id) if school_id else None
        result = find_offers(SearchFilters(per_page=50, **filters), school=school)
        return [ranked.offer_id for ranked, _offer in result.hits], result.total


def found_anew(app, school_id=None, **filters):
    """The same search on a copy read in full."""
    store.forget()
    return found(app, school_id, **filters)


def other_process(app, *statements):
    """Commit these statements on a connection of their own."""
    with app.app_context(), db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def test_what_another_process_commits_is_found_at_the_next_search(app, world):
    first, second, third, fourth = world["offers"]
    before = found(app, world["school"])
    assert sorted(before[0]) == sorted(world["offers"])

    other_process(app, f"UPDATE offers SET offer_type = 'guest_lesson' WHERE id = {first}",
                  f"UPDATE offers SET status = 'paused' WHERE id = {second}",
                  f"UPDATE slots SET taken = capacity WHERE offer_id = {third}")

    assert found(app, world["school"])[0] == [first, fourth]
    assert found(app, offer_type="guest_lesson")[0] == [first]
    assert found(app, group_size=20)[0] == [first, fourth]
    assert found(app, world["school"]) == found_anew(app, world["school"])

    other_process(app, f"UPDATE slots SET taken = 0 WHERE offer_id = {third}",
                  f"UPDATE organisations SET status = 'suspended' WHERE id = {world['company']}")
    assert found(app)[0] == []
    other_process(app, f"UPDATE organisations SET status = 'approved' "
                       f"WHERE id = {world['company']}")
    assert found(app)[0] == [first, third, fourth]


def test_a_new_offer_a_new_word_and_a_deleted_offer(app, world):
    found(app)
    assert found(app, text="booglassen")[0] == []  # what it matched is kept with the words
    with app.test_request_context("/"):
        company = factories.company(place="Middelburg", name="Zeeuwse Lastechniek")
        new = factories.offer(company, title="Booglassen voor beginners").id
        db.session.remove()
    assert found(app, text="booglassen")[0] == [new]
    assert found(app, text="lastechniek")[0] == [new]

    first = world["offers"][0]
    other_process(app, f"DELETE FROM slots WHERE offer_id = {first}",
                  f"DELETE FROM offer_words WHERE offer_id = {first}",
                  f"DELETE FROM offer_sectors WHERE offer_id = {first}",
                  f"DELETE FROM offer_levels WHERE offer_id = {first}",
                  f"DELETE FROM offer_revisions WHERE offer_id = {first}",
                  f"DELETE FROM offers WHERE id = {first}")
    assert first not in found(app)[0]
    assert found(app) == found_anew(app)


def test_an_older_offer_published_later_takes_its_place_in_the_order(app, world):
    """An offer with a lower id than every kept one comes in (a draft published later; on
    PostgreSQL also ids taken in one order and committed in another): the arrays are rebuilt
    in the order of ids, and ties still go to the lower id."""
    with app.test_request_context("/"):
        company = factories.company(place="Vlissingen")
        draft = factories.offer(company, status="draft", title="Rondleiding later").id
        after = factories.offer(company, title="Rondleiding eerder").id
        db.session.remove()
    assert draft not in found(app)[0]

    other_process(app, f"UPDATE offers SET status = 'published' WHERE id = {draft}")

    ids, total = found(app, world["school"])
    assert draft in ids and after in ids and total == 6
    assert ids == found_anew(app, world["school"])[0]


def test_after_many_changes_the_arrays_are_rebuilt_and_search_the_same(app, world, monkeypatch):
    monkeypatch.setattr(store, "REBUILD_FROM", 2)
    found(app)
    first, second, third, _fourth = world["offers"]
    other_process(app, f"UPDATE offers SET offer_type = 'guest_lesson' WHERE id = {first}")
    assert found(app, offer_type="guest_lesson")[0] == [first]  # one change: kept aside
    other_process(app, f"UPDATE offers SET offer_type = 'guest_lesson' WHERE id = {second}",
                  f"UPDATE slots SET taken = capacity WHERE offer_id = {third}")
    assert found(app, offer_type="guest_lesson")[0] == [first, second]
    kept = store._stores[next(iter(store._stores))]
    assert not kept.stale.any() and not kept.words.changed  # rebuilt
    for filters in ({}, {"text": "rondleiding"}, {"group_size": 20}):
        assert found(app, world["school"], **filters) == found_anew(app, world["school"],
                                                                    **filters)


def test_transactions_committed_in_another_order_than_they_wrote_are_all_found(app, world):
    """PostgreSQL: A writes first, B writes and commits, a search runs, then A commits: the
    search must still find A's change (its log row has a lower seq than B's). SQLite has one
    writer at a time: B waits for A, and both are found."""
    first, second, _third, _fourth = world["offers"]
    found(app)
    with app.app_context():
        a = db.engine.connect()
        transaction = a.begin()
        a.execute(text(f"UPDATE offers SET offer_type = 'guest_lesson' WHERE id = {first}"))
        b = threading.Thread(target=other_process, args=(
            app, f"UPDATE offers SET offer_type = 'guest_lesson' WHERE id = {second}"))
        b.start()
        b.join(timeout=1)
        postgresql = db.engine.dialect.name == "postgresql"
        assert b.is_alive() is not postgresql  # SQLite: B waits for A's write lock
        assert found(app, offer_type="guest_lesson")[0] == ([second] if postgresql else [])
        transaction.commit()
        a.close()
        b.join(timeout=30)
        assert not b.is_alive()
    assert found(app, offer_type="guest_lesson")[0] == [first, second]


def test_what_a_search_saw_of_its_own_writes_goes_when_they_roll_back(app, world):
    first = world["offers"][0]
    found(app)
    with app.test_request_context("/"):
        db.session.execute(text(f"UPDATE offers SET offer_type = 'assignment' WHERE id = {first}"))
        result = find_offers(SearchFilters(offer_type="assignment"))
        assert [ranked.offer_id for ranked, _ in result.hits] == [first]  # its own write
        db.session.rollback()
    assert found(app, offer_type="assignment")[0] == []
    assert found(app) == found_anew(app)


def test_the_log_is_kept_a_day_and_a_copy_older_than_that_is_read_anew(app, world, monkeypatch):
    from datetime import timedelta

    from portal.bookings.due import remove_old_search_changes
    from portal.db import utcnow

    first = world["offers"][0]
    found(app)
    with app.app_context():
        assert remove_old_search_changes(utcnow()) == 0
        highest = db.session.execute(text("SELECT max(seq) FROM search_changes")).scalar()
        assert remove_old_search_changes(utcnow() + timedelta(hours=25)) > 0
        # the last row stays, so that SQLite never counts seqs from 1 again
        assert db.session.execute(text("SELECT seq FROM search_changes")).scalars().all() == [
            highest]
    # A change whose log row is gone before this process read it...
    other_process(app, f"UPDATE offers SET offer_type = 'guest_lesson' WHERE id = {first}",
                  "DELETE FROM search_changes")
    assert found(app, offer_type="guest_lesson")[0] == []
    # ...is found once the copy is older than the log keeps rows.
    kept = store._stores[next(iter(store._stores))]
    kept.synced_at -= store.STALE_AFTER + 1
    assert found(app, offer_type="guest_lesson")[0] == [first]


def _reasons(app, school_id):
    """{offer id: the rule codes of its reasons} as a search finds them."""
    with app.test_request_context("/"):
        school = db.session.get(School, school_id)
        result = find_offers(SearchFilters(per_page=50), school=school)
        return {ranked.offer_id: {r.code for r in ranked.reasons} for ranked, _ in result.hits}


def test_open_requests_another_process_makes_or_answers_count_at_the_next_search(app, world):
    """The fairness rule counts a company's open requests, which the store keeps: a booking
    that becomes, or stops being, an open request is counted again for its company."""
    from datetime import timedelta

    from sqlalchemy import insert

    from portal.db import local_today
    from portal.taxonomy.models import EducationLevel

    first, second, _third, _fourth = world["offers"]
    with app.app_context():
        level_id = db.session.scalars(db.select(EducationLevel.id)).first()
        teacher_id = factories.user().id
        db.session.commit()
    assert not any("busy" in codes for codes in _reasons(app, world["school"]).values())

    bookings = db.metadata.tables["bookings"]
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(insert(bookings), [
            {"offer_id": offer_id, "school_id": world["school"], "requested_by_id": teacher_id,
             "status": "requested", "wanted_on": local_today() + timedelta(days=30),
             "group_size": 20, "teachers": 0,
             "room_taken": 0, "education_level_id": level_id, "sequence": 0,
             "cancelled_late": False} for offer_id in (first, first, second)])
    reasons = _reasons(app, world["school"])
    assert all("busy" in codes for codes in reasons.values())  # every offer of the company
    assert found(app, world["school"]) == found_anew(app, world["school"])

    other_process(app, f"UPDATE bookings SET status = 'declined' WHERE offer_id = {second}")
    assert not any("busy" in codes for codes in _reasons(app, world["school"]).values())
    other_process(app, f"UPDATE bookings SET status = 'requested' WHERE offer_id = {second}")
    assert all("busy" in codes for codes in _reasons(app, world["school"]).values())
    other_process(app, f"DELETE FROM bookings WHERE offer_id = {first}")
    assert not any("busy" in codes for codes in _reasons(app, world["school"]).values())
