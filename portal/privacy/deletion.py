"""Deleting one's own account (the right to erasure, AVG article 17).

The user's row stays, because requests, conversations, evaluations and the audit log point to
it and other people's records must keep making sense ("the school withdrew", "a teacher wrote").
What identifies the person goes: the name becomes DELETED_NAME, the address a unique address
that can receive nothing, the password can never match, sessions and links end, and the
details of audit events and the e-mail kept for the user lose the name and address. What the
user started and others wait for is ended as the portal's own rules end it: open requests are
withdrawn (the company is told as for any withdrawal), places on waiting lists are left (the
room goes to the next school), open requests to join a school withdrawn, and memberships ended.

Organisations are not personal data: a company or school whose only member deletes their
account stays, without members. An owner with colleagues hands the team over first, and the
last administrator cannot leave the portal without one.
"""
import re

from sqlalchemy import String, cast, delete, func, or_, select, update
from sqlalchemy.orm import aliased

from portal import security
from portal.accounts.models import AccountToken, User, new_session_token
from portal.audit import AuditEvent, record_event
from portal.bookings import rules
from portal.bookings.conversation import add_message
from portal.bookings.models import LEFT, OFFERED, Booking, WaitlistEntry
from portal.bookings.notices import tell
from portal.bookings.waitlist import ACTIVE, offer_freed_room
from portal.bookings.waitlist.lines import move as move_entry
from portal.bookings.waitlist.lines import release as release_room
from portal.db import utcnow
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.notifications.models import HELD, PENDING, OutboxMessage
from portal.notifications.outbox import CATEGORIES
from portal.offers.models import Offer
from portal.organisations.models import Membership
from portal.organisations.team_models import REQUESTED, WITHDRAWN, Invitation, JoinRequest

# The name a deleted account shows wherever its messages, requests and audit events appear.
# A stored value, read by people of either language: a dash, not a word of one language.
DELETED_NAME = "\u2014"
# What an unusable password hash looks like: no argon2 hash, so verify_password never matches.
UNUSABLE_PASSWORD = "!deleted"
# Why requests and places on waiting lists ended, in the audit log's details.
BECAUSE = "account_deleted"


def deleted_email(user_id):
    """A unique address that is no address: the reserved .invalid domain (RFC 2606)."""
    return f"deleted-{user_id}@deleted.invalid"


def _require_self(actor):
    security.require(getattr(actor, "is_authenticated", False) and actor.is_active
                     and actor.deleted_at is None, "only for a signed-in account")


def owned_teams_with_colleagues(user):
    """The user's memberships as owner of an organisation that has other members: they hand
    the team over first."""
    own = aliased(Membership)
    others = (select(func.count(Membership.id))
              .where(Membership.organisation_id == own.organisation_id,
                     Membership.user_id != user.id).scalar_subquery())
    return list(db.session.scalars(
        select(own).where(own.user_id == user.id, own.is_owner.is_(True), others > 0)
        .order_by(own.id)))


def is_last_administrator(user):
    if user.role != security.ADMIN:
        return False
    others = db.session.scalar(select(func.count(User.id)).where(
        User.role == security.ADMIN, User.id != user.id, User.is_active.is_(True),
        User.deleted_at.is_(None)))
    return others == 0


def deletion_blockers(actor):
    """Why the actor cannot delete their account now, as messages for the page (empty: they
    can). The same reasons refuse delete_account."""
    blockers = [_("You own %(name)s, which has other members. Hand the ownership over to a "
                  "colleague on the team page first.", name=m.organisation.name)
                for m in owned_teams_with_colleagues(actor)]
    if is_last_administrator(actor):
        blockers.append(_("You are the only administrator. Make another account administrator "
                          "first: the portal cannot be run without one."))
    return blockers


def delete_account(*, actor, password, now=None):
    """The user deletes their own account, proving it is them with their password. Ends what
    they left open, anonymises the row and ends every session; one commit. Returns the ids of
    the requests withdrawn."""
    _require_self(actor)
    now = now or utcnow()
    if not security.verify_password(actor.password_hash, password or ""):
        raise ValidationFailed({"password": _("This is not your current password.")})
    blockers = deletion_blockers(actor)
    if blockers:
        raise ValidationFailed({"": " ".join(blockers)})
    user_id, old_email, old_name = actor.id, actor.email, actor.full_name
    _anonymise(user_id, now)
    withdrawn = _withdraw_open_requests(actor, now)
    left = _leave_waiting_lists(actor, now)
    db.session.execute(
        update(JoinRequest).where(JoinRequest.user_id == user_id,
                                  JoinRequest.status == REQUESTED)
        .values(status=WITHDRAWN, decided_at=now, decided_by_id=user_id)
        .execution_options(synchronize_session=False))
    organisations = _end_memberships(actor)
    # A new address the user asked to change to was written to as well (its confirmation).
    addresses = {old_email, *db.session.scalars(select(AccountToken.email).where(
        AccountToken.user_id == user_id, AccountToken.email.is_not(None)))}
    db.session.execute(delete(AccountToken).where(AccountToken.user_id == user_id)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Offer).where(Offer.contact_id == user_id).values(contact_id=None)
                       .execution_options(synchronize_session=False))
    db.session.execute(update(Invitation).where(Invitation.email == old_email)
                       .values(email=deleted_email(user_id))
                       .execution_options(synchronize_session=False))
    _forget_mail(user_id, addresses)
    _scrub_audit_details(user_id, old_email, old_name)
    record_event(actor, "user.deleted", actor, requests_withdrawn=withdrawn,
                 waiting_list_entries_left=left, organisations=organisations)
    db.session.commit()
    return withdrawn


def _anonymise(user_id, now):
    """Claim the deletion with one conditional UPDATE: of two deletions at once (two tabs) the
    second finds the account deleted and is refused."""
    result = db.session.execute(
        update(User).where(User.id == user_id, User.deleted_at.is_(None))
        .values(full_name=DELETED_NAME, email=deleted_email(user_id),
                password_hash=UNUSABLE_PASSWORD, is_active=False, calendar_token_hash=None,
                session_token=new_session_token(), deleted_at=now, email_confirmed_at=None,
                last_login_at=None, mail_off=list(CATEGORIES), mail_digest=False,
                updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        raise ValidationFailed({"": _("This account has been deleted already.")})


# Said to the company in its own language (rendered when each e-mail is written).
WITHDRAWN_REASON = _l("The teacher who sent this request has deleted their account.")


def _withdraw_open_requests(actor, now):
    """Withdraw the user's requests that wait for an answer, each with one UPDATE conditional on
    its status (one answered this very moment stays answered); the company is told as for any
    withdrawal. Returns the ids withdrawn."""
    withdrawn = []
    open_requests = db.session.scalars(
        select(Booking).where(Booking.requested_by_id == actor.id,
                              Booking.status.in_(rules.OPEN)).order_by(Booking.id)).all()
    for booking in open_requests:
        current = booking.status
        if not rules.can_transition(current, rules.WITHDRAWN):
            continue
        result = db.session.execute(
            update(Booking).where(Booking.id == booking.id, Booking.status == current)
            .values(status=rules.WITHDRAWN, updated_at=now)
            .execution_options(synchronize_session=False))
        db.session.expire(booking)
        if result.rowcount != 1:
            continue
        # In the conversation in the language of the deletion, as the portal's own messages
        # on a withdrawn offer are (bookings.offer_life).
        add_message(booking, actor, rules.SCHOOL, "withdraw",
                    _("The teacher who sent this request has deleted their account, so the "
                      "request is withdrawn."), now)
        record_event(actor, "booking.withdrawn", booking, because=BECAUSE)
        tell(booking, rules.COMPANY, "booking.withdrawn", reason=WITHDRAWN_REASON)
        withdrawn.append(booking.id)
    return withdrawn


def _leave_waiting_lists(actor, now):
    """Take the user's places on waiting lists out of the line; room held for one goes to the
    next school in line. Returns the entries' ids."""
    left = []
    entries = db.session.scalars(
        select(WaitlistEntry).where(WaitlistEntry.requested_by_id == actor.id,
                                    WaitlistEntry.status.in_(ACTIVE))
        .order_by(WaitlistEntry.id)).all()
    for entry in entries:
        current, held, slot_id = entry.status, entry.room_held, entry.slot_id
        if not move_entry(entry, current, LEFT, room_held=0):
            continue
        record_event(actor, "waitlist.left", entry.slot.offer, entry_id=entry.id,
                     slot_id=slot_id, was=current, because=BECAUSE)
        if current == OFFERED:
            release_room(slot_id, held)
            offer_freed_room(slot_id, now=now)
        left.append(entry.id)
    return left


def _end_memberships(actor):
    """Remove the user from every team; each team's log says so. Returns the organisations'
    ids."""
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == actor.id).order_by(Membership.id)).all()
    ids = []
    for membership in memberships:
        organisation = membership.organisation
        ids.append(organisation.id)
        record_event(actor, "membership.left", organisation, user_id=actor.id,
                     because=BECAUSE)
    db.session.execute(delete(Membership).where(Membership.user_id == actor.id)
                       .execution_options(synchronize_session=False))
    db.session.expire(actor, ["memberships"])
    return ids


def _forget_mail(user_id, addresses):
    """Mail not yet sent to the user (or to an address of theirs) is dropped; of mail sent, the
    address and the text go (kind, subject and dates stay, for the administrator's view of
    what was delivered)."""
    to_user = or_(OutboxMessage.user_id == user_id, OutboxMessage.to_address.in_(addresses))
    db.session.execute(
        delete(OutboxMessage).where(to_user, OutboxMessage.status.in_((PENDING, HELD)))
        .execution_options(synchronize_session=False))
    db.session.execute(
        update(OutboxMessage).where(to_user)
        .values(to_address=deleted_email(user_id), body_text="", body_html="", ics=None)
        .execution_options(synchronize_session=False))


def _scrub_audit_details(user_id, old_email, old_name):
    """Replace the user's name and address wherever an audit event's details hold them: in the
    events about the user, and in any event whose details name the address."""
    events = db.session.scalars(select(AuditEvent).where(or_(
        AuditEvent.actor_id == user_id,
        (AuditEvent.subject_type == "users") & (AuditEvent.subject_id == user_id),
        cast(AuditEvent.details, String).contains(old_email, autoescape=True)))).all()
    names = [(old_email, deleted_email(user_id))]
    if old_name.strip():
        names.append((old_name.strip(), DELETED_NAME))
    for event in events:
        scrubbed = _scrub(event.details or {}, names)
        if scrubbed != event.details:
            event.details = scrubbed  # a new dict, so the JSON column is written


def _scrub(value, names):
    """`value` with every (old, new) of `names` replaced: a text that is the name, and the
    address wherever it appears in a text (whatever the case)."""
    if isinstance(value, dict):
        return {key: _scrub(item, names) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, names) for item in value]
    if not isinstance(value, str):
        return value
    email, new_email = names[0]
    for old, new in names[1:]:
        if value.strip().casefold() == old.casefold():
            return new
    return re.sub(re.escape(email), new_email, value, flags=re.IGNORECASE)
