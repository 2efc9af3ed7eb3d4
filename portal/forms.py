"""Form pieces shared by several features."""
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget, TextInput, html_params


class PlaceText(str):
    """What a place field holds: the text as typed, and `place_id`, the place chosen from the
    suggestions (None when typed by hand or sent without JavaScript). Being a str, it goes to
    services that take a place's name unchanged; portal.geo.services.resolve_place reads the id.
    """

    def __new__(cls, text="", place_id=None):
        self = super().__new__(cls, text)
        self.place_id = place_id
        return self

    def __repr__(self):
        return f"PlaceText({str(self)!r}, place_id={self.place_id!r})"


def _place_id(raw):
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else None


class PlaceInput(TextInput):
    """The visible text input, followed by a hidden `<name>_id` with the chosen place's id."""

    def __call__(self, field, **kwargs):
        place_id = getattr(field.data, "place_id", None)
        hidden = html_params(type="hidden", name=f"{field.name}_id", id=f"{field.id}_id",
                             value="" if place_id is None else place_id)
        return super().__call__(field, **kwargs) + Markup(f"<input {hidden}>")


class PlaceField(StringField):
    """A place typed, or chosen from suggestions; `.data` is a PlaceText."""

    widget = PlaceInput()

    def process_data(self, value):
        if hasattr(value, "label") and hasattr(value, "id"):  # a Place: shown as chosen
            value = PlaceText(value.label, value.id)
        super().process_data(value)

    def process(self, formdata, data=unset_value, extra_filters=None):
        super().process(formdata, data, extra_filters)
        place_id = getattr(self.data, "place_id", None)
        if formdata is not None and self.name in formdata:
            place_id = _place_id(formdata.get(f"{self.name}_id"))
        self.data = PlaceText(self.data or "", place_id)


def place_field(label=None):
    """A text field that suggests places as you type (static/js/place-lookup.js) and that the
    service resolves when the form is sent: the place chosen from the suggestions (its id comes
    along in a hidden input), else what was typed, typos forgiven."""
    return PlaceField(label or _l("Place"), validators=[
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
