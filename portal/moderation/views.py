from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import security
from portal.errors import ValidationFailed
from portal.moderation import services
from portal.moderation.audit_log import recent_events, subjects_of
from portal.moderation.audit_text import describe_event
from portal.moderation.forms import APPROVE, DecisionForm
from portal.organisations.services import technocentrum_of
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("moderation", __name__, url_prefix="/moderatie")

MODERATORS = (security.MODERATOR, security.ADMIN)


@bp.get("")
@role_required(*MODERATORS)
def queue():
    companies, offers = services.moderation_queue(actor=current_user)
    return render_template("moderation/queue.html", companies=companies, offers=offers,
                           centre=technocentrum_of(current_user), form=DecisionForm())


def _decide(subject, approve, reject, template, **context):
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            if form.decision.data == APPROVE:
                approve(actor=current_user, **subject)
                flash(_("Approved."), "success")
            else:
                reject(actor=current_user, reason=form.reason.data, **subject)
                flash(_("Rejected; the company sees your reason."), "info")
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return redirect(url_for("moderation.queue"))
    return render_form(template, form, **context)


@bp.route("/bedrijven/<int:company_id>", methods=["GET", "POST"])
@role_required(*MODERATORS)
def company(company_id):
    company = services.get_company_to_moderate(current_user, company_id)
    return _decide({"company": company}, services.approve_company, services.reject_company,
                   "moderation/company.html", company=company)


@bp.route("/aanbod/<int:offer_id>", methods=["GET", "POST"])
@role_required(*MODERATORS)
def offer(offer_id):
    offer = services.get_offer_to_moderate(current_user, offer_id)
    return _decide({"offer": offer}, services.approve_offer, services.reject_offer,
                   "moderation/offer.html", offer=offer)


@bp.get("/logboek")
@role_required(security.ADMIN)
def audit_log():
    events = recent_events(actor=current_user)
    return render_template("moderation/audit_log.html", events=events,
                           subjects=subjects_of(events), describe_event=describe_event)
