"""Use cases of teams: the owner invites colleagues, removes them and hands over ownership;
members leave; teachers ask to join a registered school and its members decide.

Every change that two people could make at the same moment (a handover, a decision on a join
request, using an invitation) is one UPDATE or DELETE conditional on the state it was read in,
so the second of two is refused instead of doubling the effect. The e-mail each step writes
(invitation, join request, decision, new owner) is in team_mail.py.
"""
import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import and_, delete, select, update
from sqlalchemy.orm import joinedload

from portal import security
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.organisations import team_mail
from portal.organisations.models import Membership, School
from portal.organisations.services import company_of, is_member, school_of
from portal.organisations.team_models import (
    APPROVED,
    DECLINED,
    OPEN,
    REQUESTED,
    USED,
    WITHDRAWN,
    Invitation,
    JoinRequest,
)
from portal.text import clean_text

INVITATION_DAYS = 7
# The form checks addresses thoroughly; the service refuses what can never be one.
EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Why an invitation cannot be accepted by whoever opened it, besides Invitation.state's
# used / revoked / expired.
VISITOR = "visitor"
WRONG_ROLE = "wrong_role"
WRONG_EMAIL = "wrong_email"
MEMBER = "member"
HAS_ORGANISATION = "has_organisation"

_FITTING_ROLES = {"company": (security.COMPANY_MEMBER,), "school": security.SCHOOL_ROLES}


class InvitationRefused(NotAllowed):
    """This invitation cannot be accepted by this actor now; `state` says why."""

    def __init__(self, state):
        self.state = state
        super().__init__(f"invitation {state}")


def fitting_roles(organisation):
    """The roles that may join this kind of organisation through a team (Technocentra: none,
    the administrator adds moderators)."""
    return _FITTING_ROLES.get(organisation.kind, ())


def team_of(actor):
    """The company or school whose team the actor belongs to, or None."""
    if security.has_role(actor, security.COMPANY_MEMBER):
        return company_of(actor)
    if security.has_role(actor, *security.SCHOOL_ROLES):
        return school_of(actor)
    return None


def get_school(school_id):
    """A registered school, to ask to join."""
    school = db.session.get(School, school_id)
    if school is None:
        raise NotFound("school")
    return school


def membership_in(organisation, membership_id):
    """A membership of this organisation, or None (a stale choice on a form)."""
    membership = db.session.get(Membership, membership_id) if membership_id else None
    return membership if membership and membership.organisation_id == organisation.id else None


def get_invitation_in(organisation, invitation_id):
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation_id != organisation.id:
        raise NotFound("invitation")
    return invitation


def _own_membership(actor, organisation):
    if not getattr(actor, "is_authenticated", False):
        return None
    return db.session.scalar(select(Membership).where(
        Membership.organisation_id == organisation.id, Membership.user_id == actor.id))


def is_owner(actor, organisation):
    membership = _own_membership(actor, organisation)
    return membership is not None and membership.is_owner


def _require_team_member(actor, organisation):
    security.require(security.has_role(actor, *fitting_roles(organisation))
                     and is_member(actor, organisation), "not a member of this team")


def _claim_ownership(actor, organisation):
    """Check that the actor owns the organisation by touching their owner row: an owner-only
    change made while a handover commits either waits for it and is refused, or wins."""
    security.require(security.has_role(actor, *fitting_roles(organisation)), "not a team role")
    result = db.session.execute(
        update(Membership).where(Membership.organisation_id == organisation.id,
                                 Membership.user_id == actor.id, Membership.is_owner.is_(True))
        .values(updated_at=utcnow()).execution_options(synchronize_session=False))
    security.require(result.rowcount == 1, "only the owner manages the team")


def _refuse(errors):
    """Undo what this use case wrote so far, then refuse it."""
    db.session.rollback()
    raise ValidationFailed(errors)


def members_of(*, actor, organisation):
    """The team, owner first, for its members."""
    _require_team_member(actor, organisation)
    return list(db.session.scalars(
        select(Membership).where(Membership.organisation_id == organisation.id)
        .options(joinedload(Membership.user))
        .order_by(Membership.is_owner.desc(), Membership.created_at, Membership.id)))


def open_invitations_of(*, actor, organisation):
    """Invitations not yet used, revoked or expired; only the owner sends and sees them."""
    security.require(is_owner(actor, organisation), "only the owner sees invitations")
    return open_invitations(organisation)


def open_at(now):
    """SQL: an invitation that can still be used at `now`."""
    return and_(Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                Invitation.expires_at > now)


def open_invitations(organisation):
    """The organisation's invitations not yet used, revoked or expired, oldest first (for
    the pages that may show them: the team's owner, the administrator's centre page)."""
    return list(db.session.scalars(
        select(Invitation).where(Invitation.organisation_id == organisation.id,
                                 open_at(utcnow()))
        .order_by(Invitation.created_at, Invitation.id)))


def new_invitation(organisation, email, inviter):
    """A new invitation link to the address, valid INVITATION_DAYS days: (invitation, token).
    The token exists only now; the table keeps its hash."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(organisation=organisation, email=email, token_hash=hash_token(token),
                            invited_by_id=inviter.id,
                            expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def claim_invitation(invitation, now, user_id=None):
    """Use the invitation up, if it is still open: one conditional UPDATE, so of two uses at
    the same moment one claims it and the other is told (False)."""
    result = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, open_at(now))
        .values(accepted_at=now, accepted_by_id=user_id)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def withdraw_invitation(invitation):
    """Revoke the invitation unless it was used or revoked already (False then)."""
    result = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id,
                                 Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    return result.rowcount == 1


# Invitations -------------------------------------------------------------------------------

def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def invite_member(*, actor, organisation, email):
    """The owner invites a colleague by e-mail address. Returns the invitation and the token of
    its link: the only moment the token exists, since only its hash is kept."""
    _claim_ownership(actor, organisation)
    email = clean_text(email or "").lower()
    if not EMAIL_SHAPE.match(email):
        _refuse({"email": _("Enter a valid e-mail address.")})
    if any(m.user.email == email for m in organisation.memberships):
        _refuse({"email": _("This colleague is already a member of your team.")})
    waiting = db.session.scalar(select(Invitation.id).where(
        Invitation.organisation_id == organisation.id, Invitation.email == email,
        open_at(utcnow())))
    if waiting is not None:
        _refuse({"email": _("An invitation to this address is still open. Revoke it to make "
                            "a new link.")})
    invitation, token = new_invitation(organisation, email, actor)
    record_event(actor, "membership.invited", organisation, invitation_id=invitation.id)
    team_mail.send_invitation(invitation, token, inviter=actor, days=INVITATION_DAYS)
    db.session.commit()
    return invitation, token


def revoke_invitation(*, actor, invitation):
    """The owner withdraws an invitation that has not been used."""
    _claim_ownership(actor, invitation.organisation)
    if not withdraw_invitation(invitation):
        _refuse({"": _("This invitation has been used or revoked already.")})
    record_event(actor, "membership.invitation_revoked", invitation.organisation,
                 invitation_id=invitation.id)
    db.session.commit()


def find_invitation(token, to_moderate=False):
    """The invitation of a link, whatever its state; NotFound for a token nobody made, and for
    an invitation of the other kind: a team's, or (to_moderate) a Technocentrum's, which
    administration/moderators.py opens on a page of its own."""
    invitation = db.session.scalar(select(Invitation).where(
        Invitation.token_hash == hash_token(token or "")))
    if invitation is None or (invitation.organisation.kind == "technocentrum") != to_moderate:
        raise NotFound("invitation")
    return invitation


def invitation_state(*, actor, invitation):
    """OPEN when the actor may accept the invitation now, else why not (see the constants)."""
    signed_in = getattr(actor, "is_authenticated", False)
    if signed_in and invitation.accepted_by_id == actor.id:
        return MEMBER
    state = invitation.state(utcnow())
    if state != OPEN:
        return state
    organisation = invitation.organisation
    if not signed_in:
        return VISITOR
    if not security.has_role(actor, *fitting_roles(organisation)):
        return WRONG_ROLE
    if actor.email.lower() != invitation.email.lower():
        return WRONG_EMAIL
    if is_member(actor, organisation):
        return MEMBER
    if team_of(actor) is not None:
        return HAS_ORGANISATION
    return OPEN


def accept_invitation(*, actor, token):
    """The invited colleague joins with the link; it is used up. InvitationRefused says why
    not (an expired, revoked or used link, another account, a team of their own)."""
    invitation = find_invitation(token)
    state = invitation_state(actor=actor, invitation=invitation)
    if state != OPEN:
        raise InvitationRefused(state)
    organisation = invitation.organisation
    if not claim_invitation(invitation, utcnow(), actor.id):  # used or revoked a moment ago
        db.session.rollback()
        raise InvitationRefused(USED)
    membership = Membership(user=actor, organisation=organisation, is_owner=False)
    db.session.add(membership)
    _withdraw_open_requests(actor)
    record_event(actor, "membership.joined", organisation, user_id=actor.id,
                 invitation_id=invitation.id)
    db.session.commit()
    return membership


# Members -----------------------------------------------------------------------------------

def remove_member(*, actor, organisation, membership):
    """The owner takes a colleague off the team (never themselves). `membership` is None when
    the colleague left a moment ago."""
    _claim_ownership(actor, organisation)
    gone = {"": _("This colleague is no longer a member of the team.")}
    if membership is None or membership.organisation_id != organisation.id:
        _refuse(gone)
    if membership.user_id == actor.id:
        _refuse({"": _("You cannot remove yourself from the team.")})
    user_id = membership.user_id
    result = db.session.execute(
        delete(Membership).where(Membership.id == membership.id,
                                 Membership.organisation_id == organisation.id,
                                 Membership.is_owner.is_(False))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        _refuse(gone)
    db.session.expire(organisation, ["memberships"])
    record_event(actor, "membership.removed", organisation, user_id=user_id)
    db.session.commit()


def hand_over_ownership(*, actor, organisation, membership):
    """The owner makes another member the owner, and stays on as a member.

    Two UPDATEs, each conditional: the actor's row from owner to member (fails if a handover
    committed a moment ago), then the colleague's row from member to owner (fails if they have
    left). There is one owner before and one after, never two."""
    security.require(security.has_role(actor, *fitting_roles(organisation))
                     and is_owner(actor, organisation), "only the owner hands over")
    if membership is None or membership.organisation_id != organisation.id:
        raise ValidationFailed({"membership": _("Choose a colleague of your team.")})
    if membership.user_id == actor.id:
        raise ValidationFailed({"membership": _("You own this team already; choose a "
                                                "colleague.")})
    stepped_down = db.session.execute(
        update(Membership).where(Membership.organisation_id == organisation.id,
                                 Membership.user_id == actor.id, Membership.is_owner.is_(True))
        .values(is_owner=False, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if stepped_down.rowcount != 1:
        _refuse({"": _("You are no longer the owner: ownership was handed over a moment ago.")})
    stepped_up = db.session.execute(
        update(Membership).where(Membership.id == membership.id,
                                 Membership.organisation_id == organisation.id,
                                 Membership.is_owner.is_(False))
        .values(is_owner=True, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    if stepped_up.rowcount != 1:
        _refuse({"membership": _("This colleague is no longer a member of the team.")})
    record_event(actor, "membership.owner_changed", organisation, user_id=membership.user_id)
    team_mail.tell_new_owner(membership, previous_owner=actor)
    db.session.commit()


def leave_organisation(*, actor, organisation):
    """A member leaves the team. The owner cannot: they hand over ownership first, so a team
    is never without an owner."""
    _require_team_member(actor, organisation)
    result = db.session.execute(
        delete(Membership).where(Membership.organisation_id == organisation.id,
                                 Membership.user_id == actor.id,
                                 Membership.is_owner.is_(False))
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        alone = len(organisation.memberships) == 1
        _refuse({"": _("You are the owner and the only member of %(name)s. Invite a colleague "
                       "and hand ownership over before you leave.", name=organisation.name)
                 if alone else
                 _("You are the owner of %(name)s. Hand ownership over to a colleague before "
                   "you leave.", name=organisation.name)})
    db.session.expire(organisation, ["memberships"])
    record_event(actor, "membership.left", organisation, user_id=actor.id)
    db.session.commit()


# Join requests (schools) -------------------------------------------------------------------

def open_join_request_of(actor):
    """The teacher's request to join a school that waits for a decision, or None."""
    if not getattr(actor, "is_authenticated", False):
        return None
    return db.session.scalar(select(JoinRequest).where(
        JoinRequest.user_id == actor.id, JoinRequest.status == REQUESTED))


def join_requests_for(*, actor, school):
    """Open requests to join the school, for its members to decide."""
    _require_team_member(actor, school)
    return list(db.session.scalars(
        select(JoinRequest).where(JoinRequest.school_id == school.id,
                                  JoinRequest.status == REQUESTED)
        .options(joinedload(JoinRequest.user))
        .order_by(JoinRequest.created_at, JoinRequest.id)))


def get_join_request_for(actor, request_id):
    """A join request, for the members of its school."""
    join_request = db.session.get(JoinRequest, request_id)
    if join_request is None or not is_member(actor, join_request.school):
        raise NotFound("join request")
    return join_request


def request_to_join(*, actor, school):
    """A teacher without a school asks to join a registered one."""
    security.require_role(actor, *security.SCHOOL_ROLES)
    if school.kind != "school":
        raise NotFound("school")
    if school_of(actor) is not None:
        raise ValidationFailed({"": _("You already belong to a school.")})
    waiting = open_join_request_of(actor)
    if waiting is not None:
        raise ValidationFailed({"": _(
            "You have already asked to join %(name)s. Withdraw that request first.",
            name=waiting.school.name)})
    join_request = JoinRequest(user=actor, school=school, status=REQUESTED)
    db.session.add(join_request)
    db.session.flush()
    record_event(actor, "membership.join_requested", school, user_id=actor.id,
                 join_request_id=join_request.id)
    team_mail.tell_join_requested(join_request, fitting_roles(school))
    db.session.commit()
    return join_request


def latest_join_request(actor, school):
    """The teacher's last request to join this school, whatever its status, or None."""
    return db.session.scalar(select(JoinRequest).where(
        JoinRequest.user_id == actor.id, JoinRequest.school_id == school.id)
        .order_by(JoinRequest.created_at.desc(), JoinRequest.id.desc()).limit(1))


def withdraw_join_request(*, actor, school):
    """The teacher takes back their request to join this school while nobody has decided it."""
    security.require_role(actor, *security.SCHOOL_ROLES)
    join_request = open_join_request_of(actor)
    if join_request is None or join_request.school_id != school.id:
        raise ValidationFailed({"": _("You have no open request to join this school.")})
    _move(join_request, WITHDRAWN, actor)
    record_event(actor, "membership.join_withdrawn", join_request.school, user_id=actor.id,
                 join_request_id=join_request.id)
    db.session.commit()


def approve_join_request(*, actor, join_request):
    """A member of the school lets the teacher in."""
    _require_team_member(actor, join_request.school)
    user = join_request.user
    _move(join_request, APPROVED, actor)
    if school_of(user) is not None:  # joined another school by invitation meanwhile
        _refuse({"": _("%(name)s belongs to a school already.", name=user.full_name)})
    db.session.add(Membership(user=user, organisation=join_request.school, is_owner=False))
    record_event(actor, "membership.join_approved", join_request.school, user_id=user.id,
                 join_request_id=join_request.id)
    team_mail.tell_join_decided(join_request, approved=True, decided_by=actor)
    db.session.commit()


def decline_join_request(*, actor, join_request):
    """A member of the school turns the request down."""
    _require_team_member(actor, join_request.school)
    _move(join_request, DECLINED, actor)
    record_event(actor, "membership.join_declined", join_request.school,
                 user_id=join_request.user_id, join_request_id=join_request.id)
    team_mail.tell_join_decided(join_request, approved=False, decided_by=actor)
    db.session.commit()


def _move(join_request, wanted, actor):
    """Decide an open request with one conditional UPDATE; of two colleagues deciding at once
    the second is told what the first did."""
    result = db.session.execute(
        update(JoinRequest).where(JoinRequest.id == join_request.id,
                                  JoinRequest.status == REQUESTED)
        .values(status=wanted, decided_at=utcnow(), decided_by_id=actor.id)
        .execution_options(synchronize_session=False))
    if result.rowcount == 1:
        return
    db.session.rollback()
    status = db.session.scalar(select(JoinRequest.status).where(
        JoinRequest.id == join_request.id))
    raise ValidationFailed({"": {
        APPROVED: _("A colleague has approved this request already."),
        DECLINED: _("A colleague has declined this request already."),
        WITHDRAWN: _("The teacher has withdrawn this request."),
    }.get(status, _("This request has been decided already."))})


def _withdraw_open_requests(user):
    """Joining a school by invitation ends the teacher's open request elsewhere."""
    db.session.execute(
        update(JoinRequest).where(JoinRequest.user_id == user.id,
                                  JoinRequest.status == REQUESTED)
        .values(status=WITHDRAWN, decided_at=utcnow(), decided_by_id=user.id)
        .execution_options(synchronize_session=False))
