from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from portal.bookings.rules import ACCEPT, CANCEL, DECLINE, WITHDRAW
from portal.forms import choices


class RequestForm(FlaskForm):
    """A request for a slot and a number of pupils (group activities), or for places from a
    start date (placements); the view keeps the fields of the offer's kind."""

    slot_id = RadioField(_l("Date"), coerce=lambda v: int(v) if v else None,
                         validators=[DataRequired(_l("Choose a date."))])
    wanted_on = DateField(_l("Start date"), validators=[DataRequired(_l("Choose a date."))])
    group_size = IntegerField(_l("Number of pupils"), validators=[
        InputRequired(_l("Enter the number of pupils.")),
        NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500."))])
    teachers = IntegerField(_l("Accompanying teachers"), default=0, validators=[
        Optional(), NumberRange(min=0, max=20, message=_l("Enter 0 to 20."))])
    level_id = SelectField(_l("Level of the group"), coerce=lambda v: int(v) if v else None,
                           validators=[DataRequired(_l("Choose a level."))])
    message = TextAreaField(_l("Message to the company"), validators=[
        Optional(), Length(max=4000)])

    def fit(self, offer, slot_pairs):
        """Keep the fields of the offer's kind: a slot or a start date."""
        if offer.has_slots:
            del self.wanted_on
            self.slot_id.choices = choices(slot_pairs)
            if offer.counts_teachers:
                self.teachers.description = _l("They count toward the room on this date.")
        else:
            del self.slot_id
            del self.teachers
            self.group_size.label.text = _l("Number of students (places)")

    def set_levels(self, pairs):
        """The offer's levels, after an empty first choice: the teacher picks one on purpose."""
        self.level_id.choices = choices(pairs, blank=_l("Choose a level"))


class AnswerForm(FlaskForm):
    """One card on a request's page; which buttons it shows depends on the side and status.

    `action` is sent by the pressed button (<button name="action" value="decline">); no page
    offers any other value, so a wrong one is a bad request, not a mistake to explain."""

    action = StringField(validators=[InputRequired(), AnyOf((ACCEPT, DECLINE, WITHDRAW, CANCEL))])
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=4000)])


class WithdrawOfferForm(FlaskForm):
    reason = TextAreaField(_l("Why do you withdraw this offer?"), validators=[
        DataRequired(_l("Give a reason; the schools with requests will read it.")),
        Length(max=2000)], description=_l("Schools with open or accepted requests read it."))
