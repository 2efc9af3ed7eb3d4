"""The forms of the administrator's reference data pages (portal/taxonomy/admin_views.py).

Each row of a page has its own form, told apart by its prefix ("sector-12-name"), so every
field's id is unique on the page and a refused form shows its errors in its own place."""
from wtforms import StringField
from wtforms.validators import DataRequired, Length, Optional

from portal.forms import CheckboxListField, PortalForm, SearchField, SelectField, choices
from portal.i18n import lazy_gettext as _l
from portal.taxonomy.admin import COUNTRIES, MBO_LEVELS, NAME_MAX, QUALIFICATION_NAME_MAX

STAGE_LABELS = {"po": _l("Primary school (PO)"), "vo": _l("Secondary school (VO)"),
                "mbo": _l("Vocational school (MBO)"), "hbo": _l("Higher professional (HBO)"),
                "wo": _l("University (WO)"), "so_be": _l("Secondary school, Flanders")}
COUNTRY_LABELS = {"NL": _l("The Netherlands"), "BE": _l("Belgium (Flanders)")}


def _name(label, message, limit=NAME_MAX):
    return StringField(label, validators=[DataRequired(message), Length(max=limit)])


def _dutch_name(limit=NAME_MAX):
    return _name(_l("Name (Dutch)"), _l("Enter the Dutch name."), limit)


def _english_name():
    return _name(_l("Name (English)"), _l("Enter the English name."))


class NamesForm(PortalForm):
    """A topsector's or an education level's names."""

    name = _dutch_name()
    name_en = _english_name()


class SectorForm(NamesForm):
    """A sector's names, chamber and topsectors; a chamber's form has no chamber field. Choices
    are strings (the ids), so the blank choice of the add form is a choice like the others and
    "required" is the one message when nothing is chosen."""

    chamber = SelectField(_l("Sector chamber"),
                          validators=[DataRequired(_l("Choose a sector chamber."))])
    topsectors = CheckboxListField(_l("Topsectors"), coerce=int, validators=[Optional()])

    def fill_choices(self, chambers, topsectors, blank=False):
        if "chamber" in self:
            self.chamber.choices = choices(((str(c.id), c.name) for c in chambers),
                                           blank=_l("Choose a sector chamber") if blank else None)
        self.topsectors.choices = [(t.id, t.name) for t in topsectors]
        return self


class LevelForm(NamesForm):
    """A new education level."""

    code = StringField(_l("Code"), validators=[DataRequired(_l("Enter a code.")),
                                               Length(max=40)],
                       description=_l("Lower-case letters, digits and _, e.g. mbo_4_bbl; it "
                                      "never changes."))
    stage = SelectField(_l("Stage"), validators=[DataRequired(_l("Choose a stage."))])
    country_code = SelectField(_l("Country"), validators=[DataRequired(_l("Choose a country."))],
                               choices=choices(
                                   [(code, COUNTRY_LABELS[code]) for code in COUNTRIES],
                                   blank=_l("Choose a country")))

    def fill_choices(self, stages):
        self.stage.choices = choices(((s, STAGE_LABELS.get(s, s)) for s in stages),
                                     blank=_l("Choose a stage"))
        return self


def _level_choices(blank=None):
    return choices(((str(n), str(n)) for n in MBO_LEVELS), blank=blank)


class QualificationForm(PortalForm):
    """A qualification's name and MBO level."""

    name = _dutch_name(QUALIFICATION_NAME_MAX)
    level = SelectField(_l("MBO level"), validators=[DataRequired(_l("Choose an MBO level."))],
                        choices=_level_choices())


class NewQualificationForm(QualificationForm):
    crebo = StringField(_l("Crebo code"), validators=[DataRequired(_l("Enter the crebo code.")),
                                                      Length(max=10)],
                        description=_l("Five digits, e.g. 25180."))
    level = SelectField(_l("MBO level"), validators=[DataRequired(_l("Choose an MBO level."))],
                        choices=_level_choices(blank=_l("Choose a level")))


class QualificationSearchForm(PortalForm):
    """Which qualifications the page lists (a GET form: the address keeps it)."""

    class Meta:
        csrf = False  # a filter changes nothing

    q = SearchField(_l("Crebo code or name"), validators=[Optional(), Length(max=100)],
                    description=_l("Part of the code or the name, e.g. 257 or monteur."))
