"""Whole numbers typed into forms, limited to what a database integer column holds.

WTForms' IntegerField takes whatever `int()` takes: "9" * 400, "1_000", digits of other
scripts. A number past the database's integers then fails where it meets the database (SQLite
refuses integers past 2**63) or in a validator (NumberRange converts to float and overflows):
a 500 instead of a message beside the field. The forms of the portal use this field instead.
"""
import re

from wtforms import IntegerField as _IntegerField

from portal import LARGEST_ID
from portal.forms import NumberInput

_WHOLE = re.compile(r"[+-]?[0-9]{1,10}")


def whole_number(raw):
    """The int `raw` (a str) writes in ASCII digits, within +-LARGEST_ID; None otherwise."""
    raw = raw.strip() if isinstance(raw, str) else ""
    if not _WHOLE.fullmatch(raw):
        return None
    number = int(raw)
    return number if abs(number) <= LARGEST_ID else None


class IntegerField(_IntegerField):
    """IntegerField for numbers the database holds: anything else is "not a valid integer"
    beside the field, as a word is."""

    widget = NumberInput()

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = whole_number(valuelist[0])
        if self.data is None:
            raise ValueError(self.invalid_value_message
                             or self.gettext("Not a valid integer value."))
