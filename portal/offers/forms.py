from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.forms import CheckboxListField, choices
from portal.offers.rules import ALLOWED_LOCATION_MODES
from portal.taxonomy.offer_types import LOCATION_MODES, OFFER_TYPES

KIND_SEPARATOR = ":"


def kind_code(offer_type, location_mode):
    return f"{offer_type}{KIND_SEPARATOR}{location_mode}"


def split_kind(code):
    """(offer type, location mode) of a kind chosen in the form; (None, None) for nothing."""
    offer_type, _sep, location_mode = (code or "").partition(KIND_SEPARATOR)
    return offer_type or None, location_mode or None


def kind_choices():
    """Only the combinations of type and place the rules allow, so none can be refused later.

    One choice field instead of two that depend on each other works without JavaScript."""
    pairs = []
    for code, label in OFFER_TYPES.items():
        modes = ALLOWED_LOCATION_MODES[code]
        for mode in modes:
            text = label if len(modes) == 1 else _l("%(type)s: %(place)s", type=label,
                                                     place=LOCATION_MODES[mode])
            pairs.append((kind_code(code, mode), text))
    return choices(pairs, blank=_l("Choose a type of offer"))


class OfferForm(FlaskForm):
    kind = SelectField(_l("Type of offer and where it happens"), choices=kind_choices,
                       validators=[DataRequired(_l("Choose a type of offer."))],
                       description=_l("Guest lessons happen at the school or online; visits, "
                                      "taster days and places at the company."))
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")),
                                                 Length(max=160)])
    description = TextAreaField(_l("Description"), validators=[
        DataRequired(_l("Describe the offer.")), Length(max=8000)],
        description=_l("What happens, what pupils do and learn, what they should bring."))
    sector_ids = CheckboxListField(_l("Sectors"), coerce=int, validators=[
        DataRequired(_l("Choose at least one sector."))])
    level_ids = CheckboxListField(_l("Education levels"), coerce=int, validators=[
        DataRequired(_l("Choose at least one education level."))])
    travel_km = IntegerField(_l("How far do you travel to a school? (km)"), validators=[
        Optional(), NumberRange(min=0, max=1000, message=_l("Enter 0 to 1000 km."))],
        description=_l("Only for guest lessons at the school."))
    capacity = IntegerField(_l("Capacity"), validators=[
        DataRequired(_l("Enter how many requests you can honour.")),
        NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500."))],
        description=_l("How many requests you can honour in this period: classes, groups or "
                       "places."))
    max_group_size = IntegerField(_l("Maximum group size"), validators=[
        Optional(), NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500."))])
    starts_on = DateField(_l("Available from"), validators=[Optional()])
    ends_on = DateField(_l("Available until"), validators=[Optional()])
