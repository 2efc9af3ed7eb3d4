"""The Technocentra as the administrator reads them: each with its moderators and open
invitations, and what the portal covers with none of them (a centre is set up or changed by
portal/organisations/centres.py).

A place nobody covers is not an error the portal can refuse: a company registered there waits
in no moderator's queue, only in the administrator's. So the overview says where that is, and
how many companies and schools it concerns, until a Technocentrum takes the place.
"""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal import security
from portal.db import utcnow
from portal.errors import NotFound
from portal.extensions import db
from portal.geo.models import Place, Province
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

UNCOVERED_PLACES_SHOWN = 50


def get_centre(centre_id):
    centre = db.session.get(Technocentrum, centre_id)
    if centre is None:
        raise NotFound("technocentrum")
    return centre


def all_provinces():
    return list(db.session.scalars(select(Province).order_by(Province.country_code.desc(),
                                                             Province.name)))


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
    named: list  # (Place, naming Technocentrum, [Technocentra of its province]) besides


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
                    len(rows), _shared_provinces(), _places_named_in_another_region())


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


def _places_named_in_another_region():
    """Places one Technocentrum names whose province another covers: both see the place's
    companies; its schools search with the weights of the centre naming it."""
    named = technocentrum_places.alias("named")
    naming, covering = Technocentrum.__table__.alias("naming"), aliased(Technocentrum)
    rows = db.session.execute(
        select(Place, naming.c.name, covering)
        .join(named, named.c.place_id == Place.id)
        .join(naming, naming.c.id == named.c.technocentrum_id)
        .join(technocentrum_provinces, technocentrum_provinces.c.province_id == Place.province_id)
        .join(covering, covering.id == technocentrum_provinces.c.technocentrum_id)
        .where(covering.id != named.c.technocentrum_id)
        .order_by(Place.name, naming.c.name, covering.name)).all()
    found = {}
    for place, naming_name, centre in rows:
        found.setdefault((place, naming_name), []).append(centre)
    return [(place, name, centres) for (place, name), centres in found.items()]
