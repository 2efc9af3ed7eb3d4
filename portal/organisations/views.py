from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import security
from portal.errors import ValidationFailed
from portal.organisations import services
from portal.organisations.forms import CompanyForm, SchoolForm
from portal.taxonomy.forms import sector_choices
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("organisations", __name__)


@bp.get("/welkom")
@login_required
def onboarding():
    """Send a new user to the form that ties them to their organisation."""
    if security.has_role(current_user, security.COMPANY_MEMBER):
        if services.company_of(current_user) is None:
            return redirect(url_for("organisations.register_company"))
        return redirect(url_for("bookings.company_dashboard"))
    if security.has_role(current_user, *security.SCHOOL_ROLES):
        if services.school_of(current_user) is None:
            return redirect(url_for("organisations.register_school"))
        return redirect(url_for("matching.search"))
    return redirect(url_for("public.home"))


@bp.route("/bedrijf/registreren", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER)
def register_company():
    if services.company_of(current_user) is not None:
        return redirect(url_for("bookings.company_dashboard"))
    form = CompanyForm()
    form.sectors.choices = sector_choices()
    if form.validate_on_submit():
        try:
            services.register_company(
                actor=current_user, name=form.name.data, number=form.number.data,
                place_name=form.place.data, sector_ids=form.sectors.data,
                description=form.description.data, website=form.website.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("Your company has been registered. The Technocentrum of your region will "
                    "check it soon."), "success")
            return redirect(url_for("bookings.company_dashboard"))
    return render_form("organisations/company_form.html", form)


@bp.route("/school/registreren", methods=["GET", "POST"])
@role_required(*security.SCHOOL_ROLES)
def register_school():
    if services.school_of(current_user) is not None:
        return redirect(url_for("matching.search"))
    form = SchoolForm()
    form.sectors.choices = sector_choices()
    if form.validate_on_submit():
        try:
            services.register_school(
                actor=current_user, name=form.name.data, brin=form.brin.data,
                location=form.location.data, place_name=form.place.data,
                stage=form.stage.data, sector_ids=form.sectors.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("Your school has been registered. You can search offers now."), "success")
            return redirect(url_for("matching.search"))
    return render_form("organisations/school_form.html", form)
