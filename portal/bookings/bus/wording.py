"""The messages of the problems bus/rules.py finds, in the reader's language."""
from flask_babel import format_date, format_datetime, format_time

from portal.db import PORTAL_TIMEZONE
from portal.i18n import format_decimal
from portal.i18n import gettext as _


def _message(code, values):
    if code == "level":
        return _("The Technocentrum's bus does not take groups of this level.")
    if code == "too_soon":
        return _("Book the bus at least %(n)d days before the visit.", n=values["days"])
    if code == "not_open":
        return _("Booking the bus for this date opens on %(moment)s.",
                 moment=format_datetime(values["opens"].replace(tzinfo=PORTAL_TIMEZONE),
                                        "d MMMM yyyy HH:mm"))
    if code == "distance":
        if values["distance"] is None:
            return _("The distance from your school to the company is not known, so the bus "
                     "cannot be booked for it.")
        return _("The company is %(distance)s km from your school in a straight line; the bus "
                 "goes at most %(km)d km.", distance=format_decimal(values["distance"], "#,##0.0"),
                 km=values["km"])
    if code == "seats":
        if values["pupils"] >= values["seats"]:
            return _("The bus has %(seats)d seats for pupils and teachers together: too few for "
                     "%(pupils)d pupils and their teachers.", seats=values["seats"],
                     pupils=values["pupils"])
        return _("The bus has %(seats)d seats for pupils and teachers together: with %(pupils)d "
                 "pupils, at most %(free)d teachers fit.", seats=values["seats"],
                 pupils=values["pupils"], free=values["seats"] - values["pupils"])
    if code == "run_day":
        return _("This bus does not run on that day of the week.")
    if code == "blocked":
        return _("This bus does not run then (%(reason)s, until %(until)s).",
                 reason=values["reason"], until=format_date(values["until"], "d MMMM yyyy"))
    if code == "late":
        return _("Leave before the visit starts at %(time)s.",
                 time=format_time(values["starts"], "HH:mm"))
    if code == "early":
        return _("Come back after the visit ends at %(time)s.",
                 time=format_time(values["ends"], "HH:mm"))
    if code == "taken":
        return _("This bus is already booked at that time; choose another bus or other times.")
    raise KeyError(code)


def explain(problems):
    """{field: message}; several problems of one field are joined."""
    messages = {}
    for field, code, values in problems:
        text = _message(code, values)
        messages[field] = f"{messages[field]} {text}" if field in messages else text
    return messages
