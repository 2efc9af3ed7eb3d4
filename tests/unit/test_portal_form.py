"""PortalForm (portal/forms.py): every text field is cleaned as it arrives, passwords are not."""
import importlib
import pkgutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    SearchField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import Select as WTFormsSelect
from wtforms.widgets import html_params

from portal import forms as portal_forms
from portal.forms import (
    PlaceText,
    PortalForm,
    Select,
    SelectField,
    attributes,
    place_field,
    text_filter,
)
from portal.numbers import IntegerField as PortalIntegerField

ZWSP, RLO, PDF, LRI, PDI, FILLER = "\u200b", "\u202e", "\u202c", "\u2066", "\u2069", "\u3164"
PORTAL = Path(__file__).resolve().parents[2] / "portal"


class ProfileForm(PortalForm):
    name = StringField(validators=[DataRequired("Enter a name.")])
    story = TextAreaField(validators=[Optional()])
    email = EmailField()
    website = URLField()
    q = SearchField()
    password = PasswordField()
    seen = HiddenField()
    count = IntegerField(validators=[Optional()])
    place = place_field()
    shout = StringField(filters=[lambda value: value.upper() if value else value])


@pytest.fixture
def form_of(app):
    def build(**sent):
        with app.test_request_context(method="POST"):
            form = ProfileForm(MultiDict(sent), meta={"csrf": False})
            form.validate()
            return form
    return build


@pytest.mark.parametrize("invisible", [ZWSP * 3, RLO, LRI + PDI, FILLER, " \u0301 "], ids=repr)
def test_invisible_only_text_is_empty_and_required_says_so(form_of, invisible):
    form = form_of(name=invisible)

    assert form.name.data == ""
    assert form.name.errors == ["Enter a name."]


def test_a_name_loses_its_override_and_keeps_what_shows(form_of):
    form = form_of(name=f" Drone{RLO}werkplaats{PDF}\t", story=f"Regel 1\r\n{RLO}Regel 2 ")

    assert form.name.data == "Dronewerkplaats"
    assert form.story.data == "Regel 1\nRegel 2"
    assert form.name.errors == []


def test_email_search_and_url_fields_are_cleaned_too(form_of):
    form = form_of(email=f"{ZWSP}ilse@smederij.nl{ZWSP}", q=f"{RLO}lassen",
                   website=" https://a.nl ")

    assert (form.email.data, form.q.data, form.website.data) == (
        "ilse@smederij.nl", "lassen", "https://a.nl")


def test_passwords_and_hidden_fields_come_exactly_as_sent(form_of):
    password = f" geheim{ZWSP}{RLO} woord "
    form = form_of(password=password, seen=" 2026-11-30T10:00 ")

    assert form.password.data == password
    assert form.seen.data == " 2026-11-30T10:00 "


def test_a_place_keeps_the_place_chosen(form_of, app):
    form = form_of(place=f"{ZWSP}Tielt (Vlaanderen) ", place_id="7")

    assert isinstance(form.place.data, PlaceText)
    assert (form.place.data, form.place.data.place_id) == ("Tielt (Vlaanderen)", 7)

    with app.test_request_context():
        shown = ProfileForm(data={"place": SimpleNamespace(id=3, label="Gent (Vlaanderen)")},
                            meta={"csrf": False})
        assert (shown.place.data, shown.place.data.place_id) == ("Gent (Vlaanderen)", 3)


def test_a_fields_own_filters_run_after_the_cleaning(form_of):
    assert form_of(shout=f" {RLO}hallo ").shout.data == "HALLO"


def test_fields_that_are_no_text_are_left_alone():
    assert text_filter(IntegerField) is None
    assert text_filter(PasswordField) is None
    assert text_filter(HiddenField) is None
    assert text_filter(StringField) is not text_filter(TextAreaField)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_with_text_fields_cleans_them():
    """A form that still derives from FlaskForm itself may only be a button (CSRF) or take
    no typed text; every other form derives from PortalForm."""
    for module in pkgutil.walk_packages([str(PORTAL)], "portal."):
        importlib.import_module(module.name)
    uncleaned = []
    for form in _subclasses(FlaskForm):
        if issubclass(form, PortalForm):
            continue
        for name in dir(form):
            field = getattr(form, name, None)
            if isinstance(field, UnboundField) and text_filter(field.field_class) is not None:
                uncleaned.append(f"{form.__module__}.{form.__name__}.{name}")
    assert uncleaned == []


class ChoiceForm(PortalForm):
    class Meta:
        csrf = False

    plain = SelectField(choices=[SelectChoice("", "All"), SelectChoice("a&b", 'Say "yes" <now>'),
                                 SelectChoice("3", "Three")])
    grouped = SelectField(choices=[SelectChoice("1", "One", optgroup="Group <1>"),
                                   SelectChoice("2", "Two", optgroup="Group <1>"),
                                   SelectChoice("x", "X", optgroup="Group 2")])
    flags = SelectField(coerce=str, choices=[SelectChoice(True, "Yes"),
                                             SelectChoice(False, "No")])
    with_kw = SelectField(choices=[SelectChoice("k", "K", render_kw={"data_x": 'q"uote',
                                                                      "disabled": True,
                                                                      "hidden": False})])


@pytest.mark.parametrize("sent", [{}, {"plain": "a&b", "grouped": "2", "flags": "False",
                                       "with_kw": "k"}])
def test_the_select_writes_what_wtforms_select_writes(app, sent):
    with app.test_request_context():
        form = ChoiceForm(MultiDict(sent))
        for name in ("plain", "grouped", "flags", "with_kw"):
            field = form[name]
            for extra in ({}, {"class_": "form-select", "aria_describedby": "h e"}):
                assert str(Select()(field, **extra)) == str(WTFormsSelect()(field, **extra))
            assert str(field()) == str(WTFormsSelect()(field))


@pytest.mark.parametrize("params", [{}, {"value": 'a"b&<c>'}, {"class_": "x", "for_": "y"},
                                    {"data_one_two": 1, "aria_label": "l", "checked": True,
                                     "readonly": False}, {"value": Markup('<b>"x"</b>')}])
def test_attributes_are_html_params(params):
    assert attributes(params) == str(html_params(**params))


class InputForm(PortalForm):
    class Meta:
        csrf = False

    q = portal_forms.SearchField("Search", validators=[DataRequired()],
                                 render_kw={"placeholder": 'e.g. "welding" & <more>'})
    km = PortalIntegerField("Km", render_kw={"type": "number", "min": 1, "max": 400, "step": 1,
                                        "inputmode": "numeric"})
    day = portal_forms.DateField("Day", validators=[Optional()])


@pytest.mark.parametrize("sent", [{}, {"q": 'a "b" <c>', "km": "12", "day": "2027-01-05"},
                                  {"km": "x", "day": "no date"}])
def test_the_inputs_write_what_wtforms_inputs_write(app, sent):
    from wtforms import widgets

    with app.test_request_context():
        form = InputForm(MultiDict(sent))
        form.validate()
        for field, theirs in ((form.q, widgets.SearchInput()), (form.km, widgets.NumberInput()),
                              (form.day, widgets.DateInput())):
            assert type(field.widget).__module__ == "portal.forms"
            ours = field.widget
            for extra in ({}, {"class_": "form-control is-invalid", "aria_invalid": "true",
                               "aria_describedby": f"{field.id}-help"}):
                written = str(field(**extra))
                field.widget = theirs
                assert written == str(field(**extra))
                field.widget = ours
