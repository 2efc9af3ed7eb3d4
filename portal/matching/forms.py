from wtforms.validators import Length, NumberRange, Optional, ValidationError

from portal.forms import DateField, KeptSelect, PortalForm, SearchField, SelectField, choices
from portal.i18n import lazy_gettext as _l
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
    # The lists are the same on every page: the view names them (kept_as), so each is written
    # once per language, version of the sectors and levels, and chosen value.
    offer_type = SelectField(_l("Type"), default="", validators=[Optional()],
                             choices=choices(OFFER_TYPES.items(), blank=_l("All types")),
                             widget=KeptSelect())
    sector = SelectField(_l("Sector"), coerce=_optional_int, validators=[Optional()],
                         widget=KeptSelect())
    level = SelectField(_l("Level"), coerce=_optional_int, validators=[Optional()],
                        widget=KeptSelect())
    max_km = IntegerField(
        _l("Distance (km)"), default=DEFAULT_KM,
        validators=[Optional(), NumberRange(min=1, max=MAX_KM, message=_l(
            "Enter a distance from 1 to %(max)d km, or leave it empty for any distance.",
            max=MAX_KM))],
        description=_l("From your school; empty: any distance."),
        render_kw={"type": "number", "min": 1, "max": MAX_KM, "step": 1, "inputmode": "numeric"})

    group_size = IntegerField(
        _l("Group size (pupils)"),
        validators=[Optional(), NumberRange(min=1, max=500, message=_l(
            "Enter a group of 1 to 500 pupils, or leave it empty."))],
        description=_l("Only activities with room for your group."),
        render_kw={"type": "number", "min": 1, "max": 500, "step": 1, "inputmode": "numeric"})
    wanted_on = DateField(_l("Date"), validators=[Optional()],
                          description=_l("Only offers with room on this date."))
    wanted_until = DateField(_l("Until"), validators=[Optional()],
                             description=_l("Optional: any date up to this one."))

    def validate_wanted_until(self, field):
        if field.data is None:
            return
        if self.wanted_on.data is None:
            raise ValidationError(_l("Enter the first date too."))
        if field.data < self.wanted_on.data:
            raise ValidationError(_l("The last date cannot lie before the first."))
        if (field.data - self.wanted_on.data).days > 366:
            raise ValidationError(_l("Choose a period of at most a year."))

    def link_args(self):
        """The search as a link repeats it: only this form's own fields, never anything else
        from the address (which url_for would otherwise take for its own arguments)."""
        return {field.name: "" if field.data is None else field.data for field in self}
