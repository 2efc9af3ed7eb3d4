"""Partner circles' pages: asking a company (from its page) or a school (from a request of it),
the partners page where asks are answered and partnerships ended, and the circles of a
Technocentrum's region."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from portal import security
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.forms import PortalForm
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.organisations import partners
from portal.organisations.models import Company, School
from portal.organisations.partner_models import ACTIVE
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("partners", __name__)

MEMBERS = (security.COMPANY_MEMBER, *security.SCHOOL_ROLES)


class AskForm(PortalForm):
    message = TextAreaField(_l("Message (optional)"), validators=[Optional(), Length(max=2000)],
                            description=_l("What you would like to do together, for example a "
                                           "guest lesson every year and internships."))


class EndForm(PortalForm):
    reason = TextAreaField(_l("Why end the partnership?"), validators=[
        DataRequired(_l("Give a reason; the other side reads it.")), Length(max=2000)])


@bp.route("/partners/vragen/bedrijf/<int:company_id>", methods=["GET", "POST"])
@role_required(*MEMBERS)
def ask_company(company_id):
    """A school asks a company (from the company's page)."""
    company = db.session.get(Company, company_id)
    if company is None or not company.is_approved:
        abort(404)
    return _ask(company)


@bp.route("/partners/vragen/school/<int:school_id>", methods=["GET", "POST"])
@role_required(*MEMBERS)
def ask_school(school_id):
    """A company asks a school (from one of the school's requests)."""
    school = db.session.get(School, school_id)
    own = partners.own_organisation(current_user)
    if school is None or (isinstance(own, Company) and not partners.has_asked_before(school,
                                                                                   own)):
        abort(404)  # a company asks only schools that requested one of its offers
    return _ask(school)


def _ask(other):
    own = partners.own_organisation(current_user)
    if own is None or isinstance(own, type(other)):
        abort(403)
    school, company = (own, other) if isinstance(other, Company) else (other, own)
    standing = partners.standing_between(school.id, company.id)
    form = AskForm()
    if standing is None and form.validate_on_submit():
        try:
            partners.ask(actor=current_user, other=other, message=form.message.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("Your question has been sent to %(name)s.", name=other.name), "success")
            return redirect(url_for("partners.mine"))
    elif standing is not None and request.method == "POST":
        form.form_errors.append(partners.already_standing())
    return render_form("partners/ask.html", form, other=other, own=own, standing=standing)


@bp.get("/partners")
@role_required(*MEMBERS)
def mine():
    return _partners_page()


def _partners_page(end_form=None, ended_id=None):
    own = partners.own_organisation(current_user)
    if own is None:  # registers the company or school first
        return redirect(url_for("organisations.onboarding"))
    rows = partners.partnerships_of(own)
    side = "school" if isinstance(own, School) else "company"
    end_forms = {p.id: (end_form if p.id == ended_id else EndForm(formdata=None,
                                                                  prefix=f"end-{p.id}"))
                 for p in rows if p.status == ACTIVE}
    status = 422 if end_form is not None and end_form.errors else 200
    return render_template("partners/mine.html", own=own, side=side, rows=rows,
                           end_forms=end_forms, action_form=FlaskForm()), status


def _mine(partnership_id):
    return partners.get_partnership_for(current_user, partnership_id)


@bp.post("/partners/<int:partnership_id>/antwoord")
@role_required(*MEMBERS)
def answer(partnership_id):
    partnership = _mine(partnership_id)
    choice = request.form.get("answer")
    if not FlaskForm().validate_on_submit() or choice not in ("accept", "decline"):
        abort(400)
    try:
        partners.answer(actor=current_user, partnership=partnership, accept=choice == "accept")
    except ValidationFailed as error:
        for message in error.errors.values():
            flash(message, "danger")
    else:
        flash(_("You are partners now.") if choice == "accept" else
              _("You have declined; the other side hears so."), "success")
    return redirect(url_for("partners.mine"))


@bp.post("/partners/<int:partnership_id>/intrekken")
@role_required(*MEMBERS)
def withdraw(partnership_id):
    partnership = _mine(partnership_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        partners.withdraw(actor=current_user, partnership=partnership)
    except ValidationFailed as error:
        for message in error.errors.values():
            flash(message, "danger")
    else:
        flash(_("Your question has been withdrawn."), "info")
    return redirect(url_for("partners.mine"))


@bp.post("/partners/<int:partnership_id>/beeindigen")
@role_required(*MEMBERS)
def end(partnership_id):
    partnership = _mine(partnership_id)
    form = EndForm(prefix=f"end-{partnership.id}")
    if form.validate_on_submit():
        try:
            partners.end(actor=current_user, partnership=partnership, reason=form.reason.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The partnership has ended; the other side hears why."), "info")
            return redirect(url_for("partners.mine"))
    return _partners_page(end_form=form, ended_id=partnership.id)


@bp.get("/moderatie/kringen")
@role_required(security.MODERATOR, security.ADMIN)
def circles():
    return render_template("partners/circles.html",
                           circles=partners.circles_of_region(actor=current_user))
