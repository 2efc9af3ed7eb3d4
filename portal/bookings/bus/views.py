"""The Techniekbus's pages: a teacher books a bus for an accepted visit (checking the price
before confirming); the ride's page, where the school or the Technocentrum changes or cancels
it; and the moderator's week and month of bus days, buses and rules."""
from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import security
from portal.bookings.bus import services, setup
from portal.bookings.bus.forms import (
    CHECK,
    BlockForm,
    BusForm,
    CancelRideForm,
    RideForm,
    RulesForm,
    level_choices_of,
)
from portal.bookings.bus.models import BOOKED, BY_CENTRE
from portal.bookings.bus.rules import Rules
from portal.bookings.lists import get_booking_for
from portal.db import local_today
from portal.errors import ValidationFailed
from portal.forms import choices
from portal.i18n import gettext as _
from portal.numbers import whole_number
from portal.organisations.services import all_technocentra, technocentrum_for_staff
from portal.taxonomy.services import all_levels
from portal.views import apply_errors, render_form, role_required

bp = Blueprint("bus", __name__)

STAFF = (security.MODERATOR, security.ADMIN)
# A ride's default times: this long before the visit out, this long after it back.
MARGIN = timedelta(minutes=45)


def _bus_choices(buses):
    return choices((bus.id, _("%(name)s (%(seats)d seats)", name=bus.name, seats=bus.seats))
                   for bus in buses)


def _shifted(day, moment, delta):
    return (datetime.combine(day, moment) + delta).time()


@bp.route("/techniekbus/aanvraag/<int:booking_id>", methods=["GET", "POST"])
@role_required(*security.SCHOOL_ROLES)
def book(booking_id):
    booking = get_booking_for(current_user, booking_id)
    if not services.may_ride(booking):
        abort(404)
    ride = services.ride_of(booking)
    if ride is not None:
        return redirect(url_for("bus.ride", ride_id=ride.id))
    buses = services.buses_for(booking.school)
    form = RideForm()
    form.bus_id.choices = _bus_choices(buses)
    slot = booking.slot
    if not form.is_submitted():
        form.departs_at.data = _shifted(slot.day, slot.starts_at, -MARGIN)
        form.returns_at.data = _shifted(slot.day, slot.ends_at, MARGIN)
        form.teachers.data = booking.teachers or 2
        if buses:
            form.bus_id.data = buses[0].id
    quote = None
    if buses and form.validate_on_submit():
        values = {"actor": current_user, "booking": booking, "bus_id": form.bus_id.data,
                  "departs_at": form.departs_at.data, "returns_at": form.returns_at.data,
                  "teachers": form.teachers.data}
        try:
            if request.form.get("action") == CHECK:
                quote = services.quote_ride(**values)
                form.price_cents.data = quote.price_cents
            else:
                ride = services.book_ride(price_cents=form.price_seen(), **values)
                flash(_("The Techniekbus is booked. The confirmation is on its way by e-mail."),
                      "success")
                return redirect(url_for("bus.ride", ride_id=ride.id))
        except ValidationFailed as error:
            apply_errors(form, error)
    return render_form("bus/book.html", form, booking=booking, buses=buses, quote=quote)


@bp.get("/techniekbus/ritten/<int:ride_id>")
@role_required(*security.SCHOOL_ROLES, *STAFF)
def ride(ride_id):
    return _ride_page(services.get_ride_for(current_user, ride_id))


def _ride_page(ride, change_form=None, cancel_form=None):
    side = services.ride_party(current_user, ride)
    buses = services.buses_for(ride.booking.school) if side == BY_CENTRE else [ride.bus]
    if change_form is None:
        change_form = RideForm(formdata=None, data={
            "bus_id": ride.bus_id, "departs_at": ride.departs_at, "returns_at": ride.returns_at,
            "teachers": ride.teachers, "seen": ride.sequence})
    change_form.bus_id.choices = _bus_choices(buses)
    cancel_form = cancel_form or CancelRideForm(formdata=None, prefix="cancel")
    status = 422 if change_form.errors or cancel_form.errors else 200
    return render_template("bus/ride.html", ride=ride, side=side, form=change_form,
                           change_form=change_form, cancel_form=cancel_form,
                           booked=ride.status == BOOKED), status


@bp.post("/techniekbus/ritten/<int:ride_id>/wijzigen")
@role_required(*security.SCHOOL_ROLES, *STAFF)
def change(ride_id):
    ride = services.get_ride_for(current_user, ride_id)
    form = RideForm()
    form.bus_id.choices = _bus_choices(services.buses_for(ride.booking.school))
    if form.validate_on_submit():
        try:
            services.change_ride(actor=current_user, ride=ride, bus_id=form.bus_id.data,
                                 departs_at=form.departs_at.data,
                                 returns_at=form.returns_at.data, teachers=form.teachers.data,
                                 seen=form.seen_number())
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The ride has been changed; the school has the new calendar entry."),
                  "success")
            return redirect(url_for("bus.ride", ride_id=ride.id))
    return _ride_page(ride, change_form=form)


@bp.post("/techniekbus/ritten/<int:ride_id>/annuleren")
@role_required(*security.SCHOOL_ROLES, *STAFF)
def cancel(ride_id):
    ride = services.get_ride_for(current_user, ride_id)
    form = CancelRideForm(prefix="cancel")
    if form.validate_on_submit():
        try:
            services.cancel_ride(actor=current_user, ride=ride, reason=form.reason.data)
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            flash(_("The ride has been cancelled."), "info")
            return redirect(url_for("bus.ride", ride_id=ride.id))
    return _ride_page(ride, cancel_form=form)


# --- the Technocentrum's pages ---------------------------------------------------------------


def _centre():
    centre = technocentrum_for_staff(actor=current_user,
                                     technocentrum_id=whole_number(request.args.get("centrum")))
    if centre is None:
        abort(404)
    return centre


def _period():
    """(first, last, kind, anchor) of the week (?week=2027-W05) or month (?maand=2027-02)
    asked, by default this week; a malformed one is a 400."""
    month, week = request.args.get("maand"), request.args.get("week")
    try:
        if month:
            first = datetime.strptime(month + "-01", "%Y-%m-%d").date()
            last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            return first, last, "month", first
        monday = (datetime.strptime(week + "-1", "%G-W%V-%u").date() if week
                  else local_today() - timedelta(days=local_today().weekday()))
    except ValueError:
        abort(400)
    return monday, monday + timedelta(days=6), "week", monday


@bp.get("/moderatie/techniekbus")
@role_required(*STAFF)
def schedule():
    centre = _centre()
    first, last, kind, anchor = _period()
    days = setup.schedule(actor=current_user, centre=centre, first=first, last=last)
    if kind == "month":
        previous = (first - timedelta(days=1)).strftime("%Y-%m")
        following = (last + timedelta(days=1)).strftime("%Y-%m")
        links = {"maand": (previous, following)}
    else:
        links = {"week": ((first - timedelta(days=7)).strftime("%G-W%V"),
                          (first + timedelta(days=7)).strftime("%G-W%V"))}
    return render_template("bus/schedule.html", centre=centre, days=days, kind=kind,
                           first=first, last=last, links=links, anchor=anchor,
                           buses=setup.buses_of(centre), centres=all_technocentra()
                           if security.has_role(current_user, security.ADMIN) else [])


@bp.route("/moderatie/techniekbus/instellingen", methods=["GET", "POST"])
@role_required(*STAFF)
def settings():
    centre = _centre()
    rules = services.rules_of(centre.id)
    rules_form, bus_form = RulesForm(prefix="rules"), BusForm(prefix="bus")
    rules_form.level_ids.choices = level_choices_of(all_levels())
    form = rules_form
    if request.method == "GET":
        _show_rules(rules_form, rules)
        bus_form.show_days(0b0011111)
    elif request.form.get("kind") == "bus":
        form = bus_form
        if bus_form.validate_on_submit():
            try:
                setup.add_bus(actor=current_user, centre=centre, name=bus_form.name.data,
                              seats=bus_form.seats.data, run_days=bus_form.days_mask())
            except ValidationFailed as error:
                apply_errors(bus_form, error)
            else:
                flash(_("The bus has been added."), "success")
                return redirect(url_for("bus.settings", centrum=centre.id))
        _show_rules(rules_form, rules)
    elif rules_form.validate_on_submit():
        try:
            setup.save_rules(actor=current_user, centre=centre, values=setup.RuleValues(
                min_days_ahead=rules_form.min_days_ahead.data,
                max_days_ahead=rules_form.max_days_ahead.data,
                opens_at=rules_form.opens_at.data,
                max_distance_km=rules_form.max_distance_km.data,
                price_cents=rules_form.price.cents, surcharge_cents=rules_form.surcharge.cents,
                level_ids=tuple(rules_form.level_ids.data),
                surcharge_places=rules_form.place_names()))
        except ValidationFailed as error:
            apply_errors(rules_form, error)
        else:
            flash(_("The rules have been saved."), "success")
            return redirect(url_for("bus.settings", centrum=centre.id))
    return render_form("bus/settings.html", form, centre=centre, rules_form=rules_form,
                       bus_form=bus_form, buses=setup.buses_of(centre),
                       centres=all_technocentra()
                       if security.has_role(current_user, security.ADMIN) else [])


def _show_rules(form, rules: Rules):
    form.min_days_ahead.data, form.max_days_ahead.data = (rules.min_days_ahead,
                                                          rules.max_days_ahead)
    form.opens_at.data, form.max_distance_km.data = rules.opens_at, rules.max_distance_km
    form.price.data = f"{rules.price_cents / 100:.2f}".replace(".", ",")
    form.surcharge.data = f"{rules.surcharge_cents / 100:.2f}".replace(".", ",")
    form.level_ids.data = [level.id for level in all_levels() if rules.allows_level(level.code)]
    form.surcharge_places.data = "\n".join(
        place.label for place in services.surcharge_places(rules))


@bp.route("/moderatie/techniekbus/bussen/<int:bus_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_bus(bus_id):
    bus = setup.get_bus_to_manage(current_user, bus_id)
    posted_block = request.method == "POST" and request.form.get("kind") == "block"
    bus_form = (BusForm(prefix="bus", formdata=None) if posted_block or request.method == "GET"
                else BusForm(prefix="bus"))
    block_form = BlockForm(prefix="block") if posted_block else BlockForm(prefix="block",
                                                                            formdata=None)
    form = bus_form
    if request.method == "GET" or posted_block:  # the bus as it is
        bus_form.name.data, bus_form.seats.data = bus.name, bus.seats
        bus_form.active.data = bus.active
        bus_form.show_days(bus.run_days)
    if posted_block:
        form = block_form
        if block_form.validate_on_submit():
            try:
                setup.add_block(actor=current_user, bus=bus,
                                starts_on=block_form.starts_on.data,
                                ends_on=block_form.ends_on.data, reason=block_form.reason.data)
            except ValidationFailed as error:
                apply_errors(block_form, error)
            else:
                flash(_("The period has been added."), "success")
                return redirect(url_for("bus.edit_bus", bus_id=bus.id))
    elif bus_form.validate_on_submit():
        try:
            setup.change_bus(actor=current_user, bus=bus, name=bus_form.name.data,
                             seats=bus_form.seats.data, run_days=bus_form.days_mask(),
                             active=bus_form.active.data)
        except ValidationFailed as error:
            apply_errors(bus_form, error)
        else:
            flash(_("The bus has been saved."), "success")
            return redirect(url_for("bus.edit_bus", bus_id=bus.id))
    return render_form("bus/bus.html", form, bus=bus, bus_form=bus_form,
                       block_form=block_form, remove_form=FlaskForm())


@bp.post("/moderatie/techniekbus/blokkades/<int:block_id>/verwijderen")
@role_required(*STAFF)
def remove_block(block_id):
    if not FlaskForm().validate_on_submit():
        abort(400)
    bus = setup.remove_block(actor=current_user, block_id=block_id)
    flash(_("The period has been removed."), "success")
    return redirect(url_for("bus.edit_bus", bus_id=bus.id))
