"""The conversation on a request: messages between the school and the company, in order, each
with its author and time, never changed or removed.

Every step of the request that comes with words (the request itself, an answer, a
counter-proposal, a withdrawal, a cancellation) adds its text as a message of that kind; in
between, either party writes plain messages. They can do so while the request is open, once it
is accepted and after its date; once it is declined, withdrawn or cancelled, the conversation
is closed (rules.can_post_message).
"""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.audit import record_event
from portal.bookings import rules
from portal.bookings.models import BookingMessage
from portal.bookings.notices import MESSAGE_MAIL, tell
from portal.bookings.parties import side_of
from portal.bookings.wording import refuse_if
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.text import clean_text as clean_typed_text


def clean_text(text, *, required=False, field="message"):
    """The text as kept (portal.text.clean_text: no direction controls, no blanks around it, ""
    when nothing visible); ValidationFailed when required and empty, or too long."""
    refuse_if(rules.check_text(text, required=required, field=field))
    return clean_typed_text(text or "", multiline=True)


def add_message(booking, author, side, kind, body, now=None):
    """Add a message to the request's conversation (nothing when `body` is empty). The caller
    commits it with the change it goes with."""
    if not body:
        return None
    message = BookingMessage(booking=booking, author_id=author.id if author else None,
                             side=side, kind=kind, body=body, created_at=now or utcnow())
    db.session.add(message)
    return message


def post_message(*, actor, booking, body, now=None):
    """Either party writes to the other; the other side is told by e-mail (or in its daily
    digest)."""
    side = side_of(actor, booking)
    if not rules.can_post_message(booking.status):
        raise ValidationFailed({"": _("This request has ended, so its conversation is closed. "
                                      "Send a new request to talk about another date.")})
    text = clean_text(body, required=True, field="body")
    message = add_message(booking, actor, side, "message", text, now)
    record_event(actor, "booking.message_posted", booking, side=side, length=len(text))
    tell(booking, rules.other_side(side), MESSAGE_MAIL, message=text, author=actor,
         from_side=side)
    db.session.commit()
    return message


def conversation_of(booking):
    """The request's messages in order, oldest first, with their authors."""
    return list(db.session.scalars(
        select(BookingMessage).options(joinedload(BookingMessage.author))
        .where(BookingMessage.booking_id == booking.id)
        .order_by(BookingMessage.id)))
