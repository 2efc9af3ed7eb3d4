from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import security
from portal.errors import ValidationFailed
from portal.offers import services
from portal.offers.forms import OfferForm, kind_code, split_kind
from portal.organisations.services import company_of, get_company_for, is_member, school_of
from portal.taxonomy.forms import level_choices, sector_choices
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("offers", __name__)


# The service checks type and place apart; the form asks for them in one field.
KIND_FIELDS = {"offer_type": "kind", "location_mode": "kind"}


def _offer_form(obj=None):
    form = OfferForm(obj=obj)
    if obj is not None and not form.is_submitted():
        form.kind.data = kind_code(obj.offer_type, obj.location_mode)
        form.sector_ids.data = [s.id for s in obj.sectors]
        form.level_ids.data = [lvl.id for lvl in obj.levels]
    form.sector_ids.choices = sector_choices()
    form.level_ids.choices = level_choices()
    return form


def _form_fields(form):
    offer_type, location_mode = split_kind(form.kind.data)
    fields = {name: form[name].data for name in services.FIELDS if name not in KIND_FIELDS}
    return {**fields, "offer_type": offer_type, "location_mode": location_mode}


@bp.route("/aanbod/nieuw", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER)
def create():
    company = company_of(current_user)
    if company is None:
        return redirect(url_for("organisations.register_company"))
    form = _offer_form()
    if form.validate_on_submit():
        try:
            offer = services.create_offer(actor=current_user, company=company,
                                          **_form_fields(form))
        except ValidationFailed as error:
            apply_errors(form, error, KIND_FIELDS)
        else:
            flash(_("The offer has been saved as a draft. Submit it when it is ready."),
                  "success")
            return redirect(url_for("offers.detail", offer_id=offer.id))
    return render_form("offers/form.html", form, offer=None)


@bp.route("/aanbod/<int:offer_id>/bewerken", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER)
def edit(offer_id):
    offer = services.get_own_offer(current_user, offer_id)
    form = _offer_form(obj=offer)
    if form.validate_on_submit():
        try:
            services.update_offer(actor=current_user, offer=offer, **_form_fields(form))
        except ValidationFailed as error:
            apply_errors(form, error, KIND_FIELDS)
        else:
            flash(_("The offer has been saved."), "success")
            return redirect(url_for("offers.detail", offer_id=offer.id))
    return render_form("offers/form.html", form, offer=offer)


@bp.post("/aanbod/<int:offer_id>/indienen")
@role_required(security.COMPANY_MEMBER)
def submit(offer_id):
    offer = services.get_own_offer(current_user, offer_id)
    form = FlaskForm()
    if form.validate_on_submit():
        try:
            services.submit_offer(actor=current_user, offer=offer)
        except ValidationFailed as error:
            for message in error.errors.values():
                flash(message, "danger")
        else:
            flash(_("The offer has been sent to the Technocentrum for approval."), "success")
    return redirect(url_for("offers.detail", offer_id=offer.id))


@bp.get("/aanbod/<int:offer_id>")
def detail(offer_id):
    offer = services.get_offer_for(current_user, offer_id)
    return render_template("offers/detail.html", offer=offer,
                           is_owner=is_member(current_user, offer.company),
                           school=school_of(current_user), action_form=FlaskForm())


@bp.get("/bedrijven/<int:company_id>")
def company(company_id):
    company = get_company_for(current_user, company_id)
    return render_template("offers/company.html", company=company,
                           offers=services.published_offers_of(company))
