"""The administrator's pages: the overview (/beheer), the Technocentra with where they work and
their moderators, and the page where an invited moderator makes their account."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import security
from portal.accounts.views import sign_in
from portal.administration import centres, moderators
from portal.administration.forms import (
    CentreForm,
    InviteModeratorForm,
    JoinAsModeratorForm,
    RevokeModeratorForm,
)
from portal.errors import ValidationFailed
from portal.forms import PortalForm
from portal.i18n import gettext as _
from portal.notifications.services import undeliverable_counts
from portal.organisations.centres import save_centre
from portal.organisations.team_models import EXPIRED, OPEN, REVOKED, USED
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("administration", __name__)

# A moderator's link that does not work, and the status its page answers with.
LINK_STATUS = {USED: 410, REVOKED: 410, EXPIRED: 410, moderators.SIGNED_IN: 409,
               moderators.ADDRESS_TAKEN: 409}


@bp.after_request
def no_referrer(response):
    # The invitation page carries a secret in its address: never pass it on.
    if request.endpoint == "administration.join":
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/beheer")
@role_required(security.ADMIN)
def index():
    """What the administrator keeps, and where the portal covers no region."""
    failed, overdue = undeliverable_counts(actor=current_user)
    return render_template("administration/index.html", failed=failed, overdue=overdue,
                           coverage=centres.coverage(actor=current_user),
                           centres=centres.centres_overview(actor=current_user))


def _centre_form(centre=None):
    form = CentreForm(prefix="centre", obj=None)
    form.provinces.choices = [(p.id, p.name) for p in centres.all_provinces()]
    if centre is not None and request.method == "GET":
        form.name.data = centre.name
        form.provinces.data = [p.id for p in centre.provinces]
        form.places.data = "\n".join(p.label for p in centre.places)
    return form


def _save(form, centre=None):
    """Validate and save the form; the centre, or None with the errors on the form."""
    if not form.validate_on_submit():
        return None
    try:
        return save_centre(actor=current_user, centre=centre, name=form.name.data,
                                   province_ids=form.provinces.data or [],
                                   places_text=form.places.data)
    except ValidationFailed as error:
        apply_errors(form, error)
        return None


@bp.route("/beheer/technocentra", methods=["GET", "POST"])
@role_required(security.ADMIN)
def centre_list():
    """Every Technocentrum; below them, the form that sets up a new one."""
    form = _centre_form()
    if request.method == "POST":
        centre = _save(form)
        if centre is not None:
            flash(_("%(name)s has been set up. Invite its moderators below.", name=centre.name),
                  "success")
            return redirect(url_for("administration.centre", centre_id=centre.id))
    return render_form("administration/centres.html", form,
                       centres=centres.centres_overview(actor=current_user))


def _centre_page(centre, form=None, invite_form=None, revoke_form=None, revoking=None,
                 status=200):
    """The centre's page; `revoking` is the membership whose refused revocation it shows."""
    page = render_template(
        "administration/centre.html", centre=centre, form=form or _centre_form(centre),
        invite_form=invite_form or InviteModeratorForm(prefix="invite"),
        revoke_form=revoke_form or RevokeModeratorForm(prefix="revoke"), revoking=revoking,
        moderators=moderators.moderators_of(centre),
        invitations=moderators.open_invitations(centre))
    return page, status


@bp.route("/beheer/technocentra/<int:centre_id>", methods=["GET", "POST"])
@role_required(security.ADMIN)
def centre(centre_id):
    """A Technocentrum: its name and region, its moderators and open invitations."""
    centre = centres.get_centre(centre_id)
    form = _centre_form(centre)
    if request.method == "POST":
        if _save(form, centre) is not None:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("administration.centre", centre_id=centre.id))
        return _centre_page(centre, form=form, status=422)
    return _centre_page(centre, form=form)


@bp.post("/beheer/technocentra/<int:centre_id>/uitnodigen")
@role_required(security.ADMIN)
def invite(centre_id):
    centre = centres.get_centre(centre_id)
    form = InviteModeratorForm(prefix="invite")
    if form.validate_on_submit():
        try:
            invitation, _token = moderators.invite_moderator(actor=current_user, centre=centre,
                                                             email=form.email.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The invitation has been sent to %(email)s.", email=invitation.email),
                  "success")
            return redirect(url_for("administration.centre", centre_id=centre.id))
    return _centre_page(centre, invite_form=form, status=422)


@bp.post("/beheer/uitnodigingen/<int:invitation_id>/intrekken")
@role_required(security.ADMIN)
def revoke_invitation(invitation_id):
    invitation = moderators.get_moderator_invitation(invitation_id)
    centre = invitation.organisation
    if PortalForm().validate_on_submit():
        try:
            moderators.revoke_invitation(actor=current_user, invitation=invitation)
        except ValidationFailed as error:
            flash(" ".join(error.errors.values()), "warning")
        else:
            flash(_("The invitation to %(email)s has been revoked.", email=invitation.email),
                  "success")
    return redirect(url_for("administration.centre", centre_id=centre.id))


@bp.post("/beheer/moderatoren/<int:membership_id>/intrekken")
@role_required(security.ADMIN)
def revoke_moderator(membership_id):
    membership = moderators.get_moderator(membership_id)
    centre, name = membership.organisation, membership.user.full_name
    form = RevokeModeratorForm(prefix="revoke")
    if form.validate_on_submit():
        try:
            moderators.revoke_moderator(actor=current_user, centre=centre,
                                        membership=membership, reason=form.reason.data)
        except ValidationFailed as error:
            flash(" ".join(error.errors.values()), "warning")
        else:
            flash(_("%(name)s no longer moderates for %(centre)s; their account is switched "
                    "off.", name=name, centre=centre.name), "success")
        return redirect(url_for("administration.centre", centre_id=centre.id))
    return _centre_page(centre, revoke_form=form, revoking=membership.id, status=422)


@bp.route("/moderator-worden/<token>", methods=["GET", "POST"])
def join(token):
    """The invited person makes their moderator's account (or gets a revoked one back)."""
    invitation = moderators.find_invitation(token)
    form = JoinAsModeratorForm(prefix="join")
    state = moderators.invitation_state(actor=current_user, invitation=invitation)
    if state == OPEN and form.validate_on_submit():
        try:
            user = moderators.accept_invitation(actor=current_user, token=token,
                                                full_name=form.full_name.data,
                                                password=form.password.data)
        except ValidationFailed as error:
            apply_errors(form, error)
            # used or revoked a moment ago: say so, as for any link that no longer works
            state = moderators.invitation_state(actor=current_user, invitation=invitation)
        else:
            sign_in(user)
            flash(_("Welcome! You moderate for %(centre)s.",
                    centre=invitation.organisation.name), "success")
            return redirect(url_for("moderation.queue"))
    if state != OPEN:
        return render_template("administration/join.html", invitation=invitation, form=None,
                               state=state, returning=None), LINK_STATUS[state]
    returning = moderators.returning_account(invitation)
    if returning is not None and request.method == "GET":
        form.full_name.data = returning.full_name
    return render_form("administration/join.html", form, invitation=invitation, state=state,
                       returning=returning)
