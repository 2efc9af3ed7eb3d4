import pytest

from portal.bookings.rules import (
    ACCEPTED,
    CANCELLED,
    DECLINED,
    REQUESTED,
    STATUSES,
    WITHDRAWN,
    can_transition,
)

ALLOWED = {(REQUESTED, ACCEPTED), (REQUESTED, DECLINED), (REQUESTED, WITHDRAWN),
           (ACCEPTED, CANCELLED)}


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("wanted", STATUSES)
def test_only_the_steps_of_the_life_of_a_request_are_allowed(current, wanted):
    assert can_transition(current, wanted) == ((current, wanted) in ALLOWED)


def test_an_unknown_status_goes_nowhere():
    assert not can_transition("lost", ACCEPTED)
