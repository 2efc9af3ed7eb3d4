from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class RequestForm(FlaskForm):
    wanted_on = DateField(_l("Preferred date"), validators=[
        DataRequired(_l("Choose a date."))])
    group_size = IntegerField(_l("Group size (pupils or students)"), validators=[
        InputRequired(_l("Enter the size of the group.")),
        NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500."))])
    level_id = SelectField(_l("Level of the group"), coerce=int, validators=[
        DataRequired(_l("Choose a level."))])
    message = TextAreaField(_l("Message to the company"), validators=[
        Optional(), Length(max=4000)])


class AnswerForm(FlaskForm):
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=4000)],
                            description=_l("Required when you decline or cancel."))
