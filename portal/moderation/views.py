from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import security
from portal.errors import ValidationFailed
from portal.forms import choices
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.i18n import ngettext
from portal.moderation import reports, services
from portal.moderation.audit_log import history_of, recent_events, subjects_of
from portal.moderation.audit_text import describe_event
from portal.moderation.bulk import Selection
from portal.moderation.bulk import approve_selected as approve_selected_items
from portal.moderation.forms import (
    APPROVE,
    BulkApproveForm,
    DecisionForm,
    HolidayForm,
    HolidayImportForm,
    QueueFilterForm,
    SuspendForm,
    VerifyForm,
)
from portal.moderation.report_views import flash_suspended
from portal.offers.forms import HOLIDAY_REGION_LABELS, field_label
from portal.organisations.accreditation import verify_sbb_number
from portal.organisations.services import technocentrum_of
from portal.taxonomy.holidays import add_holiday, all_holidays, import_holidays, remove_holiday
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("moderation", __name__, url_prefix="/moderatie")

MODERATORS = (security.MODERATOR, security.ADMIN)


@bp.get("")
@role_required(*MODERATORS)
def queue():
    return _queue_page(BulkApproveForm())


def _queue_page(bulk_form, selection=None):
    """The queue as the filters in the address ask; the whole queue (and a 400) when they are
    wrong. `selection` keeps what was ticked when a bulk approval was refused."""
    form = QueueFilterForm(request.args)
    filters, status = services.QueueFilters(), 200
    if request.args and form.validate():
        filters = services.QueueFilters(kind=form.kind.data or None,
                                        offer_type=form.offer_type.data or None,
                                        place=form.place.data or "")
    elif request.args:
        status = 400  # the whole queue, and the filter's errors next to its fields
    if bulk_form.errors or bulk_form.form_errors:
        status = 422
    companies, offers = services.moderation_queue(actor=current_user, filters=filters)
    open_reports = reports.open_reports(actor=current_user, filters=filters)
    selection = selection or Selection()
    return render_template("moderation/queue.html", companies=companies, offers=offers,
                           reports=open_reports,
                           accreditations=services.accreditations_to_check(actor=current_user),
                           centre=technocentrum_of(current_user), form=form,
                           bulk_form=bulk_form, ticked_companies=set(selection.companies),
                           ticked_offers={offer for offer, _seen in selection.offers},
                           filtered=filters != services.QueueFilters()), status


@bp.post("/goedkeuren")
@role_required(*MODERATORS)
def approve_selected():
    """Approve the ticked items, or one company with its offers, with one note."""
    bulk_form = BulkApproveForm()
    selection = bulk_form.selection(request.form)
    if not bulk_form.validate_on_submit():
        return _queue_page(bulk_form, selection)
    if selection is None:
        abort(400)  # not what the page sends
    try:
        outcome = approve_selected_items(actor=current_user, selection=selection,
                                         note=bulk_form.note.data)
    except ValidationFailed as error:
        apply_errors(bulk_form, error)
        return _queue_page(bulk_form, selection)
    if outcome.count:
        flash(ngettext("Approved: %(num)d item.", "Approved: %(num)d items.", outcome.count),
              "success")
    for subject, why in outcome.missed:
        flash(_("Not approved, %(why)s: %(name)s. Open it and decide on what is there now.",
                why=why, name=getattr(subject, "title", None) or subject.name), "warning")
    return redirect(url_for("moderation.queue", **request.args))


def _decide(subject, approve, reject, template, seen=None, may_approve=True, posted=True,
            **context):
    """The decision form on `subject` ({"company": c} or {"offer": o}), with its history.
    `posted` False: a post of another form of the page, which this one leaves alone."""
    (decided_on,) = subject.values()
    form = DecisionForm() if posted else DecisionForm(formdata=None)
    if not may_approve:  # only a rejection can be decided now (the page says why)
        form.decision.choices = [c for c in form.decision.choices if c.value != APPROVE]
    if not form.is_submitted():
        form.seen.data = seen
    elif seen is not None:
        # A post without the version seen decides on none (-1 never matches).
        subject = {**subject, "seen": form.seen_number() or -1}
    if posted and form.validate_on_submit():
        try:
            if form.decision.data == APPROVE:
                approve(actor=current_user, **subject)
                flash(_("Approved."), "success")
            else:
                reject(actor=current_user, reason=form.reason.data, **subject)
                flash(_("Rejected; the company sees your reason."), "info")
        except ValidationFailed as error:
            apply_errors(form, error)
            # The page shows the version current at this post: a decision on it names that one.
            form.seen.data = seen
        else:
            return redirect(url_for("moderation.queue"))
    history = history_of(actor=current_user, subject=decided_on)
    return render_form(template, form, history=history, history_subjects=subjects_of(history),
                       describe_event=describe_event, **context)


@bp.route("/bedrijven/<int:company_id>", methods=["GET", "POST"])
@role_required(*MODERATORS)
def company(company_id):
    return _company_page(services.get_company_to_moderate(current_user, company_id))


def _company_page(company, suspend_form=None):
    """The company's page: the decision on a pending one, suspension of an approved one (or
    lifting it), its SBB number, its reports and its history."""
    return _decide({"company": company}, services.approve_company, services.reject_company,
                   "moderation/company.html", company=company, verify_form=VerifyForm(
                       data={"seen": company.sbb_number}),
                   posted=suspend_form is None,
                   suspend_form=suspend_form or SuspendForm(prefix="suspend"),
                   lift_form=FlaskForm(), reports=reports.reports_of(company))


@bp.post("/bedrijven/<int:company_id>/schorsen")
@role_required(*MODERATORS)
def suspend(company_id):
    company = services.get_company_to_moderate(current_user, company_id)
    form = SuspendForm(prefix="suspend")
    if form.validate_on_submit():
        try:
            flash_suspended(reports.suspend_company(actor=current_user, company=company,
                                                    reason=form.reason.data))
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return redirect(url_for("moderation.company", company_id=company.id))
    page, _status = _company_page(company, suspend_form=form)
    return page, 422


@bp.post("/bedrijven/<int:company_id>/opheffen")
@role_required(*MODERATORS)
def lift(company_id):
    company = services.get_company_to_moderate(current_user, company_id)
    if FlaskForm().validate_on_submit():
        try:
            reports.lift_suspension(actor=current_user, company=company)
        except ValidationFailed as error:
            for message in error.errors.values():
                flash(message, "danger")
        else:
            flash(_("The suspension is lifted: its offers can be found again."), "success")
    return redirect(url_for("moderation.company", company_id=company.id))


@bp.post("/bedrijven/<int:company_id>/leerbedrijf")
@role_required(*MODERATORS)
def verify_accreditation(company_id):
    company = services.get_company_to_moderate(current_user, company_id)
    form = VerifyForm()
    if form.validate_on_submit():
        try:
            verify_sbb_number(actor=current_user, company=company, seen=form.seen.data)
        except ValidationFailed as error:
            for message in error.errors.values():
                flash(message, "danger")
        else:
            flash(_("Verified: %(name)s may offer BBL places.", name=company.name), "success")
    return redirect(url_for("moderation.company", company_id=company.id))


@bp.route("/aanbod/<int:offer_id>", methods=["GET", "POST"])
@role_required(*MODERATORS)
def offer(offer_id):
    offer = services.get_offer_to_moderate(current_user, offer_id)
    revision = offer.pending_revision if offer.status in ("published", "paused") else None
    seen = offer.revision
    # a pending company's offer is approved after the company (the page says so, once)
    return _decide({"offer": offer}, services.approve_offer, services.reject_offer,
                   "moderation/offer.html", seen=seen,
                   may_approve=offer.status != "pending" or offer.company.is_approved,
                   offer=offer,
                   revision=revision,
                   field_label=field_label,
                   changes=services.revision_changes(offer, revision) if revision else [])


@bp.get("/logboek")
@role_required(security.ADMIN)
def audit_log():
    events = recent_events(actor=current_user)
    return render_template("moderation/audit_log.html", events=events,
                           subjects=subjects_of(events), describe_event=describe_event)


CSV_MAX_BYTES = 256 * 1024


def _holiday_form():
    form = HolidayForm(prefix="holiday")
    form.region.choices = choices(HOLIDAY_REGION_LABELS.items(), blank=_l("Choose a region"))
    return form


@bp.route("/vakanties", methods=["GET", "POST"])
@role_required(security.ADMIN)
def holidays():
    """The school holidays that series of slots skip: added one by one or imported as CSV."""
    add_form, import_form = _holiday_form(), HolidayImportForm(prefix="import")
    form = add_form
    if request.form.get("kind") == "import":
        form = import_form
        if form.validate_on_submit():
            try:
                new, updated = import_holidays(actor=current_user, text=_csv_text(form.file))
            except ValidationFailed as error:
                apply_errors(form, error)
            else:
                flash(_("Imported: %(new)d new, %(updated)d changed.", new=new,
                        updated=updated), "success")
                return redirect(url_for("moderation.holidays"))
    elif add_form.validate_on_submit():
        try:
            add_holiday(actor=current_user, region=add_form.region.data,
                        name=add_form.name.data, starts_on=add_form.starts_on.data,
                        ends_on=add_form.ends_on.data)
        except ValidationFailed as error:
            apply_errors(add_form, error)
        else:
            flash(_("The holiday has been added."), "success")
            return redirect(url_for("moderation.holidays"))
    return render_form("moderation/holidays.html", form, add_form=add_form,
                       import_form=import_form, holidays=all_holidays(),
                       region_labels=HOLIDAY_REGION_LABELS, remove_form=FlaskForm())


def _csv_text(field):
    data = field.data.read(CSV_MAX_BYTES + 1)
    if len(data) > CSV_MAX_BYTES:
        raise ValidationFailed({"file": _("The file is larger than %(kb)d KB.",
                                          kb=CSV_MAX_BYTES // 1024)})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed({"file": _("Save the file as CSV in UTF-8.")}) from None


@bp.post("/vakanties/<int:holiday_id>/verwijderen")
@role_required(security.ADMIN)
def remove_holiday_view(holiday_id):
    if FlaskForm().validate_on_submit():
        remove_holiday(actor=current_user, holiday_id=holiday_id)
        flash(_("The holiday has been removed."), "success")
    return redirect(url_for("moderation.holidays"))
