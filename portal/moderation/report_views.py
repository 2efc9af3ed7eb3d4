"""Reporting an offer or a company (anyone signed in), and the moderator's answers: a report
dismissed, or its company suspended (portal/moderation/views.py suspends and lifts from the
company's page)."""
from flask import Blueprint, abort, flash, redirect, url_for
from flask_login import current_user, login_required

from portal import security
from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.moderation import reports
from portal.moderation.audit_log import history_of, subjects_of
from portal.moderation.audit_text import describe_event
from portal.moderation.forms import DISMISS, ReportDecisionForm, ReportForm
from portal.offers.models import SHOWN
from portal.offers.services import get_offer_for
from portal.organisations.services import get_company_for, may_report
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("reports", __name__)

MODERATORS = (security.MODERATOR, security.ADMIN)


@bp.route("/melden/aanbod/<int:offer_id>", methods=["GET", "POST"])
@login_required
def report_offer(offer_id):
    offer = get_offer_for(current_user, offer_id)
    return _report_page(offer.company, offer, url_for("offers.detail", offer_id=offer.id))


@bp.route("/melden/bedrijf/<int:company_id>", methods=["GET", "POST"])
@login_required
def report_company(company_id):
    company = get_company_for(current_user, company_id)
    return _report_page(company, None, url_for("offers.company", company_id=company.id))


def _report_page(company, offer, back):
    if offer is not None and offer.status not in SHOWN:
        abort(404)  # only what anyone can see is reported (its company sees its drafts)
    if not may_report(current_user, company):
        abort(403)  # one's own company
    form = ReportForm()
    reported = reports.open_report_of(current_user, company, offer)
    if form.validate_on_submit():
        try:
            if offer is not None:
                reports.report_offer(actor=current_user, offer=offer, reason=form.reason.data)
            else:
                reports.report_company(actor=current_user, company=company,
                                       reason=form.reason.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("Thank you. The Technocentrum of the region will look into your report."),
                  "success")
            return redirect(back)
    return render_form("moderation/report_form.html", form, company=company, offer=offer,
                       back=back, reported=reported)


@bp.route("/moderatie/meldingen/<int:report_id>", methods=["GET", "POST"])
@role_required(*MODERATORS)
def decide(report_id):
    report = reports.get_report_to_moderate(current_user, report_id)
    form = ReportDecisionForm()
    if form.validate_on_submit():
        try:
            if form.decision.data == DISMISS:
                reports.dismiss_report(actor=current_user, report=report, note=form.note.data)
                flash(_("Dismissed; the reporter hears so."), "info")
            else:
                flash_suspended(reports.suspend_company(actor=current_user, company=report.company,
                                                   reason=form.note.data))
        except ValidationFailed as error:
            apply_errors(form, error, renamed={"reason": "note"})
        else:
            return redirect(url_for("moderation.queue"))
    history = history_of(actor=current_user, subject=report.company)
    return render_form("moderation/report.html", form, report=report,
                       others=[r for r in reports.reports_of(report.company) if r.id != report.id],
                       history=history, history_subjects=subjects_of(history),
                       describe_event=describe_event)


def flash_suspended(suspension):
    if not suspension.requests:
        flash(_("Suspended. No school has a request of it for a date to come."), "warning")
        return
    flash(ngettext("Suspended. %(num)d school request of it is still to come; its teacher has "
                   "been told.",
                   "Suspended. %(num)d school requests of it are still to come; their teachers "
                   "have been told.", len(suspension.requests)), "warning")
