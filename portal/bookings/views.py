from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal import security
from portal.bookings import services
from portal.bookings.forms import AnswerForm, RequestForm
from portal.errors import ValidationFailed
from portal.offers.services import get_offer_for, offers_of_company
from portal.organisations.services import company_of, is_member, school_of
from portal.taxonomy.services import localised_name
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("bookings", __name__)


@bp.route("/aanvragen/aanbod/<int:offer_id>", methods=["GET", "POST"])
@role_required(*security.SCHOOL_ROLES)
def request_offer(offer_id):
    offer = get_offer_for(current_user, offer_id)
    if school_of(current_user) is None:
        return redirect(url_for("organisations.register_school"))
    form = RequestForm()
    form.level_id.choices = [SelectChoice(lvl.id, localised_name(lvl)) for lvl in offer.levels]
    if form.validate_on_submit():
        try:
            booking = services.request_booking(
                actor=current_user, offer=offer, wanted_on=form.wanted_on.data,
                group_size=form.group_size.data, level_id=form.level_id.data,
                message=form.message.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("Your request has been sent to %(company)s.", company=offer.company.name),
                  "success")
            return redirect(url_for("bookings.detail", booking_id=booking.id))
    return render_form("bookings/request.html", form, offer=offer)


@bp.get("/bedrijf")
@role_required(security.COMPANY_MEMBER)
def company_dashboard():
    """A company's home: its status, the requests from schools and its offers."""
    company = company_of(current_user)
    if company is None:
        return redirect(url_for("organisations.register_company"))
    return render_template(
        "bookings/dashboard.html", company=company,
        offers=offers_of_company(actor=current_user, company=company),
        bookings=services.bookings_for_company(actor=current_user, company=company))


@bp.get("/aanvragen")
@role_required(*security.SCHOOL_ROLES)
def mine():
    school = school_of(current_user)
    if school is None:
        return redirect(url_for("organisations.register_school"))
    return render_template("bookings/list.html", school=school,
                           bookings=services.bookings_for_school(actor=current_user,
                                                                 school=school))


@bp.get("/aanvragen/<int:booking_id>")
@role_required(security.COMPANY_MEMBER, *security.SCHOOL_ROLES)
def detail(booking_id):
    booking = services.get_booking_for(current_user, booking_id)
    return _detail(booking, AnswerForm())


def _detail(booking, form):
    return render_form("bookings/detail.html", form, booking=booking,
                       company_side=is_member(current_user, booking.offer.company))


def _answer(booking_id, use_case, done_message):
    booking = services.get_booking_for(current_user, booking_id)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            use_case(actor=current_user, booking=booking, message=form.message.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(done_message, "success")
            return redirect(url_for("bookings.detail", booking_id=booking.id))
    return _detail(booking, form)


@bp.post("/aanvragen/<int:booking_id>/accepteren")
@role_required(security.COMPANY_MEMBER)
def accept(booking_id):
    return _answer(booking_id, services.accept_booking, _("The request has been accepted."))


@bp.post("/aanvragen/<int:booking_id>/afwijzen")
@role_required(security.COMPANY_MEMBER)
def decline(booking_id):
    return _answer(booking_id, services.decline_booking, _("The request has been declined."))


@bp.post("/aanvragen/<int:booking_id>/annuleren")
@role_required(security.COMPANY_MEMBER, *security.SCHOOL_ROLES)
def cancel(booking_id):
    return _answer(booking_id, services.cancel_booking, _("The booking has been cancelled."))
