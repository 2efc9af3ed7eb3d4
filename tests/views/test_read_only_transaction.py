"""A view that only reads (portal.db.ends_with_commit, the search page) ends its transaction
with a COMMIT of nothing instead of a ROLLBACK, so that psycopg keeps its prepared
statements; anything pending, flushed or failed still ends with a rollback."""
from contextlib import contextmanager

import pytest
from flask import g
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.db import end_read_only_transaction
from portal.extensions import db
from portal.taxonomy.models import Sector
from portal.taxonomy.services import sector_by_code
from tests.views.helpers import login


@contextmanager
def commits():
    ended = []

    def commit(session):
        ended.append("commit")

    def rollback(session):
        ended.append("rollback")

    event.listen(Session, "after_commit", commit)
    event.listen(Session, "after_soft_rollback", rollback)
    try:
        yield ended
    finally:
        event.remove(Session, "after_commit", commit)
        event.remove(Session, "after_soft_rollback", rollback)


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "teacher"])
def test_the_search_page_ends_with_a_commit(client, make, signed_in):
    make.offer()  # "lassen" finds it (a search that finds nothing writes: test_empty_searches)
    if signed_in:
        teacher = make.user()
        make.school(teacher=teacher)
        login(client, teacher)
    with commits() as ended:
        assert client.get("/zoeken?q=lassen").status_code == 200
        assert client.get("/zoeken?group_size=0").status_code == 400  # bad input reads only
    assert ended[:1] == ["commit"] and ended.count("commit") == 2
    with commits() as ended:
        client.get("/privacy")  # other pages end as before
    assert "commit" not in ended


@pytest.fixture
def sector(app):
    with app.test_request_context():
        yield sector_by_code("metaal")


def _end(**kwargs):
    g.ends_with_commit = True
    with commits() as ended:
        end_read_only_transaction(**kwargs)
    return ended


def test_a_transaction_that_read_only_is_committed(app, sector):
    assert _end() == ["commit"]
    assert not db.session().in_transaction()


def test_a_pending_change_is_never_committed(app, sector):
    sector.name = "Veranderd"
    assert _end() == []
    db.session.rollback()
    assert db.session.get(Sector, sector.id).name != "Veranderd"


def test_a_flushed_change_is_never_committed(app, sector):
    sector.name = "Veranderd"
    db.session.flush()
    assert _end() == []
    assert db.session().in_transaction()
    db.session.rollback()
    assert db.session.get(Sector, sector.id).name != "Veranderd"


def test_a_failed_request_is_never_committed(app, sector):
    assert _end(error=RuntimeError("the view failed")) == []
    assert db.session().in_transaction()


def test_a_view_without_the_mark_is_left_alone(app, sector):
    with commits() as ended:
        end_read_only_transaction()
    assert ended == [] and db.session().in_transaction()
