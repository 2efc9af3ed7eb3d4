"""Use cases of a Technocentrum's moderators as the administrator keeps them: an invitation by
e-mail, the invited person making their moderator's account with its link, and revoking.

Moderators do not sign up themselves: the invitation is the only way in. Its link works once,
for INVITATION_DAYS days, and only its SHA-256 is kept (the teams' Invitation table). Using a
link, revoking it and revoking a moderator are each one UPDATE or DELETE conditional on the
state the page showed, so the second of two is refused instead of doubling the effect.
"""
import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from portal import security
from portal.accounts.models import User, new_session_token
from portal.accounts.services import create_user, find_user_by_email
from portal.audit import record_event
from portal.db import utcnow
from portal.errors import NotFound, ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.notifications.outbox import notify, send_to_address
from portal.organisations.models import Membership, Technocentrum
from portal.organisations.team_models import OPEN, Invitation
from portal.organisations.teams import EMAIL_SHAPE, hash_token
from portal.passwords import password_problem
from portal.text import clean_text

INVITATION_DAYS = 7

# Why an invitation's link cannot be used by whoever opened it, besides Invitation.state's.
SIGNED_IN = "signed_in"  # someone is signed in: they sign out first


def _refuse(errors):
    db.session.rollback()
    raise ValidationFailed(errors)


def moderators_of(centre):
    """The centre's moderators (memberships with their users), by name."""
    return sorted(db.session.scalars(
        select(Membership).where(Membership.organisation_id == centre.id)),
        key=lambda m: (m.user.full_name.lower(), m.id))


def open_invitations(centre):
    return list(db.session.scalars(
        select(Invitation).where(Invitation.organisation_id == centre.id,
                                 Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None),
                                 Invitation.expires_at > utcnow())
        .order_by(Invitation.created_at, Invitation.id)))


def _former_moderator(user):
    """Whether the account is a moderator's that was revoked (so it may be invited again)."""
    return (user.role == security.MODERATOR and user.deleted_at is None
            and db.session.scalar(select(Membership.id).where(
                Membership.user_id == user.id)) is None)


def invite_moderator(*, actor, centre, email):
    """The administrator invites someone by e-mail address to moderate for the centre. Returns
    the invitation and its link's token (the only moment the token exists)."""
    security.require_role(actor, security.ADMIN)
    email = clean_text(email or "").lower()
    if not EMAIL_SHAPE.match(email):
        _refuse({"email": _("Enter a valid e-mail address.")})
    existing = find_user_by_email(email)
    if existing is not None and not _former_moderator(existing):
        if existing.role == security.MODERATOR:
            _refuse({"email": _("This person is a moderator already.")})
        _refuse({"email": _("This address belongs to another kind of account. A moderator "
                            "needs an account of their own: use another address.")})
    waiting = db.session.scalar(select(Invitation.id).where(
        Invitation.email == email, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow(),
        Invitation.organisation_id.in_(select(Technocentrum.id))))
    if waiting is not None:
        _refuse({"email": _("An invitation to this address is still open. Revoke it to make "
                            "a new link.")})
    token = secrets.token_urlsafe(32)
    invitation = Invitation(organisation=centre, email=email, token_hash=hash_token(token),
                            invited_by_id=actor.id,
                            expires_at=utcnow() + timedelta(days=INVITATION_DAYS))
    db.session.add(invitation)
    db.session.flush()
    record_event(actor, "moderator.invited", centre, invitation_id=invitation.id, email=email)
    send_to_address(email, "team.moderator_invitation",
                    locale=existing.locale if existing else actor.locale or "nl",
                    invitation=invitation, organisation=centre, inviter=actor, token=token,
                    days=INVITATION_DAYS)
    db.session.commit()
    return invitation, token


def get_moderator_invitation(invitation_id):
    """An invitation to moderate (not a company's or school's team invitation)."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.organisation.kind != "technocentrum":
        raise NotFound("invitation")
    return invitation


def revoke_invitation(*, actor, invitation):
    """The administrator withdraws an invitation that has not been used."""
    security.require_role(actor, security.ADMIN)
    result = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id,
                                 Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None))
        .values(revoked_at=utcnow()).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        _refuse({"": _("This invitation has been used or revoked already.")})
    record_event(actor, "moderator.invitation_revoked", invitation.organisation,
                 invitation_id=invitation.id)
    db.session.commit()


# --- the invited person ------------------------------------------------------------------------


def find_invitation(token):
    """The moderator's invitation of a link, whatever its state; NotFound for any other."""
    invitation = db.session.scalar(select(Invitation).where(
        Invitation.token_hash == hash_token(token or "")))
    if invitation is None or invitation.organisation.kind != "technocentrum":
        raise NotFound("invitation")
    return invitation


def invitation_state(*, actor, invitation):
    """OPEN when the link can make (or give back) a moderator's account now; else why not."""
    state = invitation.state(utcnow())
    if state != OPEN:
        return state
    if getattr(actor, "is_authenticated", False):
        return SIGNED_IN
    return OPEN


def returning_account(invitation):
    """The revoked moderator's account the invitation gives back, or None for a new one."""
    user = find_user_by_email(invitation.email)
    return user if user is not None and _former_moderator(user) else None


def accept_invitation(*, actor, token, full_name, password):
    """The invited person makes their moderator's account with the link: their name and a
    password (the address is the one invited, confirmed by the link itself). A revoked
    moderator invited again gets their account back with the new password. Returns the user,
    to sign in. ValidationFailed for a bad name or password; NotAllowed-like states come back
    as ValidationFailed({"": ...}) when the link was used or revoked a moment ago."""
    invitation = find_invitation(token)
    state = invitation_state(actor=actor, invitation=invitation)
    if state != OPEN:
        _refuse({"": _("This link can no longer be used.")})
    now = utcnow()
    returning = returning_account(invitation)
    if returning is not None:
        name = clean_text(full_name or "")
        errors = {}
        if not name:
            errors["full_name"] = _("Enter your name.")
        if problem := password_problem(password, name=name, email=invitation.email):
            errors["password"] = problem
        if errors:
            _refuse(errors)
        user = returning
        user.full_name, user.is_active = name, True
        user.password_hash = security.hash_password(password)
        user.session_token = new_session_token()
    else:
        user = create_user(email=invitation.email, full_name=full_name, password=password,
                           role=security.MODERATOR)
    user.email_confirmed_at = user.email_confirmed_at or now
    result = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id,
                                 Invitation.accepted_at.is_(None),
                                 Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:  # used or revoked a moment ago
        _refuse({"": _("This link can no longer be used.")})
    db.session.add(Membership(user=user, organisation=invitation.organisation, is_owner=False))
    record_event(user, "moderator.joined", invitation.organisation, user_id=user.id,
                 invitation_id=invitation.id, returning=returning is not None)
    db.session.commit()
    return user


# --- revoking ------------------------------------------------------------------------------------


def get_moderator(membership_id):
    """A moderator's membership of a Technocentrum (not of a company or school)."""
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.organisation.kind != "technocentrum":
        raise NotFound("moderator")
    return membership


def revoke_moderator(*, actor, centre, membership, reason=""):
    """The administrator takes a moderator off the centre. Their account is switched off and
    every session of it ends: a moderator's account is for that work only. They are told, with
    the reason when one is given."""
    security.require_role(actor, security.ADMIN)
    user_id = membership.user_id
    result = db.session.execute(
        delete(Membership).where(Membership.id == membership.id,
                                 Membership.organisation_id == centre.id)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        _refuse({"": _("This moderator was revoked already.")})
    user = db.session.get(User, user_id)
    user.is_active = False
    user.session_token = new_session_token()
    db.session.expire(centre, ["memberships"])
    reason = clean_text(reason or "")
    record_event(actor, "moderator.revoked", centre, user_id=user_id, reason=reason)
    notify(user, "account.moderator_revoked", organisation=centre, reason=reason)
    db.session.commit()
