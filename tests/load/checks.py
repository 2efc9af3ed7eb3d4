"""What the load test checks in the database afterwards, and how it reads what the clients saw.

- No room is overbooked: on every date `taken <= capacity` and `taken` is exactly the room of
  its accepted (or held, or completed) requests plus the room held for a waiting-list school;
  the same for the places of a placement. Each accepted request took the room of its group.
- No acknowledged write is lost: every request whose change the server confirmed (a redirect
  back to the request's page) is in the database with that status, or with one the state
  machine can reach from it (accepted, then cancelled by the other side, say).
- Server errors (5xx, or no answer at all) are counted outside the window of the database
  restart; inside it they are expected and counted apart.
"""
import json
from dataclasses import dataclass

from sqlalchemy import text

from portal.bookings.rules import FIXED, TRANSITIONS

OFFERED = "offered"  # a waiting-list entry whose room is held (bookings.models)


def reachable(status):
    """`status` and every status the state machine can reach from it."""
    seen, todo = {status}, [status]
    while todo:
        for nxt in TRANSITIONS.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _fixed():
    return ", ".join(f"'{status}'" for status in FIXED)


def overbooked_slots(connection):
    """Dates whose room is exceeded or does not add up: [(slot id, capacity, taken,
    room of accepted requests + held room)]."""
    rows = connection.execute(text(f"""
        SELECT s.id, s.capacity, s.taken,
               COALESCE((SELECT SUM(b.room_taken) FROM bookings b
                         WHERE b.slot_id = s.id AND b.status IN ({_fixed()})), 0)
             + COALESCE((SELECT SUM(w.room_held) FROM waitlist_entries w
                         WHERE w.slot_id = s.id AND w.status = :offered), 0)
        FROM slots s ORDER BY s.id"""), {"offered": OFFERED})
    return [tuple(row) for row in rows if row[2] > row[1] or row[2] != row[3] or row[2] < 0]


def overbooked_offers(connection):
    """Placements whose places are exceeded or do not add up: [(offer id, capacity, taken,
    places of accepted requests)]."""
    rows = connection.execute(text(f"""
        SELECT o.id, o.capacity, o.places_taken,
               COALESCE((SELECT SUM(b.room_taken) FROM bookings b
                         WHERE b.offer_id = o.id AND b.slot_id IS NULL
                         AND b.status IN ({_fixed()})), 0)
        FROM offers o WHERE o.capacity IS NOT NULL ORDER BY o.id"""))
    return [tuple(row) for row in rows if row[2] > row[1] or row[2] != row[3]]


def short_taken(connection):
    """Accepted requests that took less room than their group: [(booking id, room_taken,
    group size + counted teachers)]."""
    rows = connection.execute(text(f"""
        SELECT b.id, b.room_taken,
               b.group_size + CASE WHEN o.counts_teachers THEN b.teachers ELSE 0 END
        FROM bookings b JOIN offers o ON o.id = b.offer_id
        WHERE b.status IN ({_fixed()}) ORDER BY b.id"""))
    return [tuple(row) for row in rows if row[1] != row[2]]


@dataclass
class Ack:
    """A change the server confirmed to a client: request `booking` now has `status`."""
    booking: int
    status: str
    at: float
    user: str = ""


def read_acks(path):
    acks = []
    with open(path, encoding="utf-8") as file:
        for line in file:
            if line.strip():
                item = json.loads(line)
                acks.append(Ack(item["booking"], item["status"], item["t"], item.get("user", "")))
    return acks


def lost_acks(connection, acks):
    """The acknowledged changes the database does not hold: [(ack, status in the database or
    None)]. A later status the state machine allows counts as held."""
    if not acks:
        return []
    statuses = dict(connection.execute(text("SELECT id, status FROM bookings")).all())
    return [(ack, statuses.get(ack.booking)) for ack in acks
            if statuses.get(ack.booking) not in reachable(ack.status)]


@dataclass
class Window:
    """From the moment the database went away to the first good answer after it came back."""
    begins: float
    ends: float

    def overlaps(self, start, end):
        return start <= self.ends and end >= self.begins


def split_errors(errors, window):
    """Server errors (dicts with `start` and `end` times) inside and outside the window."""
    inside = [e for e in errors if window is not None and window.overlaps(e["start"], e["end"])]
    outside = [e for e in errors if e not in inside]
    return inside, outside
