"""The load test's checks on a tiny database: they find an overbooked date and a lost
acknowledged write, and pass what the state machine allows."""
import json

from sqlalchemy import update

from portal.extensions import db
from portal.offers.models import Slot
from tests.load import checks


def test_reachable_follows_the_state_machine():
    assert checks.reachable("accepted") == {"accepted", "cancelled", "completed", "no_show"}
    assert "accepted" not in checks.reachable("declined")


def test_a_consistent_date_passes_and_an_overbooked_one_is_found(make):
    booking = make.booking(make.offer(slot_capacity=30), group_size=20)
    make.accepted(booking)
    connection = db.session.connection()
    assert checks.overbooked_slots(connection) == []
    assert checks.short_taken(connection) == []

    db.session.execute(update(Slot).where(Slot.id == booking.slot_id).values(taken=19))
    assert checks.overbooked_slots(connection) == [(booking.slot_id, 30, 19, 20)]


def test_acknowledged_writes_are_held_by_the_same_or_a_later_status(make, tmp_path):
    requested = make.booking()
    accepted = make.accepted(make.booking())
    path = tmp_path / "acks.jsonl"
    path.write_text("".join(json.dumps({"t": 1.0, "booking": b, "status": s}) + "\n" for b, s in [
        (requested.id, "requested"), (accepted.id, "requested"), (accepted.id, "accepted"),
        (requested.id, "accepted"), (999999, "requested")]))
    lost = checks.lost_acks(db.session.connection(), checks.read_acks(path))
    assert [(ack.booking, ack.status, now) for ack, now in lost] == [
        (requested.id, "accepted", "requested"), (999999, "requested", None)]


def test_errors_are_split_by_the_restart_window():
    errors = [{"start": 1, "end": 2}, {"start": 9, "end": 11}, {"start": 20, "end": 21}]
    inside, outside = checks.split_errors(errors, checks.Window(10, 15))
    assert inside == [errors[1]]
    assert outside == [errors[0], errors[2]]
    assert checks.split_errors(errors, None) == ([], errors)
