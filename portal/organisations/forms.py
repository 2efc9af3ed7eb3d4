from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Length, Optional

from portal.forms import CheckboxListField, PortalForm, choices, place_field
from portal.i18n import lazy_gettext as _l
from portal.labels import SCHOOL_STAGES


class CompanyForm(PortalForm):
    name = StringField(_l("Company name"), validators=[
        DataRequired(_l("Enter the company's name.")), Length(max=160)])
    number = StringField(_l("KvK number or Belgian enterprise number"), validators=[
        DataRequired(_l("Enter a KvK number or a Belgian enterprise number.")), Length(max=20)],
        description=_l("Dutch companies: 8-digit KvK number. Belgian companies: "
                       "ondernemingsnummer, e.g. 0403.170.701."))
    place = place_field(_l("Place of business"))
    sectors = CheckboxListField(_l("Sectors"), coerce=int, validators=[
        DataRequired(_l("Choose at least one sector."))])
    description = TextAreaField(_l("What does the company do?"), validators=[
        Optional(), Length(max=4000)])
    website = URLField(_l("Website"), validators=[
        Optional(), URL(message=_l("Enter a web address starting with https://")),
        Length(max=255)])


class SchoolForm(PortalForm):
    name = StringField(_l("School name"), validators=[
        DataRequired(_l("Enter the school's name.")), Length(max=160)])
    stage = SelectField(_l("Kind of school"), choices=choices(SCHOOL_STAGES.items()),
                        validators=[DataRequired()])
    brin = StringField(_l("BRIN code"), validators=[
        DataRequired(_l("Enter the BRIN code.")), Length(max=4)],
        description=_l("Four characters, e.g. 25LH."))
    location = StringField(_l("Location number"), validators=[Optional(), Length(max=2)],
                           description=_l("Two digits; 00 for the main location."))
    place = place_field()
    sectors = CheckboxListField(_l("Technical profiles (optional)"), coerce=int,
                                validators=[Optional()])


class SchoolProfileForm(SchoolForm):
    """The school's own data; the BRIN code and location number stay as registered."""

    brin = None
    location = None


class LogoForm(PortalForm):
    # The service checks the content: a file's name and the browser's filter prove nothing.
    logo = FileField(
        _l("New logo"), validators=[FileRequired(_l("Choose an image file for the logo."))],
        description=_l("A PNG, JPEG or WebP image of at most 2 MB. It is shown at most 400 by "
                       "400 pixels."),
        render_kw={"accept": "image/png,image/jpeg,image/webp"})


class LocationForm(PortalForm):
    name = StringField(_l("Name of the location"), validators=[
        DataRequired(_l("Give the location a name, e.g. Werkplaats Terneuzen.")),
        Length(max=120)],
        description=_l("How schools recognise it, e.g. Hoofdvestiging or Werkplaats Terneuzen."))
    place = place_field()
    address = StringField(_l("Address (optional)"), validators=[Optional(), Length(max=200)],
                          description=_l("Street and number, postcode."))
