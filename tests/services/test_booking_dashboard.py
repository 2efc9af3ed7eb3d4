"""What needs each side's action: the groups on its dashboard and the count in the navigation
agree, and the count takes one query."""
from datetime import timedelta

from portal import security
from portal.bookings import counter, services
from portal.bookings.lists import action_count, needs_action, room_offers, waitlist_count
from portal.bookings.models import OFFERED
from portal.bookings.outcomes import evaluate, report_outcome
from portal.bookings.waitlist import join_waitlist
from portal.extensions import db


def owner(booking):
    return booking.offer.company.memberships[0].user


def groups(actor, side, organisation):
    lister = services.bookings_for_company if side == "company" else services.bookings_for_school
    key = "company" if side == "company" else "school"
    found = needs_action(lister(actor=actor, **{key: organisation}), side)
    return {group: sorted(b.id for b in bookings) for group, bookings in found.items()}


def test_the_company_answers_new_requests_reports_and_evaluates(make):
    company = make.company()
    boss = make.owner_of(company)
    offer = make.offer(company, max_group_size=30)
    teacher = make.owner_of(make.school())
    new = make.booking(offer)
    proposed = make.booking(offer)
    counter.counter_propose(actor=boss, booking=proposed, group_size=20, message="Minder.")
    make.accepted(make.booking(offer))  # ahead: nothing to do
    past = make.past_booking(offer, teacher)
    completed = make.completed_booking(offer, days_ago=5)
    evaluated = make.completed_booking(offer, days_ago=6)
    evaluate(actor=boss, booking=evaluated, rating=4, host_again=True)
    make.booking(make.offer())  # another company's request

    assert groups(boss, "company", company) == {
        "answer": [new.id], "outcome": [past.id], "evaluation": [completed.id]}
    assert action_count(boss) == 3


def test_the_teacher_answers_proposals_reports_and_evaluates(make):
    school = make.school()
    teacher = make.owner_of(school)
    offer = make.offer(max_group_size=30)
    make.booking(offer, teacher)  # waits for the company
    other = make.offer(max_group_size=30)
    proposed = make.booking(other, teacher)
    counter.counter_propose(actor=owner(proposed), booking=proposed, group_size=20,
                            message="Minder.")
    third = make.offer()
    past = make.past_booking(third, teacher)
    said_no = make.past_booking(make.offer(), teacher)
    report_outcome(actor=owner(said_no), booking=said_no, held=False)  # still theirs to say
    done = make.completed_booking(make.offer(), teacher)
    evaluate(actor=teacher, booking=done, rating=5, pupils_reached=20, girls=10)
    to_evaluate = make.completed_booking(make.offer(), teacher)

    assert groups(teacher, "school", school) == {
        "answer": [proposed.id], "outcome": sorted([past.id, said_no.id]),
        "evaluation": [to_evaluate.id]}
    assert action_count(teacher) == 4
    colleague = make.user(security.TEACHER)
    assert action_count(colleague) == 0  # no school: nothing


def test_a_request_due_for_an_answer_and_an_evaluation_counts_once(make):
    booking = make.past_booking()
    report_outcome(actor=booking.requested_by, booking=booking, held=True)  # completed

    company_groups = groups(owner(booking), "company", booking.offer.company)
    assert company_groups["outcome"] == [booking.id]  # first things first
    assert company_groups["evaluation"] == []
    assert action_count(owner(booking)) == 1


def test_the_date_counts_from_the_day_after(make):
    booking = make.accepted(make.booking())
    day = booking.wanted_on

    assert action_count(booking.requested_by, today=day) == 0
    assert action_count(booking.requested_by, today=day + timedelta(days=1)) == 1


def test_moderators_administrators_and_visitors_have_nothing_to_count(make):
    assert action_count(make.admin()) == 0
    assert action_count(make.moderator()) == 0
    assert action_count(None) == 0


def test_the_count_is_one_query(make, count_queries):
    booking = make.booking()
    boss = owner(booking)

    with count_queries() as statements:
        assert action_count(boss) == 1

    assert len(statements) == 1


# --- room offered from a waiting list ----------------------------------------------------------


def _room_offered_to(make, teacher):
    """A full date with `teacher`'s school first in line, then room freed for it: offered."""
    offer = make.offer(slot_capacity=24, max_group_size=30)
    slot = offer.slots[0]
    taken = make.accepted(make.booking(offer, group_size=24))
    entry = join_waitlist(actor=teacher, slot=slot, group_size=20,
                          level_id=offer.levels[0].id)
    services.cancel_booking(actor=taken.requested_by, booking=taken, message="Ziek.")
    db.session.refresh(entry)
    assert entry.status == OFFERED
    return entry


def test_room_offered_from_a_waiting_list_needs_the_teachers_action(make):
    school = make.school()
    teacher = make.owner_of(school)
    entry = _room_offered_to(make, teacher)
    small = make.offer(slot_capacity=24, max_group_size=30)
    make.accepted(make.booking(small, group_size=20))  # room for 4 left
    join_waitlist(actor=teacher, slot=small.slots[0], group_size=10,
                  level_id=small.levels[0].id)  # only waiting: nothing to do yet

    assert [e.id for e in room_offers(school)] == [entry.id]
    assert action_count(teacher) == 1
    assert waitlist_count(school) == 2
    lapsed = entry.offer_expires_at + timedelta(seconds=1)
    assert room_offers(school, now=lapsed) == []
    assert action_count(teacher, now=lapsed) == 0  # lapsed: the next run passes it on
    assert action_count(make.owner_of(make.school())) == 0  # another school


def test_a_teachers_count_of_requests_and_room_offered_is_one_query(make, count_queries):
    teacher = make.owner_of(make.school())
    _room_offered_to(make, teacher)
    other = make.offer(max_group_size=30)
    proposed = make.booking(other, teacher)
    counter.counter_propose(actor=owner(proposed), booking=proposed, group_size=20,
                            message="Minder.")
    db.session.refresh(teacher)

    with count_queries() as statements:
        assert action_count(teacher) == 2

    assert len(statements) == 1
