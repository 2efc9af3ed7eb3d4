from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.exceptions import RequestEntityTooLarge

from portal import security
from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.organisations import logos, profiles, services, teams
from portal.organisations.forms import (
    CompanyForm,
    LocationForm,
    LogoForm,
    SchoolForm,
    SchoolProfileForm,
)
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
    waiting = teams.open_join_request_of(current_user)
    if waiting is not None:  # asked to join a school: that page says how it stands
        return redirect(url_for("teams.join_school", school_id=waiting.school_id))
    form = SchoolForm()
    form.sectors.choices = sector_choices()
    if form.validate_on_submit():
        try:
            services.register_school(
                actor=current_user, name=form.name.data, brin=form.brin.data,
                location=form.location.data, place_name=form.place.data,
                stage=form.stage.data, sector_ids=form.sectors.data)
        except services.SchoolTaken as taken:
            flash(taken.errors["brin"], "info")
            return redirect(url_for("teams.join_school", school_id=taken.school.id))
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("Your school has been registered. You can search offers now."), "success")
            return redirect(url_for("matching.search"))
    return render_form("organisations/school_form.html", form)


# --- the profiles: a company's and a school's own data ---------------------------------------


def _own_company():
    """The signed-in member's company; None sends them to register one."""
    return services.company_of(current_user)


def _number_shown(company):
    """The company's number as people write it (Belgian numbers with their dots)."""
    if company.kvk_number:
        return company.kvk_number
    digits = company.enterprise_number or ""
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if len(digits) == 10 else digits


def _company_profile_form(company, submitted=True):
    """The profile form filled in from the company; with what was sent when `submitted`."""
    data = {"name": company.name, "number": _number_shown(company),
            "place": company.place.label if company.place else "",
            "sectors": [s.id for s in company.sectors], "description": company.description,
            "website": company.website}
    form = CompanyForm(data=data) if submitted else CompanyForm(formdata=None, data=data)
    form.sectors.choices = sector_choices()
    return form


def _company_profile_page(company, profile_form=None, logo_form=None, sent=None, status=200):
    """The profile page with its forms. `sent` is the form just sent, whose problems the error
    summary lists (and the page title announces); a page with problems answers 422 (413)."""
    profile_form = profile_form or _company_profile_form(company, submitted=False)
    logo_form = logo_form or LogoForm(formdata=None)
    sent = sent or profile_form
    if status == 200 and request.method == "POST" and (sent.errors or sent.form_errors):
        status = 422
    return render_template("organisations/company_profile.html", company=company,
                           form=sent, profile_form=profile_form, logo_form=logo_form), status


@bp.route("/bedrijf/profiel", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER)
def company_profile():
    company = _own_company()
    if company is None:
        return redirect(url_for("organisations.register_company"))
    form = _company_profile_form(company)
    if form.validate_on_submit():
        was_approved = company.is_approved
        try:
            profiles.update_company(
                actor=current_user, company=company, name=form.name.data,
                number=form.number.data, place_name=form.place.data,
                sector_ids=form.sectors.data, description=form.description.data,
                website=form.website.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            if was_approved and not company.is_approved:
                flash(_("The profile has been saved. With its new number your company goes to "
                        "the Technocentrum of your region for checking again."), "warning")
            else:
                flash(_("The profile has been saved."), "success")
            return redirect(url_for("organisations.company_profile"))
    return _company_profile_page(company, profile_form=form)


@bp.post("/bedrijf/profiel/opnieuw-indienen")
@role_required(security.COMPANY_MEMBER)
def resubmit_company():
    company = _own_company()
    if company is None:
        return redirect(url_for("organisations.register_company"))
    action = FlaskForm()
    if action.validate_on_submit():
        try:
            profiles.resubmit_company(actor=current_user, company=company)
        except ValidationFailed as error:
            # A number taken in the meantime shows beside the number field, to be corrected.
            form = _company_profile_form(company, submitted=False)
            apply_errors(form, error)
            return _company_profile_page(company, profile_form=form)
        flash(_("Your company has been submitted for checking again."), "success")
        return redirect(url_for("bookings.company_dashboard"))
    return redirect(url_for("organisations.company_profile"))


@bp.post("/bedrijf/logo")
@role_required(security.COMPANY_MEMBER)
def upload_logo():
    company = _own_company()
    if company is None:
        return redirect(url_for("organisations.register_company"))
    form = LogoForm()
    if form.validate_on_submit():
        try:
            profiles.set_company_logo(actor=current_user, company=company,
                                      upload=form.logo.data.stream)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The logo has been saved."), "success")
            return redirect(url_for("organisations.company_profile"))
    return _company_profile_page(company, logo_form=form, sent=form)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A request over MAX_CONTENT_LENGTH, refused before it was read: on the logo form, the
    message stands next to the file field; elsewhere on an error page."""
    on_logo_form = request.endpoint == "organisations.upload_logo"
    company = (_own_company() if on_logo_form
               and security.has_role(current_user, security.COMPANY_MEMBER) else None)
    message = _("The file is too large: a logo may have at most %(mb)d MB.",
                mb=logos.MAX_BYTES // (1024 * 1024))
    if company is None:
        text = message if on_logo_form else _("What was sent is too large to be accepted.")
        return render_template("errors/error.html", status=413, title=_("Too large"),
                               text=text), 413
    form = LogoForm(formdata=None)
    form.logo.errors = [message]
    return _company_profile_page(company, logo_form=form, sent=form, status=413)


@bp.post("/bedrijf/logo/verwijderen")
@role_required(security.COMPANY_MEMBER)
def remove_logo():
    company = _own_company()
    if company is None:
        return redirect(url_for("organisations.register_company"))
    action = FlaskForm()
    if action.validate_on_submit():
        try:
            profiles.remove_company_logo(actor=current_user, company=company)
        except ValidationFailed as error:
            apply_errors(action, error)
            return _company_profile_page(company, sent=action)
        flash(_("The logo has been removed."), "success")
    return redirect(url_for("organisations.company_profile"))


@bp.get("/bedrijven/<int:company_id>/logo")
def company_logo(company_id):
    """A company's logo, for whoever may see the company; it lives outside static/."""
    name = profiles.get_company_logo(current_user, company_id)
    response = send_from_directory(logos.folder(), name, mimetype=logos.media_type(name))
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/school/profiel", methods=["GET", "POST"])
@role_required(*security.SCHOOL_ROLES)
def school_profile():
    school = services.school_of(current_user)
    if school is None:
        return redirect(url_for("organisations.register_school"))
    form = SchoolProfileForm(data={
        "name": school.name, "stage": school.school_stage,
        "place": school.place.label if school.place else "",
        "sectors": [s.id for s in school.sectors]})
    form.sectors.choices = sector_choices()
    if form.validate_on_submit():
        try:
            profiles.update_school(actor=current_user, school=school, name=form.name.data,
                                   place_name=form.place.data, stage=form.stage.data,
                                   sector_ids=form.sectors.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The school's profile has been saved."), "success")
            return redirect(url_for("organisations.school_profile"))
    return render_form("organisations/school_profile.html", form, school=school)


# --- a company's locations ------------------------------------------------------------------


def _locations_page(company, add_form, sent=None):
    sent = sent or add_form
    status = 422 if request.method == "POST" and (sent.errors or sent.form_errors) else 200
    return render_template("organisations/locations.html", company=company,
                           locations=profiles.locations_of(company), add_form=add_form,
                           form=sent), status


@bp.route("/bedrijf/locaties", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER)
def locations():
    company = _own_company()
    if company is None:
        return redirect(url_for("organisations.register_company"))
    form = LocationForm()
    if form.validate_on_submit():
        try:
            profiles.add_location(actor=current_user, company=company, name=form.name.data,
                                  place_name=form.place.data, address=form.address.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The location has been added."), "success")
            return redirect(url_for("organisations.locations"))
    return _locations_page(company, form)


@bp.route("/bedrijf/locaties/<int:location_id>", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER)
def edit_location(location_id):
    location = profiles.get_own_location(current_user, location_id)
    form = LocationForm(data={"name": location.name, "place": location.place.label,
                              "address": location.address or ""})
    if form.validate_on_submit():
        try:
            profiles.update_location(actor=current_user, location=location,
                                     name=form.name.data, place_name=form.place.data,
                                     address=form.address.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The location has been saved."), "success")
            return redirect(url_for("organisations.locations"))
    return render_form("organisations/location_form.html", form, location=location)


@bp.post("/bedrijf/locaties/<int:location_id>/verwijderen")
@role_required(security.COMPANY_MEMBER)
def remove_location(location_id):
    location = profiles.get_own_location(current_user, location_id)
    company = location.company
    action = FlaskForm()
    if action.validate_on_submit():
        try:
            profiles.remove_location(actor=current_user, location=location)
        except ValidationFailed as error:
            apply_errors(action, error)
            return _locations_page(company, LocationForm(formdata=None), sent=action)
        flash(_("The location has been removed."), "success")
    return redirect(url_for("organisations.locations"))
