"""The offer form, built for one type at a time: the company first chooses the type, then sees
only that type's fields. Two plain pages instead of fields shown and hidden by a script, so it
works the same without JavaScript and with a screen reader."""
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from portal.forms import CheckboxListField, PortalForm, choices
from portal.i18n import lazy_gettext as _l
from portal.numbers import IntegerField
from portal.offers.rules import ALLOWED_LOCATION_MODES, LIMITS, SLOT_CAPACITY, fields_of
from portal.taxonomy.codes import APPRENTICESHIP, AT_COMPANY, HOLIDAY_REGIONS
from portal.taxonomy.offer_types import LOCATION_MODES

WEEKDAYS = [_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"),
            _l("Saturday"), _l("Sunday")]
HOLIDAY_REGION_LABELS = {"noord": _l("Netherlands, region north"),
                         "midden": _l("Netherlands, region middle"),
                         "zuid": _l("Netherlands, region south"),
                         "vlaanderen": _l("Flanders")}


def _number(label, name, description=None):
    low, high = LIMITS[name]
    return IntegerField(label, description=description, validators=[
        Optional(), NumberRange(min=low, max=high, message=_l(
            "Enter a number from %(low)d to %(high)d.", low=low, high=high))])


def _text(label, limit, description=None, area=False):
    kind = TextAreaField if area else StringField
    return kind(label, description=description, validators=[Optional(), Length(max=limit)])


DETAIL_FIELDS = {
    "topic": _text(_l("Topic"), 200),
    "given_by": _text(_l("Who gives it"), 200, _l(
        "For example a techniekambassadeur of your company: name and trade.")),
    "duration_minutes": _number(_l("Duration (minutes)"), "duration_minutes"),
    "travel_km": _number(_l("How far do you travel to a school? (km)"), "travel_km",
                         _l("Only for lessons at the school.")),
    "min_group_size": _number(_l("Smallest group (pupils)"), "min_group_size"),
    "max_group_size": _number(_l("Largest group (pupils)"), "max_group_size"),
    "min_age": _number(_l("Minimum age (years)"), "min_age"),
    "safety_rules": _text(_l("Safety rules"), 4000, _l(
        "What pupils must know and do on site."), area=True),
    "protective_gear": _text(_l("Protective gear"), 300, _l(
        "What you provide and what pupils wear, e.g. safety glasses, closed shoes.")),
    "wheelchair_access": BooleanField(_l("Accessible by wheelchair")),
    "counts_teachers": BooleanField(_l("Accompanying teachers count toward the capacity"),
                                    description=_l("Tick this when the room or the bus has "
                                                   "a fixed number of persons.")),
    "pupils_per_day": _number(_l("Pupils per day"), "pupils_per_day", _l(
        "The usual room of one day; each date can differ.")),
    "days": _number(_l("Number of days"), "days"),
    "crebo": StringField(_l("Crebo code of the qualification"), validators=[
        Optional(), Length(max=10)], description=_l("Five digits, e.g. 25180.")),
    "qualification_name": _text(_l("Name of the qualification"), 200, _l(
        "Only needed when the portal does not know the crebo code.")),
    "mbo_level": _number(_l("MBO level (1-4)"), "mbo_level"),
    "starts_on": DateField(_l("From"), validators=[Optional()]),
    "ends_on": DateField(_l("Until"), validators=[Optional()]),
    "capacity": _number(_l("Places"), "capacity", _l("One student per place.")),
    "allowance_euros": _number(_l("Internship allowance (euros per month)"), "allowance_euros"),
    "hours_per_week": _number(_l("Hours per week"), "hours_per_week"),
    "subjects": _text(_l("Subjects"), 300, _l("For example CNC machining, PLC programming.")),
    "deliverable": _text(_l("What the pupils deliver"), 4000, area=True),
    "duration_weeks": _number(_l("Duration (weeks)"), "duration_weeks"),
}


class BaseOfferForm(PortalForm):
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")),
                                                 Length(max=160)])
    description = TextAreaField(_l("Description"), validators=[
        DataRequired(_l("Describe the offer.")), Length(max=8000)],
        description=_l("What happens, what pupils do and learn, what they should bring."))
    location_mode = RadioField(_l("Where does it happen?"),
                               validators=[DataRequired(_l("Choose where it happens."))])
    sector_ids = CheckboxListField(_l("Sectors"), coerce=int, validators=[
        DataRequired(_l("Choose at least one sector."))])
    level_ids = CheckboxListField(_l("Education levels"), coerce=int, validators=[
        DataRequired(_l("Choose at least one education level."))])
    contact_id = SelectField(_l("Contact person"), coerce=int, validators=[Optional()])


LOCATION_FIELD = SelectField(_l("At which location?"), coerce=int, validators=[Optional()],
                             description=_l("Only for activities at the company."))


def offer_form(offer_type, colleagues, locations=(), **kwargs):
    """The form of `offer_type`: the common fields and the type's own (rules.TYPE_FIELDS),
    and a choice of location when the company has more than one and the type can happen
    at the company."""
    attributes = {name: DETAIL_FIELDS[name] for name in fields_of(offer_type)}
    locations = list(locations)
    if len(locations) > 1 and AT_COMPANY in ALLOWED_LOCATION_MODES[offer_type]:
        attributes["location_id"] = LOCATION_FIELD
    form_class = type(f"OfferForm_{offer_type}", (BaseOfferForm,), attributes)
    form = form_class(**kwargs)
    if "location_id" in form:
        form.location_id.choices = choices(locations)
    form.location_mode.choices = choices((mode, LOCATION_MODES[mode])
                                         for mode in ALLOWED_LOCATION_MODES[offer_type])
    if len(form.location_mode.choices) == 1 and not form.location_mode.data:
        form.location_mode.data = form.location_mode.choices[0].value
    form.contact_id.choices = choices([(0, _l("Nobody in particular")), *colleagues])
    if offer_type == APPRENTICESHIP:
        form.starts_on.label.text = _l("Start date")
    return form


def form_values(form):
    """The form's data for the offer services, by field name."""
    values = {name: field.data for name, field in form._fields.items()
              if name not in ("csrf_token",)}
    values["contact_id"] = values.get("contact_id") or None
    return values


class SlotForm(PortalForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Enter a date."))])
    starts_at = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter a start time."))])
    ends_at = TimeField(_l("End time"), validators=[InputRequired(_l("Enter an end time."))])
    capacity = IntegerField(_l("Room (pupils)"), validators=[
        InputRequired(_l("Enter how many pupils fit.")),
        NumberRange(min=SLOT_CAPACITY[0], max=SLOT_CAPACITY[1], message=_l(
            "Enter a number from %(low)d to %(high)d.", low=SLOT_CAPACITY[0],
            high=SLOT_CAPACITY[1]))])
    min_group = IntegerField(_l("Smallest group on this date (optional)"), validators=[
        Optional(), NumberRange(min=1, max=SLOT_CAPACITY[1])],
        description=_l("Set it to the class size to host one class only."))


class SeriesForm(PortalForm):
    weekday = SelectField(_l("Day of the week"), coerce=int,
                          choices=choices(enumerate(WEEKDAYS)))
    first = DateField(_l("From"), validators=[InputRequired(_l("Enter the first date."))])
    last = DateField(_l("Until"), validators=[InputRequired(_l("Enter the last date."))])
    starts_at = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter a start time."))])
    ends_at = TimeField(_l("End time"), validators=[InputRequired(_l("Enter an end time."))])
    capacity = SlotForm.capacity
    min_group = SlotForm.min_group
    region = SelectField(_l("Skip the school holidays of"), choices=choices(
        [(code, HOLIDAY_REGION_LABELS[code]) for code in HOLIDAY_REGIONS],
        blank=_l("No region: skip no holidays")))


class SlotCapacityForm(PortalForm):
    capacity = SlotForm.capacity
    min_group = SlotForm.min_group


def field_label(name):
    """The label a field of the offer form carries, for a list of changes."""
    unbound = (DETAIL_FIELDS.get(name) or getattr(BaseOfferForm, name, None)
               or (LOCATION_FIELD if name == "location_id" else None))
    return unbound.args[0] if unbound is not None and unbound.args else name


class AccreditationForm(PortalForm):
    sbb_number = StringField(_l("SBB leerbedrijf-ID"), validators=[
        DataRequired(_l("Enter your SBB leerbedrijf-ID.")), Length(max=20)],
        description=_l("The number of your company in SBB's register of accredited training "
                       "companies (erkende leerbedrijven)."))
