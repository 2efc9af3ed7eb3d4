from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import security
from portal.db import local_today
from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.offers import lifecycle, services, slots
from portal.offers.forms import (
    AccreditationForm,
    SeriesForm,
    SlotCapacityForm,
    SlotForm,
    form_values,
    offer_form,
)
from portal.offers.models import SHOWN
from portal.offers.rules import fields_of
from portal.organisations import partners
from portal.organisations.accreditation import is_accredited, set_sbb_number
from portal.organisations.models import School
from portal.organisations.profiles import locations_of
from portal.organisations.services import (
    company_of,
    get_company_for,
    is_member,
    may_report,
    school_of,
)
from portal.taxonomy.codes import APPRENTICESHIP, OFFER_TYPE_CODES
from portal.taxonomy.forms import level_choices, sector_choices
from portal.taxonomy.holidays import holiday_region_of
from portal.taxonomy.services import qualification
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("offers", __name__)


def _form(offer_type, company, obj=None):
    locations = [(loc.id, f"{loc.name}, {loc.place.label}") for loc in locations_of(company)]
    form = offer_form(offer_type, services.colleagues_of(company), locations, obj=obj)
    if obj is not None and not form.is_submitted():
        form.sector_ids.data = [s.id for s in obj.sectors]
        form.level_ids.data = [lvl.id for lvl in obj.levels]
        form.contact_id.data = obj.contact_id or 0
    form.sector_ids.choices = sector_choices()
    form.level_ids.choices = level_choices()
    return form


def _render(form, offer_type, offer=None):
    crebo = form.crebo.data if "crebo" in form else None
    known = qualification(crebo.strip()) if crebo and crebo.strip().isdigit() else None
    return render_form("offers/form.html", form, offer=offer, offer_type=offer_type,
                       known_qualification=known, type_fields=fields_of(offer_type))


@bp.get("/aanbod/nieuw")
@role_required(security.COMPANY_MEMBER)
def choose_type():
    if company_of(current_user) is None:
        return redirect(url_for("organisations.register_company"))
    company = company_of(current_user)
    return render_template("offers/choose_type.html", types=OFFER_TYPE_CODES,
                           accredited=is_accredited(company), company=company)


@bp.route("/bedrijf/leerbedrijf", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER)
def accreditation():
    """The company states its SBB leerbedrijf-ID, which a moderator then checks."""
    company = company_of(current_user)
    if company is None:
        return redirect(url_for("organisations.register_company"))
    form = AccreditationForm(data={"sbb_number": company.sbb_number})
    if form.validate_on_submit():
        try:
            set_sbb_number(actor=current_user, company=company, number=form.sbb_number.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("Saved. The Technocentrum checks the number in SBB's register; then you "
                    "can offer BBL places."), "success")
            return redirect(url_for("offers.choose_type"))
    return render_form("offers/accreditation.html", form, company=company,
                       accredited=is_accredited(company))


@bp.route("/aanbod/nieuw/<offer_type>", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER)
def create(offer_type):
    if offer_type not in OFFER_TYPE_CODES:
        abort(404)
    company = company_of(current_user)
    if company is None:
        return redirect(url_for("organisations.register_company"))
    if offer_type == APPRENTICESHIP and not is_accredited(company):
        flash(_("Only an accredited training company offers BBL places; state your SBB "
                "leerbedrijf-ID first."), "info")
        return redirect(url_for("offers.accreditation"))
    form = _form(offer_type, company)
    if form.validate_on_submit():
        try:
            offer = services.create_offer(actor=current_user, company=company,
                                          offer_type=offer_type, **form_values(form))
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The offer has been saved as a draft.") + " " + (
                _("Add its dates, then submit it.") if offer.has_slots
                else _("Submit it when it is ready.")), "success")
            target = "offers.slots" if offer.has_slots else "offers.detail"
            return redirect(url_for(target, offer_id=offer.id))
    return _render(form, offer_type)


@bp.route("/aanbod/<int:offer_id>/bewerken", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER)
def edit(offer_id):
    offer = services.get_own_offer(current_user, offer_id)
    offer_type = offer.offer_type
    wanted = request.args.get("type")
    if wanted in OFFER_TYPE_CODES and offer.status in ("draft", "rejected"):
        offer_type = wanted  # a draft may still become another type
    form = _form(offer_type, offer.company, obj=offer)
    if form.validate_on_submit():
        try:
            services.update_offer(actor=current_user, offer=offer, offer_type=offer_type,
                                  **form_values(form))
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The change has been sent to the Technocentrum; the published version stays "
                    "visible until it is approved.") if offer.pending_revision
                  else _("The offer has been saved."), "success")
            return redirect(url_for("offers.detail", offer_id=offer.id))
    return _render(form, offer_type, offer=offer)


def _post_action(offer_id, action, done):
    offer = services.get_own_offer(current_user, offer_id)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            result = action(actor=current_user, offer=offer)
        except ValidationFailed as error:
            for message in error.errors.values():
                flash(message, "danger")
        else:
            flash(done, "success")
            return result
    return offer


@bp.post("/aanbod/<int:offer_id>/indienen")
@role_required(security.COMPANY_MEMBER)
def submit(offer_id):
    offer = _post_action(offer_id, services.submit_offer,
                         _("The offer has been sent to the Technocentrum for approval."))
    return redirect(url_for("offers.detail", offer_id=offer.id))


@bp.post("/aanbod/<int:offer_id>/kopieren")
@role_required(security.COMPANY_MEMBER)
def duplicate(offer_id):
    copy = _post_action(offer_id, services.duplicate_offer,
                        _("A copy has been saved as a draft; change what differs."))
    return redirect(url_for("offers.edit", offer_id=copy.id))


@bp.post("/aanbod/<int:offer_id>/pauzeren")
@role_required(security.COMPANY_MEMBER)
def pause(offer_id):
    offer = _post_action(offer_id, lifecycle.pause_offer,
                         _("The offer is paused: schools see it but cannot request it."))
    return redirect(url_for("offers.detail", offer_id=offer.id))


@bp.post("/aanbod/<int:offer_id>/hervatten")
@role_required(security.COMPANY_MEMBER)
def resume(offer_id):
    offer = _post_action(offer_id, lifecycle.resume_offer,
                         _("The offer takes requests again."))
    return redirect(url_for("offers.detail", offer_id=offer.id))


@bp.route("/aanbod/<int:offer_id>/data", methods=["GET", "POST"], endpoint="slots")
@role_required(security.COMPANY_MEMBER)
def slots_page(offer_id):
    offer = services.get_own_offer(current_user, offer_id)
    if not offer.has_slots:
        abort(404)
    slot_form = SlotForm(prefix="slot")
    series_form = SeriesForm(prefix="series")
    if not series_form.is_submitted():
        series_form.region.data = holiday_region_of(offer.company.place.province.code)
    form = slot_form
    if request.method == "POST" and request.form.get("kind") == "series":
        form = series_form
        if form.validate_on_submit():
            try:
                made, skipped = slots.add_series(
                    actor=current_user, offer=offer, weekday=form.weekday.data,
                    first=form.first.data, last=form.last.data, starts_at=form.starts_at.data,
                    ends_at=form.ends_at.data, capacity=form.capacity.data,
                    min_group=form.min_group.data, region=form.region.data or None)
            except ValidationFailed as error:
                apply_errors(form, error)
            else:
                flash(ngettext("One date added.", "%(num)d dates added.", len(made)) + " "
                      + ngettext("One date skipped for the school holidays.",
                                 "%(num)d dates skipped for the school holidays.", skipped),
                      "success")
                return redirect(url_for("offers.slots", offer_id=offer.id))
    elif slot_form.validate_on_submit():
        try:
            slots.add_slot(actor=current_user, offer=offer, day=slot_form.day.data,
                           starts_at=slot_form.starts_at.data, ends_at=slot_form.ends_at.data,
                           capacity=slot_form.capacity.data, min_group=slot_form.min_group.data)
        except ValidationFailed as error:
            apply_errors(slot_form, error)
        else:
            flash(_("The date has been added."), "success")
            return redirect(url_for("offers.slots", offer_id=offer.id))
    return render_form("offers/slots.html", form, offer=offer, slot_form=slot_form,
                       series_form=series_form, today=local_today(),
                       action_form=FlaskForm())


@bp.route("/aanbod/datum/<int:slot_id>", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER)
def slot(slot_id):
    found = slots.get_own_slot(current_user, slot_id)
    form = SlotCapacityForm(obj=found)
    if request.method == "POST" and request.form.get("action") == "remove":
        remove = FlaskForm()
        if remove.validate_on_submit():
            try:
                slots.remove_slot(actor=current_user, slot=found)
            except ValidationFailed as error:
                for message in error.errors.values():
                    flash(message, "danger")
                return redirect(url_for("offers.slot", slot_id=slot_id))
            flash(_("The date has been removed."), "success")
            return redirect(url_for("offers.slots", offer_id=found.offer_id))
    elif form.validate_on_submit():
        try:
            slots.change_slot(actor=current_user, slot=found, capacity=form.capacity.data,
                              min_group=form.min_group.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The date has been changed."), "success")
            return redirect(url_for("offers.slots", offer_id=found.offer_id))
    return render_form("offers/slot.html", form, slot=found, offer=found.offer)


@bp.get("/aanbod/<int:offer_id>")
def detail(offer_id):
    offer = services.get_offer_for(current_user, offer_id)
    is_owner = is_member(current_user, offer.company)
    return render_template("offers/detail.html", offer=offer, is_owner=is_owner,
                           may_report=offer.status in SHOWN and may_report(
                               current_user, offer.company, member=is_owner),
                           school=school_of(current_user), action_form=FlaskForm(),
                           open_slots=slots.upcoming_slots(offer))


@bp.get("/bedrijven/<int:company_id>")
def company(company_id):
    company = get_company_for(current_user, company_id)
    own = partners.own_organisation(current_user) if getattr(
        current_user, "is_authenticated", False) else None
    return render_template("offers/company.html", company=company,
                           offers=services.published_offers_of(company),
                           may_report=may_report(current_user, company),
                           partner_schools=partners.active_partners(company),
                           may_ask=isinstance(own, School) and partners.standing_between(
                               own.id, company.id) is None)
