"""After the date: "did it take place?", asked of both sides, and then the evaluations.

Each side answers once. The request's status follows from the two answers as
rules.outcome_status says (one "held" makes it completed; otherwise it is a no-show). Each side
evaluates a completed activity once: the teacher with the pupils reached and of them girls, the
company with whether it would host this school again; both with a rating and a comment.
"""
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.audit import record_event
from portal.bookings import rules
from portal.bookings.models import Booking, Evaluation
from portal.bookings.parties import actions_of, side_of
from portal.bookings.rules import SCHOOL
from portal.bookings.wording import refuse_if
from portal.db import local_today, utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.text import clean_text


def _columns(side):
    """(this side's answer column, the other side's)."""
    if side == SCHOOL:
        return Booking.school_outcome, Booking.company_outcome
    return Booking.company_outcome, Booking.school_outcome


def report_outcome(*, actor, booking, held, today=None, now=None):
    """A side says whether the activity took place. One UPDATE conditional on this side's
    answer still being empty and on the status and other answer it was computed from: of two
    answers of one side only the first counts, and when the two sides answer at the same moment
    the later one is computed again from the earlier one's answer."""
    side = side_of(actor, booking)
    today = today or local_today()
    if rules.REPORT not in actions_of(booking, side, today):
        raise ValidationFailed({"": _("This has already been answered, or its date has not "
                                      "passed yet.")})
    answer = rules.HELD if held else rules.ABSENT
    own, other = _columns(side)
    status, other_answer = booking.status, getattr(booking, other.key)
    for _attempt in range(2):
        answers = {own.key: answer, other.key: other_answer}
        wanted = rules.outcome_status(answers["school_outcome"], answers["company_outcome"])
        result = db.session.execute(
            update(Booking).where(Booking.id == booking.id, Booking.status == status,
                                  own.is_(None), _equals(other, other_answer))
            .values({own.key: answer, "status": wanted})
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            break
        # Changed at the same moment: by this side (refused) or by the other (try again).
        status, own_now, other_answer = db.session.execute(
            select(Booking.status, own, other).where(Booking.id == booking.id)).one()
        if own_now is not None or status not in rules.FIXED:
            break
    else:
        result = None
    if result is None or result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": _("Your side has already said whether it took place.")})
    db.session.expire(booking)
    record_event(actor, "booking.outcome_reported", booking, side=side, outcome=answer,
                 status=wanted)
    db.session.commit()
    return booking


def _equals(column, value):
    return column.is_(None) if value is None else column == value


def evaluate(*, actor, booking, rating, comment="", pupils_reached=None, girls=None,
             host_again=None, today=None, now=None):
    """A side evaluates a completed activity, once (the unique key on request and side holds
    even when one side sends twice at the same moment)."""
    side = side_of(actor, booking)
    already = {"": _("Your side has already evaluated this activity.")}
    if rules.EVALUATE not in actions_of(booking, side, today or local_today()):
        if booking.status == rules.COMPLETED:
            raise ValidationFailed(already)
        raise ValidationFailed({"": _("Only an activity that took place can be evaluated.")})
    refuse_if(rules.check_evaluation(side, rating=rating, comment=comment,
                                     pupils_reached=pupils_reached, girls=girls,
                                     host_again=host_again))
    school = side == SCHOOL
    evaluation = Evaluation(
        booking_id=booking.id, side=side, author_id=actor.id, rating=rating,
        comment=clean_text(comment or "", multiline=True),
        pupils_reached=pupils_reached if school else None,
        girls=girls if school else None, host_again=None if school else bool(host_again),
        created_at=now or utcnow())
    db.session.add(evaluation)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed(already) from None
    record_event(actor, "booking.evaluated", booking, side=side, rating=rating)
    db.session.commit()
    return evaluation
