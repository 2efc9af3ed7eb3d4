"""Reading the outbox in tests: what a use case wrote since a mark."""
import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.notifications.models import OutboxMessage

ENGLISH_LAYOUT = "Technology Partner Portal"  # the mail layout's heading, in each language
DUTCH_LAYOUT = "Techniekpartnerportaal"


def last_id():
    return db.session.scalar(select(func.max(OutboxMessage.id))) or 0


def mails_since(mark, kind=None):
    query = select(OutboxMessage).where(OutboxMessage.id > mark)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def mails_to(kind, to=None):
    """Every message of `kind` (to the address `to`), oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.kind == kind)
    if to is not None:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def link_in(message, path):
    """The secret of the last link to `path` in a message's text (as a reader would click it)."""
    found = re.findall(rf"{re.escape(path)}/([A-Za-z0-9_-]+)", message.body_text)
    assert found, f"no link to {path} in {message.body_text!r}"
    return found[-1]
