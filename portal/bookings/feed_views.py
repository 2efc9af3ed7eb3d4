"""Calendar entries of requests and each user's personal calendar feed."""
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_login import current_user, login_required

from portal.bookings import calendar
from portal.bookings.services import get_booking_for
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import limiter
from portal.i18n import gettext as _
from portal.notifications.outbox import external_url

bp = Blueprint("calendar", __name__)

# The new feed address, kept in the session between the POST that made it and the page that
# shows it once (post/redirect/get); taken out as soon as it is shown.
_NEW_TOKEN = "calendar_new_token"
ICS_TYPE = "text/calendar; charset=utf-8"


def _ics_response(text, filename, attachment):
    response = Response(text, mimetype="text/calendar")
    response.headers["Content-Type"] = ICS_TYPE
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # What the feed shows is one user's; no proxy may keep it, and search engines stay out.
    response.headers["Cache-Control"] = "private, max-age=0, must-revalidate"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _require_organisation():
    if not calendar.has_organisation(current_user):
        abort(403)


@bp.get("/agenda")
@login_required
def feed_page():
    """How to subscribe to one's own calendar feed, and its address (shown once)."""
    _require_organisation()
    token = session.pop(_NEW_TOKEN, None)
    if token is not None and current_user.calendar_token_hash != calendar.token_hash(token):
        token = None  # renewed or stopped in another tab since
    feed_url = external_url("calendar.feed", token=token) if token else None
    return render_template(
        "calendar/feed.html", feed_url=feed_url,
        webcal_url=feed_url and "webcal://" + feed_url.split("://", 1)[1],
        has_feed=current_user.calendar_token_hash is not None,
        created_at=calendar.feed_created_at(current_user), days_back=calendar.FEED_DAYS_BACK)


@bp.post("/agenda/vernieuwen")
@login_required
def renew():
    _require_organisation()
    session[_NEW_TOKEN] = calendar.renew_calendar_token(actor=current_user)
    flash(_("Your new calendar feed address is ready. Copy it now: it is shown only once."),
          "success")
    return redirect(url_for("calendar.feed_page"))


@bp.post("/agenda/stoppen")
@login_required
def revoke():
    _require_organisation()
    session.pop(_NEW_TOKEN, None)
    try:
        calendar.revoke_calendar_token(actor=current_user)
    except ValidationFailed as error:
        flash(error.errors[""], "warning")
    else:
        flash(_("Your calendar feed address has been stopped. Calendars subscribed to it "
                "no longer get updates."), "success")
    return redirect(url_for("calendar.feed_page"))


@bp.get("/agenda/<token>.ics")
@limiter.limit("300/minute")  # calendar services fetch many feeds from few addresses
def feed(token):
    """The feed a calendar app subscribes to: no sign-in, the secret address is the key."""
    user = calendar.user_by_feed_token(token)
    if user is None:
        abort(404)
    return _ics_response(calendar.feed_ics(user, utcnow()), "techniekportaal.ics",
                         attachment=False)


@bp.get("/aanvragen/<int:booking_id>/agenda.ics")
@login_required
def booking_ics(booking_id):
    """One accepted request as a calendar entry to download, for either of its two parties."""
    booking = get_booking_for(current_user, booking_id)
    if booking.status not in calendar.FEED_STATUSES:
        abort(404)
    text = calendar.booking_ics(booking, calendar.PUBLISH)
    return _ics_response(text, f"aanvraag-{booking.id}.ics", attachment=True)

