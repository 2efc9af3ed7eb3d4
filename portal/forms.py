"""Form pieces shared by several features."""
import wtforms
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, PasswordField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget, TextInput, html_params
from wtforms.widgets.core import clean_key

from portal.i18n import lazy_gettext as _l
from portal.text import clean_text


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


def attributes(params):
    """The text of wtforms' html_params(**params), written without string.Formatter, which
    wtforms formats every attribute with (a list of 30 options took a millisecond)."""
    found = []
    for key, value in sorted(params.items()):
        if value is True:
            found.append(clean_key(key))
        elif value is not False:
            found.append(f'{clean_key(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return " ".join(found)


class Select(wtforms.widgets.Select):
    """WTForms' Select, with each option's attributes written by `attributes`."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        options = {"value": value, **(choice.render_kw or {}), **kwargs}
        if choice.selected:
            options["selected"] = True
        return Markup(f"<option {attributes(options)}>{escape(choice.label or choice.value)}"
                      "</option>")


class SelectField(wtforms.SelectField):
    widget = Select()


class KeptSelect(Select):
    """A Select that writes a list once and then gives it again, for a field whose `kept_as`
    the view sets to what its choices depend on (a version of the data and the locale). The
    chosen value and the attributes are part of the key. Each field has its own instance."""

    LIMIT = 512

    def __init__(self, multiple=False):
        super().__init__(multiple)
        self._written = {}

    def __call__(self, field, **kwargs):
        kept_as = getattr(field, "kept_as", None)
        if kept_as is None:
            return super().__call__(field, **kwargs)
        key = (kept_as, field.name, field.id, repr(field.data),
               tuple(sorted((name, repr(value)) for name, value in kwargs.items())))
        written = self._written.get(key)
        if written is None:
            if len(self._written) >= self.LIMIT:
                self._written.clear()
            written = self._written[key] = super().__call__(field, **kwargs)
        return written


def _html_params(**params):
    return Markup(attributes(params))


# WTForms' inputs take their attributes' writer as `html_params`, a static method: these take
# `attributes`, the same text written faster (a search form has eight inputs on every page).
class SearchInput(wtforms.widgets.SearchInput):
    html_params = staticmethod(_html_params)


class NumberInput(wtforms.widgets.NumberInput):
    html_params = staticmethod(_html_params)


class DateInput(wtforms.widgets.DateInput):
    html_params = staticmethod(_html_params)


class SearchField(wtforms.SearchField):
    widget = SearchInput()


class DateField(wtforms.DateField):
    widget = DateInput()


def choices(pairs, blank=None):
    """WTForms choices from (value, label) pairs, with an optional first "all" choice."""
    result = [SelectChoice("", blank)] if blank is not None else []
    return result + [SelectChoice(value, label) for value, label in pairs]


def _cleaner(multiline):
    def clean(value):
        if not isinstance(value, str):
            return value
        cleaned = clean_text(value, multiline=multiline)
        if isinstance(value, PlaceText):  # keeps the place chosen from the suggestions
            return PlaceText(cleaned, value.place_id)
        return cleaned
    clean.__name__ = "clean_multiline_text" if multiline else "clean_text"
    return clean


_CLEAN_LINE, _CLEAN_LINES = _cleaner(False), _cleaner(True)


def text_filter(field_class):
    """The cleaning filter for a field class: every field people type text into (StringField
    and its kinds: e-mail, search, URL, place; TextAreaField keeps its lines), but not
    passwords, which are taken exactly as typed, nor hidden fields, which nobody types."""
    if not issubclass(field_class, StringField) or issubclass(field_class,
                                                              (PasswordField, HiddenField)):
        return None
    return _CLEAN_LINES if issubclass(field_class, TextAreaField) else _CLEAN_LINE


class PortalForm(FlaskForm):
    """The base of every form: text fields come without direction controls and control
    characters (portal.text.clean_text), and text that shows nothing comes as "", so that
    DataRequired says "required" next to the field and Length counts what is seen."""

    class Meta:
        def bind_field(self, form, unbound_field, options):
            clean = text_filter(unbound_field.field_class)
            if clean is not None:
                options = {**options, "filters": [
                    clean, *unbound_field.kwargs.get("filters", ())]}
            return unbound_field.bind(form=form, **options)
