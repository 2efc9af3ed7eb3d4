"""Writing e-mail to the outbox: in the recipient's language, as plain text and HTML, only what
the recipient wants, in the transaction of the change that causes it (nothing is committed here).

A message is a template `templates/mail/<kind>.txt` that sets `subject` and may set
`action_url` and `action_label` (the one thing the reader should do, built with `mail_url`);
its text is the plain body (the action's label and address are added below it), and the HTML
body is the same text in the mail layout (mail/_layout.html), with the action as a button.
Templates get `user` (the recipient, or None for a bare address) and what the caller passes.
"""
from flask import current_app, render_template
from flask_babel import force_locale

from portal.db import utcnow
from portal.extensions import db
from portal.notifications.models import HELD, PENDING, OutboxMessage

# The groups of messages a user may switch off, by the first part of a message's kind.
# Account messages (password reset, address confirmation) always go out.
CATEGORIES = ("booking", "reminder", "waitlist", "moderation", "team")
ESSENTIAL = "account"
# Kinds that always go out, whatever the user switched off in their category: something waits
# on the reader (room held on a date for their school, lost if they do not answer).
ALWAYS = frozenset({"waitlist.offered"})
# Kinds a user with the daily digest receives once a day in one message, not one by one.
DIGESTIBLE = frozenset({"booking.requested", "booking.message"})


def category_of(kind):
    return kind.split(".", 1)[0]


def wants(user, kind):
    """Whether the user receives messages of this kind (account messages and the kinds in
    ALWAYS whatever they chose; an account that was switched off gets only account messages)."""
    category = category_of(kind)
    if category == ESSENTIAL:
        return True
    if kind in ALWAYS:
        return user.is_active
    return user.is_active and category not in (user.mail_off or ())


def external_url(endpoint, **values):
    """An absolute address on the portal (PORTAL_BASE_URL), built outside any request too: the
    worker and the timed command write mail from the command line."""
    adapter = current_app.url_map.bind("portal", url_scheme="https")
    path = adapter.build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def render_message(kind, locale, **context):
    """(subject, text, html) of a message of `kind` in `locale`."""
    with force_locale(locale):
        template = current_app.jinja_env.get_template(f"mail/{kind}.txt")
        module = template.make_module(dict(context, locale=locale))
        subject = " ".join(str(module.subject).split())
        body = str(module).strip()
        action_url = getattr(module, "action_url", None)
        action_label = getattr(module, "action_label", None)
        paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
        text = body + (f"\n\n{action_label or ''}\n{action_url}" if action_url else "") + "\n"
        html = render_template("mail/_layout.html", subject=subject, paragraphs=paragraphs,
                               action_url=action_url, action_label=action_label,
                               locale=locale, kind=kind,
                               has_account=context.get("user") is not None,
                               settings_url=external_url("accounts.settings"))
    return subject, text, html


def notify(user, kind, *, ics=None, ics_method=None, **context):
    """Write a message of `kind` for `user` to the outbox, if they want it; returns it or None.

    A user who takes the daily digest gets the digestible kinds held for it."""
    if user is None or not wants(user, kind):
        return None
    held = user.mail_digest and kind in DIGESTIBLE
    return _add(kind, user.email, user.locale or "nl", user_id=user.id, ics=ics,
                ics_method=ics_method, status=HELD if held else PENDING,
                context=dict(context, user=user))


def notify_all(users, kind, **context):
    """The same kind of message to each of `users`, each in their own language."""
    return [m for m in (notify(user, kind, **context) for user in users) if m is not None]


def send_to_address(address, kind, *, locale, **context):
    """A message to an address without (or regardless of) an account: an invitation, a
    confirmation of a new address. Always written."""
    return _add(kind, address, locale, user_id=None, ics=None, ics_method=None,
                status=PENDING, context=dict(context, user=None))


def _add(kind, address, locale, *, user_id, ics, ics_method, status, context):
    subject, text, html = render_message(kind, locale, **context)
    message = OutboxMessage(kind=kind, user_id=user_id, to_address=address, locale=locale,
                            subject=subject[:300], body_text=text, body_html=html, ics=ics,
                            ics_method=ics_method, status=status, next_attempt_at=utcnow())
    db.session.add(message)
    return message
