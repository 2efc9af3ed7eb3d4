import pytest

from portal.bookings.rules import (
    ACCEPT,
    ACCEPTED,
    CANCEL,
    CANCELLED,
    COMPANY,
    DECLINE,
    DECLINED,
    REQUESTED,
    SCHOOL,
    STATUSES,
    WITHDRAW,
    WITHDRAWN,
    actions_for,
    can_transition,
    date_window,
)

ALLOWED = {(REQUESTED, ACCEPTED), (REQUESTED, DECLINED), (REQUESTED, WITHDRAWN),
           (ACCEPTED, CANCELLED)}


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("wanted", STATUSES)
def test_only_the_steps_of_the_life_of_a_request_are_allowed(current, wanted):
    assert can_transition(current, wanted) == ((current, wanted) in ALLOWED)


def test_an_unknown_status_goes_nowhere():
    assert not can_transition("lost", ACCEPTED)


@pytest.mark.parametrize(("status", "side", "actions"), [
    (REQUESTED, COMPANY, (ACCEPT, DECLINE)), (REQUESTED, SCHOOL, (WITHDRAW,)),
    (ACCEPTED, COMPANY, (CANCEL,)), (ACCEPTED, SCHOOL, (CANCEL,)),
    (DECLINED, COMPANY, ()), (WITHDRAWN, SCHOOL, ()), (CANCELLED, COMPANY, ())])
def test_each_side_has_the_actions_of_the_status(status, side, actions):
    assert actions_for(status, side) == actions


def test_every_action_is_a_step_the_state_machine_allows():
    target = {ACCEPT: ACCEPTED, DECLINE: DECLINED, WITHDRAW: WITHDRAWN, CANCEL: CANCELLED}
    for status in STATUSES:
        for side in (SCHOOL, COMPANY):
            for action in actions_for(status, side):
                assert can_transition(status, target[action])


def test_the_date_window_starts_today_or_on_the_first_day():
    from datetime import date

    today = date(2027, 3, 1)
    assert date_window(today, None, None) == (today, None)
    assert date_window(today, date(2027, 2, 1), date(2027, 4, 1)) == (today, date(2027, 4, 1))
    assert date_window(today, date(2027, 3, 9), None) == (date(2027, 3, 9), None)
    first, last = date_window(today, date(2027, 1, 1), date(2027, 2, 1))
    assert last < first  # the period is over
