from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from portal import security
from portal.bookings import rules, services
from portal.bookings.forms import AnswerForm, RequestForm, WithdrawOfferForm
from portal.bookings.offer_life import withdraw_offer as withdraw
from portal.bookings.rules import ACCEPT, CANCEL, COMPANY, DECLINE, SCHOOL, WITHDRAW
from portal.errors import ValidationFailed
from portal.offers.services import get_offer_for, get_own_offer, offers_of_company
from portal.offers.slots import upcoming_slots
from portal.organisations.services import company_of, is_member, school_of
from portal.taxonomy.services import localised_name
from portal.views import apply_errors, render_form, role_required, slot_when

bp = Blueprint("bookings", __name__)

ACTIONS = {
    ACCEPT: (services.accept_booking, _l("The request has been accepted.")),
    DECLINE: (services.decline_booking, _l("The request has been declined.")),
    WITHDRAW: (services.withdraw_booking, _l("The request has been withdrawn.")),
    CANCEL: (services.cancel_booking, _l("The request has been cancelled.")),
}


@bp.route("/aanvragen/aanbod/<int:offer_id>", methods=["GET", "POST"])
@role_required(*security.SCHOOL_ROLES)
def request_offer(offer_id):
    offer = get_offer_for(current_user, offer_id)
    school = school_of(current_user)
    if school is None:
        return redirect(url_for("organisations.register_school"))
    form = RequestForm()
    open_slots = [slot for slot in upcoming_slots(offer) if slot.room > 0]
    form.fit(offer, ((slot.id, _slot_choice(slot)) for slot in open_slots))
    form.set_levels((lvl.id, localised_name(lvl)) for lvl in offer.levels)
    if form.validate_on_submit():
        try:
            booking = services.request_booking(
                actor=current_user, offer=offer, group_size=form.group_size.data,
                level_id=form.level_id.data, message=form.message.data,
                **_when(form))
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("Your request has been sent to %(company)s.", company=offer.company.name),
                  "success")
            return redirect(url_for("bookings.detail", booking_id=booking.id))
    return render_form("bookings/request.html", form, offer=offer,
                       open_request=services.open_request_of(school, offer),
                       dates=services.date_window_for(offer), open_slots=open_slots)


def _slot_choice(slot):
    return ngettext("%(when)s · %(num)d place left", "%(when)s · %(num)d places left",
                    slot.room, when=slot_when(slot))


def _when(form):
    if "slot_id" in form:
        return {"slot_id": form.slot_id.data, "teachers": form.teachers.data or 0}
    return {"wanted_on": form.wanted_on.data}


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


def _label_message(form, actions):
    """Name the message field for what it is used for in this card."""
    if DECLINE in actions:
        form.message.label.text = _("Message to the school")
        form.message.description = _("Optional when you accept; required when you decline, "
                                     "so the school knows why.")
    elif WITHDRAW in actions:
        form.message.label.text = _("Message to the company (optional)")
    elif CANCEL in actions:
        form.message.label.text = _("Why do you cancel?")
        form.message.description = _("Required: the other side reads it.")


@bp.route("/aanvragen/<int:booking_id>", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER, *security.SCHOOL_ROLES)
def detail(booking_id):
    """A request's page; its card accepts, declines, withdraws or cancels (posted here, so a
    refused answer is shown on the request's own address)."""
    booking = services.get_booking_for(current_user, booking_id)
    company_side = is_member(current_user, booking.offer.company)
    form = AnswerForm()
    if form.is_submitted() and form.action.data not in ACTIONS:
        abort(400)
    if form.validate_on_submit():
        use_case, done_message = ACTIONS[form.action.data]
        try:
            use_case(actor=current_user, booking=booking, message=form.message.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(str(done_message), "success")
            return redirect(url_for("bookings.detail", booking_id=booking.id))
    actions = rules.actions_for(booking.status, COMPANY if company_side else SCHOOL)
    _label_message(form, actions)
    return render_form("bookings/detail.html", form, booking=booking,
                       company_side=company_side, actions=actions)


@bp.route("/aanbod/<int:offer_id>/intrekken", methods=["GET", "POST"])
@role_required(security.COMPANY_MEMBER)
def withdraw_offer(offer_id):
    """Withdraw an offer for good; the schools with open or accepted requests read why."""
    offer = get_own_offer(current_user, offer_id)
    form = WithdrawOfferForm()
    if form.validate_on_submit():
        try:
            withdraw(actor=current_user, offer=offer, reason=form.reason.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The offer has been withdrawn; the schools with requests have been told "
                    "why."), "success")
            return redirect(url_for("offers.detail", offer_id=offer.id))
    affected = [b for b in offer.bookings if b.status in (rules.REQUESTED, rules.ACCEPTED)]
    return render_form("bookings/withdraw_offer.html", form, offer=offer, affected=affected)
