from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.forms import CheckboxListField, choices
from portal.taxonomy.offer_types import LOCATION_MODES, OFFER_TYPES


class OfferForm(FlaskForm):
    offer_type = SelectField(_l("Type of offer"), choices=choices(OFFER_TYPES.items()),
                             validators=[DataRequired(_l("Choose a type of offer."))])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")),
                                                 Length(max=160)])
    description = TextAreaField(_l("Description"), validators=[
        DataRequired(_l("Describe the offer.")), Length(max=8000)],
        description=_l("What happens, what pupils do and learn, what they should bring."))
    sector_ids = CheckboxListField(_l("Sectors"), coerce=int, validators=[
        DataRequired(_l("Choose at least one sector."))])
    level_ids = CheckboxListField(_l("Education levels"), coerce=int, validators=[
        DataRequired(_l("Choose at least one education level."))])
    location_mode = SelectField(_l("Where does it happen?"),
                                choices=choices(LOCATION_MODES.items()),
                                validators=[DataRequired()],
                                description=_l("Guest lessons happen at the school or online; "
                                               "visits, taster days and places at the company."))
    travel_km = IntegerField(_l("How far do you travel to a school? (km)"), validators=[
        Optional(), NumberRange(min=0, max=1000, message=_l("Enter 0 to 1000 km."))])
    capacity = IntegerField(_l("Capacity"), validators=[
        DataRequired(_l("Enter how many requests you can honour.")),
        NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500."))],
        description=_l("How many requests you can honour in this period: classes, groups or "
                       "places."))
    max_group_size = IntegerField(_l("Maximum group size"), validators=[
        Optional(), NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500."))])
    starts_on = DateField(_l("Available from"), validators=[Optional()])
    ends_on = DateField(_l("Available until"), validators=[Optional()])
