"""Forms of the Techniekbus: a ride (booked, changed, cancelled), a bus, a period it does not
run, and a Technocentrum's booking rules."""
from decimal import Decimal

from wtforms import BooleanField, HiddenField, StringField, TextAreaField, TimeField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from portal import forms as portal_forms
from portal.forms import CheckboxListField, PortalForm, choices
from portal.i18n import lazy_gettext as _l
from portal.numbers import IntegerField, whole_number
from portal.offers.forms import WEEKDAYS

CHECK = "check"
CONFIRM = "confirm"


class RideForm(PortalForm):
    bus_id = portal_forms.SelectField(_l("Bus"), coerce=int,
                                      validators=[InputRequired(_l("Choose a bus."))])
    departs_at = TimeField(_l("Leaves the school at"),
                           validators=[InputRequired(_l("Enter a time."))],
                           description=_l("Before the visit starts: leave time for the ride."))
    returns_at = TimeField(_l("Back at the school at"),
                           validators=[InputRequired(_l("Enter a time."))])
    teachers = IntegerField(_l("Accompanying teachers"),
                            validators=[InputRequired(_l("Enter 0 to 20 accompanying teachers.")),
                                        NumberRange(0, 20)],
                            description=_l("They take seats on the bus too."))
    # The price the teacher was shown; a confirmation at another price is refused.
    price_cents = HiddenField()
    # The ride's version the actor read (changes only).
    seen = HiddenField()

    def price_seen(self):
        return whole_number(self.price_cents.data)

    def seen_number(self):
        return whole_number(self.seen.data)


class CancelRideForm(PortalForm):
    reason = TextAreaField(_l("Reason for cancelling"),
                           validators=[DataRequired(_l("Give a reason.")), Length(max=2000)])


def _weekday_choices():
    return choices((str(1 << index), label) for index, label in enumerate(WEEKDAYS))


class BusForm(PortalForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the bus's name.")), Length(max=80)],
        description=_l("For example Techniekbus 1."))
    seats = IntegerField(_l("Seats"), validators=[InputRequired(_l("Enter 1 to 90 seats.")),
                                                  NumberRange(1, 90)],
                         description=_l("For pupils and accompanying teachers together."))
    run_days = CheckboxListField(_l("Days it runs"), choices=_weekday_choices(),
                                 validators=[DataRequired(_l("Choose at least one day the bus "
                                                             "runs."))])
    active = BooleanField(_l("In service"), default=True)

    def days_mask(self):
        return sum(int(value) for value in self.run_days.data or ())

    def show_days(self, mask):
        self.run_days.data = [choice.value for choice in _weekday_choices()
                              if mask & int(choice.value)]


class BlockForm(PortalForm):
    starts_on = portal_forms.DateField(_l("First day"),
                                       validators=[InputRequired(_l("Enter the first day."))])
    ends_on = portal_forms.DateField(_l("Last day"),
                                     validators=[InputRequired(_l("Enter the last day."))])
    reason = StringField(
        _l("Why"), validators=[DataRequired(_l("Say why the bus does not run, for example "
                                               "Kerstvakantie.")), Length(max=120)])


class EurosField(StringField):
    """An amount in euros, with a comma or a point: 12,50 or 12.50. `cents` is the value."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.cents = None
        text = (self.data or "").strip().replace("€", "").replace(" ", "").replace(",", ".")
        try:
            amount = Decimal(text)
        except ArithmeticError:
            return
        if amount.is_finite() and 0 <= amount <= 10000 and amount == amount.quantize(
                Decimal("0.01")):
            self.cents = int(amount * 100)

    def pre_validate(self, form):
        if self.raw_data and getattr(self, "cents", None) is None:
            raise StopValidation(_l("Enter an amount in euros from 0 to 10000, such as 12,50."))


class RulesForm(PortalForm):
    min_days_ahead = IntegerField(_l("Book at least this many days before"),
                                  validators=[InputRequired(_l("Enter 0 to 365 days.")),
                                              NumberRange(0, 365)])
    max_days_ahead = IntegerField(_l("Booking opens this many days before"),
                                  validators=[InputRequired(_l("Enter 0 to 730 days.")),
                                              NumberRange(0, 730)])
    opens_at = TimeField(_l("Booking opens at"),
                         validators=[InputRequired(_l("Enter a time."))],
                         description=_l("On the first day booking opens, from this time."))
    max_distance_km = IntegerField(_l("Longest ride (km)"),
                                   validators=[InputRequired(_l("Enter 1 to 500 km.")),
                                               NumberRange(1, 500)],
                                   description=_l("From the school to the company, in a "
                                                  "straight line."))
    price = EurosField(_l("Price per ride (euros)"),
                       validators=[InputRequired(_l("Enter an amount, 0 for free."))])
    surcharge = EurosField(_l("Surcharge (euros)"),
                           validators=[InputRequired(_l("Enter an amount, 0 for none."))],
                           description=_l("For schools in the places below."))
    surcharge_places = TextAreaField(
        _l("Places whose schools pay the surcharge"), validators=[Optional(), Length(max=4000)],
        description=_l("One place per line, for example places of municipalities that do not "
                       "contribute to the bus."))
    level_ids = CheckboxListField(_l("Groups that may book"), coerce=int,
                                  validators=[DataRequired(_l(
                                      "Choose the levels whose groups may book the bus."))])

    def place_names(self):
        return tuple(line.strip() for line in (self.surcharge_places.data or "").splitlines()
                     if line.strip())


def level_choices_of(levels):
    return choices((level.id, level.name) for level in levels)
