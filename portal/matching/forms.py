from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from portal.forms import choices
from portal.taxonomy.offer_types import OFFER_TYPES

DISTANCES = [(10, _l("10 km")), (25, _l("25 km")), (50, _l("50 km")), (100, _l("100 km")),
             (0, _l("Any distance"))]


def _optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a search changes nothing and its address should be shareable

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=100)],
                    render_kw={"placeholder": _l("e.g. welding, drones, Vlissingen")})
    offer_type = SelectField(_l("Type"), default="", validators=[Optional()],
                             choices=choices(OFFER_TYPES.items(), blank=_l("All types")))
    sector = SelectField(_l("Sector"), coerce=_optional_int, validators=[Optional()])
    level = SelectField(_l("Level"), coerce=_optional_int, validators=[Optional()])
    max_km = SelectField(_l("Maximum distance from your school"), coerce=int, default=50,
                         choices=choices(DISTANCES), validators=[Optional()])
