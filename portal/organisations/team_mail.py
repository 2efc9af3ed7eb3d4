"""E-mail to the people of a company or school: the moderator's decisions about it, and the life
of its team (invitations, join requests, a new owner).

Nothing is committed here: the messages go into the outbox with the change that causes them,
so a refused or rolled-back change writes none. Each member gets a message in their own
language, unless they switched that kind of message off.
"""
from sqlalchemy import column, select, table
from sqlalchemy.orm import joinedload

from portal import security
from portal.extensions import db
from portal.notifications.outbox import notify, notify_all, send_to_address
from portal.organisations.models import Membership

# The accounts table by name: organisations may not import accounts (tests/unit/
# test_architecture.py), and an invitation needs only the language of an existing account.
_users = table("users", column("email"), column("locale"))


def active_members(organisation, *roles):
    """The organisation's members whose account is active, oldest membership first; only those
    with one of `roles` when given."""
    members = [m.user for m in db.session.scalars(
        select(Membership).where(Membership.organisation_id == organisation.id)
        .options(joinedload(Membership.user))
        .order_by(Membership.created_at, Membership.id))]
    return [user for user in members if user.is_active
            and (not roles or security.has_role(user, *roles))]


def tell_members(organisation, kind, **context):
    """A message of `kind` to every active member of the organisation."""
    return notify_all(active_members(organisation), kind, organisation=organisation, **context)


def send_invitation(invitation, token, *, inviter, days):
    """The invitation link to the invited address: in the language of the account with that
    address if there is one, else in the inviter's."""
    known = db.session.scalar(select(_users.c.locale).where(_users.c.email == invitation.email))
    return send_to_address(invitation.email, "team.invitation",
                           locale=known or inviter.locale or "nl", invitation=invitation,
                           organisation=invitation.organisation, inviter=inviter, token=token,
                           days=days)


def tell_join_requested(join_request, deciding_roles):
    """The members of the school who may decide on a teacher's request to join it."""
    school = join_request.school
    return notify_all(active_members(school, *deciding_roles), "team.join_requested",
                      organisation=school, join_request=join_request,
                      teacher=join_request.user)


def tell_join_decided(join_request, *, approved, decided_by):
    """The teacher hears whether the school let them in."""
    return notify(join_request.user, "team.join_decided", organisation=join_request.school,
                  join_request=join_request, approved=approved, decided_by=decided_by)


def tell_new_owner(membership, *, previous_owner):
    """The colleague who now owns the team hears it from the portal, not by chance."""
    return notify(membership.user, "team.handover", organisation=membership.organisation,
                  previous_owner=previous_owner)
