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


class TransitionNotAllowed(ValueError):
    def __init__(self, current, wanted):
        super().__init__(f"a booking cannot go from {current} to {wanted}")
        self.current = current
        self.wanted = wanted


def can_transition(current, wanted):
    return wanted in TRANSITIONS.get(current, frozenset())


def transition(current, wanted):
    """The new status, or TransitionNotAllowed when the state machine has no such step."""
    if not can_transition(current, wanted):
        raise TransitionNotAllowed(current, wanted)
    return wanted
