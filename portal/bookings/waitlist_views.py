"""Waiting lists of full dates: joining, leaving, and taking room that came free."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from portal import security
from portal.bookings import waitlist
from portal.bookings.models import BOOKED, CLOSED, EXPIRED, LEFT, OFFERED, WAITING
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import login_manager
from portal.forms import PortalForm, choices
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.numbers import IntegerField
from portal.offers.models import PUBLISHED
from portal.organisations.services import is_member, school_of
from portal.taxonomy.services import localised_name
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("waitlist", __name__)

TAKE, DECLINE = "take", "decline"

# The statuses of a place in line as the school reads them, with the badge's colour.
STATUS_LABELS = {
    WAITING: (_l("Waiting"), "warning"),
    OFFERED: (_l("Room offered"), "success"),
    BOOKED: (_l("Room taken"), "success"),
    EXPIRED: (_l("Offer expired"), "secondary"),
    LEFT: (_l("Left the list"), "secondary"),
    CLOSED: (_l("Closed"), "secondary"),
}


class JoinForm(PortalForm):
    """The group a school would bring to a full date, as on a request."""

    group_size = IntegerField(_l("Number of pupils"), validators=[
        InputRequired(_l("Enter the number of pupils.")),
        NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500."))])
    teachers = IntegerField(_l("Accompanying teachers"), default=0, validators=[
        Optional(), NumberRange(min=0, max=20, message=_l("Enter 0 to 20."))],
        description=_l("They count toward the room on this date."))
    level_id = SelectField(_l("Level of the group"), coerce=lambda v: int(v) if v else None,
                           validators=[DataRequired(_l("Choose a level."))])
    message = TextAreaField(_l("Message to the company"), validators=[
        Optional(), Length(max=4000)],
        description=_l("The company reads it with your request if your school gets the room."))

    def fit(self, offer):
        if not offer.counts_teachers:
            del self.teachers
        self.level_id.choices = choices(((lvl.id, localised_name(lvl)) for lvl in offer.levels),
                                        blank=_l("Choose a level"))


class AnswerForm(PortalForm):
    """Take or decline room offered; the pressed button sends `action`."""

    action = StringField(validators=[InputRequired(), AnyOf((TAKE, DECLINE))])


class LeaveForm(PortalForm):
    """Only the token: leaving needs no input."""


@bp.app_template_global()
def waitlist_counts(offer):
    """{slot id: schools waiting} for an offer's date list (templates/offers/slots.html)."""
    return waitlist.waiting_counts(offer.id)


@bp.route("/wachtlijst/datum/<int:slot_id>", methods=["GET", "POST"])
@role_required(*security.SCHOOL_ROLES)
def join(slot_id):
    slot = waitlist.get_slot(slot_id)
    offer = slot.offer
    school = school_of(current_user)
    if school is None:
        return redirect(url_for("organisations.register_school"))
    form = JoinForm()
    form.fit(offer)
    if form.validate_on_submit():
        try:
            waitlist.join_waitlist(
                actor=current_user, slot=slot, group_size=form.group_size.data,
                teachers=(form.teachers.data or 0) if "teachers" in form else 0,
                level_id=form.level_id.data, message=form.message.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("Your school is on the waiting list. We e-mail you as soon as room comes "
                    "free."), "success")
            return redirect(url_for("waitlist.mine"))
    current = waitlist.active_entry(school, slot)
    return render_form("waitlist/join.html", form, slot=slot, offer=offer, current=current,
                       position=waitlist.position(current) if current else None,
                       open_for_joining=offer.status == PUBLISHED
                       and waitlist.slot_start(slot) > utcnow())


@bp.get("/wachtlijst")
@role_required(*security.SCHOOL_ROLES)
def mine():
    school = school_of(current_user)
    if school is None:
        return redirect(url_for("organisations.register_school"))
    return render_template("waitlist/mine.html", school=school, labels=STATUS_LABELS,
                           rows=waitlist.entries_of_school(actor=current_user, school=school),
                           form=LeaveForm())


@bp.post("/wachtlijst/<int:entry_id>/verlaten")
@role_required(*security.SCHOOL_ROLES)
def leave(entry_id):
    entry = waitlist.get_entry_for(current_user, entry_id)
    if not LeaveForm().validate_on_submit():
        abort(400)
    try:
        waitlist.leave_waitlist(actor=current_user, entry=entry, now=utcnow())
    except ValidationFailed as error:
        flash(error.errors.get("", str(error)), "warning")
    else:
        flash(_("Your school has left the waiting list."), "success")
    return redirect(url_for("waitlist.mine"))


@bp.route("/wachtlijst/<token>", methods=["GET", "POST"])
def offer(token):
    """The link in the e-mail offering room: take it or decline it, for a member of the school
    it was offered to. A used or lapsed link says what became of it."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    entry = waitlist.entry_for_token(token)
    if entry is None:
        return render_template("waitlist/offer.html", state="unknown", entry=None), 404
    if not (security.has_role(current_user, *security.SCHOOL_ROLES)
            and is_member(current_user, entry.school)):
        return render_template("waitlist/offer.html", state="other_school", entry=None), 403
    form = AnswerForm()
    if form.is_submitted() and form.action.data not in (TAKE, DECLINE):
        abort(400)
    if form.validate_on_submit():
        try:
            if form.action.data == TAKE:
                booking = waitlist.take_offered_room(actor=current_user, token=token,
                                                     now=utcnow())
            else:
                waitlist.decline_offered_room(actor=current_user, token=token, now=utcnow())
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            if form.action.data == TAKE:
                flash(_("The room is yours: your request is accepted."), "success")
                return redirect(url_for("bookings.detail", booking_id=booking.id))
            flash(_("You declined the room; it goes to the next school in line."), "success")
            return redirect(url_for("waitlist.mine"))
        entry = waitlist.entry_for_token(token)
    now = utcnow()
    return render_form("waitlist/offer.html", form, entry=entry,
                       state=waitlist.link_state(entry, now),
                       rejoin=waitlist.can_join_again(entry, now))
