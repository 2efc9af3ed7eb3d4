"""The messages of the problems bookings.rules finds, in the reader's language."""
from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.i18n import ngettext


def _messages():
    """{code: message, or a function of the problem's number giving it}."""
    return {
        "group_empty": _("A group has at least one pupil."),
        "teachers_range": _("Enter 0 to 20 accompanying teachers."),
        "slot_unknown": _("Choose one of the offer's dates."),
        "slot_passed": _("This date has passed; choose a later one."),
        "slot_full": _("This date is full; choose another."),
        "room_left": lambda n: ngettext("Only one place is left on this date.",
                                        "Only %(num)d places are left on this date.", n),
        "group_above_max": lambda n: _("This offer takes groups of at most %(n)d pupils.", n=n),
        "group_below_min": lambda n: _("This offer takes groups of at least %(n)d pupils.",
                                       n=n),
        "date_past": _("Choose today or a later date."),
        "date_outside_period": _("Choose a date within the offer's period."),
        "offer_full": lambda n: ngettext("This offer is full: its only place is taken.",
                                         "This offer is full: all %(num)d places are taken.", n),
        "places_left": lambda n: ngettext("Only one place is free.",
                                          "Only %(num)d places are free.", n),
        "counter_unchanged": _("Propose another date, start date or group size: this proposal "
                               "changes nothing."),
        "text_required": _("Write a short message."),
        "text_too_long": lambda n: _("Keep it under %(n)d characters.", n=n),
        "rating_range": _("Choose a rating from 1 to 5."),
        "pupils_range": lambda n: _("Enter the number of pupils who took part (0 to %(n)d).",
                                    n=n),
        "girls_range": lambda n: _("Enter a number from 0 to %(n)d: no more girls than pupils.",
                                   n=n),
        "host_again_required": _("Say whether you would host this school again."),
    }


def explain(problems):
    """{field: message} of the problems a rule found."""
    messages = _messages()
    explained = {}
    for field, problem in problems.items():
        message = messages[problem.code]
        explained[field] = message(problem.number) if callable(message) else message
    return explained


def refuse_if(problems):
    """Raise ValidationFailed with the problems' messages, if there are any."""
    if problems:
        raise ValidationFailed(explain(problems))
