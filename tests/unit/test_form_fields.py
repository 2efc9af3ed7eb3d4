"""The `field` every form's template writes (portal/form_fields.py): label, input, help text
and errors tied together for screen readers, with everything escaped as Jinja would."""
import re

import pytest
from flask_babel import lazy_gettext
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields.choices import SelectChoice

from portal.form_fields import field
from portal.forms import CheckboxListField, PortalForm, SelectField


class _Form(PortalForm):
    class Meta:
        csrf = False

    name = StringField("Naam <eigen>", description=lazy_gettext("Zoals op de deur"))
    kind = SelectField("Soort", choices=[SelectChoice("a", "A"), SelectChoice("b", "B & C")])
    agree = BooleanField("Akkoord")
    stage = RadioField("Fase", choices=[SelectChoice("po", "Basis"),
                                       SelectChoice("vo", "Voortgezet")])
    sectors = CheckboxListField("Sectoren", choices=[
        SelectChoice(1, "Metaal", optgroup="Techniek <1>"),
        SelectChoice(2, "Lassen", optgroup="Techniek <1>"), SelectChoice(3, "Zorg")])


@pytest.fixture
def form(app):
    with app.test_request_context():
        yield _Form(formdata=None)


def _tags(html):
    return re.sub(r">\s+<", "><", str(html))


def test_a_text_field_ties_label_help_and_errors_to_its_input(form):
    form.name.errors = ["Te kort <x>", "Nog iets"]
    html = _tags(field(form.name, class_="col-6", maxlength=20, placeholder=None))
    assert html.startswith('<div class="mb-3 col-6"><label class="form-label fw-semibold" '
                           'for="name">Naam &lt;eigen&gt;</label><input ')
    assert 'aria-describedby="name-help name-error"' in html
    assert 'aria-invalid="true"' in html and 'class="form-control is-invalid"' in html
    assert 'maxlength="20"' in html and "placeholder" not in html  # None: left out
    assert '<div id="name-help" class="form-text">Zoals op de deur</div>' in html
    assert ('<div id="name-error" class="invalid-feedback d-block">Te kort &lt;x&gt; '
            'Nog iets</div>') in html
    assert html.endswith("</div></div>")


def test_help_replaces_the_fields_own_and_a_valid_field_is_not_marked(form):
    html = _tags(field(form.name, help="Anders & beter"))
    assert '<div id="name-help" class="form-text">Anders &amp; beter</div>' in html
    assert "Zoals op de deur" not in html
    assert "aria-invalid" not in html and "is-invalid" not in html
    assert 'aria-describedby="name-help"' in html


def test_a_select_and_a_checkbox(form):
    select = _tags(field(form.kind))
    assert 'class="form-select"' in select and "B &amp; C" in select
    assert "aria-describedby" not in select  # no help, no errors
    form.agree.errors = ["Verplicht"]
    box = _tags(field(form.agree))
    assert box.startswith('<div class="mb-3 "><div class="form-check"><input ')
    assert 'class="form-check-input is-invalid"' in box
    assert '<label class="form-check-label" for="agree">Akkoord</label></div>' in box


def test_choices_are_a_fieldset_with_groups(form):
    radios = _tags(field(form.stage))
    assert radios.startswith('<div class="mb-3 "><fieldset><legend class="form-label fs-6 '
                             'fw-semibold">Fase</legend><div class="">')
    assert radios.count('<div class="form-check"><input class="form-check-input"') == 2
    form.sectors.errors = ["Kies er een"]
    boxes = _tags(field(form.sectors))
    assert ('<fieldset aria-describedby="sectors-error" class="is-invalid-group">'
            in boxes)
    assert '<div class="checkbox-columns">' in boxes
    assert boxes.count('<fieldset class="choice-group">') == 1  # "Zorg" has no group
    assert '<legend class="small fw-semibold mb-1">Techniek &lt;1&gt;</legend>' in boxes
