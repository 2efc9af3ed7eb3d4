"""Teams through their pages: inviting with a link, joining with it, removing, handing over,
leaving, and teachers asking to join a registered school."""
import re
from datetime import timedelta

from sqlalchemy import update

from portal import security
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.organisations import teams
from portal.organisations.models import Membership
from portal.organisations.team_models import Invitation, JoinRequest
from tests.views.helpers import (
    LOGIN_URL,
    count,
    csrf_token,
    field_error,
    find,
    find_button_form,
    form_alert,
    location,
    login,
    logout,
    submit,
    text,
)

TEAM_URL = "/team"
INVITE_URL = "/team/uitnodigen"
HAND_OVER_URL = "/team/eigenaar"
LEAVE_URL = "/team/verlaten"
LINK = re.compile(r'value="https?://[^/"]+(/uitnodiging/[A-Za-z0-9_-]+)"')


def owner(organisation):
    return next(m.user for m in organisation.memberships if m.is_owner)


def english(client):
    client.get("/taal/en")


def invite_through_page(client, email):
    """Invite on the page and return the path of the link the team page shows once."""
    response = submit(client, INVITE_URL, {"email": email})
    assert response.status_code == 302 and location(response) == TEAM_URL
    page = text(client.get(TEAM_URL))
    return LINK.search(page).group(1)


def join_by_invitation(make, organisation, role=security.COMPANY_MEMBER):
    person = make.user(role)
    _, token = teams.invite_member(actor=owner(organisation), organisation=organisation,
                                   email=person.email)
    teams.accept_invitation(actor=person, token=token)
    return person


def is_member(user, organisation):
    return count(Membership, Membership.user_id == user.id,
                 Membership.organisation_id == organisation.id) == 1


def owner_ids(organisation):
    return sorted(m.user_id for m in [find(Membership, Membership.id == m.id)
                                      for m in organisation.memberships] if m.is_owner)


# --- the team page -------------------------------------------------------------------------


def test_the_team_page_lists_the_members_for_each_of_them(client, new_client, make):
    company = make.company(name="Scheldewerf")
    member = join_by_invitation(make, company)
    english(client)
    login(client, owner(company))

    page = text(client.get(TEAM_URL))

    assert "Scheldewerf" in page and member.full_name in page and member.email in page
    assert 'href="/team/uitnodigen"' in page and 'value="remove"' in page
    assert 'href="/team"' in page  # the navigation leads here

    other = new_client()
    login(other, member)
    member_page = text(other.get(TEAM_URL))
    assert member.email in member_page
    assert 'href="/team/uitnodigen"' not in member_page and 'value="remove"' not in member_page
    assert other.get(INVITE_URL).status_code == 403
    assert other.get(HAND_OVER_URL).status_code == 403


def test_who_may_open_the_team_page(client, make):
    assert location(client.get(TEAM_URL)).startswith(LOGIN_URL)
    login(client, make.user(security.COMPANY_MEMBER))
    assert location(client.get(TEAM_URL)) == "/welkom"  # no company yet
    logout(client)
    login(client, make.moderator())
    assert client.get(TEAM_URL).status_code == 403


# --- inviting and joining ------------------------------------------------------------------


def test_the_owner_invites_and_the_link_is_shown_once(client, make):
    company = make.company()
    english(client)
    login(client, owner(company))

    response = submit(client, INVITE_URL, {"email": "Piet@Example.nl"})

    assert response.status_code == 302 and location(response) == TEAM_URL
    page = text(client.get(TEAM_URL))
    path = LINK.search(page).group(1)
    assert "piet@example.nl" in page
    assert "We have e-mailed this link to piet@example.nl." in page
    assert '<label class="form-label fw-semibold" for="invitation-link">' in page
    token = path.rsplit("/", 1)[1]
    assert find(Invitation, Invitation.token_hash == teams.hash_token(token)) is not None
    mail = find(OutboxMessage, OutboxMessage.kind == "team.invitation")
    assert mail.to_address == "piet@example.nl" and path in mail.body_text  # the same link
    assert LINK.search(text(client.get(TEAM_URL))) is None  # shown once only
    assert 'value="revoke"' in text(client.get(TEAM_URL))


def test_an_invitation_to_a_wrong_address_answers_422_on_email(client, make):
    company = make.company()
    login(client, owner(company))

    for email in ("geen-adres", owner(company).email):
        response = submit(client, INVITE_URL, {"email": email})
        assert response.status_code == 422
        assert field_error(response, "email") and form_alert(response)
    assert count(Invitation) == 0


def test_a_visitor_signs_in_and_comes_back_to_join(client, make):
    company = make.company(name="Scheldewerf")
    login(client, owner(company))
    person = make.user(security.COMPANY_MEMBER, email="piet@example.nl")
    path = invite_through_page(client, person.email)
    logout(client)
    english(client)

    page = client.get(path)
    assert page.status_code == 200
    assert "Scheldewerf" in text(page) and "piet@example.nl" in text(page)
    assert f'href="{LOGIN_URL}?next={path}"' in text(page)

    response = login(client, person, next=path)
    assert location(response) == path

    response = submit(client, path)
    assert response.status_code == 302 and location(response) == TEAM_URL
    assert is_member(person, company)
    assert client.get(path).status_code == 200  # opened again: "you are a member"


def test_a_used_revoked_or_expired_link_answers_410_and_changes_nothing(client, make):
    company = make.company()
    english(client)
    pages = {}
    for state in ("used", "revoked", "expired"):
        person = make.user(security.COMPANY_MEMBER)
        invitation, token = teams.invite_member(actor=owner(company), organisation=company,
                                                email=person.email)
        if state == "used":
            teams.accept_invitation(actor=person, token=token)
            person = make.user(security.COMPANY_MEMBER)
        elif state == "revoked":
            teams.revoke_invitation(actor=owner(company), invitation=invitation)
        else:
            db.session.execute(update(Invitation).where(Invitation.id == invitation.id)
                               .values(expires_at=utcnow() - timedelta(minutes=1)))
            db.session.commit()
        login(client, person)
        response = client.get(f"/uitnodiging/{token}")
        pages[state] = text(response)
        assert response.status_code == 410
        assert "can no longer be used" in pages[state]
        assert 'type="submit">Join' not in pages[state]
        logout(client)
        assert not is_member(person, company)
    assert "has been used already" in pages["used"]
    assert "revoked" in pages["revoked"] and "expired" in pages["expired"]
    assert client.get("/uitnodiging/verzonnen-token").status_code == 404


def test_the_wrong_account_cannot_join(client, make):
    company = make.company()
    _, token = teams.invite_member(actor=owner(company), organisation=company,
                                   email="piet@example.nl")
    english(client)
    someone = make.user(security.COMPANY_MEMBER)
    login(client, someone)

    page = client.get(f"/uitnodiging/{token}")
    assert page.status_code == 403
    assert "another e-mail address" in text(page) and someone.email in text(page)
    response = client.post(f"/uitnodiging/{token}", data={"csrf_token": csrf_token(text(
        client.get(TEAM_URL, follow_redirects=True)))})
    assert response.status_code == 403
    assert not is_member(someone, company)
    assert find(Invitation, Invitation.email == "piet@example.nl").accepted_at is None


def test_a_teacher_joins_a_school_by_invitation(client, make):
    school = make.school()
    login(client, owner(school))
    teacher = make.user(security.TEACHER)
    path = invite_through_page(client, teacher.email)
    logout(client)
    login(client, teacher)

    response = submit(client, path)

    assert location(response) == TEAM_URL
    assert is_member(teacher, school)


def test_the_owner_revokes_an_invitation(client, make):
    company = make.company()
    login(client, owner(company))
    path = invite_through_page(client, "piet@example.nl")

    response = submit(client, TEAM_URL, button="revoke")

    assert location(response) == TEAM_URL
    assert find(Invitation, Invitation.email == "piet@example.nl").revoked_at is not None
    logout(client)
    assert client.get(path).status_code == 410


# --- members, ownership, leaving -----------------------------------------------------------


def test_the_owner_removes_a_member(client, make):
    company = make.company()
    member = join_by_invitation(make, company)
    login(client, owner(company))

    response = submit(client, TEAM_URL, button="remove")

    assert location(response) == TEAM_URL
    assert not is_member(member, company)
    assert is_member(owner(company), company)


def test_a_removal_that_came_too_late_is_told_on_the_page(client, make):
    company = make.company()
    member = join_by_invitation(make, company)
    english(client)
    login(client, owner(company))
    html = text(client.get(TEAM_URL))
    form = find_button_form(html, "remove")
    teams.leave_organisation(actor=member, organisation=company)  # meanwhile

    data = {**form.defaults(), "action": ["remove"]}
    response = client.post(TEAM_URL, data=data)

    assert response.status_code == 422 and form_alert(response)
    assert "no longer a member of the team" in text(response)


def test_the_owner_hands_over_through_the_page(client, make):
    company = make.company()
    boss = owner(company)
    member = join_by_invitation(make, company)
    membership = next(m for m in company.memberships if m.user_id == member.id)
    login(client, boss)

    response = submit(client, HAND_OVER_URL, {"membership": membership.id})

    assert location(response) == TEAM_URL
    assert owner_ids(company) == [member.id]
    assert client.get(INVITE_URL).status_code == 403  # no longer the owner


def test_a_handover_without_a_choice_answers_422_on_membership(client, make):
    company = make.company()
    boss = owner(company)
    join_by_invitation(make, company)
    login(client, boss)

    response = submit(client, HAND_OVER_URL, {"membership": ""})

    assert response.status_code == 422
    assert field_error(response, "membership") and form_alert(response)
    assert owner_ids(company) == [boss.id]


def test_a_member_leaves(client, make):
    company = make.company()
    member = join_by_invitation(make, company)
    login(client, member)

    response = submit(client, LEAVE_URL)

    assert response.status_code == 302
    assert not is_member(member, company)


def test_the_last_owner_is_told_to_hand_over_before_leaving(client, make):
    company = make.company(name="Scheldewerf")
    boss = owner(company)
    join_by_invitation(make, company)
    english(client)
    login(client, boss)

    page = client.get(LEAVE_URL)
    assert page.status_code == 200
    assert "Hand ownership over to a colleague first" in text(page)
    assert f'href="{HAND_OVER_URL}"' in text(page)
    response = client.post(LEAVE_URL, data={"csrf_token": csrf_token(text(page))})

    assert response.status_code == 422 and form_alert(response)
    assert "Hand ownership over" in text(response)
    assert is_member(boss, company) and owner_ids(company) == [boss.id]


# --- asking to join a school ---------------------------------------------------------------


def test_a_teacher_asks_to_join_a_taken_school_and_a_member_approves(client, new_client, make):
    school = make.school()
    teacher = make.user(security.TEACHER)
    english(client)
    login(client, teacher)

    response = submit(client, "/school/registreren", {
        "name": "Dubbel", "stage": "vo", "brin": school.brin_code,
        "location": school.location_code, "place": "Goes"})
    join_url = f"/school/{school.id}/aansluiten"
    assert location(response) == join_url
    page = text(client.get(join_url))
    assert "already registered" in page and "Ask to join this school" in page

    response = submit(client, join_url, button="ask")
    assert location(response) == join_url
    assert "withdraw" in text(client.get(join_url)).lower()
    assert location(client.get("/school/registreren")) == join_url  # waiting
    assert count(JoinRequest, JoinRequest.user_id == teacher.id) == 1

    colleague = new_client()
    login(colleague, owner(school))
    assert teacher.email in text(colleague.get(TEAM_URL))
    response = submit(colleague, TEAM_URL, button="approve")
    assert location(response) == TEAM_URL
    assert is_member(teacher, school)
    assert location(client.get(join_url)) == TEAM_URL


def test_a_decision_a_colleague_made_first_is_told_with_422(client, make):
    school = make.school()
    colleague = join_by_invitation(make, school, security.TEACHER)
    teacher = make.user(security.TEACHER)
    request = teams.request_to_join(actor=teacher, school=school)
    english(client)
    login(client, owner(school))
    form = find_button_form(text(client.get(TEAM_URL)), "decline")
    teams.approve_join_request(actor=colleague, join_request=request)  # a moment earlier

    response = client.post(TEAM_URL, data={**form.defaults(), "action": ["decline"]})

    assert response.status_code == 422 and form_alert(response)
    assert "A colleague has approved this request already." in text(response)
    assert find(JoinRequest, JoinRequest.id == request.id).status == "approved"
    assert is_member(teacher, school)


def test_a_teacher_withdraws_their_request(client, make):
    school = make.school()
    teacher = make.user(security.TEACHER)
    teams.request_to_join(actor=teacher, school=school)
    login(client, teacher)
    join_url = f"/school/{school.id}/aansluiten"

    response = submit(client, join_url, button="withdraw")

    assert location(response) == join_url
    assert find(JoinRequest, JoinRequest.user_id == teacher.id).status == "withdrawn"
    assert client.get("/school/registreren").status_code == 200


def test_a_teacher_of_another_school_cannot_decide(client, make):
    school = make.school()
    request = teams.request_to_join(actor=make.user(security.TEACHER), school=school)
    stranger = owner(make.school())
    login(client, stranger)
    token = csrf_token(text(client.get(TEAM_URL)))

    response = client.post(TEAM_URL, data={"csrf_token": token, "action": "approve",
                                           "target": request.id})

    assert response.status_code == 404
    assert find(JoinRequest, JoinRequest.id == request.id).status == "open"
