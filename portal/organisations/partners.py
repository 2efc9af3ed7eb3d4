"""Partner circles: a school and a company agree to a lasting partnership. One side asks, the
other accepts or declines; the asking side may withdraw its question; either side ends an
active partnership. Every change of status is one conditional UPDATE, so answers and
withdrawals that cross are decided once. The other side hears of each step by e-mail.

A partner company's offers rank higher in its school's searches (portal/matching/rules.py,
PARTNER_POINTS), and the reason says so."""
from sqlalchemy import column, or_, select, table, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal import security
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.geo.models import Place
from portal.i18n import gettext as _
from portal.notifications.outbox import notify_all
from portal.organisations.models import Company, Membership, Organisation, School
from portal.organisations.partner_models import (
    ACTIVE,
    ASKED,
    COMPANY_SIDE,
    DECLINED,
    ENDED,
    SCHOOL_SIDE,
    WITHDRAWN,
    Partnership,
)
from portal.organisations.regions import Region
from portal.organisations.services import is_member, technocentrum_of
from portal.organisations.team_mail import active_members
from portal.text import clean_text

MESSAGE_MAX = 2000


def side_of(actor, partnership):
    """SCHOOL_SIDE or COMPANY_SIDE, the side the actor speaks for; NotAllowed otherwise."""
    if security.has_role(actor, security.COMPANY_MEMBER) and is_member(actor,
                                                                       partnership.company):
        return COMPANY_SIDE
    if security.has_role(actor, *security.SCHOOL_ROLES) and is_member(actor, partnership.school):
        return SCHOOL_SIDE
    raise NotAllowed("not a party to this partnership")


def own_organisation(actor):
    """The school or company the actor works for (the side they can ask for), or None."""
    kind = ("company" if security.has_role(actor, security.COMPANY_MEMBER) else "school"
            if security.has_role(actor, *security.SCHOOL_ROLES) else None)
    if kind is None:
        return None
    return db.session.scalar(
        select(Organisation).join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == actor.id, Organisation.kind == kind)
        .order_by(Membership.id).limit(1))


def standing_between(school_id, company_id):
    """The asked or active partnership of the two, if any."""
    return db.session.scalar(select(Partnership).where(
        Partnership.school_id == school_id, Partnership.company_id == company_id,
        Partnership.status.in_((ASKED, ACTIVE))))


def _clean(text, field="message", required=False):
    text = clean_text(text or "", multiline=True)
    if required and not text:
        raise ValidationFailed({field: _("Give a reason; the other side reads it.")})
    if len(text) > MESSAGE_MAX:
        raise ValidationFailed({field: _("Keep it under %(n)d characters.", n=MESSAGE_MAX)})
    return text


def ask(*, actor, other, message=""):
    """The actor's school asks a company, or the actor's company asks a school."""
    own = own_organisation(actor)
    if own is None:
        raise NotAllowed("neither a school nor a company member")
    if isinstance(own, School) and isinstance(other, Company) and other.is_approved:
        school, company, side = own, other, SCHOOL_SIDE
    elif isinstance(own, Company) and isinstance(other, School) and has_asked_before(other,
                                                                                     own):
        if not own.is_approved:
            raise ValidationFailed({"": _("Once your company is approved, you can ask schools "
                                          "to become partners.")})
        school, company, side = other, own, COMPANY_SIDE
    else:
        raise NotFound("partner")
    message = _clean(message)
    if standing_between(school.id, company.id) is not None:
        raise ValidationFailed({"": already_standing()})
    partnership = Partnership(school_id=school.id, company_id=company.id, asked_by=side,
                              asked_by_id=actor.id, message=message)
    db.session.add(partnership)
    try:
        db.session.flush()  # asked by both sides at once: the unique index keeps one
    except IntegrityError:
        db.session.rollback()
        raise ValidationFailed({"": already_standing()}) from None
    record_event(actor, "partnership.asked", company, school_id=school.id, side=side)
    _tell(partnership, partnership.other_side(side), "team.partner_asked", message=message)
    db.session.commit()
    return partnership


# Requests by table name: organisations stand left of bookings (tests/unit/test_architecture.py).
_bookings = table("bookings", column("school_id"), column("offer_id"))
_offers = table("offers", column("id"), column("company_id"))


def has_asked_before(school, company):
    """Whether the school ever requested an offer of the company: a company asks only the
    schools it knows from a request, so no school is asked by companies it never met."""
    return db.session.scalar(
        select(_bookings.c.offer_id).join(_offers, _offers.c.id == _bookings.c.offer_id)
        .where(_bookings.c.school_id == school.id, _offers.c.company_id == company.id)
        .limit(1)) is not None


def already_standing():
    return _("You are partners already, or one of you has asked: see your partners page.")


def _move(partnership, wanted, *, from_status, **values):
    result = db.session.execute(
        update(Partnership).where(Partnership.id == partnership.id,
                                  Partnership.status == from_status)
        .values(status=wanted, **values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": _("This partnership has changed meanwhile; see how it "
                                      "stands now.")})
    db.session.expire(partnership)


def answer(*, actor, partnership, accept):
    """The side that was asked accepts or declines."""
    side = side_of(actor, partnership)
    if side == partnership.asked_by:
        raise NotAllowed("the asking side does not answer itself")
    _move(partnership, ACTIVE if accept else DECLINED, from_status=ASKED,
          answered_at=utcnow())
    record_event(actor, "partnership.accepted" if accept else "partnership.declined",
                 partnership.company, school_id=partnership.school_id)
    _tell(partnership, partnership.asked_by,
          "team.partner_accepted" if accept else "team.partner_declined")
    db.session.commit()
    return partnership


def withdraw(*, actor, partnership):
    """The asking side takes its question back."""
    side = side_of(actor, partnership)
    if side != partnership.asked_by:
        raise NotAllowed("only the asking side withdraws")
    _move(partnership, WITHDRAWN, from_status=ASKED, answered_at=utcnow())
    record_event(actor, "partnership.withdrawn", partnership.company,
                 school_id=partnership.school_id)
    db.session.commit()
    return partnership


def end(*, actor, partnership, reason):
    """Either side ends an active partnership, saying why."""
    side = side_of(actor, partnership)
    reason = _clean(reason, "reason", required=True)
    _move(partnership, ENDED, from_status=ACTIVE, ended_at=utcnow(), ended_by=side,
          end_reason=reason)
    record_event(actor, "partnership.ended", partnership.company,
                 school_id=partnership.school_id, reason=reason)
    _tell(partnership, partnership.other_side(side), "team.partner_ended", reason=reason)
    db.session.commit()
    return partnership


def _tell(partnership, side, kind, **context):
    organisation = partnership.school if side == SCHOOL_SIDE else partnership.company
    notify_all(active_members(organisation), kind, organisation=organisation,
               partnership=partnership, school=partnership.school,
               company=partnership.company, **context)


# --- reading -----------------------------------------------------------------------------------


def get_partnership_for(actor, partnership_id):
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None:
        raise NotFound("partnership")
    try:
        side_of(actor, partnership)
    except NotAllowed:
        raise NotFound("partnership") from None
    return partnership


def partnerships_of(organisation, statuses=(ASKED, ACTIVE)):
    """The organisation's partnerships in these statuses, the other side's name first."""
    column = (Partnership.school_id if isinstance(organisation, School)
              else Partnership.company_id)
    rows = list(db.session.scalars(
        select(Partnership).where(column == organisation.id, Partnership.status.in_(statuses))
        .options(joinedload(Partnership.school), joinedload(Partnership.company))))
    other = (lambda p: p.company.name) if isinstance(organisation, School) else (
        lambda p: p.school.name)
    return sorted(rows, key=lambda p: (other(p).lower(), p.id))


def partner_company_ids(school_id):
    """The ids of the school's active partner companies."""
    return db.session.scalars(select(Partnership.company_id).where(
        Partnership.school_id == school_id, Partnership.status == ACTIVE)).all()


def active_partners(organisation):
    """The organisations it is an active partner of, by name."""
    rows = partnerships_of(organisation, (ACTIVE,))
    return [p.company if isinstance(organisation, School) else p.school for p in rows]


def circles_of_region(*, actor):
    """The active partnerships of the moderator's region (a school or a company in it), by
    company: [(company, [schools])]. The administrator sees every region."""
    if not security.has_role(actor, security.ADMIN):
        security.require_role(actor, security.MODERATOR)
    centre = technocentrum_of(actor)
    query = (select(Partnership).where(Partnership.status == ACTIVE)
             .options(joinedload(Partnership.school).joinedload(School.place),
                      joinedload(Partnership.company).joinedload(Company.place)))
    if not security.has_role(actor, security.ADMIN):
        security.require(centre is not None, "moderator without a Technocentrum")
        in_region = select(Organisation.id).join(Place, Organisation.place_id == Place.id) \
            .where(Region.of(centre).holds(Place))
        query = query.where(or_(Partnership.school_id.in_(in_region),
                                Partnership.company_id.in_(in_region)))
    circles = {}
    for partnership in db.session.scalars(query).unique():
        circles.setdefault(partnership.company, []).append(partnership.school)
    return sorted(((company, sorted(schools, key=lambda s: s.name.lower()))
                   for company, schools in circles.items()),
                  key=lambda item: item[0].name.lower())
