from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, NumberRange, Optional

from portal.bookings.rules import ACCEPT, CANCEL, DECLINE, WITHDRAW
from portal.forms import choices


class RequestForm(FlaskForm):
    wanted_on = DateField(_l("Preferred date"), validators=[
        DataRequired(_l("Choose a date."))])
    group_size = IntegerField(_l("Group size (pupils or students)"), validators=[
        InputRequired(_l("Enter the size of the group.")),
        NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500."))])
    level_id = SelectField(_l("Level of the group"), coerce=lambda v: int(v) if v else None,
                           validators=[DataRequired(_l("Choose a level."))])
    message = TextAreaField(_l("Message to the company"), validators=[
        Optional(), Length(max=4000)])

    def set_levels(self, pairs):
        """The offer's levels, after an empty first choice: the teacher picks one on purpose."""
        self.level_id.choices = choices(pairs, blank=_l("Choose a level"))


class AnswerForm(FlaskForm):
    """One card on a request's page; which buttons it shows depends on the side and status.

    `action` is sent by the pressed button (<button name="action" value="decline">); no page
    offers any other value, so a wrong one is a bad request, not a mistake to explain."""

    action = StringField(validators=[InputRequired(), AnyOf((ACCEPT, DECLINE, WITHDRAW, CANCEL))])
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=4000)])
