"""Requesting an offer, the two sides' lists, and withdrawing an offer. The request's own page
and what is posted from it are in request_page.py."""
from flask import (
    Blueprint,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user

from portal import security
from portal.bookings import rules, services
from portal.bookings.forms import RequestForm, WithdrawOfferForm
from portal.bookings.lists import action_count, needs_action, room_offers, waitlist_count
from portal.bookings.offer_life import ANSWERED
from portal.bookings.offer_life import withdraw_offer as withdraw
from portal.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.offers.services import get_offer_for, get_own_offer, offers_of_company
from portal.offers.slots import upcoming_slots
from portal.organisations.services import company_of, school_of
from portal.taxonomy.services import localised_name
from portal.views import apply_errors, render_form, role_required, slot_when

bp = Blueprint("bookings", __name__)


@bp.app_context_processor
def navigation_count():
    """`needs_action_count()` for the navigation's badge: asked only when a page shows it,
    counted once per request."""
    return {"needs_action_count": _needs_action_count}


def _needs_action_count():
    if not has_request_context() or not current_user.is_authenticated:
        return 0
    if "needs_action_count" not in g:
        g.needs_action_count = action_count(current_user)
    return g.needs_action_count


@bp.route("/aanvragen/aanbod/<int:offer_id>", methods=["GET", "POST"])
@role_required(*security.SCHOOL_ROLES)
def request_offer(offer_id):
    offer = get_offer_for(current_user, offer_id)
    school = school_of(current_user)
    if school is None:
        return redirect(url_for("organisations.register_school"))
    form = RequestForm()
    open_slots = [slot for slot in upcoming_slots(offer) if slot.room > 0]
    form.fit(offer, ((slot.id, slot_choice(slot)) for slot in open_slots))
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
            flash_done(_("Your request has been sent to %(company)s.",
                         company=offer.company.name))
            return redirect(url_for("bookings.detail", booking_id=booking.id))
    return render_form("bookings/request.html", form, offer=offer,
                       open_request=services.open_request_of(school, offer),
                       dates=services.date_window_for(offer), open_slots=open_slots)


def flash_done(message):
    flash(str(message), "success")


def slot_choice(slot):
    return ngettext("%(when)s · %(num)d place left", "%(when)s · %(num)d places left",
                    slot.room, when=slot_when(slot))


def _when(form):
    if "slot_id" in form:
        return {"slot_id": form.slot_id.data, "teachers": form.teachers.data or 0}
    return {"wanted_on": form.wanted_on.data}


@bp.get("/bedrijf")
@role_required(security.COMPANY_MEMBER)
def company_dashboard():
    """A company's home: what needs its action, all requests from schools, and its offers."""
    company = company_of(current_user)
    if company is None:
        return redirect(url_for("organisations.register_company"))
    bookings = services.bookings_for_company(actor=current_user, company=company)
    return render_template(
        "bookings/dashboard.html", company=company, bookings=bookings,
        needs=needs_action(bookings, rules.COMPANY),
        offers=offers_of_company(actor=current_user, company=company))


@bp.get("/aanvragen")
@role_required(*security.SCHOOL_ROLES)
def mine():
    """A school's requests, after what needs the teacher's action (room offered from a
    waiting list among it) and a link to the school's waiting lists."""
    school = school_of(current_user)
    if school is None:
        return redirect(url_for("organisations.register_school"))
    bookings = services.bookings_for_school(actor=current_user, school=school)
    return render_template("bookings/list.html", school=school, bookings=bookings,
                           needs=needs_action(bookings, rules.SCHOOL),
                           room_offers=room_offers(school), waitlists=waitlist_count(school))


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
            flash_done(_("The offer has been withdrawn; the schools with requests have been "
                         "told why."))
            return redirect(url_for("offers.detail", offer_id=offer.id))
    affected = [b for b in offer.bookings if b.status in ANSWERED]
    return render_form("bookings/withdraw_offer.html", form, offer=offer, affected=affected)


# The request's page and its forms register their routes on this blueprint.
from portal.bookings import request_page  # noqa: E402,F401
