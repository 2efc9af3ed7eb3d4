"""The life of a request (a booking in the code) as a pure state machine.

A school withdraws a request while it waits for an answer; once accepted, either side cancels it.
The two actions have their own names in the interface (docs/glossary.md), and their own status.
"""
REQUESTED = "requested"
ACCEPTED = "accepted"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
CANCELLED = "cancelled"
STATUSES = (REQUESTED, ACCEPTED, DECLINED, WITHDRAWN, CANCELLED)

TRANSITIONS = {
    REQUESTED: frozenset({ACCEPTED, DECLINED, WITHDRAWN}),
    ACCEPTED: frozenset({CANCELLED}),
    DECLINED: frozenset(),
    WITHDRAWN: frozenset(),
    CANCELLED: frozenset(),
}


def can_transition(current, wanted):
    """Whether a booking in status `current` may move to `wanted`."""
    return wanted in TRANSITIONS.get(current, frozenset())


# What each side may do with a request, by its status: the buttons on the request's page.
ACCEPT, DECLINE, WITHDRAW, CANCEL = "accept", "decline", "withdraw", "cancel"
SCHOOL, COMPANY = "school", "company"
ACTIONS = {
    (REQUESTED, COMPANY): (ACCEPT, DECLINE),
    (REQUESTED, SCHOOL): (WITHDRAW,),
    (ACCEPTED, COMPANY): (CANCEL,),
    (ACCEPTED, SCHOOL): (CANCEL,),
}


def actions_for(status, side):
    """The actions `side` (SCHOOL or COMPANY) has on a request in `status`; none once it ended."""
    return ACTIONS.get((status, side), ())


def date_window(today, starts_on, ends_on):
    """The first and last date a request may ask for: from today, or the offer's first day if
    that is later, up to the offer's last day (None: no end). When the period is over, the last
    date lies before the first."""
    first = max(today, starts_on) if starts_on else today
    return first, ends_on
