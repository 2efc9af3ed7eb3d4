"""Search weights per Technocentrum: which weights a school's search uses, and the moderator's
use cases that change them (audited, one commit each).

A school searches with the weights of the Technocentrum that covers its province; a region that
chose none, and a visitor, search with the documented defaults (rules.DEFAULT_WEIGHTS).
"""
import math
from dataclasses import asdict, fields

from sqlalchemy import and_, bindparam, delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from portal import security
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.geo.models import Place
from portal.i18n import gettext as _
from portal.matching.models import WEIGHT_MAXIMA, MatchingWeights
from portal.matching.rules import DEFAULT_WEIGHTS, Weights
from portal.organisations import regions
from portal.organisations.models import (
    APPROVED,
    School,
    Technocentrum,
    technocentrum_places,
    technocentrum_provinces,
)
from portal.organisations.services import technocentrum_of
from portal.text import clean_text

RULES = tuple(f.name for f in fields(Weights))
# Rules that rank by place or sector: with all of them at 0, a search would rank by words alone.
PLACE_OR_SECTOR = ("region", "distance", "sector")
NOTE_MAX = 500
# The sample schools the preview offers: enough for any region, few enough for a select.
SAMPLE_SCHOOLS_MAX = 500


def _weights(row):
    return Weights(**{name: getattr(row, name) for name in RULES})


def weights_in_row(row):
    """The Weights of a row that selected WEIGHT_COLUMNS joined on centre_weighting (None, or
    no weights chosen: the defaults)."""
    return DEFAULT_WEIGHTS if row is None or row.region is None else _weights(row)


WEIGHT_COLUMNS = tuple(getattr(MatchingWeights, name) for name in RULES)


def centre_weighting(place):
    """SQL: the id of the Technocentrum whose weights a school in this place (Place, or an
    alias of it, in the enclosing statement) searches with: of those covering it, one naming
    the place itself before one covering its province, then one that chose weights (should two
    cover it), the lower id on a tie. Join MatchingWeights on it."""
    centre = Technocentrum.__table__.alias("covering")
    chosen = MatchingWeights.__table__.alias("chosen")
    by_place = technocentrum_places.alias("by_place")
    by_province = technocentrum_provinces.alias("by_province")
    # Joins rather than EXISTS: SQLite finds the place's columns one subquery deep only.
    return (select(centre.c.id).select_from(centre)
            .outerjoin(by_place, and_(by_place.c.technocentrum_id == centre.c.id,
                                      by_place.c.place_id == place.id))
            .outerjoin(by_province, and_(by_province.c.technocentrum_id == centre.c.id,
                                         by_province.c.province_id == place.province_id))
            .outerjoin(chosen, chosen.c.technocentrum_id == centre.c.id)
            .where(centre.c.kind == "technocentrum",
                   or_(by_place.c.place_id.is_not(None), by_province.c.province_id.is_not(None)))
            .order_by(by_place.c.place_id.is_(None), chosen.c.id.is_(None), centre.c.id)
            .limit(1).scalar_subquery())


def weights_for_school(school):
    """The weights of a search by this school (None: a visitor), in one query."""
    if school is None or school.place_id is None:
        return DEFAULT_WEIGHTS
    return weights_in_row(db.session.execute(
        _WEIGHTS_OF_PLACE, {"place_id": school.place_id}).first())


_WEIGHTS_OF_PLACE = (select(*WEIGHT_COLUMNS).select_from(Place)
                     .outerjoin(MatchingWeights, MatchingWeights.technocentrum_id
                                == centre_weighting(Place))
                     .where(Place.id == bindparam("place_id")))


def weights_setting(technocentrum):
    """The Technocentrum's own weights (who chose them, when, which revision), or None while it
    uses the defaults."""
    return db.session.scalar(select(MatchingWeights).where(
        MatchingWeights.technocentrum_id == technocentrum.id))


def weights_in(setting):
    """The Weights of a row of weights_setting (None: the defaults)."""
    return DEFAULT_WEIGHTS if setting is None else _weights(setting)


def weights_of(technocentrum):
    """The weights the schools of this Technocentrum's region search with."""
    return weights_in(weights_setting(technocentrum))


def may_tune(actor, technocentrum):
    """The administrator tunes every region's weights; a moderator those of their own."""
    if security.has_role(actor, security.ADMIN):
        return True
    if not security.has_role(actor, security.MODERATOR):
        return False
    own = technocentrum_of(actor)
    return own is not None and own.id == technocentrum.id


def sample_schools(technocentrum):
    """Schools of the region, by name, for the preview's sample search."""
    return list(db.session.scalars(
        select(School).join(School.place)
        .where(regions.Region.of(technocentrum).holds(Place), School.status == APPROVED)
        .order_by(School.name, School.id).limit(SAMPLE_SCHOOLS_MAX)))


def _whole(value):
    """The int a weight stands for, or None: whole numbers only (bools are no numbers)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def check_weights(weights):
    """The weights as whole numbers within their bounds, or ValidationFailed naming each wrong
    one; shared by saving and by the preview, so a preview shows what saving would refuse."""
    errors, values = {}, {}
    for name in RULES:
        value, top = _whole(getattr(weights, name, None)), WEIGHT_MAXIMA[name]
        if value is None or not 0 <= value <= top:
            errors[name] = _("Enter a whole number from 0 to %(max)d.", max=top)
        values[name] = value
    if not errors and not any(values[name] for name in PLACE_OR_SECTOR):
        errors[""] = _("Give at least one of region, distance and sector some points: "
                       "otherwise searches rank by words alone.")
    if errors:
        raise ValidationFailed(errors)
    return Weights(**values)


class WeightsChanged(ValidationFailed):
    """The weights changed after the moderator's page showed them (a colleague saved)."""

    def __init__(self):
        super().__init__({"": _(
            "Someone changed these weights after you opened this page. The weights in use are "
            "shown beside each field now; make your change again.")})


def _require_tuner(actor, technocentrum):
    security.require(may_tune(actor, technocentrum), "not this region's moderator")


def save_weights(*, actor, technocentrum, weights, note="", seen=None):
    """The region's moderator (or the administrator) sets the seven weights of the region's
    searches. `seen` is the revision the moderator's page showed (0: the defaults); a save based
    on weights changed meanwhile is refused rather than silently undoing the other change."""
    _require_tuner(actor, technocentrum)
    weights = check_weights(weights)
    note = clean_text(note or "", multiline=True)
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"note": _("Keep the note under %(n)d characters.", n=NOTE_MAX)})
    row = weights_setting(technocentrum)
    current = 0 if row is None else row.revision
    if seen is not None and seen != current:
        raise WeightsChanged()
    before = DEFAULT_WEIGHTS if row is None else _weights(row)
    if weights == before:
        raise ValidationFailed({"": _("These are the weights in use already: nothing to save.")})
    values = {**asdict(weights), "updated_at": utcnow(), "updated_by_id": actor.id}
    if row is None:
        db.session.add(MatchingWeights(technocentrum_id=technocentrum.id, revision=1, **values))
        try:
            db.session.flush()
        except IntegrityError:  # a colleague's first save came first
            db.session.rollback()
            raise WeightsChanged() from None
    else:
        # One conditional UPDATE: of two saves on the same revision, one wins.
        result = db.session.execute(
            update(MatchingWeights)
            .where(MatchingWeights.id == row.id, MatchingWeights.revision == current)
            .values(revision=current + 1, **values)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            db.session.rollback()
            raise WeightsChanged()
    details = {"before": asdict(before), "after": asdict(weights)}
    if note:
        details["reason"] = note
    record_event(actor, "matching.weights_changed", technocentrum, **details)
    db.session.commit()
    return weights


def reset_weights(*, actor, technocentrum, seen=None):
    """Back to the documented defaults: the region's own weights are removed, so it follows the
    defaults from now on, also when they change."""
    _require_tuner(actor, technocentrum)
    row = weights_setting(technocentrum)
    if row is None:
        raise ValidationFailed({"": _("This region uses the default weights already.")})
    before = _weights(row)
    query = delete(MatchingWeights).where(MatchingWeights.id == row.id)
    if seen is not None:
        query = query.where(MatchingWeights.revision == seen)
    result = db.session.execute(query.execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise WeightsChanged()
    db.session.expunge(row)
    record_event(actor, "matching.weights_reset", technocentrum, before=asdict(before),
                 after=asdict(DEFAULT_WEIGHTS))
    db.session.commit()
    return DEFAULT_WEIGHTS
