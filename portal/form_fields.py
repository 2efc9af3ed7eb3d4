"""A form field with its label, help text and errors tied to the input for screen readers:
what every form's template writes through `field` (templates/_macros/forms.html). Written in
Python: as a Jinja macro it took 30-60 µs a field, more than the input itself. Texts are
escaped as Jinja's autoescape does (escape(): a translation's __html__ is trusted)."""
from markupsafe import Markup, escape

CHOICE_LISTS = ("RadioField", "CheckboxListField")


def group_options(field):
    """A choice field's options as (option group, [options]) pairs; one None group when the
    choices have no groups. Assumes each group's choices stand together, as ours do."""
    options = iter(field)
    if not field.has_groups():
        return [(None, list(options))]
    return [(name, [next(options) for _ in group]) for name, group in field.iter_groups()]


def field(f, class_="", help=None, **attributes):  # noqa: A002 - the templates' name
    """The field in a div of class "mb-3" and `class_`. `help` replaces the field's own help
    text; other keywords become attributes of the input (min, max...), those without a value
    left out (WTForms would write the word "None")."""
    description = help or f.description
    invalid = bool(f.errors)
    described = " ".join(([f"{f.id}-help"] if description else [])
                         + ([f"{f.id}-error"] if invalid else []))
    parts = [Markup('<div class="mb-3 {}">').format(class_)]
    if f.type in CHOICE_LISTS:
        parts.append(_choice_list(f, described, invalid))
    else:
        kind = ("form-check-input" if f.type == "BooleanField"
                else "form-select" if f.type == "SelectField" else "form-control")
        attrs = {"class": kind + (" is-invalid" if invalid else "")}
        if invalid:
            attrs["aria-invalid"] = "true"
        if described:
            attrs["aria-describedby"] = described
        attrs.update((name, value) for name, value in attributes.items() if value is not None)
        if f.type == "BooleanField":
            parts += [Markup('<div class="form-check">'), f(**attrs),
                      f.label(class_="form-check-label"), Markup("</div>")]
        else:
            parts += [Markup('<label class="form-label fw-semibold" for="{}">{}</label>').format(
                f.id, escape(f.label.text)), f(**attrs)]
    if description:
        parts.append(Markup('<div id="{}-help" class="form-text">{}</div>').format(
            f.id, escape(description)))
    if invalid:
        parts.append(Markup('<div id="{}-error" class="invalid-feedback d-block">{}</div>').format(
            f.id, Markup(" ").join(escape(error) for error in f.errors)))
    parts.append(Markup("</div>"))
    return Markup("\n").join(parts)


def _choice_list(f, described, invalid):
    parts = [Markup("<fieldset{}{}>").format(
        Markup(' aria-describedby="{}"').format(described) if described else "",
        Markup(' class="is-invalid-group"') if invalid else ""),
        Markup('<legend class="form-label fs-6 fw-semibold">{}</legend>').format(
            escape(f.label.text)),
        Markup('<div class="{}">').format(
            "checkbox-columns" if f.type == "CheckboxListField" else "")]
    for group, options in group_options(f):
        if group:
            parts.append(Markup('<fieldset class="choice-group"><legend class="small '
                                'fw-semibold mb-1">{}</legend>').format(escape(group)))
        for option in options:
            parts += [Markup('<div class="form-check">'), option(class_="form-check-input"),
                      option.label(class_="form-check-label"), Markup("</div>")]
        if group:
            parts.append(Markup("</fieldset>"))
    parts += [Markup("</div>"), Markup("</fieldset>")]
    return Markup("\n").join(parts)
