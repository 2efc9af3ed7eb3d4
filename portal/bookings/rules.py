"""The life of a booking as a pure state machine."""
REQUESTED = "requested"
ACCEPTED = "accepted"
DECLINED = "declined"
CANCELLED = "cancelled"
STATUSES = (REQUESTED, ACCEPTED, DECLINED, CANCELLED)

TRANSITIONS = {
    REQUESTED: frozenset({ACCEPTED, DECLINED, CANCELLED}),
    ACCEPTED: frozenset({CANCELLED}),
    DECLINED: frozenset(),
    CANCELLED: frozenset(),
}


def can_transition(current, wanted):
    """Whether a booking in status `current` may move to `wanted`."""
    return wanted in TRANSITIONS.get(current, frozenset())
