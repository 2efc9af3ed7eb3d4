"""Teams by e-mail: the invitation link goes to the invited address, a request to join reaches
the school's members, the decision reaches the teacher and a handover the new owner. Each is
written with the change that causes it; a refused change writes none."""
import pytest

from portal import security
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.organisations import teams
from tests.outbox import DUTCH_LAYOUT, ENGLISH_LAYOUT, last_id, mails_since


def owner(organisation):
    return next(m.user for m in organisation.memberships if m.is_owner)


def speaks(user, locale):
    user.locale = locale
    db.session.commit()
    return user


def colleague_in(make, organisation):
    role = security.COMPANY_MEMBER if organisation.kind == "company" else security.TEACHER
    person = make.user(role)
    _, token = teams.invite_member(actor=owner(organisation), organisation=organisation,
                                   email=person.email)
    teams.accept_invitation(actor=person, token=token)
    db.session.expire(organisation, ["memberships"])
    return person


# --- invitations ---------------------------------------------------------------------------


def test_an_invitation_mails_the_link_in_the_inviters_language(make):
    company = make.company(name="Scheldewerf")
    speaks(owner(company), "en")
    mark = last_id()

    invitation, token = teams.invite_member(actor=owner(company), organisation=company,
                                            email="Nieuw@Example.nl")

    [message] = mails_since(mark)
    assert (message.kind, message.to_address, message.user_id) == (
        "team.invitation", "nieuw@example.nl", None)
    assert message.locale == "en" and ENGLISH_LAYOUT in message.body_html
    assert message.subject == "Test Gebruiker invites you to the team of Scheldewerf"
    assert message.body_text.rstrip().endswith(f"/uitnodiging/{token}")
    assert f"/uitnodiging/{token}" in message.body_html
    assert "7 days" in message.body_text and "nieuw@example.nl" in message.body_text


def test_an_invitation_to_an_existing_account_is_in_its_language(make):
    company = make.company()
    invited = speaks(make.user(security.COMPANY_MEMBER), "en")
    mark = last_id()

    teams.invite_member(actor=owner(company), organisation=company, email=invited.email)

    [message] = mails_since(mark, "team.invitation")
    assert (message.to_address, message.locale) == (invited.email, "en")


def test_a_dutch_inviter_invites_in_dutch(make):
    company = make.company()
    mark = last_id()

    teams.invite_member(actor=owner(company), organisation=company, email="piet@example.nl")

    [message] = mails_since(mark, "team.invitation")
    assert message.locale == "nl" and DUTCH_LAYOUT in message.body_html


def test_a_refused_invitation_writes_no_mail(make):
    company = make.company()
    colleague = colleague_in(make, company)
    teams.invite_member(actor=owner(company), organisation=company, email="open@example.nl")
    mark = last_id()

    for email in ("geen-adres", colleague.email, "open@example.nl"):
        with pytest.raises(ValidationFailed):
            teams.invite_member(actor=owner(company), organisation=company, email=email)
    with pytest.raises(NotAllowed):  # not the owner
        teams.invite_member(actor=colleague, organisation=company, email="x@example.nl")
    db.session.rollback()

    assert mails_since(mark) == []


# --- join requests -------------------------------------------------------------------------


@pytest.fixture
def school(make):
    """A school with a Dutch owner and an English colleague; another school beside it."""
    created = make.school()
    speaks(colleague_in(make, created), "en")
    make.school()
    return created


def test_a_request_to_join_reaches_every_member_of_the_school(make, school):
    other_school_member = owner(make.school())
    teacher = make.user(security.TEACHER, full_name="Anna de Vries")
    members = sorted(m.user.email for m in school.memberships)
    mark = last_id()

    teams.request_to_join(actor=teacher, school=school)

    messages = mails_since(mark)
    assert {m.kind for m in messages} == {"team.join_requested"}
    assert sorted(m.to_address for m in messages) == members
    assert teacher.email not in members and other_school_member.email not in members
    english = next(m for m in messages if m.locale == "en")
    assert english.subject == f"Anna de Vries asks to join {school.name}"
    assert teacher.email in english.body_text
    assert english.body_text.rstrip().endswith("/team")


def test_a_member_who_switched_team_mail_off_is_not_told(make, school):
    colleague = next(m.user for m in school.memberships if not m.is_owner)
    colleague.mail_off = ["team"]
    db.session.commit()
    teacher = make.user(security.TEACHER)
    mark = last_id()

    teams.request_to_join(actor=teacher, school=school)

    assert [m.to_address for m in mails_since(mark)] == [owner(school).email]


def test_a_refused_request_to_join_writes_no_mail(make, school):
    teacher = make.user(security.TEACHER)
    teams.request_to_join(actor=teacher, school=school)
    another = make.school()
    mark = last_id()

    with pytest.raises(ValidationFailed):  # one open request at a time
        teams.request_to_join(actor=teacher, school=another)
    with pytest.raises(ValidationFailed):  # belongs to a school already
        teams.request_to_join(actor=owner(school), school=another)
    db.session.rollback()

    assert mails_since(mark) == []


def test_the_teacher_hears_of_an_approval_in_their_language(make, school):
    teacher = speaks(make.user(security.TEACHER), "en")
    join_request = teams.request_to_join(actor=teacher, school=school)
    mark = last_id()

    teams.approve_join_request(actor=owner(school), join_request=join_request)

    [message] = mails_since(mark)
    assert (message.kind, message.to_address, message.locale) == (
        "team.join_decided", teacher.email, "en")
    assert message.subject == f"You have joined {school.name}"
    assert message.body_text.rstrip().endswith("/team")


def test_the_teacher_hears_of_a_decline_once(make, school):
    teacher = speaks(make.user(security.TEACHER), "en")
    join_request = teams.request_to_join(actor=teacher, school=school)
    colleague = next(m.user for m in school.memberships if not m.is_owner)
    mark = last_id()

    teams.decline_join_request(actor=colleague, join_request=join_request)
    with pytest.raises(ValidationFailed):  # decided already
        teams.approve_join_request(actor=owner(school), join_request=join_request)

    [message] = mails_since(mark)
    assert (message.kind, message.to_address) == ("team.join_decided", teacher.email)
    assert message.subject == f"Your request to join {school.name} has been declined"
    assert colleague.full_name in message.body_text
    assert message.body_text.rstrip().endswith(f"/school/{school.id}/aansluiten")


def test_a_withdrawn_request_is_decided_without_mail(make, school):
    teacher = make.user(security.TEACHER)
    join_request = teams.request_to_join(actor=teacher, school=school)
    teams.withdraw_join_request(actor=teacher, school=school)
    mark = last_id()

    with pytest.raises(ValidationFailed):
        teams.approve_join_request(actor=owner(school), join_request=join_request)

    assert mails_since(mark) == []


# --- handover ------------------------------------------------------------------------------


def test_the_new_owner_is_told_of_a_handover(make):
    company = make.company(name="Scheldewerf")
    previous = owner(company)
    colleague = speaks(colleague_in(make, company), "en")
    membership = next(m for m in company.memberships if m.user_id == colleague.id)
    mark = last_id()

    teams.hand_over_ownership(actor=previous, organisation=company, membership=membership)

    [message] = mails_since(mark)
    assert (message.kind, message.to_address, message.locale) == (
        "team.handover", colleague.email, "en")
    assert message.subject == "You now own the team of Scheldewerf"
    assert previous.full_name in message.body_text


def test_a_refused_handover_writes_no_mail(make):
    company = make.company()
    previous = owner(company)
    colleague = colleague_in(make, company)
    membership = next(m for m in company.memberships if m.user_id == colleague.id)
    teams.hand_over_ownership(actor=previous, organisation=company, membership=membership)
    mark = last_id()

    with pytest.raises(NotAllowed):  # no longer the owner
        teams.hand_over_ownership(actor=previous, organisation=company, membership=membership)
    db.session.rollback()

    assert mails_since(mark) == []
