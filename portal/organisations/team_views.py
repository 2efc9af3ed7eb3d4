"""The team pages: who works for the company or school, invitations, handover, join requests."""
from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_login import current_user

from portal import security
from portal.errors import ValidationFailed
from portal.extensions import limiter
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.organisations import teams
from portal.organisations.services import school_of
from portal.organisations.team_forms import (
    APPROVE,
    ASK,
    DECLINE,
    REMOVE,
    REVOKE,
    WITHDRAW,
    ConfirmForm,
    HandOverForm,
    InviteForm,
    JoinForm,
    TeamActionForm,
)
from portal.organisations.team_models import EXPIRED, OPEN, REVOKED, USED
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("teams", __name__)

TEAM_ROLES = (security.COMPANY_MEMBER, *security.SCHOOL_ROLES)
NEW_LINK = "teams.new_invitation"  # the session key that carries a new link to the team page


def _remove(organisation, target):
    teams.remove_member(actor=current_user, organisation=organisation,
                        membership=teams.membership_in(organisation, target))


def _revoke(organisation, target):
    teams.revoke_invitation(actor=current_user,
                            invitation=teams.get_invitation_in(organisation, target))


def _approve(organisation, target):
    teams.approve_join_request(actor=current_user,
                               join_request=teams.get_join_request_for(current_user, target))


def _decline(organisation, target):
    teams.decline_join_request(actor=current_user,
                               join_request=teams.get_join_request_for(current_user, target))


ACTIONS = {
    REMOVE: (_remove, _l("The colleague has been removed from the team.")),
    REVOKE: (_revoke, _l("The invitation has been revoked; its link no longer works.")),
    APPROVE: (_approve, _l("The teacher has joined your school.")),
    DECLINE: (_decline, _l("The request to join has been declined.")),
}

# The answer of the invitation page in each state.
INVITATION_STATUS = {
    OPEN: 200, teams.VISITOR: 200, teams.MEMBER: 200,
    USED: 410, REVOKED: 410, EXPIRED: 410,
    teams.WRONG_ROLE: 403, teams.WRONG_EMAIL: 403, teams.HAS_ORGANISATION: 409,
}


def _team_or_onboarding():
    organisation = teams.team_of(current_user)
    if organisation is None:
        return None, redirect(url_for("organisations.onboarding"))
    return organisation, None


@bp.route("/team", methods=["GET", "POST"])
@role_required(*TEAM_ROLES)
def team():
    """The members; for the owner also the open invitations and the buttons to manage them;
    for a school the requests to join it. Its buttons post here, so a refusal shows here."""
    organisation, elsewhere = _team_or_onboarding()
    if elsewhere:
        return elsewhere
    form = TeamActionForm()
    if form.is_submitted() and form.action.data not in ACTIONS:
        abort(400)
    if form.validate_on_submit():
        use_case, done_message = ACTIONS[form.action.data]
        try:
            use_case(organisation, form.target.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(str(done_message), "success")
            return redirect(url_for("teams.team"))
    owner = teams.is_owner(current_user, organisation)
    return render_form(
        "teams/team.html", form, organisation=organisation, is_owner=owner,
        members=teams.members_of(actor=current_user, organisation=organisation),
        invitations=(teams.open_invitations_of(actor=current_user, organisation=organisation)
                     if owner else []),
        join_requests=(teams.join_requests_for(actor=current_user, school=organisation)
                       if organisation.kind == "school" else []),
        new_link=session.pop(NEW_LINK, None))


def _signed_in_user():
    return f"user:{current_user.id}"


@bp.route("/team/uitnodigen", methods=["GET", "POST"])
@role_required(*TEAM_ROLES)
# Each invitation sends an e-mail to an address the owner types: not a way to send mail in bulk.
@limiter.limit("30/hour;100/day", methods=["POST"], key_func=_signed_in_user)
def invite():
    organisation, elsewhere = _team_or_onboarding()
    if elsewhere:
        return elsewhere
    if not teams.is_owner(current_user, organisation):
        abort(403)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            invitation, token = teams.invite_member(
                actor=current_user, organisation=organisation, email=form.email.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            # The token exists only now; the team page shows its link once.
            session[NEW_LINK] = {
                "email": invitation.email,
                "url": url_for("teams.invitation", token=token, _external=True),
            }
            return redirect(url_for("teams.team"))
    return render_form("teams/invite.html", form, organisation=organisation,
                       days=teams.INVITATION_DAYS)


@bp.route("/team/eigenaar", methods=["GET", "POST"])
@role_required(*TEAM_ROLES)
def hand_over():
    organisation, elsewhere = _team_or_onboarding()
    if elsewhere:
        return elsewhere
    if not teams.is_owner(current_user, organisation):
        abort(403)
    colleagues = [m for m in teams.members_of(actor=current_user, organisation=organisation)
                  if m.user_id != current_user.id]
    form = HandOverForm()
    form.set_members(colleagues)
    if colleagues and form.validate_on_submit():
        try:
            teams.hand_over_ownership(
                actor=current_user, organisation=organisation,
                membership=teams.membership_in(organisation, form.membership.data))
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("%(name)s owns the team now.", name=next(
                (m.user.full_name for m in colleagues if m.id == form.membership.data), "")),
                "success")
            return redirect(url_for("teams.team"))
    return render_form("teams/hand_over.html", form, organisation=organisation,
                       colleagues=colleagues)


@bp.route("/team/verlaten", methods=["GET", "POST"])
@role_required(*TEAM_ROLES)
def leave():
    organisation, elsewhere = _team_or_onboarding()
    if elsewhere:
        return elsewhere
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            teams.leave_organisation(actor=current_user, organisation=organisation)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("You have left %(name)s.", name=organisation.name), "success")
            return redirect(url_for("public.home"))
    return render_form("teams/leave.html", form, organisation=organisation,
                       is_owner=teams.is_owner(current_user, organisation),
                       alone=len(organisation.memberships) == 1)


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
def invitation(token):
    """An invitation link: join with one button, or a page that says why not (410 for a link
    that was used, revoked or has expired)."""
    found = teams.find_invitation(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            teams.accept_invitation(actor=current_user, token=token)
        except teams.InvitationRefused as refused:
            state = refused.state
        else:
            flash(_("Welcome to the team of %(name)s.", name=found.organisation.name), "success")
            return redirect(url_for("teams.team"))
    else:
        state = teams.invitation_state(actor=current_user, invitation=found)
    current_team = teams.team_of(current_user) if state == teams.HAS_ORGANISATION else None
    return render_template("teams/invitation.html", form=form, invitation=found, state=state,
                           current_team=current_team), INVITATION_STATUS[state]


@bp.route("/school/<int:school_id>/aansluiten", methods=["GET", "POST"])
@role_required(*security.SCHOOL_ROLES)
@limiter.limit("10/hour", methods=["POST"], key_func=_signed_in_user)
def join_school(school_id):
    """A teacher asks to join a registered school, sees the request wait, or withdraws it."""
    school = teams.get_school(school_id)
    if school_of(current_user) is not None:
        return redirect(url_for("teams.team"))
    form = JoinForm()
    if form.is_submitted() and form.action.data not in (ASK, WITHDRAW):
        abort(400)
    if form.validate_on_submit():
        try:
            if form.action.data == ASK:
                teams.request_to_join(actor=current_user, school=school)
                done = _("Your request to join has been sent to the team of %(name)s.",
                         name=school.name)
            else:
                teams.withdraw_join_request(actor=current_user, school=school)
                done = _("Your request to join has been withdrawn.")
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(done, "success")
            return redirect(url_for("teams.join_school", school_id=school.id))
    return render_form("teams/join_school.html", form, school=school,
                       waiting=teams.open_join_request_of(current_user),
                       latest=teams.latest_join_request(current_user, school))
