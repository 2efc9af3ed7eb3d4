from flask_babel import lazy_gettext as _l
from wtforms import SearchField, SelectField
from wtforms.validators import Length, NumberRange, Optional

from portal.forms import PortalForm, choices
from portal.numbers import IntegerField
from portal.taxonomy.offer_types import OFFER_TYPES

DEFAULT_KM = 50
# The longest distance worth a limit: NL and Flanders end to end; empty means any distance.
MAX_KM = 400


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class SearchForm(PortalForm):
    class Meta:
        csrf = False  # a search changes nothing and its address should be shareable

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)],
                    render_kw={"placeholder": _l("e.g. welding, drones, Vlissingen")})
    offer_type = SelectField(_l("Type"), default="", validators=[Optional()],
                             choices=choices(OFFER_TYPES.items(), blank=_l("All types")))
    sector = SelectField(_l("Sector"), coerce=_optional_int, validators=[Optional()])
    level = SelectField(_l("Level"), coerce=_optional_int, validators=[Optional()])
    max_km = IntegerField(
        _l("Distance (km)"), default=DEFAULT_KM,
        validators=[Optional(), NumberRange(min=1, max=MAX_KM, message=_l(
            "Enter a distance from 1 to %(max)d km, or leave it empty for any distance.",
            max=MAX_KM))],
        description=_l("From your school; empty: any distance."),
        render_kw={"type": "number", "min": 1, "max": MAX_KM, "step": 1, "inputmode": "numeric"})

    def link_args(self):
        """The search as a link repeats it: only this form's own fields, never anything else
        from the address (which url_for would otherwise take for its own arguments)."""
        return {field.name: "" if field.data is None else field.data for field in self}
