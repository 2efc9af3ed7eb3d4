"""Form pieces shared by several features."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget


def place_field(label=None):
    """A text field that suggests places as you type (static/js/place-lookup.js) and that the
    service resolves, typos forgiven, when the form is sent."""
    return StringField(label or _l("Place"), validators=[
        DataRequired(_l("Enter a place.")), Length(max=160)],
        render_kw={"autocomplete": "off", "data-place-lookup": "1",
                   "placeholder": _l("e.g. Vlissingen")})


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes, which phones and screen readers handle
    better than a multi-select box."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choices(pairs, blank=None):
    """WTForms choices from (value, label) pairs, with an optional first "all" choice."""
    result = [SelectChoice("", blank)] if blank is not None else []
    return result + [SelectChoice(value, label) for value, label in pairs]
