"""After the date: "did it take place?" from both sides, then an evaluation from each."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.audit import AuditEvent
from portal.bookings import services
from portal.bookings.models import Booking, Evaluation
from portal.bookings.outcomes import evaluate, report_outcome
from portal.db import local_today
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db


def owner(booking):
    return booking.offer.company.memberships[0].user


def fresh(booking):
    db.session.expire_all()
    return db.session.get(Booking, booking.id)


def evaluations():
    return db.session.scalar(select(func.count(Evaluation.id)))


def test_both_sides_say_it_took_place(make):
    booking = make.past_booking()

    report_outcome(actor=booking.requested_by, booking=booking, held=True)
    assert (fresh(booking).status, fresh(booking).school_outcome) == ("completed", "held")
    report_outcome(actor=owner(booking), booking=booking, held=True)

    booking = fresh(booking)
    assert (booking.status, booking.school_outcome, booking.company_outcome) == (
        "completed", "held", "held")
    details = [e.details for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "booking.outcome_reported").order_by(AuditEvent.id))]
    assert details == [{"side": "school", "outcome": "held", "status": "completed"},
                       {"side": "company", "outcome": "held", "status": "completed"}]


def test_nobody_came_is_a_no_show_until_the_other_side_says_otherwise(make):
    booking = make.past_booking()

    report_outcome(actor=owner(booking), booking=booking, held=False)
    assert fresh(booking).status == "no_show"
    report_outcome(actor=booking.requested_by, booking=booking, held=True)

    assert fresh(booking).status == "completed"  # one "held" is enough


def test_both_saying_no_keeps_it_a_no_show(make):
    booking = make.past_booking()
    report_outcome(actor=owner(booking), booking=booking, held=False)
    report_outcome(actor=booking.requested_by, booking=booking, held=False)

    booking = fresh(booking)
    assert (booking.status, booking.school_outcome, booking.company_outcome) == (
        "no_show", "no_show", "no_show")


def test_each_side_answers_once(make):
    booking = make.past_booking()
    report_outcome(actor=booking.requested_by, booking=booking, held=True)

    with pytest.raises(ValidationFailed):
        report_outcome(actor=booking.requested_by, booking=booking, held=False)

    assert fresh(booking).school_outcome == "held"


def test_not_before_the_date(make):
    booking = make.accepted(make.booking())

    with pytest.raises(ValidationFailed):
        report_outcome(actor=booking.requested_by, booking=booking, held=True)
    # On the day after, it may: the service takes `today` like every other.
    report_outcome(actor=booking.requested_by, booking=booking, held=True,
                   today=booking.wanted_on + timedelta(days=1))
    assert fresh(booking).status == "completed"


def test_a_placement_is_reported_from_its_start_date(make):
    placement = make.placement(places=2, starts_on=local_today(),
                               ends_on=local_today() + timedelta(days=60))
    booking = make.accepted(make.booking(placement, wanted_on=local_today()))

    report_outcome(actor=owner(booking), booking=booking, held=True)

    assert fresh(booking).status == "completed"


def test_after_the_date_a_request_is_not_cancelled_any_more(make):
    booking = make.past_booking()

    with pytest.raises(ValidationFailed):
        services.cancel_booking(actor=booking.requested_by, booking=booking,
                                message="Toch niet.")
    assert fresh(booking).status == "accepted"


@pytest.mark.parametrize("accept", [False, True])
def test_only_an_accepted_request_is_reported_and_only_by_its_parties(make, accept):
    booking = make.past_booking(accept=accept)
    for outsider in (make.owner_of(make.school()), make.owner_of(make.company()), make.admin()):
        with pytest.raises(NotAllowed):
            report_outcome(actor=outsider, booking=booking, held=True)
    if not accept:
        with pytest.raises(ValidationFailed):
            report_outcome(actor=booking.requested_by, booking=booking, held=True)
    assert fresh(booking).school_outcome is None


# --- evaluations ------------------------------------------------------------------------------


def test_both_sides_evaluate_a_completed_activity(make):
    booking = make.completed_booking()

    ours = evaluate(actor=booking.requested_by, booking=booking, rating=5, pupils_reached=23,
                    girls=9, comment="  Top!  ", host_again=True)  # host_again is the company's
    theirs = evaluate(actor=owner(booking), booking=booking, rating=4, host_again=False,
                      pupils_reached=99, girls=99)  # the school's numbers are the school's

    assert (ours.side, ours.rating, ours.pupils_reached, ours.girls, ours.comment,
            ours.host_again) == ("school", 5, 23, 9, "Top!", None)
    assert (theirs.side, theirs.rating, theirs.pupils_reached, theirs.girls,
            theirs.host_again) == ("company", 4, None, None, False)
    events = [e.details for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "booking.evaluated"))]
    assert events == [{"side": "school", "rating": 5}, {"side": "company", "rating": 4}]


def test_each_side_evaluates_once(make):
    booking = make.completed_booking()
    evaluate(actor=owner(booking), booking=booking, rating=4, host_again=True)

    with force_locale("en"), pytest.raises(ValidationFailed) as failed:
        evaluate(actor=owner(booking), booking=booking, rating=1, host_again=False)

    assert failed.value.errors == {"": "Your side has already evaluated this activity."}
    assert evaluations() == 1


@pytest.mark.parametrize("answers", [(), (False, False)])
def test_only_what_took_place_is_evaluated(make, answers):
    booking = make.past_booking()
    for actor, held in zip((booking.requested_by, owner(booking)), answers, strict=False):
        report_outcome(actor=actor, booking=booking, held=held)

    with force_locale("en"), pytest.raises(ValidationFailed) as failed:
        evaluate(actor=booking.requested_by, booking=booking, rating=4, pupils_reached=20,
                 girls=5)

    assert failed.value.errors == {"": "Only an activity that took place can be evaluated."}
    assert evaluations() == 0


@pytest.mark.parametrize(("fields", "field"), [
    ({"rating": 0}, "rating"), ({"rating": 6}, "rating"),
    ({"pupils_reached": -1}, "pupils_reached"), ({"pupils_reached": None}, "pupils_reached"),
    ({"girls": 21}, "girls"), ({"comment": "x" * 2001}, "comment")])
def test_a_schools_evaluation_is_checked(make, fields, field):
    booking = make.completed_booking()
    values = {"rating": 4, "pupils_reached": 20, "girls": 8, "comment": ""}

    with pytest.raises(ValidationFailed) as failed:
        evaluate(actor=booking.requested_by, booking=booking, **{**values, **fields})

    assert set(failed.value.errors) == {field}
    assert evaluations() == 0


def test_the_company_says_whether_it_would_host_again(make):
    booking = make.completed_booking()

    with pytest.raises(ValidationFailed) as failed:
        evaluate(actor=owner(booking), booking=booking, rating=4)

    assert set(failed.value.errors) == {"host_again"}


def test_only_the_parties_evaluate(make):
    booking = make.completed_booking()
    for outsider in (make.owner_of(make.school()), make.owner_of(make.company()), make.admin()):
        with pytest.raises(NotAllowed):
            evaluate(actor=outsider, booking=booking, rating=5, host_again=True,
                     pupils_reached=1, girls=0)
    assert evaluations() == 0
