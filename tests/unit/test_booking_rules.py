"""The life of a request as a pure state machine, and the checks of what people type into it."""
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.bookings import rules
from portal.bookings.rules import (
    ABSENT,
    ACCEPT,
    ACCEPT_COUNTER,
    ACCEPTED,
    CANCEL,
    CANCELLED,
    COMPANY,
    COMPLETED,
    COUNTER,
    COUNTER_PROPOSED,
    DECLINE,
    DECLINE_COUNTER,
    DECLINED,
    EVALUATE,
    HELD,
    MESSAGE,
    NO_SHOW,
    REPORT,
    REQUESTED,
    SCHOOL,
    STATUSES,
    WITHDRAW,
    WITHDRAWN,
    GroupRules,
    Problem,
    SlotRoom,
    actions_for,
    can_transition,
    date_window,
    is_late_cancellation,
    outcome_status,
)

TODAY = date(2027, 3, 10)
ALLOWED = {(REQUESTED, ACCEPTED), (REQUESTED, DECLINED), (REQUESTED, COUNTER_PROPOSED),
           (REQUESTED, WITHDRAWN), (COUNTER_PROPOSED, ACCEPTED), (COUNTER_PROPOSED, DECLINED),
           (COUNTER_PROPOSED, WITHDRAWN), (ACCEPTED, CANCELLED), (ACCEPTED, COMPLETED),
           (ACCEPTED, NO_SHOW), (NO_SHOW, COMPLETED)}


@pytest.mark.parametrize("current", STATUSES)
@pytest.mark.parametrize("wanted", STATUSES)
def test_only_the_steps_of_the_life_of_a_request_are_allowed(current, wanted):
    assert can_transition(current, wanted) == ((current, wanted) in ALLOWED)


def test_an_unknown_status_goes_nowhere():
    assert not can_transition("lost", ACCEPTED)


# --- who may do what ----------------------------------------------------------------------

BEFORE = {"activity_on": TODAY + timedelta(days=3), "today": TODAY}
AFTER = {"activity_on": TODAY - timedelta(days=1), "today": TODAY}


@pytest.mark.parametrize(("status", "side", "facts", "actions"), [
    (REQUESTED, COMPANY, BEFORE, (ACCEPT, DECLINE, COUNTER, MESSAGE)),
    (REQUESTED, SCHOOL, BEFORE, (WITHDRAW, MESSAGE)),
    (COUNTER_PROPOSED, SCHOOL, BEFORE, (ACCEPT_COUNTER, DECLINE_COUNTER, WITHDRAW, MESSAGE)),
    (COUNTER_PROPOSED, COMPANY, BEFORE, (MESSAGE,)),
    (ACCEPTED, COMPANY, BEFORE, (CANCEL, MESSAGE)),
    (ACCEPTED, SCHOOL, BEFORE, (CANCEL, MESSAGE)),
    (ACCEPTED, SCHOOL, AFTER, (REPORT, MESSAGE)),  # after the date: no cancel, "did it...?"
    (ACCEPTED, COMPANY, AFTER, (REPORT, MESSAGE)),
    (COMPLETED, SCHOOL, {**AFTER, "outcome": HELD}, (EVALUATE, MESSAGE)),
    (COMPLETED, COMPANY, {**AFTER, "outcome": None}, (REPORT, EVALUATE, MESSAGE)),
    (COMPLETED, COMPANY, {**AFTER, "outcome": HELD, "evaluated": True}, (MESSAGE,)),
    (NO_SHOW, SCHOOL, {**AFTER, "outcome": ABSENT}, (MESSAGE,)),
    (NO_SHOW, COMPANY, {**AFTER, "outcome": None}, (REPORT, MESSAGE)),
    (DECLINED, COMPANY, BEFORE, ()), (WITHDRAWN, SCHOOL, BEFORE, ()),
    (CANCELLED, COMPANY, BEFORE, ()), (CANCELLED, SCHOOL, AFTER, ())])
def test_each_side_has_the_actions_of_the_status(status, side, facts, actions):
    assert actions_for(status, side, **facts) == actions


def test_without_dates_an_accepted_request_can_be_cancelled_only():
    assert actions_for(ACCEPTED, SCHOOL) == (CANCEL, MESSAGE)


def test_a_group_activity_is_reported_from_the_day_after_a_placement_from_its_start():
    on_the_day = {"activity_on": TODAY, "today": TODAY}
    assert REPORT not in actions_for(ACCEPTED, SCHOOL, **on_the_day)
    assert CANCEL in actions_for(ACCEPTED, SCHOOL, **on_the_day)
    # A placement's first day: it may still be cancelled, and whether it started be told.
    assert actions_for(ACCEPTED, SCHOOL, placement=True, **on_the_day) == (CANCEL, REPORT,
                                                                             MESSAGE)
    assert rules.outcome_due(TODAY - timedelta(days=1), TODAY)
    assert not rules.outcome_due(None, TODAY)


def test_every_action_is_a_step_the_state_machine_allows():
    target = {ACCEPT: {ACCEPTED}, DECLINE: {DECLINED}, WITHDRAW: {WITHDRAWN},
              CANCEL: {CANCELLED}, COUNTER: {COUNTER_PROPOSED}, ACCEPT_COUNTER: {ACCEPTED},
              DECLINE_COUNTER: {DECLINED}, REPORT: {COMPLETED, NO_SHOW}}
    for status in STATUSES:
        for side in (SCHOOL, COMPANY):
            for facts in (BEFORE, AFTER):
                for action in actions_for(status, side, **facts):
                    if action in target and status not in (COMPLETED, NO_SHOW):
                        assert target[action] & {w for w in STATUSES
                                                 if can_transition(status, w)}, (status, action)


def test_the_conversation_is_closed_once_the_request_ended_without_activity():
    assert [s for s in STATUSES if rules.can_post_message(s)] == [
        REQUESTED, COUNTER_PROPOSED, ACCEPTED, COMPLETED, NO_SHOW]


# --- did it take place? --------------------------------------------------------------------


@pytest.mark.parametrize(("school", "company", "status"), [
    (None, None, None), (HELD, None, COMPLETED), (None, HELD, COMPLETED),
    (ABSENT, None, NO_SHOW), (None, ABSENT, NO_SHOW), (ABSENT, ABSENT, NO_SHOW),
    (HELD, ABSENT, COMPLETED), (ABSENT, HELD, COMPLETED), (HELD, HELD, COMPLETED)])
def test_one_held_makes_it_completed_otherwise_a_no_show(school, company, status):
    assert outcome_status(school, company) == status


def test_a_second_answer_never_turns_completed_back():
    first = outcome_status(HELD, None)
    assert outcome_status(HELD, ABSENT) == first
    assert can_transition(outcome_status(ABSENT, None), outcome_status(ABSENT, HELD))


# --- late cancellations --------------------------------------------------------------------


@pytest.mark.parametrize(("hours_before", "late"), [
    (72, False), (48.01, False), (48, True), (47, True), (1, True), (-2, True)])
def test_a_cancellation_within_48_hours_of_the_start_is_late(hours_before, late):
    start = datetime(2027, 3, 12, 9, 0, tzinfo=UTC)
    assert is_late_cancellation(start, start - timedelta(hours=hours_before)) is late


# --- checking a request --------------------------------------------------------------------

LIMITS = GroupRules(min_group_size=10, max_group_size=30, counts_teachers=True)


def slot(room=60, day=TODAY + timedelta(days=14), min_group=None):
    return SlotRoom(day=day, room=room, min_group=min_group)


def group_request(**overrides):
    fields = {"group_size": 24, "teachers": 2, "today": TODAY, "slot": slot(), "limits": LIMITS}
    fields.update(overrides)
    return rules.check_request(**fields)


def test_a_fitting_group_passes():
    assert group_request() == {}


@pytest.mark.parametrize(("overrides", "problems"), [
    ({"group_size": 0}, {"group_size": Problem("group_empty")}),
    ({"group_size": None}, {"group_size": Problem("group_empty")}),
    ({"teachers": 21}, {"teachers": Problem("teachers_range", 20)}),
    ({"teachers": None}, {"teachers": Problem("teachers_range", 20)}),
    ({"slot": None}, {"slot_id": Problem("slot_unknown")}),
    ({"slot": slot(day=TODAY - timedelta(days=1))}, {"slot_id": Problem("slot_passed")}),
    ({"slot": slot(room=0)}, {"slot_id": Problem("slot_full")}),
    ({"slot": slot(room=25)}, {"group_size": Problem("room_left", 25)}),  # 24 + 2 teachers
    ({"group_size": 31, "slot": slot(room=100)}, {"group_size": Problem("group_above_max", 30)}),
    ({"group_size": 9}, {"group_size": Problem("group_below_min", 10)}),
    ({"slot": slot(min_group=26)}, {"group_size": Problem("group_below_min", 26)}),
])
def test_what_is_wrong_with_a_group_request(overrides, problems):
    assert group_request(**overrides) == problems


def test_teachers_take_room_only_where_the_offer_counts_them():
    assert group_request(slot=slot(room=25), limits=GroupRules(counts_teachers=False)) == {}


def test_a_date_of_today_may_still_be_requested():
    assert group_request(slot=slot(day=TODAY)) == {}


def placement_request(**overrides):
    fields = {"group_size": 2, "teachers": 0, "today": TODAY, "placement": True,
              "wanted_on": TODAY + timedelta(days=10),
              "period": (TODAY + timedelta(days=7), TODAY + timedelta(days=60)),
              "places": (3, 3)}
    fields.update(overrides)
    return rules.check_request(**fields)


@pytest.mark.parametrize(("overrides", "problems"), [
    ({}, {}),
    ({"wanted_on": TODAY + timedelta(days=7)}, {}),  # the first day of the period
    ({"wanted_on": TODAY + timedelta(days=60)}, {}),  # and the last
    ({"wanted_on": None}, {"wanted_on": Problem("date_past")}),
    ({"wanted_on": TODAY - timedelta(days=1)}, {"wanted_on": Problem("date_past")}),
    ({"wanted_on": TODAY + timedelta(days=5)}, {"wanted_on": Problem("date_outside_period")}),
    ({"wanted_on": TODAY + timedelta(days=61)}, {"wanted_on": Problem("date_outside_period")}),
    ({"group_size": 4}, {"group_size": Problem("places_left", 3)}),
    ({"places": (0, 3)}, {"": Problem("offer_full", 3)}),
])
def test_what_is_wrong_with_a_placement_request(overrides, problems):
    assert placement_request(**overrides) == problems


def test_the_date_window_starts_today_or_on_the_first_day():
    today = date(2027, 3, 1)
    assert date_window(today, None, None) == (today, None)
    assert date_window(today, date(2027, 2, 1), date(2027, 4, 1)) == (today, date(2027, 4, 1))
    assert date_window(today, date(2027, 3, 9), None) == (date(2027, 3, 9), None)
    first, last = date_window(today, date(2027, 1, 1), date(2027, 2, 1))
    assert last < first  # the period is over


# --- counter-proposals, texts, evaluations -------------------------------------------------

CURRENT = (7, TODAY, 24)


@pytest.mark.parametrize("proposed", [(8, None, None), (None, TODAY + timedelta(days=1), None),
                                      (None, None, 20), (8, None, 20)])
def test_a_counter_proposal_changes_something(proposed):
    assert rules.check_counter(current=CURRENT, proposed=proposed) == {}


@pytest.mark.parametrize("proposed", [(None, None, None), (7, TODAY, 24), (7, None, None)])
def test_a_counter_proposal_that_changes_nothing_is_refused(proposed):
    assert rules.check_counter(current=CURRENT, proposed=proposed) == {
        "": Problem("counter_unchanged")}


def test_texts_are_required_where_a_reason_is_owed_and_never_too_long():
    assert rules.check_text("  ", required=True) == {"message": Problem("text_required")}
    assert rules.check_text("") == {}
    assert rules.check_text("x" * 4000) == {}
    assert rules.check_text("x" * 4001, field="body") == {
        "body": Problem("text_too_long", 4000)}


def school_evaluation(**overrides):
    fields = {"rating": 4, "comment": "Goed.", "pupils_reached": 24, "girls": 10}
    fields.update(overrides)
    return rules.check_evaluation(SCHOOL, **fields)


@pytest.mark.parametrize(("overrides", "problems"), [
    ({}, {}),
    ({"girls": 24}, {}), ({"girls": 0, "pupils_reached": 0}, {}),
    ({"rating": 0}, {"rating": Problem("rating_range")}),
    ({"rating": 6}, {"rating": Problem("rating_range")}),
    ({"rating": None}, {"rating": Problem("rating_range")}),
    ({"pupils_reached": -1}, {"pupils_reached": Problem("pupils_range", 1000)}),
    ({"pupils_reached": None}, {"pupils_reached": Problem("pupils_range", 1000)}),
    ({"girls": 25}, {"girls": Problem("girls_range", 24)}),
    ({"girls": -1}, {"girls": Problem("girls_range", 24)}),
    ({"girls": None}, {"girls": Problem("girls_range", 24)}),
    ({"comment": "x" * 2001}, {"comment": Problem("text_too_long", 2000)}),
])
def test_what_is_wrong_with_a_schools_evaluation(overrides, problems):
    assert school_evaluation(**overrides) == problems


def test_the_company_says_whether_it_would_host_the_school_again():
    assert rules.check_evaluation(COMPANY, rating=3, comment="", host_again=False) == {}
    assert rules.check_evaluation(COMPANY, rating=3, comment="", host_again=None) == {
        "host_again": Problem("host_again_required")}


def test_every_status_of_a_request_has_a_label_and_a_badge_colour():
    """No page shows a request's raw status code (portal/labels.py, the status_badge macro)."""
    from portal.labels import STATUS_LABELS, STATUS_STYLES

    for status in rules.STATUSES:
        assert status in STATUS_LABELS and status in STATUS_STYLES, status
    assert STATUS_STYLES[rules.COUNTER_PROPOSED] == "info"
    assert (STATUS_STYLES[rules.COMPLETED], STATUS_STYLES[rules.NO_SHOW]) == (
        "success", "secondary")
