"""Use cases of the Technocentra as the administrator keeps them: their names, the provinces
they cover and single places besides, and what the portal covers with none of them.

A place nobody covers is not an error the portal can refuse: a company registered there waits
in no moderator's queue, only in the administrator's. So the overview says where that is, and
how many companies and schools it concerns, until a Technocentrum takes the place.
"""
from dataclasses import dataclass

from sqlalchemy import func, select

from portal import security
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.geo.models import Place, Province
from portal.geo.services import resolve_place
from portal.i18n import gettext as _
from portal.organisations.models import (
    APPROVED,
    PENDING,
    SUSPENDED,
    Membership,
    Organisation,
    Technocentrum,
    technocentrum_places,
    technocentrum_provinces,
)
from portal.organisations.services import uncovered_provinces
from portal.organisations.team_models import Invitation
from portal.text import clean_text

NAME_MAX = 160
UNCOVERED_PLACES_SHOWN = 50


def get_centre(centre_id):
    centre = db.session.get(Technocentrum, centre_id)
    if centre is None:
        raise NotFound("technocentrum")
    return centre


def all_provinces():
    return list(db.session.scalars(select(Province).order_by(Province.country_code.desc(),
                                                             Province.name)))


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


# --- what is covered, and what is not --------------------------------------------------------


@dataclass(frozen=True)
class CentreRow:
    centre: Technocentrum
    moderators: int
    open_invitations: int


@dataclass(frozen=True)
class UncoveredPlace:
    place: Place
    companies: int
    schools: int


@dataclass(frozen=True)
class Coverage:
    provinces: list  # Provinces no Technocentrum with a moderator covers (its places aside)
    places: list  # UncoveredPlace: where companies or schools are that no centre covers
    places_total: int  # how many such places there are (only the first few are listed)
    shared: list  # (Province, [Technocentrum]) covered by two or more


def centres_overview(*, actor):
    """Every Technocentrum with its number of moderators and open invitations, by name."""
    security.require_role(actor, security.ADMIN)
    moderators = dict(db.session.execute(
        select(Membership.organisation_id, func.count(Membership.id))
        .group_by(Membership.organisation_id)).all())
    invitations = dict(db.session.execute(
        select(Invitation.organisation_id, func.count(Invitation.id))
        .where(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
               Invitation.expires_at > utcnow())
        .group_by(Invitation.organisation_id)).all())
    return [CentreRow(c, moderators.get(c.id, 0), invitations.get(c.id, 0))
            for c in db.session.scalars(select(Technocentrum)
                                        .order_by(Technocentrum.name, Technocentrum.id))]


def _staffed():
    """The ids of the Technocentra with at least one moderator."""
    return select(Membership.organisation_id).join(
        Technocentrum, Technocentrum.id == Membership.organisation_id)


def coverage(*, actor):
    """Where no Technocentrum with a moderator works: the provinces, and the places where
    approved or waiting companies and schools are (most first)."""
    security.require_role(actor, security.ADMIN)
    staffed = _staffed()
    covered_provinces = (select(technocentrum_provinces.c.province_id)
                         .where(technocentrum_provinces.c.technocentrum_id.in_(staffed)))
    covered_places = (select(technocentrum_places.c.place_id)
                      .where(technocentrum_places.c.technocentrum_id.in_(staffed)))
    provinces = uncovered_provinces()
    counted = (func.count(Organisation.id).filter(Organisation.kind == "company"),
               func.count(Organisation.id).filter(Organisation.kind == "school"))
    uncovered = (select(Place.id, *counted)
                 .join(Organisation, Organisation.place_id == Place.id)
                 .where(Organisation.kind.in_(("company", "school")),
                        Organisation.status.in_((APPROVED, PENDING, SUSPENDED)),
                        Place.province_id.not_in(covered_provinces),
                        Place.id.not_in(covered_places))
                 .group_by(Place.id))
    rows = db.session.execute(uncovered).all()
    rows.sort(key=lambda row: (-(row[1] + row[2]), row[0]))
    shown = rows[:UNCOVERED_PLACES_SHOWN]
    places = {p.id: p for p in db.session.scalars(
        select(Place).where(Place.id.in_([row[0] for row in shown])))}
    return Coverage(provinces,
                    [UncoveredPlace(places[pid], companies, schools)
                     for pid, companies, schools in shown],
                    len(rows), _shared_provinces())


def _shared_provinces():
    """Provinces two or more Technocentra cover, with those centres: worth knowing, since the
    school's search then takes one centre's weights (matching/weights.py)."""
    rows = db.session.execute(
        select(Province, Technocentrum)
        .join(technocentrum_provinces, technocentrum_provinces.c.province_id == Province.id)
        .join(Technocentrum, Technocentrum.id == technocentrum_provinces.c.technocentrum_id)
        .order_by(Province.name, Technocentrum.name)).all()
    by_province = {}
    for province, centre in rows:
        by_province.setdefault(province, []).append(centre)
    return [(p, centres) for p, centres in by_province.items() if len(centres) > 1]
