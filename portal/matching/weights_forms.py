"""The form of a region's search weights, with the sample search that previews them."""
from wtforms import HiddenField, SearchField, SelectField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from portal.forms import PortalForm, choices
from portal.i18n import lazy_gettext as _l
from portal.matching.models import WEIGHT_MAXIMA
from portal.matching.rules import BUSY_FULL, DEFAULT_RADIUS_KM, Weights
from portal.matching.weights import NOTE_MAX, RULES
from portal.numbers import IntegerField, whole_number
from portal.taxonomy.offer_types import OFFER_TYPES

PREVIEW = "preview"
SAVE = "save"
# The sample search's distance: as a teacher's search starts, and its longest limit.
DEFAULT_KM = 50
MAX_KM = 400

# What each rule is called and does, in one sentence, for the moderator who weighs it.
RULE_LABELS = {
    "region": _l("Region"),
    "distance": _l("Distance"),
    "sector": _l("Sector"),
    "level": _l("Education level"),
    "period": _l("Date"),
    "text": _l("Words"),
    "fairness": _l("Fairness (a penalty)"),
}
RULE_MEANINGS = {
    "region": _l("All of it for an offer in the school's own town, two thirds in its province, "
                 "one third in its part of the country."),
    "distance": _l("All of it at the school, fading out towards the edge of the distance "
                   "searched within (%(km)d km for any distance); half for an online offer.",
                   km=DEFAULT_RADIUS_KM),
    "sector": _l("All of it for the sector searched for (or one of the school's sectors), half "
                 "for a related sector."),
    "level": _l("All of it when the offer serves the education level searched for."),
    "period": _l("All of it when the offer is available on the date searched for."),
    "text": _l("As much of it as the offer's words match the words searched for."),
    "fairness": _l("Taken off a company with many open requests, in full from %(n)d requests, "
                   "so that requests spread over more companies.", n=BUSY_FULL),
}


def _optional_int(value):
    """A choice's id: the int given, the one a text writes, or None (no choice, or garbage)."""
    if isinstance(value, int) or value is None:
        return value
    return whole_number(value)


def _weight_field(name):
    top = WEIGHT_MAXIMA[name]
    return IntegerField(
        RULE_LABELS[name],
        invalid_value_message=_l("Enter a whole number from 0 to %(max)d.", max=top),
        render_kw={"type": "number", "min": 0, "max": top, "step": 1, "inputmode": "numeric"})


class WeightsForm(PortalForm):
    region = _weight_field("region")
    distance = _weight_field("distance")
    sector = _weight_field("sector")
    level = _weight_field("level")
    period = _weight_field("period")
    text = _weight_field("text")
    fairness = _weight_field("fairness")
    # The revision of the weights the page showed: a save over a colleague's change is refused.
    seen = HiddenField()
    # The sample search of the preview; saving ignores it.
    school = SelectField(_l("Sample school"), coerce=_optional_int, validators=[Optional()],
                         description=_l("Distances and region are measured from this school."))
    offer_type = SelectField(_l("Type"), default="", validators=[Optional()],
                             choices=choices(OFFER_TYPES.items(), blank=_l("All types")))
    q = SearchField(_l("Search words"), validators=[Optional(), Length(max=100)],
                    description=_l("Optional, e.g. welding."))
    max_km = IntegerField(
        _l("Distance (km)"), default=DEFAULT_KM,
        validators=[Optional(), NumberRange(min=1, max=MAX_KM, message=_l(
            "Enter a distance from 1 to %(max)d km, or leave it empty for any distance.",
            max=MAX_KM))],
        description=_l("From the sample school; empty: any distance."),
        render_kw={"type": "number", "min": 1, "max": MAX_KM, "step": 1, "inputmode": "numeric"})
    note = TextAreaField(_l("Note for the audit log (optional)"),
                         validators=[Optional(), Length(max=NOTE_MAX)],
                         description=_l("Why you change the weights, for your colleagues."),
                         render_kw={"rows": 2})

    def weights(self):
        """The proposed weights as typed (the service checks their bounds)."""
        return Weights(**{name: self[name].data for name in RULES})

    def seen_number(self):
        return whole_number(self.seen.data)


class ResetForm(PortalForm):
    seen = HiddenField()

    def seen_number(self):
        return whole_number(self.seen.data)
