"""The development mailbox and the administrator's list of undeliverable messages."""
import ipaddress
import re

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf import FlaskForm

from portal import security
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.notifications import services
from portal.notifications.models import DIGESTED, FAILED, HELD, PENDING, SENT, OutboxMessage
from portal.views import role_required

bp = Blueprint("notifications", __name__)

# Each status in words, with the colour of its badge (the words carry the meaning).
STATUS_TEXT = {PENDING: _l("Waiting to be sent"), HELD: _l("Held for the daily summary"),
               DIGESTED: _l("Sent in a daily summary"), SENT: _l("Sent"), FAILED: _l("Failed")}
STATUS_STYLE = {PENDING: "warning", HELD: "info", DIGESTED: "secondary", SENT: "success",
                FAILED: "danger"}
_LINK = re.compile(r"https?://\S+")
# The stored HTML of a mail, shown in a sandboxed frame: no scripts, no forms, no requests to
# anywhere but images, and a unique origin so it cannot read the portal's pages.
MAIL_HTML_POLICY = ("sandbox; default-src 'none'; style-src 'unsafe-inline'; "
                    "img-src https: data:; frame-ancestors 'self'")


# A request that came through a proxy carries one of these; its address is the proxy's.
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP")


def from_this_machine():
    """Whether the request comes from the machine the portal runs on, not through a proxy."""
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    local = address.is_loopback or (mapped is not None and mapped.is_loopback)
    return local and not any(header in request.headers for header in PROXY_HEADERS)


def _dev_only():
    """The mailbox shows every message, reset links too, without signing in: only with
    DEV_MAILBOX on (the development config) and only to the developer's own machine: a
    development server may be reachable from the network too (`flask run --host 0.0.0.0`)."""
    if not current_app.config.get("DEV_MAILBOX") or not from_this_machine():
        abort(404)


def _message_or_404(message_id):
    return db.session.get(OutboxMessage, message_id) or abort(404)


@bp.context_processor
def _statuses():
    return {"mail_status": STATUS_TEXT, "mail_style": STATUS_STYLE}


@bp.get("/dev/mail")
def mailbox():
    """Development only: every message of the outbox, newest first, without signing in."""
    _dev_only()
    return render_template("notifications/mailbox.html", messages=services.mailbox())


@bp.get("/dev/mail/<int:message_id>")
def mailbox_message(message_id):
    _dev_only()
    message = _message_or_404(message_id)
    links = list(dict.fromkeys(_LINK.findall(message.body_text)))
    return render_template("notifications/mailbox_message.html", message=message, links=links,
                           sender=current_app.config["MAIL_FROM"])


@bp.get("/dev/mail/<int:message_id>/html")
def mailbox_html(message_id):
    _dev_only()
    message = _message_or_404(message_id)
    response = current_app.response_class(message.body_html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = MAIL_HTML_POLICY
    return response


@bp.get("/beheer/mail")
@role_required(security.ADMIN)
def failed():
    """Messages that could not be delivered, for the administrator to look at and send again."""
    failed_messages, overdue = services.undeliverable(actor=current_user)
    return render_template("notifications/failed.html", failed=failed_messages,
                           overdue=overdue, form=FlaskForm())


@bp.post("/beheer/mail/<int:message_id>/opnieuw")
@role_required(security.ADMIN)
def retry(message_id):
    if FlaskForm().validate_on_submit():
        try:
            services.retry_message(actor=current_user, message_id=message_id)
        except ValidationFailed as error:
            flash(error.errors[""], "warning")
        else:
            flash(_("The message is back in the queue; the worker sends it shortly."),
                  "success")
    return redirect(url_for("notifications.failed"))
