"""What every blueprint shares: error pages, template globals, and forms meeting services."""
import contextlib
import math
import time
from functools import lru_cache, wraps
from urllib.parse import urlsplit

from flask import abort, g, render_template, request, url_for
from flask_babel import format_currency, format_datetime
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError, OperationalError

from portal import security
from portal.errors import NotAllowed, NotFound
from portal.extensions import db, limiter, login_manager
from portal.form_fields import field as form_field
from portal.i18n import format_date, format_decimal, get_locale, ngettext
from portal.i18n import gettext as _
from portal.labels import SCHOOL_STAGES, report_status_label, status_label, status_style
from portal.notifications.outbox import external_url


def register_error_pages(app):
    def page(status, title, text):
        return render_template("errors/error.html", status=status, title=title, text=text), status

    @app.errorhandler(400)
    def bad_request(error):
        return page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return page(400, _("Form expired"),
                    _("The form was open too long or came from elsewhere. Please try again."))

    @app.errorhandler(403)
    @app.errorhandler(NotAllowed)
    def forbidden(error):
        return page(403, _("No access"), _("You do not have access to this page."))

    @app.errorhandler(404)
    @app.errorhandler(NotFound)
    def not_found(error):
        return page(404, _("Page not found"), _("This page does not exist (any more)."))

    @app.errorhandler(413)
    def too_large(error):
        return page(413, _("Too large"), _("What you sent is larger than the portal accepts."))

    @app.errorhandler(429)
    def too_many(error):
        wait = retry_after()
        if wait <= 90 * 60:
            minutes = max(1, round(wait / 60))
            advice = ngettext("Please wait %(num)d minute and try again.",
                              "Please wait %(num)d minutes and try again.", minutes)
        else:
            hours = max(1, round(wait / 3600))
            advice = ngettext("Please wait %(num)d hour and try again.",
                              "Please wait %(num)d hours and try again.", hours)
        body, status = page(429, _("Too many attempts"), advice)
        return body, status, {"Retry-After": str(wait)}

    @app.errorhandler(IntegrityError)
    @app.errorhandler(OperationalError)
    def conflict(error):
        # Two people changed the same thing at once (a unique key taken a moment earlier), or
        # SQLite's write lock stayed taken past the busy timeout (writing requests queue for it,
        # see portal/db.py): nothing was saved; trying again is safe.
        if isinstance(error, OperationalError) and "locked" not in str(error.orig):
            return unavailable(error)
        db.session.rollback()
        # The driver's message and the statement, not its parameters: those hold users' data.
        app.logger.warning("409 conflict on %s %s (endpoint %s): %s: %s [%s]", request.method,
                           request.path, request.endpoint, type(error).__name__, error.orig,
                           " ".join((error.statement or "").split())[:300])
        return page(409, _("Changed at the same moment"),
                    _("Someone else changed this at the same moment, so nothing was saved. "
                      "Please go back and try again."))

    def unavailable(error):
        """The database cannot be reached (restarting, a connection lost): 503, and a page that
        needs no database, so it shows even while the database is down. The next request finds
        it back by itself (pool_pre_ping). Nothing of this request was saved."""
        with contextlib.suppress(Exception):  # a rollback on a lost connection may fail too
            db.session.rollback()
        g._login_user = login_manager.anonymous_user()  # the page must not load the user
        app.logger.error("503 database unavailable on %s %s (endpoint %s): %s: %s",
                         request.method, request.path, request.endpoint,
                         type(error).__name__, str(error.orig).strip()[:300])
        body, status = page(503, _("Briefly unavailable"),
                            _("The portal cannot reach its database for a moment, so nothing "
                              "was saved. Please try again in a minute."))
        return body, status, {"Retry-After": "30"}

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()  # the page itself reads the signed-in user from the database
        return page(500, _("Something went wrong"),
                    _("The error has been logged. Please try again later."))


def retry_after():
    """Seconds until the limit that refused this request lets it through again."""
    breached = [limit.reset_at for limit in limiter.current_limits if limit.breached]
    if not breached:
        return 60
    return max(1, math.ceil(max(breached) - time.time()))


# What users write (titles, descriptions, names, messages) is in Dutch, whatever the interface's
# language; marked so, a screen reader pronounces it as Dutch in the English interface too.
CONTENT_LANGUAGE = "nl"


def content_lang():
    """` lang="nl"` on an element of users' text, when the interface speaks another language."""
    locale = get_locale()
    if locale is not None and locale.language != CONTENT_LANGUAGE:
        return Markup(f' lang="{CONTENT_LANGUAGE}"')
    return ""


def euros(cents):
    """An amount in cents as the reader writes money: € 12,50 in Dutch, €12.50 in English."""
    return format_currency(cents / 100, "EUR")


def register_template_globals(app):
    app.jinja_env.globals.update(
        content_lang=content_lang,
        form_field=form_field,
        get_locale=get_locale,
        roles=security,
        status_label=status_label,
        status_style=status_style,
        report_status_label=report_status_label,
        school_stages=SCHOOL_STAGES,
        mail_url=external_url,
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["date"] = lambda value: format_date(value, "d MMM yyyy") if value else ""
    app.jinja_env.filters["slot_when"] = slot_when
    app.jinja_env.filters["euros"] = euros
    app.jinja_env.filters["number"] = lambda value: format_decimal(value, "#,##0")
    app.jinja_env.filters["decimal"] = lambda value: format_decimal(value, "#,##0.#")
    app.jinja_env.filters["weekday_date"] = lambda value: format_date(value, "EEE d MMM")
    app.jinja_env.filters["month_name"] = lambda value: format_date(value, "MMMM yyyy")
    app.jinja_env.filters["slot_lines"] = slot_lines
    app.jinja_env.filters["datetime_short"] = (
        lambda value: format_datetime(value, "d MMM yyyy HH:mm") if value else "")


_MARK = 9876543210


def links_by_id(endpoint, argument):
    """A function id -> url_for(endpoint, argument=id) that asks url_for once: a list of
    results spent some 10 µs a row building its links."""
    head, tail = url_for(endpoint, **{argument: _MARK}).split(str(_MARK))
    return lambda value: f"{head}{int(value)}{tail}"


def slot_when(slot):
    """A slot's date and times as people say them: "di 3 mrt 2026, 9:00-11:30"."""
    return _when(slot.day, slot.starts_at, slot.ends_at, get_locale())


def slot_lines(slots):
    """"3 places left on di 3 mrt 2026, 9:00-11:30" of each slot with room, one per line (a
    list of offers shows up to three per offer)."""
    locale = get_locale()
    return Markup("<br>").join(_line(slot.room, slot.day, slot.starts_at, slot.ends_at, locale)
                               for slot in slots)


# Pages repeat the same dates and rooms: the text depends only on these and the locale.
@lru_cache(maxsize=4096)
def _when(day, starts_at, ends_at, _locale):
    return "{}, {}\u2013{}".format(format_date(day, "EEE d MMM yyyy"),
                                   starts_at.strftime("%-H:%M"), ends_at.strftime("%-H:%M"))


@lru_cache(maxsize=4096)
def _line(room, day, starts_at, ends_at, locale):
    return ngettext("%(num)d place left on %(when)s", "%(num)d places left on %(when)s", room,
                    when=_when(day, starts_at, ends_at, locale))


def apply_errors(form, error, renamed=None):
    """Copy a service's ValidationFailed onto the form: each message next to its field.

    `renamed` maps a service's field name to the form field that asks for it."""
    for name, message in error.errors.items():
        name = (renamed or {}).get(name, name)
        field = getattr(form, name, None) if name else None
        if field is not None and hasattr(field, "errors"):
            errors = field.errors if isinstance(field.errors, list) else []
            if message not in errors:
                field.errors = [*errors, message]
        else:
            form.form_errors.append(message)


def render_form(template, form, **context):
    """Render a form page; a submitted form with errors answers 422 so clients know it failed."""
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template(template, form=form, **context), status


def role_required(*roles):
    """Views: let only signed-in users with one of these roles in; services check again."""
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not security.has_role(current_user, *roles):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


def safe_next(target, default_endpoint="public.home"):
    """A redirect target from a query string, only if it stays on this site (and has no control
    character: a line break would end the Location header)."""
    if target and target.isprintable():
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/"):
            return target
    return url_for(default_endpoint)
