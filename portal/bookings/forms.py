from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from portal.bookings.models import NO_ROOM, OTHER_REASON
from portal.bookings.rules import (
    ACCEPT,
    ACCEPT_COUNTER,
    CANCEL,
    COMMENT_MAX,
    DECLINE,
    DECLINE_COUNTER,
    MAX_PUPILS,
    MESSAGE_MAX,
    WITHDRAW,
)
from portal.forms import PortalForm, choices
from portal.i18n import lazy_gettext as _l
from portal.numbers import IntegerField


def _number(value):
    return int(value) if value not in (None, "") else None


class RequestForm(PortalForm):
    """A request for a slot and a number of pupils (group activities), or for places from a
    start date (placements); the view keeps the fields of the offer's kind."""

    slot_id = RadioField(_l("Date"), coerce=_number,
                         validators=[DataRequired(_l("Choose a date."))])
    wanted_on = DateField(_l("Start date"), validators=[DataRequired(_l("Choose a date."))])
    group_size = IntegerField(_l("Number of pupils"), validators=[
        InputRequired(_l("Enter the number of pupils.")),
        NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500."))])
    teachers = IntegerField(_l("Accompanying teachers"), default=0, validators=[
        Optional(), NumberRange(min=0, max=20, message=_l("Enter 0 to 20."))])
    level_id = SelectField(_l("Level of the group"), coerce=_number,
                           validators=[DataRequired(_l("Choose a level."))])
    message = TextAreaField(_l("Message to the company"), validators=[
        Optional(), Length(max=MESSAGE_MAX)])

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


ANSWERS = (ACCEPT, DECLINE, WITHDRAW, CANCEL, ACCEPT_COUNTER, DECLINE_COUNTER)


def _end_reason(form, field):
    """One of the choices when given. Whether it must be given (when declining) is the
    service's rule, checked with the message's, so both are shown at once."""
    if not field.raw_data or not field.raw_data[0]:
        field.data = None
        raise StopValidation()
    if field.data not in (NO_ROOM, OTHER_REASON):
        raise StopValidation(_l("Choose one of the reasons offered."))


class AnswerForm(PortalForm):
    """One card on a request's page; which buttons it shows depends on the side and status.

    `action` is sent by the pressed button (<button name="action" value="decline">); no page
    offers any other value, so a wrong one is a bad request, not a mistake to explain.
    `end_reason` says whether a decline or withdrawal is for lack of room: the company must
    choose when it declines (the region's figures count it; services.decline_booking says so),
    the school may when it withdraws; the other answers ignore it."""

    action = StringField(validators=[InputRequired(), AnyOf(ANSWERS)])
    message = TextAreaField(_l("Message"), validators=[Optional(), Length(max=MESSAGE_MAX)])
    end_reason = RadioField(_l("Reason for declining"), choices=choices([
        (NO_ROOM, _l("No room")), (OTHER_REASON, _l("Another reason"))]),
        validate_choice=False, validators=[_end_reason],
        description=_l("Required when you decline."))

    def fit(self, actions):
        """Name the choice of an end reason for the answer it goes with: the company's
        decline, or the school's withdrawal."""
        if DECLINE in actions:
            return
        self.end_reason.label.text = _l("Reason for withdrawing (optional)")
        self.end_reason.description = ""
        self.end_reason.choices = choices([
            (NO_ROOM, _l("No room (the company told us it is full)")),
            (OTHER_REASON, _l("Another reason"))])


class CounterForm(PortalForm):
    """The company's counter-proposal: another date of the offer (or start date of a
    placement), another group size, or both; with a message saying why."""

    slot_id = SelectField(_l("Another date"), coerce=_number, validators=[Optional()])
    wanted_on = DateField(_l("Another start date"), validators=[Optional()])
    group_size = IntegerField(_l("Another group size"), validators=[
        Optional(), NumberRange(min=1, max=500, message=_l("Enter a number from 1 to 500."))])
    message = TextAreaField(_l("Why, and what you propose"), validators=[
        DataRequired(_l("Tell the school why you propose this.")), Length(max=MESSAGE_MAX)])

    def fit(self, booking, slot_pairs):
        """The offer's other open dates (group activities), or a start date (placements)."""
        if booking.offer.has_slots:
            del self.wanted_on
            self.slot_id.choices = choices(slot_pairs, blank=_l("Keep the requested date"))
            self.group_size.description = _l("Leave empty to keep %(n)d pupils.",
                                             n=booking.group_size)
        else:
            del self.slot_id
            self.group_size.label.text = _l("Another number of places")
            self.group_size.description = _l("Leave empty to keep %(n)d places.",
                                             n=booking.group_size)


class MessageForm(PortalForm):
    body = TextAreaField(_l("Your message"), validators=[
        DataRequired(_l("Write a message first.")), Length(max=MESSAGE_MAX)])


YES, NO = "yes", "no"


class OutcomeForm(PortalForm):
    held = RadioField(_l("Did it take place?"), choices=choices([
        (YES, _l("Yes, it took place")), (NO, _l("No, it did not"))]),
                      validators=[InputRequired(_l("Choose yes or no."))])


class EvaluationForm(PortalForm):
    """The evaluation of one side; the view keeps the fields of the reader's side."""

    rating = RadioField(_l("Your rating"), coerce=_number, choices=choices([
        (1, _l("1 – poor")), (2, "2"), (3, "3"), (4, "4"), (5, _l("5 – excellent"))]),
        validators=[InputRequired(_l("Choose a rating from 1 to 5."))])
    pupils_reached = IntegerField(_l("Pupils who took part"), validators=[
        InputRequired(_l("Enter the number of pupils who took part.")),
        NumberRange(min=0, max=MAX_PUPILS, message=_l("Enter a number from 0 to 1000."))])
    girls = IntegerField(_l("Of them girls"), validators=[
        InputRequired(_l("Enter how many of them were girls.")),
        NumberRange(min=0, max=MAX_PUPILS, message=_l("Enter a number from 0 to 1000."))])
    host_again = RadioField(_l("Would you host this school again?"), choices=choices([
        (YES, _l("Yes")), (NO, _l("No"))]), validators=[InputRequired(_l("Choose yes or no."))])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=COMMENT_MAX)])

    def fit(self, school_side):
        if school_side:
            del self.host_again
        else:
            del self.pupils_reached
            del self.girls


class WithdrawOfferForm(PortalForm):
    reason = TextAreaField(_l("Why do you withdraw this offer?"), validators=[
        DataRequired(_l("Give a reason; the schools with requests will read it.")),
        Length(max=2000)], description=_l("Schools with open or accepted requests read it."))
