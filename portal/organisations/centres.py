"""A Technocentrum set up or changed: its name, the provinces it covers and single places
besides them. One set of rules for every way a centre is made: the administrator's page
(portal/administration), the demo data and the tests."""
from sqlalchemy import func, select

from portal import security
from portal.audit import record_event
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.geo.models import Province
from portal.geo.services import resolve_place
from portal.i18n import gettext as _
from portal.organisations.models import APPROVED, Technocentrum
from portal.text import clean_text

NAME_MAX = 160


def _clean_name(name, centre):
    name = clean_text(name or "")
    if not name:
        return None, _("Enter a name.")
    if len(name) > NAME_MAX:
        return None, _("Use at most %(count)d characters.", count=NAME_MAX)
    same = select(Technocentrum.id).where(func.lower(Technocentrum.name) == name.lower())
    if centre is not None:
        same = same.where(Technocentrum.id != centre.id)
    if db.session.scalar(same) is not None:
        return None, _("A Technocentrum with this name exists already.")
    return name, None


def _resolve_places(lines):
    """The places of the lines (one per line, blank lines skipped), or the first line's
    problem with that line quoted."""
    places = []
    for line in (lines or "").splitlines():
        if not line.strip():
            continue
        try:
            place = resolve_place(line.strip(), field="places")
        except ValidationFailed as error:
            return None, f"{line.strip()}: {error.errors['places']}"
        if place not in places:
            places.append(place)
    return places, None


def save_centre(*, actor, name, province_ids, places_text, centre=None):
    """The administrator sets up a Technocentrum (centre None) or changes one: its name, the
    provinces it covers, and single places besides (one per line, as typed or chosen). It must
    cover something. Returns the centre; ValidationFailed names each field's problem."""
    security.require_role(actor, security.ADMIN)
    errors = {}
    clean, problem = _clean_name(name, centre)
    if problem:
        errors["name"] = problem
    wanted = {int(i) for i in province_ids or ()}
    provinces = list(db.session.scalars(select(Province).where(Province.id.in_(wanted))))
    if len(provinces) != len(wanted):
        errors["provinces"] = _("Choose provinces from the list.")
    places, problem = _resolve_places(places_text)
    if problem:
        errors["places"] = problem
    if not errors and not provinces and not places:
        errors["provinces"] = _("Choose at least one province, or name at least one place.")
    if errors:
        db.session.rollback()
        raise ValidationFailed(errors)
    before = None if centre is None else _coverage_of(centre)
    if centre is None:
        centre = Technocentrum(name=clean, status=APPROVED)
        db.session.add(centre)
    centre.name = clean
    centre.provinces = sorted(provinces, key=lambda p: p.name)
    centre.places = sorted(places, key=lambda p: (p.name, p.id))
    db.session.flush()
    after = _coverage_of(centre)
    if before is None:
        record_event(actor, "technocentrum.created", centre, **after)
    else:
        record_event(actor, "technocentrum.changed", centre, before=before, after=after)
    db.session.commit()
    return centre


def _coverage_of(centre):
    return {"name": centre.name, "provinces": [p.code for p in centre.provinces],
            "places": [p.label for p in centre.places]}
