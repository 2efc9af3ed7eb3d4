"""Use cases of a Technocentrum's moderators as the administrator keeps them: an invitation by
e-mail, the invited person making their moderator's account with its link, and revoking.

Moderators do not sign up themselves: the invitation is the only way in. Its link works once,
for INVITATION_DAYS days, and only its SHA-256 is kept (the teams' Invitation table). Using a
link, revoking it and revoking a moderator are each one UPDATE or DELETE conditional on the
state the page showed, so the second of two is refused instead of doubling the effect.
"""

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

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
from portal.organisations.teams import (
    EMAIL_SHAPE,
    INVITATION_DAYS,
    claim_invitation,
    new_invitation,
    open_at,
    withdraw_invitation,
)
from portal.organisations.teams import find_invitation as find_any_invitation
from portal.organisations.teams import open_invitations as open_invitations_of
from portal.passwords import password_problem
from portal.text import clean_text

# Why an invitation's link cannot be used by whoever opened it, besides Invitation.state's.
SIGNED_IN = "signed_in"  # someone is signed in: they sign out first
ADDRESS_TAKEN = "address_taken"  # the address has another kind of account since the invitation


def _refuse(errors):
    db.session.rollback()
    raise ValidationFailed(errors)


def moderators_of(centre):
    """The centre's moderators (memberships with their users), by name."""
    return sorted(db.session.scalars(
        select(Membership).where(Membership.organisation_id == centre.id)),
        key=lambda m: (m.user.full_name.lower(), m.id))


def open_invitations(centre):
    return open_invitations_of(centre)


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
        Invitation.email == email, open_at(utcnow()),
        Invitation.organisation_id.in_(select(Technocentrum.id))))
    if waiting is not None:
        _refuse({"email": _("An invitation to this address is still open. Revoke it to make "
                            "a new link.")})
    invitation, token = new_invitation(centre, email, actor)
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
    if not withdraw_invitation(invitation):
        _refuse({"": _("This invitation has been used or revoked already.")})
    record_event(actor, "moderator.invitation_revoked", invitation.organisation,
                 invitation_id=invitation.id)
    db.session.commit()


# --- the invited person ------------------------------------------------------------------------


def find_invitation(token):
    """The moderator's invitation of a link, whatever its state; NotFound for any other."""
    return find_any_invitation(token, to_moderate=True)


def invitation_state(*, actor, invitation):
    """OPEN when the link can make (or give back) a moderator's account now; else why not."""
    state = invitation.state(utcnow())
    if state != OPEN:
        return state
    if getattr(actor, "is_authenticated", False):
        return SIGNED_IN
    existing = find_user_by_email(invitation.email)
    if existing is not None and not _former_moderator(existing):
        return ADDRESS_TAKEN
    return OPEN


def returning_account(invitation):
    """The revoked moderator's account the invitation gives back, or None for a new one."""
    user = find_user_by_email(invitation.email)
    return user if user is not None and _former_moderator(user) else None


def _account_problems(name, password, email):
    errors = {}
    if not name:
        errors["full_name"] = _("Enter your name.")
    if problem := password_problem(password, name=name, email=email):
        errors["password"] = problem
    return errors


def accept_invitation(*, actor, token, full_name, password):
    """The invited person makes their moderator's account with the link: their name and a
    password (the address is the one invited, confirmed by the link itself). A revoked
    moderator invited again gets their account back with the new password. Returns the user,
    to sign in. ValidationFailed for a bad name or password, and ({"": ...}) when the link
    cannot be used (any more): the page reads the invitation's state again to say why.

    The link is claimed (one conditional UPDATE) before the account is made: of two uses at
    the same moment the second waits for the first's row lock and finds the link used."""
    invitation = find_invitation(token)
    if invitation_state(actor=actor, invitation=invitation) != OPEN:
        _refuse({"": _("This link can no longer be used.")})
    name = clean_text(full_name or "")
    if errors := _account_problems(name, password, invitation.email):
        _refuse(errors)
    now = utcnow()
    if not claim_invitation(invitation, now):  # used or revoked a moment ago
        _refuse({"": _("This link can no longer be used.")})
    returning = returning_account(invitation)
    try:
        if returning is not None:
            user = returning
            user.full_name, user.is_active = name, True
            user.password_hash = security.hash_password(password)
            user.session_token = new_session_token()
            user.calendar_token_hash = None  # a feed address of before does not come back
        else:
            user = create_user(email=invitation.email, full_name=name, password=password,
                               role=security.MODERATOR)
        user.email_confirmed_at = user.email_confirmed_at or now
        invitation.accepted_by_id = user.id
        db.session.add(Membership(user=user, organisation=invitation.organisation,
                                  is_owner=False))
        record_event(user, "moderator.joined", invitation.organisation, user_id=user.id,
                     invitation_id=invitation.id, returning=returning is not None)
        db.session.commit()
    except IntegrityError:  # the address was taken by an account made at the same moment
        _refuse({"": _("This link can no longer be used.")})
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
                                 Membership.organisation_id == centre.id,
                                 Membership.user_id.in_(select(User.id).where(
                                     User.role == security.MODERATOR)))
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
