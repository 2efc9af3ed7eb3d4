"""The audit log keeps events AUDIT_RETENTION_DAYS days: `flask tasks run` removes older ones, in
one DELETE, safe to run again."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.audit import AuditEvent
from portal.bookings import due
from portal.db import utcnow
from portal.extensions import db

NOW = utcnow()


@pytest.fixture
def retention(app, monkeypatch):
    """Set the retention for one test; the app's config is shared by the whole run."""
    def set_days(days):
        monkeypatch.setitem(app.config, "AUDIT_RETENTION_DAYS", days)
    set_days(730)
    return set_days


def event_aged(make, days, action="test.aged"):
    user = make.user()
    event = AuditEvent(actor_id=user.id, action=action, subject_type="users",
                       subject_id=user.id, details={}, created_at=NOW - timedelta(days=days))
    db.session.add(event)
    db.session.commit()
    return event.id


def remaining(ids):
    db.session.expire_all()
    return set(db.session.scalars(select(AuditEvent.id).where(AuditEvent.id.in_(ids))))


def test_events_older_than_the_retention_are_removed_and_newer_ones_kept(make, retention):
    old = event_aged(make, 731)
    older = event_aged(make, 2000)
    edge = event_aged(make, 729)
    new = event_aged(make, 0)

    assert due.remove_old_audit_events(NOW) == 2

    assert remaining({old, older, edge, new}) == {edge, new}


def test_running_it_again_removes_nothing_more(make, retention):
    event_aged(make, 800)
    assert due.remove_old_audit_events(NOW) == 1
    assert due.remove_old_audit_events(NOW) == 0


def test_the_retention_comes_from_the_configuration(make, retention):
    month_old = event_aged(make, 31)
    retention(30)
    assert due.remove_old_audit_events(NOW) == 1
    assert remaining({month_old}) == set()


def test_no_retention_keeps_every_event(make, retention):
    ancient = event_aged(make, 5000)
    retention(0)
    assert due.remove_old_audit_events(NOW) == 0
    assert remaining({ancient}) == {ancient}


def test_the_time_driven_command_runs_it(make, retention, monkeypatch):
    old = event_aged(make, 1000)
    monkeypatch.setattr(due, "STEPS", tuple((label, step) for label, step in due.STEPS
                                            if step is due.remove_old_audit_events))
    assert due.run_due(now=NOW) == ["audit events removed: 1"]
    assert remaining({old}) == set()
