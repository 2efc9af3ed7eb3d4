"""Teams: invitations, members, ownership, leaving, and teachers asking to join a school."""
import hashlib
from datetime import timedelta

import pytest
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from portal import security
from portal.audit import AuditEvent
from portal.db import utcnow
from portal.errors import NotAllowed, NotFound, ValidationFailed
from portal.extensions import db
from portal.organisations import services as organisations
from portal.organisations import teams
from portal.organisations.models import Membership
from portal.organisations.team_models import (
    APPROVED,
    DECLINED,
    EXPIRED,
    REVOKED,
    USED,
    WITHDRAWN,
    Invitation,
    JoinRequest,
)

VISITOR = AnonymousUserMixin()


def owner(organisation):
    return next(m.user for m in organisation.memberships if m.is_owner)


def owners(organisation):
    db.session.expire_all()
    return sorted(m.user_id for m in db.session.scalars(select(Membership).where(
        Membership.organisation_id == organisation.id, Membership.is_owner.is_(True))))


def member_ids(organisation):
    db.session.expire_all()
    return sorted(db.session.scalars(select(Membership.user_id).where(
        Membership.organisation_id == organisation.id)))


def counts():
    """Rows a refused use case must leave alone."""
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count(model.id)))
                 for model in (Invitation, Membership, JoinRequest, AuditEvent))


def refused(error, call, **kwargs):
    """Run a use case that must fail with `error` and write nothing; return the error."""
    before = counts()
    with pytest.raises(error) as failed:
        call(**kwargs)
    db.session.rollback()
    assert counts() == before
    return failed.value


def events(action):
    return [(e.actor_id, e.subject_id, e.details) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def invite(organisation, email="collega@example.nl"):
    return teams.invite_member(actor=owner(organisation), organisation=organisation,
                               email=email)


def colleague_in(make, organisation):
    """A second member, joined through an invitation."""
    role = security.COMPANY_MEMBER if organisation.kind == "company" else security.TEACHER
    person = make.user(role)
    _, token = invite(organisation, person.email)
    teams.accept_invitation(actor=person, token=token)
    return person


# --- inviting ------------------------------------------------------------------------------


def test_the_owner_invites_and_only_the_hash_of_the_token_is_kept(make):
    company = make.company()

    invitation, token = invite(company, " Piet.Visser@Example.NL ")

    assert len(token) >= 40
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {invitation.token_hash, invitation.email}
    assert invitation.email == "piet.visser@example.nl"
    assert invitation.invited_by_id == owner(company).id
    assert timedelta(days=6, hours=23) < invitation.expires_at - utcnow() <= timedelta(days=7)
    assert (invitation.accepted_at, invitation.revoked_at) == (None, None)
    assert events("membership.invited") == [
        (owner(company).id, company.id, {"invitation_id": invitation.id})]


def test_two_invitations_never_share_a_token(make):
    company = make.company()
    _, first = invite(company, "a@example.nl")
    _, second = invite(company, "b@example.nl")
    assert first != second


@pytest.mark.parametrize("who", ["member", "other_owner", "other_teacher", "visitor"])
def test_only_the_owner_invites(make, who):
    company = make.company()
    actor = {
        "member": lambda: colleague_in(make, company),
        "other_owner": lambda: owner(make.company()),
        "other_teacher": lambda: owner(make.school()),
        "visitor": lambda: VISITOR,
    }[who]()

    refused(NotAllowed, teams.invite_member, actor=actor, organisation=company,
            email="x@example.nl")


@pytest.mark.parametrize("email", ["", "geen-adres", "a@b"])
def test_an_invitation_needs_a_real_address(make, email):
    company = make.company()
    error = refused(ValidationFailed, teams.invite_member, actor=owner(company),
                    organisation=company, email=email)
    assert set(error.errors) == {"email"}


def test_a_member_or_an_open_invitation_is_not_invited_twice(make):
    company = make.company()
    member = colleague_in(make, company)
    invite(company, "nieuw@example.nl")

    for email in (member.email.upper(), "Nieuw@example.nl"):
        error = refused(ValidationFailed, teams.invite_member, actor=owner(company),
                        organisation=company, email=email)
        assert set(error.errors) == {"email"}


def test_after_revoking_the_same_address_can_be_invited_again(make):
    company = make.company()
    invitation, _ = invite(company, "nieuw@example.nl")
    teams.revoke_invitation(actor=owner(company), invitation=invitation)

    again, _ = invite(company, "nieuw@example.nl")

    assert again.id != invitation.id


# --- accepting -----------------------------------------------------------------------------


def test_the_invited_colleague_joins_with_the_link(make):
    company = make.company()
    person = make.user(security.COMPANY_MEMBER, email="piet@example.nl")
    invitation, token = invite(company, "PIET@example.nl")

    membership = teams.accept_invitation(actor=person, token=token)

    assert (membership.user_id, membership.organisation_id, membership.is_owner) == (
        person.id, company.id, False)
    assert organisations.company_of(person).id == company.id
    db.session.refresh(invitation)
    assert invitation.accepted_at is not None and invitation.accepted_by_id == person.id
    assert teams.open_invitations_of(actor=owner(company), organisation=company) == []
    assert teams.invitation_state(actor=person, invitation=invitation) == teams.MEMBER
    assert events("membership.joined") == [
        (person.id, company.id, {"user_id": person.id, "invitation_id": invitation.id})]


def test_an_unknown_token_is_not_found(make):
    person = make.user(security.COMPANY_MEMBER)
    refused(NotFound, teams.accept_invitation, actor=person, token="verzonnen")


@pytest.mark.parametrize("state", [EXPIRED, REVOKED, USED])
def test_an_expired_revoked_or_used_link_changes_nothing(make, state):
    company = make.company()
    person = make.user(security.COMPANY_MEMBER, email="piet@example.nl")
    invitation, token = invite(company, person.email)
    if state == EXPIRED:
        invitation.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    elif state == REVOKED:
        teams.revoke_invitation(actor=owner(company), invitation=invitation)
    else:
        teams.accept_invitation(actor=person, token=token)
        person = make.user(security.COMPANY_MEMBER)  # someone else found the link

    error = refused(teams.InvitationRefused, teams.accept_invitation, actor=person, token=token)

    assert error.state == state
    assert person.id not in member_ids(company)


def test_the_wrong_user_cannot_accept(make):
    company = make.company()
    invited = "piet@example.nl"
    _, token = invite(company, invited)
    cases = {
        teams.VISITOR: VISITOR,
        teams.WRONG_EMAIL: make.user(security.COMPANY_MEMBER),
        teams.WRONG_ROLE: make.user(security.TEACHER, email=invited),
    }
    for state, actor in cases.items():
        assert refused(teams.InvitationRefused, teams.accept_invitation, actor=actor,
                       token=token).state == state
    # Invited at the right address, but working for another company already.
    busy = owner(make.company())
    _, token = invite(company, busy.email)
    assert refused(teams.InvitationRefused, teams.accept_invitation, actor=busy,
                   token=token).state == teams.HAS_ORGANISATION


def test_a_teacher_joins_a_school_by_invitation_and_their_request_elsewhere_ends(make):
    school, elsewhere = make.school(), make.school()
    teacher = make.user(security.TEACHER)
    request = teams.request_to_join(actor=teacher, school=elsewhere)
    _, token = invite(school, teacher.email)

    teams.accept_invitation(actor=teacher, token=token)

    assert organisations.school_of(teacher).id == school.id
    db.session.refresh(request)
    assert request.status == WITHDRAWN


def test_the_owner_revokes_an_invitation_once(make):
    company = make.company()
    invitation, token = invite(company)
    refused(NotAllowed, teams.revoke_invitation, actor=colleague_in(make, company),
            invitation=invitation)
    refused(NotAllowed, teams.revoke_invitation, actor=owner(make.company()),
            invitation=invitation)

    teams.revoke_invitation(actor=owner(company), invitation=invitation)

    db.session.refresh(invitation)
    assert invitation.revoked_at is not None
    assert events("membership.invitation_revoked")[0][2] == {"invitation_id": invitation.id}
    refused(ValidationFailed, teams.revoke_invitation, actor=owner(company),
            invitation=invitation)


# --- members and ownership -----------------------------------------------------------------


def test_the_owner_removes_a_member_but_not_themselves(make):
    company = make.company()
    member = colleague_in(make, company)
    boss = owner(company)
    own = next(m for m in company.memberships if m.user_id == boss.id)

    refused(ValidationFailed, teams.remove_member, actor=boss, organisation=company,
            membership=own)
    stranger = make.company().memberships[0]  # another company's member, sent as ours
    refused(ValidationFailed, teams.remove_member, actor=boss, organisation=company,
            membership=stranger)
    membership = next(m for m in company.memberships if m.user_id == member.id)
    teams.remove_member(actor=boss, organisation=company, membership=membership)

    assert member_ids(company) == [boss.id]
    assert events("membership.removed")[0][2] == {"user_id": member.id}


@pytest.mark.parametrize("who", ["member", "other_owner", "other_teacher", "visitor"])
def test_only_the_owner_removes(make, who):
    company = make.company()
    member = colleague_in(make, company)
    second = colleague_in(make, company)
    actor = {"member": member, "other_owner": owner(make.company()),
             "other_teacher": owner(make.school()), "visitor": VISITOR}[who]
    target = next(m for m in company.memberships if m.user_id == second.id)

    refused(NotAllowed, teams.remove_member, actor=actor, organisation=company,
            membership=target)


def test_the_owner_hands_over_and_stays_a_member(make):
    company = make.company()
    boss = owner(company)
    member = colleague_in(make, company)
    target = next(m for m in company.memberships if m.user_id == member.id)

    teams.hand_over_ownership(actor=boss, organisation=company, membership=target)

    assert owners(company) == [member.id]
    assert member_ids(company) == sorted([boss.id, member.id])
    assert events("membership.owner_changed") == [(boss.id, company.id, {"user_id": member.id})]
    # The old owner has no say any more, not even in another handover.
    own = next(m for m in company.memberships if m.user_id == boss.id)
    refused(NotAllowed, teams.hand_over_ownership, actor=boss, organisation=company,
            membership=target)
    refused(NotAllowed, teams.remove_member, actor=boss, organisation=company,
            membership=target)
    assert own.is_owner is False


def test_a_handover_needs_a_colleague_of_the_team(make):
    company = make.company()
    boss = owner(company)
    stranger = make.company().memberships[0]
    own = company.memberships[0]

    for membership in (None, stranger, own):
        error = refused(ValidationFailed, teams.hand_over_ownership, actor=boss,
                        organisation=company, membership=membership)
        assert set(error.errors) == {"membership"}
    assert owners(company) == [boss.id]


@pytest.mark.parametrize("who", ["member", "other_owner", "visitor"])
def test_only_the_owner_hands_over(make, who):
    company = make.company()
    member = colleague_in(make, company)
    target = next(m for m in company.memberships if m.user_id == member.id)
    actor = {"member": member, "other_owner": owner(make.company()), "visitor": VISITOR}[who]

    refused(NotAllowed, teams.hand_over_ownership, actor=actor, organisation=company,
            membership=target)


def test_a_member_leaves(make):
    company = make.company()
    member = colleague_in(make, company)

    teams.leave_organisation(actor=member, organisation=company)

    assert member.id not in member_ids(company)
    assert organisations.company_of(member) is None
    assert events("membership.left")[0][:2] == (member.id, company.id)


def test_the_last_owner_cannot_leave_without_handing_over(make):
    company = make.company()
    boss = owner(company)

    alone = refused(ValidationFailed, teams.leave_organisation, actor=boss, organisation=company)
    colleague_in(make, company)
    with_team = refused(ValidationFailed, teams.leave_organisation, actor=boss,
                        organisation=company)

    name = company.name
    assert alone.errors == {"": _("You are the owner and the only member of %(name)s. Invite "
                                  "a colleague and hand ownership over before you leave.",
                                  name=name)}
    assert with_team.errors == {"": _("You are the owner of %(name)s. Hand ownership over to a "
                                      "colleague before you leave.", name=name)}
    assert owners(company) == [boss.id]


def test_only_members_leave(make):
    company = make.company()
    for actor in (VISITOR, owner(make.company()), owner(make.school())):
        refused(NotAllowed, teams.leave_organisation, actor=actor, organisation=company)


# --- asking to join a school ---------------------------------------------------------------


def test_registering_a_taken_school_offers_to_ask_to_join_it(make):
    school = make.school()
    teacher = make.user(security.TEACHER)

    with pytest.raises(organisations.SchoolTaken) as taken:
        organisations.register_school(
            actor=teacher, name="Dubbel", brin=school.brin_code,
            location=school.location_code, place_name="Goes", stage="vo")

    assert taken.value.school.id == school.id
    assert set(taken.value.errors) == {"brin"}


def test_a_teacher_asks_to_join_and_a_member_approves(make):
    school = make.school()
    member = colleague_in(make, school)
    teacher = make.user(security.TEACHER)

    request = teams.request_to_join(actor=teacher, school=school)
    assert teams.join_requests_for(actor=owner(school), school=school) == [request]
    teams.approve_join_request(actor=member, join_request=request)  # any member decides

    db.session.refresh(request)
    assert (request.status, request.decided_by_id) == (APPROVED, member.id)
    assert request.decided_at is not None
    assert organisations.school_of(teacher).id == school.id
    assert events("membership.join_requested")[0][:2] == (teacher.id, school.id)
    assert events("membership.join_approved")[0][:2] == (member.id, school.id)


def test_a_declined_teacher_does_not_join_and_may_ask_again(make):
    school = make.school()
    teacher = make.user(security.TEACHER)
    request = teams.request_to_join(actor=teacher, school=school)

    teams.decline_join_request(actor=owner(school), join_request=request)

    db.session.refresh(request)
    assert request.status == DECLINED
    assert organisations.school_of(teacher) is None
    assert teams.request_to_join(actor=teacher, school=school).id != request.id


def test_one_open_request_at_a_time(make):
    school, other = make.school(), make.school()
    teacher = make.user(security.TEACHER)
    teams.request_to_join(actor=teacher, school=school)

    for target in (school, other):
        refused(ValidationFailed, teams.request_to_join, actor=teacher, school=target)
    refused(ValidationFailed, teams.request_to_join, actor=owner(school), school=other)
    refused(NotAllowed, teams.request_to_join, actor=make.user(security.COMPANY_MEMBER),
            school=school)
    refused(NotAllowed, teams.request_to_join, actor=VISITOR, school=school)


def test_only_members_of_the_school_decide(make):
    school = make.school()
    request = teams.request_to_join(actor=make.user(security.TEACHER), school=school)
    strangers = (owner(make.school()), owner(make.company()), VISITOR,
                 make.user(security.TEACHER))

    for actor in strangers:
        for decide in (teams.approve_join_request, teams.decline_join_request):
            refused(NotAllowed, decide, actor=actor, join_request=request)
        with pytest.raises(NotFound):
            teams.get_join_request_for(actor, request.id)
    assert teams.get_join_request_for(owner(school), request.id) == request


def test_a_decided_or_withdrawn_request_is_not_decided_again(make):
    school = make.school()
    member = colleague_in(make, school)
    teacher = make.user(security.TEACHER)
    request = teams.request_to_join(actor=teacher, school=school)
    teams.approve_join_request(actor=owner(school), join_request=request)

    error = refused(ValidationFailed, teams.decline_join_request, actor=member,
                    join_request=request)
    assert error.errors[""] == _("A colleague has approved this request already.")

    late = make.user(security.TEACHER)
    withdrawn = teams.request_to_join(actor=late, school=school)
    teams.withdraw_join_request(actor=late, school=school)
    error = refused(ValidationFailed, teams.approve_join_request, actor=member,
                    join_request=withdrawn)
    assert error.errors[""] == _("The teacher has withdrawn this request.")
    assert organisations.school_of(late) is None


def test_only_the_teacher_withdraws_their_open_request(make):
    school = make.school()
    teacher = make.user(security.TEACHER)
    teams.request_to_join(actor=teacher, school=school)

    refused(ValidationFailed, teams.withdraw_join_request, actor=make.user(security.TEACHER),
            school=school)
    refused(NotAllowed, teams.withdraw_join_request, actor=VISITOR, school=school)
    teams.withdraw_join_request(actor=teacher, school=school)

    assert teams.open_join_request_of(teacher) is None
    refused(ValidationFailed, teams.withdraw_join_request, actor=teacher, school=school)
