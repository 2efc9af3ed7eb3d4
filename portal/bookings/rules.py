"""The life of a request (a booking in the code) as a pure state machine, and the checks of what
people type into it. No Flask, no database: `today` and `now` are passed in.

    requested -> accepted | declined | counter_proposed | withdrawn
    counter_proposed -> accepted (the school takes the proposal) | declined (it does not)
                        | withdrawn
    accepted -> cancelled (either side, with a reason; late within 48 hours of the start)
              | completed | no_show (after the date: "did it take place?", asked of both)
    no_show -> completed (the other side says it did take place)

A school withdraws a request while it waits for an answer; once accepted, either side cancels it.
The two actions have their own names in the interface (docs/glossary.md), and their own status.

The checks return {field: Problem}: a code and, where the message names one, a number. The
services turn them into messages in the reader's language.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from portal.text import clean_text

REQUESTED = "requested"
COUNTER_PROPOSED = "counter_proposed"
ACCEPTED = "accepted"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
CANCELLED = "cancelled"
COMPLETED = "completed"
NO_SHOW = "no_show"
STATUSES = (REQUESTED, COUNTER_PROPOSED, ACCEPTED, DECLINED, WITHDRAWN, CANCELLED, COMPLETED,
            NO_SHOW)
OPEN = (REQUESTED, COUNTER_PROPOSED)  # waiting for an answer of one side
# The request ended without an activity: its conversation is closed.
ENDED = (DECLINED, WITHDRAWN, CANCELLED)
# The activity's date is fixed: accepted, and after the date whatever the answers say.
FIXED = (ACCEPTED, COMPLETED, NO_SHOW)
# The answers to "did it happen?"
HELD, ABSENT = "held", "no_show"

TRANSITIONS = {
    REQUESTED: frozenset({ACCEPTED, DECLINED, COUNTER_PROPOSED, WITHDRAWN}),
    COUNTER_PROPOSED: frozenset({ACCEPTED, DECLINED, WITHDRAWN}),
    ACCEPTED: frozenset({CANCELLED, COMPLETED, NO_SHOW}),
    NO_SHOW: frozenset({COMPLETED}),
    COMPLETED: frozenset(),
    DECLINED: frozenset(),
    WITHDRAWN: frozenset(),
    CANCELLED: frozenset(),
}


def can_transition(current, wanted):
    """Whether a booking in status `current` may move to `wanted`."""
    return wanted in TRANSITIONS.get(current, frozenset())


# What each side may do with a request: the cards on the request's page.
SCHOOL, COMPANY = "school", "company"
SIDES = (SCHOOL, COMPANY)
ACCEPT, DECLINE, WITHDRAW, CANCEL = "accept", "decline", "withdraw", "cancel"
COUNTER = "counter"
ACCEPT_COUNTER, DECLINE_COUNTER = "accept_counter", "decline_counter"
REPORT, EVALUATE, MESSAGE = "report", "evaluate", "message"

# The kinds of the messages of a conversation: what each message went with.
MESSAGE_KINDS = ("request", "message", "accept", "decline", "counter", "withdraw", "cancel")

_BY_STATUS = {
    (REQUESTED, COMPANY): (ACCEPT, DECLINE, COUNTER),
    (REQUESTED, SCHOOL): (WITHDRAW,),
    (COUNTER_PROPOSED, SCHOOL): (ACCEPT_COUNTER, DECLINE_COUNTER, WITHDRAW),
}


def other_side(side):
    return COMPANY if side == SCHOOL else SCHOOL


def outcome_due(activity_on, today, placement=False):
    """Whether "did it take place?" may be answered: the day after a group activity's date, or
    from a placement's start date on."""
    if activity_on is None or today is None:
        return False
    return activity_on <= today if placement else activity_on < today


def can_post_message(status):
    """The two parties talk while the request is open, accepted, and after its date (to follow
    up). Once it was declined, withdrawn or cancelled the conversation is closed: a new request
    starts a new one, so nobody writes into a request the other side has put away."""
    return status in STATUSES and status not in ENDED


def actions_for(status, side, *, activity_on=None, today=None, placement=False, outcome=None,
                evaluated=False):
    """The actions `side` (SCHOOL or COMPANY) has on a request in `status`, in the order of the
    page's cards.

    `activity_on` and `today` say whether the date has passed: until the end of its day an
    accepted request can be cancelled; once "did it take place?" is due (outcome_due: the day
    after, or a placement's first day) each side answers it once (`outcome`: that side's answer
    so far). A completed activity is evaluated once per side
    (`evaluated`: this side has done so)."""
    actions = list(_BY_STATUS.get((status, side), ()))
    due = outcome_due(activity_on, today, placement)
    passed = outcome_due(activity_on, today)  # the day is over
    if status == ACCEPTED and not passed:
        actions.append(CANCEL)
    if status in FIXED and due and outcome is None:
        actions.append(REPORT)
    if status == COMPLETED and not evaluated:
        actions.append(EVALUATE)
    if can_post_message(status):
        actions.append(MESSAGE)
    return tuple(actions)


def outcome_status(school_outcome, company_outcome):
    """The status the answers to "did it take place?" give, or None while nobody answered.

    One "held" is enough for completed: an activity one side says took place did take place,
    for the statistics and for the evaluation (a disagreement stays visible on the request's
    page, where both answers are shown). Only when nobody says it was held is it a no-show, so
    a later "held" of the other side turns a no-show into completed, never the other way."""
    answers = {school_outcome, company_outcome} - {None}
    if not answers:
        return None
    return COMPLETED if HELD in answers else NO_SHOW


# --- cancelling late -----------------------------------------------------------------------

LATE_CANCELLATION = timedelta(hours=48)


def is_late_cancellation(starts_at, now):
    """Whether cancelling at `now` (aware) an activity starting at `starts_at` (aware) is late:
    48 hours or less before the start (from the reminder on), or after it."""
    return starts_at - now <= LATE_CANCELLATION


# --- checks of input ---------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong with a value: a code the services turn into a message, and the number the
    message names (places left, the largest group...)."""

    code: str
    number: int | None = None


@dataclass(frozen=True)
class SlotRoom:
    """What a date of a group activity has room for."""

    day: date
    room: int
    min_group: int | None = None


@dataclass(frozen=True)
class GroupRules:
    """The offer's limits on a group."""

    min_group_size: int | None = None
    max_group_size: int | None = None
    counts_teachers: bool = False


MAX_TEACHERS = 20
MESSAGE_MAX = 4000


def check_headcount(group_size, teachers=0):
    """The group (at least one pupil) and the accompanying teachers (0 to 20)."""
    problems = {}
    if group_size is None or group_size < 1:
        problems["group_size"] = Problem("group_empty")
    if teachers is None or not 0 <= teachers <= MAX_TEACHERS:
        problems["teachers"] = Problem("teachers_range", MAX_TEACHERS)
    return problems


def check_slot(slot, today, *, field="slot_id"):
    """A date of the offer asked for: it must exist and not have passed."""
    if slot is None:
        return {field: Problem("slot_unknown")}
    if slot.day < today:
        return {field: Problem("slot_passed")}
    return {}


def check_group_fits(slot, group_size, teachers, limits, *, field="slot_id"):
    """Whether a group (and its teachers, where they count) fits a date and the offer's
    limits."""
    needed = group_size + ((teachers or 0) if limits.counts_teachers else 0)
    smallest = max(slot.min_group or 0, limits.min_group_size or 0)
    if slot.room <= 0:
        return {field: Problem("slot_full")}
    if needed > slot.room:
        return {"group_size": Problem("room_left", slot.room)}
    if limits.max_group_size and group_size > limits.max_group_size:
        return {"group_size": Problem("group_above_max", limits.max_group_size)}
    if group_size < smallest:
        return {"group_size": Problem("group_below_min", smallest)}
    return {}


def date_window(today, starts_on, ends_on):
    """The first and last date a request may ask for: from today, or the offer's first day if
    that is later, up to the offer's last day (None: no end). When the period is over, the last
    date lies before the first."""
    first = max(today, starts_on) if starts_on else today
    return first, ends_on


def check_start(wanted_on, today, starts_on, ends_on, *, field="wanted_on"):
    """A placement's start date: today or later, within the offer's period."""
    first, last = date_window(today, starts_on, ends_on)
    if wanted_on is None or wanted_on < today:
        return {field: Problem("date_past")}
    if wanted_on < first or (last is not None and wanted_on > last):
        return {field: Problem("date_outside_period")}
    return {}


def check_places(group_size, places_left, capacity):
    """Places asked of a placement."""
    if places_left <= 0:
        return {"": Problem("offer_full", capacity)}
    if group_size is not None and group_size > places_left:
        return {"group_size": Problem("places_left", places_left)}
    return {}


def check_request(*, group_size, teachers, today, slot=None, limits=None, wanted_on=None,
                  period=(None, None), places=None, placement=False):
    """A request: the group, and a date of a group activity (`slot`, a SlotRoom or None when
    none of the offer's was named) or a start date within `period` for a placement with
    `places` = (places left, capacity)."""
    problems = check_headcount(group_size, teachers)
    if placement:
        problems.update(check_places(group_size, *places))
        problems.update(check_start(wanted_on, today, *period))
        return problems
    slot_problems = check_slot(slot, today)
    problems.update(slot_problems)
    if not problems:
        problems.update(check_group_fits(slot, group_size, teachers, limits or GroupRules()))
    return problems


def check_counter(*, current, proposed):
    """A counter-proposal changes something: `current` and `proposed` are (slot id, start date,
    group size), with None in `proposed` for "as requested"."""
    changed = [new is not None and new != old for old, new in zip(current, proposed, strict=True)]
    return {} if any(changed) else {"": Problem("counter_unchanged")}


def check_text(text, *, required=False, longest=MESSAGE_MAX, field="message"):
    """A message or reason: required where a reason is owed, never longer than `longest`.
    Judged as it is kept (portal.text.clean_text): invisible text counts as none."""
    text = clean_text(text or "", multiline=True)
    if required and not text:
        return {field: Problem("text_required")}
    if len(text) > longest:
        return {field: Problem("text_too_long", longest)}
    return {}


RATINGS = range(1, 6)
COMMENT_MAX = 2000
MAX_PUPILS = 1000


def check_evaluation(side, *, rating, comment, pupils_reached=None, girls=None,
                     host_again=None):
    """An evaluation: a rating of 1 to 5 and a comment from each side; the school adds the
    pupils reached and of them girls, the company whether it would host this school again."""
    problems = {}
    if rating not in RATINGS:
        problems["rating"] = Problem("rating_range")
    problems.update(check_text(comment, longest=COMMENT_MAX, field="comment"))
    if side == SCHOOL:
        if pupils_reached is None or not 0 <= pupils_reached <= MAX_PUPILS:
            problems["pupils_reached"] = Problem("pupils_range", MAX_PUPILS)
        elif girls is None or not 0 <= girls <= pupils_reached:
            problems["girls"] = Problem("girls_range", pupils_reached)
    elif host_again is None:
        problems["host_again"] = Problem("host_again_required")
    return problems

