"""A request's page: its facts, its conversation, the other party's contact details once it is
accepted, and a card for each thing the reader's side may do now (rules.actions_for).

The answers (accept, decline, withdraw, cancel, and the school's answer to a counter-proposal)
post to the page itself, so a refused answer is shown on the request's own address; the other
cards post to an address of their own and, refused, show the page again with their errors
(answering 422). Routes of the `bookings` blueprint (views.py imports this module).
"""
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import security
from portal.bookings import counter, outcomes, rules, services
from portal.bookings.bus import services as bus
from portal.bookings.calendar import FEED_STATUSES
from portal.bookings.conversation import conversation_of, post_message
from portal.bookings.due import starts_at
from portal.bookings.forms import (
    YES,
    AnswerForm,
    CounterForm,
    EvaluationForm,
    MessageForm,
    OutcomeForm,
)
from portal.bookings.parties import actions_of, contact_details, evaluation_of, side_of
from portal.bookings.rules import (
    ACCEPT,
    ACCEPT_COUNTER,
    CANCEL,
    COMPANY,
    DECLINE,
    DECLINE_COUNTER,
    SCHOOL,
    WITHDRAW,
)
from portal.bookings.views import bp, slot_choice
from portal.db import local_today, utcnow
from portal.errors import ValidationFailed
from portal.i18n import lazy_gettext as _l
from portal.offers.slots import upcoming_slots
from portal.organisations import partners
from portal.views import apply_errors, role_required

PARTIES = (security.COMPANY_MEMBER, *security.SCHOOL_ROLES)

ANSWERS = {
    ACCEPT: (services.accept_booking, _l("The request has been accepted.")),
    DECLINE: (services.decline_booking, _l("The request has been declined.")),
    WITHDRAW: (services.withdraw_booking, _l("The request has been withdrawn.")),
    CANCEL: (services.cancel_booking, _l("The request has been cancelled.")),
    ACCEPT_COUNTER: (counter.accept_counter_proposal,
                     _l("You accepted the proposal: the request is accepted.")),
    DECLINE_COUNTER: (counter.decline_counter_proposal, _l("You declined the proposal.")),
}


def _back(booking, anchor=None):
    return redirect(url_for("bookings.detail", booking_id=booking.id, _anchor=anchor))


def _done(message):
    flash(str(message), "success")


@bp.route("/aanvragen/<int:booking_id>", methods=["GET", "POST"])
@role_required(*PARTIES)
def detail(booking_id):
    """The request's page; its answer card posts here."""
    booking = services.get_booking_for(current_user, booking_id)
    form = AnswerForm()
    if form.is_submitted() and form.action.data not in ANSWERS:
        abort(400)
    if form.validate_on_submit():
        use_case, done = ANSWERS[form.action.data]
        said = ({"end_reason": form.end_reason.data} if form.action.data in (DECLINE, WITHDRAW)
                else {})
        try:
            use_case(actor=current_user, booking=booking, message=form.message.data, **said)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            _done(done)
            return _back(booking)
    return _page(booking, answer=form)


@bp.post("/aanvragen/<int:booking_id>/tegenvoorstel")
@role_required(security.COMPANY_MEMBER)
def propose(booking_id):
    """The company proposes another date, start date or group size."""
    booking = services.get_booking_for(current_user, booking_id)
    form = _counter_form(booking)
    if form.validate_on_submit():
        when = ({"slot_id": form.slot_id.data} if "slot_id" in form
                else {"wanted_on": form.wanted_on.data})
        try:
            counter.counter_propose(actor=current_user, booking=booking,
                                    message=form.message.data,
                                    group_size=form.group_size.data, **when)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            _done(_l("Your proposal has been sent to the school."))
            return _back(booking)
    return _page(booking, counter=form)


@bp.post("/aanvragen/<int:booking_id>/bericht")
@role_required(*PARTIES)
def message(booking_id):
    """Either party writes a message in the request's conversation."""
    booking = services.get_booking_for(current_user, booking_id)
    form = MessageForm()
    if form.validate_on_submit():
        try:
            post_message(actor=current_user, booking=booking, body=form.body.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            _done(_l("Your message has been sent."))
            return _back(booking, "conversation")
    return _page(booking, message=form)


@bp.post("/aanvragen/<int:booking_id>/plaatsgevonden")
@role_required(*PARTIES)
def outcome(booking_id):
    """A side says whether the activity took place."""
    booking = services.get_booking_for(current_user, booking_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            outcomes.report_outcome(actor=current_user, booking=booking,
                                    held=form.held.data == YES)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            _done(_l("Thank you; your answer has been saved."))
            return _back(booking)
    return _page(booking, outcome=form)


@bp.post("/aanvragen/<int:booking_id>/evaluatie")
@role_required(*PARTIES)
def evaluation(booking_id):
    """A side evaluates the activity."""
    booking = services.get_booking_for(current_user, booking_id)
    form = _evaluation_form(booking)
    if form.validate_on_submit():
        school = "host_again" not in form
        try:
            outcomes.evaluate(
                actor=current_user, booking=booking, rating=form.rating.data,
                comment=form.comment.data,
                pupils_reached=form.pupils_reached.data if school else None,
                girls=form.girls.data if school else None,
                host_again=None if school else form.host_again.data == YES)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            _done(_l("Thank you for your evaluation."))
            return _back(booking)
    return _page(booking, evaluation=form)


# --- the page --------------------------------------------------------------------------------


def _unposted(posted):
    """No form data for a card that was not the one posted: it shows empty."""
    return {} if posted else {"formdata": None}


def _counter_form(booking, posted=True):
    form = CounterForm(prefix="counter", **_unposted(posted))
    others = [s for s in upcoming_slots(booking.offer)
              if s.room > 0 and s.id != booking.slot_id]
    form.fit(booking, ((s.id, slot_choice(s)) for s in others))
    return form


def _evaluation_form(booking, posted=True):
    form = EvaluationForm(**_unposted(posted))
    form.fit(school_side=side_of(current_user, booking) == SCHOOL)
    return form


def _label_message(form, actions):
    """Name the answer card's message field for what it is used for."""
    if DECLINE in actions:
        form.message.label.text = _l("Message to the school")
        form.message.description = _l("Optional when you accept; required when you decline, "
                                      "so the school knows why.")
    elif ACCEPT_COUNTER in actions:
        form.message.label.text = _l("Message to the company")
        form.message.description = _l("Optional when you accept the proposal; required when "
                                      "you decline it.")
    elif WITHDRAW in actions:
        form.message.label.text = _l("Message to the company (optional)")
    elif CANCEL in actions:
        form.message.label.text = _l("Why do you cancel?")
        form.message.description = _l("Required: the other side reads it.")
    form.fit(actions)


def _page(booking, **submitted):
    """The request's page with its cards; `submitted` holds the posted form (with its errors),
    every other card gets an empty one."""
    side = side_of(current_user, booking)
    today = local_today()
    actions = actions_of(booking, side, today)
    empty = _unposted(False)
    forms = {
        "answer": lambda: AnswerForm(**empty),
        "counter": lambda: _counter_form(booking, posted=False),
        "message": lambda: MessageForm(**empty),
        "outcome": lambda: OutcomeForm(**empty),
        "evaluation": lambda: _evaluation_form(booking, posted=False),
    }
    forms = {name: submitted[name] if name in submitted else make()
             for name, make in forms.items()}
    _label_message(forms["answer"], actions)
    posted = next(iter(submitted.values()), forms["answer"])
    failed = bool(posted.errors or posted.form_errors)
    late_now = CANCEL in actions and rules.is_late_cancellation(starts_at(booking), utcnow())
    return render_template(
        "bookings/detail.html", booking=booking, side=side, actions=actions, forms=forms,
        form=posted, company_side=side == COMPANY, conversation=conversation_of(booking),
        contact=contact_details(booking, side), late_now=late_now,
        own_evaluation=evaluation_of(booking, side),
        dates=services.date_window_for(booking.offer, today),
        outcomes={SCHOOL: booking.school_outcome, COMPANY: booking.company_outcome},
        in_calendar=booking.status in FEED_STATUSES,
        bus_ride=bus.ride_of(booking) if side == SCHOOL else None,
        may_ask_partner=(side == COMPANY and booking.offer.company.is_approved
                         and partners.standing_between(booking.school_id,
                                                       booking.offer.company_id) is None),
        bus_possible=(side == SCHOOL and bus.may_ride(booking) and booking.wanted_on >= today
                      and bool(bus.buses_for(booking.school))),
    ), 422 if failed else 200
