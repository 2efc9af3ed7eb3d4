"""Privacy: a user's own data as JSON, and deleting one's own account (anonymised, what others
wait for ended by the portal's own rules)."""
import json

import pytest
from sqlalchemy import func, select, update

from portal import security
from portal.accounts.models import AccountToken, User
from portal.accounts.services import find_user_by_email
from portal.audit import AuditEvent, record_event
from portal.bookings import counter, outcomes
from portal.bookings.calendar import renew_calendar_token
from portal.bookings.conversation import post_message
from portal.bookings.models import LEFT, WAITING, Booking, WaitlistEntry
from portal.bookings.waitlist import join_waitlist
from portal.db import utcnow
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.notifications.models import PENDING, SENT, OutboxMessage
from portal.offers.models import Slot
from portal.organisations import teams
from portal.organisations.models import Membership, Organisation
from portal.privacy.deletion import DELETED_NAME, delete_account, deleted_email
from portal.privacy.export import export_user_data
from portal.security import verify_password
from tests.factories import PASSWORD


def fresh(model, ident):
    db.session.expire_all()
    return db.session.get(model, ident)


def events(action, subject=None):
    query = select(AuditEvent).where(AuditEvent.action == action)
    if subject is not None:
        query = query.where(AuditEvent.subject_type == subject.__tablename__,
                            AuditEvent.subject_id == subject.id)
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def mails(kind, to=None):
    db.session.expire_all()
    query = select(OutboxMessage).where(OutboxMessage.kind == kind)
    if to is not None:
        query = query.where(OutboxMessage.user_id == to.id)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def colleague_in(make, organisation):
    role = security.COMPANY_MEMBER if organisation.kind == "company" else security.TEACHER
    person = make.user(role)
    _invitation, token = teams.invite_member(actor=make.owner_of(organisation),
                                             organisation=organisation, email=person.email)
    teams.accept_invitation(actor=person, token=token)
    return person


def full_date(make, company=None):
    """A published offer whose one date (room for 30) is full."""
    offer = make.offer(company, slot_capacity=30)
    db.session.execute(update(Slot).where(Slot.id == offer.slots[0].id).values(taken=30))
    db.session.commit()
    return offer


def teacher(make, name="Test Gebruiker"):
    person = make.user(security.TEACHER, full_name=name)
    make.school(person)
    return person


# --- the export ------------------------------------------------------------------------------


def test_the_export_holds_the_users_own_data_and_nothing_of_another_user(make):
    me = teacher(make, name="Anna de Vries")
    other = teacher(make, name="Bram Geheim")
    offer = make.offer()
    mine = make.booking(offer, me, message="Wij komen met klas 3A.")
    theirs = make.booking(make.offer(), other, message="Bericht van Bram.")
    post_message(actor=me, booking=mine, body="Is er parkeerruimte?")
    renew_calendar_token(actor=me)

    data = export_user_data(actor=me)
    dumped = json.dumps(data)  # JSON as it is downloaded

    assert data["account"]["email"] == me.email
    assert data["account"]["full_name"] == "Anna de Vries"
    assert data["account"]["calendar_feed"] is True
    assert [m["organisation"]["name"] for m in data["memberships"]] == [
        me.memberships[0].organisation.name]
    assert data["memberships"][0]["role"] == "owner"
    assert [r["id"] for r in data["requests"]] == [mine.id]
    assert data["requests"][0]["your_part"] == ["requested"]
    assert {m["text"] for m in data["messages"]} == {"Wij komen met klas 3A.",
                                                     "Is er parkeerruimte?"}
    assert "booking.requested" in {e["action"] for e in data["audit_events"]}
    # Another user's request, message, name and address are not in it.
    assert theirs.id not in [r["id"] for r in data["requests"]]
    for secret in ("Bericht van Bram.", "Bram Geheim", other.email):
        assert secret not in dumped
    # No hash of a password or token, and no e-mail text (it holds links with tokens).
    for secret in (me.password_hash, me.calendar_token_hash, me.session_token):
        assert secret not in dumped
    assert "password" not in dumped and "token" not in dumped.replace("calendar_feed", "")
    assert "/account/bevestigen/" not in dumped
    [confirmation] = [m for m in data["emails"] if m["kind"] == "account.confirm_email"]
    assert set(confirmation) == {"kind", "subject", "status", "written_at", "sent_at"}
    assert events("user.data_exported", me)[0].actor_id == me.id


def test_the_export_of_a_company_member_has_answers_evaluations_and_invitations(make):
    company = make.company()
    me = make.owner_of(company)
    offer = make.offer(company)
    done = make.completed_booking(offer)
    outcomes.evaluate(actor=me, booking=done, rating=4, comment="Fijne groep.", host_again=True)
    teams.invite_member(actor=me, organisation=company, email="nieuwe.collega@example.nl")

    data = export_user_data(actor=me)

    assert [r["your_part"] for r in data["requests"]] == [["decided"]]
    assert data["requests"][0]["offer"]["title"] == offer.title
    [evaluation] = data["evaluations"]
    assert evaluation["rating"] == 4 and evaluation["host_again"] is True
    assert [i["email"] for i in data["invitations_sent"]] == ["nieuwe.collega@example.nl"]
    assert data["invitations_sent"][0]["state"] == "open"
    assert data["mail_choices"]["receive"] and data["mail_choices"]["daily_digest"] is False
    json.dumps(data)


def test_the_export_has_the_teachers_places_on_waiting_lists(make):
    me = teacher(make)
    offer = full_date(make)
    join_waitlist(actor=me, slot=offer.slots[0], group_size=24,
                  level_id=offer.levels[0].id, message="Graag op de lijst.")

    data = export_user_data(actor=me)

    [entry] = data["waiting_list_entries"]
    assert entry["status"] == WAITING and entry["message"] == "Graag op de lijst."
    assert entry["offer"]["id"] == offer.id


def test_the_export_has_the_teachers_reports_partnership_questions_and_bus_rides(make):
    from datetime import time

    from portal.bookings.bus import services as bus_services
    from portal.moderation.reports import report_offer
    from portal.organisations.partners import ask

    make.bus(make.technocentrum(provinces=("NL-ZE",)))
    visit = make.visit_to_ride()
    me = visit.requested_by
    report_offer(actor=me, offer=visit.offer, reason="Geen helmen genoemd.")
    ask(actor=me, other=visit.offer.company, message="Elk jaar samen?")
    bus = bus_services.buses_for(visit.school)[0]
    bus_services.book_ride(actor=me, booking=visit, bus_id=bus.id, departs_at=time(8, 15),
                           returns_at=time(12, 15), teachers=2, price_cents=0)

    data = export_user_data(actor=me)

    [reported] = data["reports"]
    assert (reported["reason"], reported["offer"]["id"]) == ("Geen helmen genoemd.",
                                                             visit.offer.id)
    [asked] = data["partnership_questions"]
    assert (asked["message"], asked["status"]) == ("Elk jaar samen?", "asked")
    [ride] = data["bus_rides_booked"]
    assert (ride["request_id"], ride["departs_at"], ride["status"]) == (visit.id, "08:15",
                                                                        "booked")
    assert export_user_data(actor=make.owner_of(visit.offer.company))["reports"] == []


def test_only_a_signed_in_account_exports(make):
    from flask_login import AnonymousUserMixin

    with pytest.raises(NotAllowed):
        export_user_data(actor=AnonymousUserMixin())


# --- deleting: refused -----------------------------------------------------------------------


def test_a_wrong_password_refuses_the_deletion_and_changes_nothing(make):
    me = teacher(make)
    booking = make.booking(make.offer(), me)
    before = (me.email, me.full_name, me.session_token)
    count = db.session.scalar(select(func.count()).select_from(AuditEvent))

    with pytest.raises(ValidationFailed) as refused:
        delete_account(actor=me, password="not my password")

    assert set(refused.value.errors) == {"password"}
    me = fresh(User, me.id)
    assert (me.email, me.full_name, me.session_token) == before
    assert me.is_active and me.deleted_at is None
    assert fresh(Booking, booking.id).status == "requested"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == count


def test_the_owner_of_a_team_with_colleagues_hands_it_over_first(make):
    company = make.company(name="Metaal BV")
    me = make.owner_of(company)
    colleague = colleague_in(make, company)

    with pytest.raises(ValidationFailed) as refused:
        delete_account(actor=me, password=PASSWORD)

    assert "Metaal BV" in refused.value.errors[""]
    assert fresh(User, me.id).deleted_at is None
    # Once the colleague owns the team, the former owner may go.
    teams.hand_over_ownership(actor=me, organisation=company,
                              membership=next(m for m in company.memberships
                                              if m.user_id == colleague.id))
    delete_account(actor=fresh(User, me.id), password=PASSWORD)
    assert fresh(User, me.id).deleted_at is not None
    assert [m.user_id for m in fresh(Organisation, company.id).memberships] == [colleague.id]


def test_the_last_administrator_cannot_delete_their_account(make):
    only = make.admin()
    with pytest.raises(ValidationFailed) as refused:
        delete_account(actor=only, password=PASSWORD)
    assert "beheerder" in refused.value.errors[""]

    second = make.user(security.ADMIN, email="admin2@example.nl")
    delete_account(actor=fresh(User, only.id), password=PASSWORD)
    assert fresh(User, only.id).deleted_at is not None
    with pytest.raises(ValidationFailed):
        delete_account(actor=fresh(User, second.id), password=PASSWORD)


def test_a_deleted_account_cannot_be_deleted_again(make):
    me = teacher(make)
    delete_account(actor=me, password=PASSWORD)
    with pytest.raises(NotAllowed):
        delete_account(actor=fresh(User, me.id), password=PASSWORD)


# --- deleting: what happens --------------------------------------------------------------------


def test_deleting_anonymises_the_account_and_ends_what_it_left_open(make):
    me = teacher(make, name="Anna de Vries")
    old_email, old_token = me.email, me.session_token
    school = me.memberships[0].organisation
    company = make.company()
    offer = make.offer(company)
    waiting = make.booking(offer, me, message="Graag in mei.")
    proposed = make.booking(make.offer(company), me)
    counter.counter_propose(actor=make.owner_of(company), booking=proposed,
                            message="Liever met minder leerlingen.", group_size=20)
    accepted = make.accepted(make.booking(make.offer(company), me))
    full = full_date(make, company)
    entry = join_waitlist(actor=me, slot=full.slots[0], group_size=24,
                          level_id=full.levels[0].id)
    renew_calendar_token(actor=me)
    assert db.session.scalar(select(func.count()).select_from(AccountToken)
                             .where(AccountToken.user_id == me.id)) == 1  # confirmation link
    sent = mails("account.confirm_email", me)[0]
    sent.status = SENT
    db.session.commit()

    withdrawn = delete_account(actor=me, password=PASSWORD)

    me = fresh(User, me.id)
    assert me.full_name == DELETED_NAME and me.email == deleted_email(me.id)
    assert not me.is_active and me.deleted_at is not None
    assert me.session_token != old_token and me.calendar_token_hash is None
    assert not verify_password(me.password_hash, PASSWORD)
    assert find_user_by_email(old_email) is None  # the address is free again
    # Open requests withdrawn; the accepted one stands for the school.
    assert sorted(withdrawn) == sorted([waiting.id, proposed.id])
    assert fresh(Booking, waiting.id).status == "withdrawn"
    assert fresh(Booking, proposed.id).status == "withdrawn"
    assert fresh(Booking, accepted.id).status == "accepted"
    assert fresh(WaitlistEntry, entry.id).status == LEFT
    assert db.session.scalar(select(func.count()).select_from(Membership)
                             .where(Membership.user_id == me.id)) == 0
    assert fresh(Organisation, school.id) is not None  # the school stays, without members
    assert db.session.scalar(select(func.count()).select_from(AccountToken)
                             .where(AccountToken.user_id == me.id)) == 0
    # Mail to the user: unsent dropped, sent kept without address and text.
    left = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == me.id)))
    assert [m.id for m in left] == [sent.id]
    assert left[0].to_address == deleted_email(me.id) and left[0].body_text == ""
    assert not db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.to_address == old_email))
    [event] = events("user.deleted", me)
    assert event.actor_id == me.id and event.details["organisations"] == [school.id]


def test_the_company_is_told_of_each_withdrawn_request(make):
    me = teacher(make)
    company = make.company()
    contact = make.owner_of(company)
    booking = make.booking(make.offer(company), me)
    before = len(mails("booking.withdrawn", contact))

    delete_account(actor=me, password=PASSWORD)

    told = mails("booking.withdrawn", contact)
    assert len(told) == before + 1
    assert "deleted their account" in told[-1].body_text or "verwijderd" in told[-1].body_text
    assert told[-1].status == PENDING
    [withdrawal] = events("booking.withdrawn", booking)
    assert withdrawal.details == {"because": "account_deleted"}
    messages = fresh(Booking, booking.id).messages
    assert messages[-1].kind == "withdraw" and messages[-1].author_id == me.id


def test_room_held_for_the_users_school_goes_to_the_next_in_line(make):
    offer = make.offer(slot_capacity=30)
    slot = offer.slots[0]
    me, next_in_line = teacher(make), teacher(make)
    make.accepted(make.booking(offer, teacher(make), group_size=30))
    mine = join_waitlist(actor=me, slot=slot, group_size=20, level_id=offer.levels[0].id)
    theirs = join_waitlist(actor=next_in_line, slot=slot, group_size=20,
                           level_id=offer.levels[0].id)
    # Room comes free: offered to the first in line (me), held for 48 hours.
    from portal.bookings.waitlist import offer_freed_room
    from portal.bookings.waitlist.lines import release

    release(slot.id, 20)
    offer_freed_room(slot.id, now=utcnow())
    db.session.commit()
    assert fresh(WaitlistEntry, mine.id).status == "offered"

    delete_account(actor=fresh(User, me.id), password=PASSWORD)

    assert fresh(WaitlistEntry, mine.id).status == LEFT
    assert fresh(WaitlistEntry, theirs.id).status == "offered"
    assert mails("waitlist.offered", next_in_line)


def test_the_sole_member_leaves_the_organisation_behind(make):
    company = make.company(name="Eenmanszaak")
    me = make.owner_of(company)
    offer = make.offer(company, contact_id=me.id)
    assert offer.contact_id == me.id

    delete_account(actor=me, password=PASSWORD)

    company = fresh(Organisation, company.id)
    assert company.name == "Eenmanszaak" and company.memberships == []
    assert fresh(type(offer), offer.id).contact_id is None  # schools reach the company's team


def test_the_name_and_address_leave_the_audit_details(make):
    me = teacher(make, name="Anna de Vries")
    old_email = me.email
    record_event(None, "test.noted", me, name="Anna de Vries",
                 note=f"sent to {old_email.upper()} today")
    other = make.company()
    record_event(None, "test.noted", other, invited=old_email, kept="Anna")
    db.session.commit()

    delete_account(actor=me, password=PASSWORD)

    db.session.expire_all()
    everything = json.dumps([e.details for e in db.session.scalars(select(AuditEvent))])
    assert old_email not in everything.lower()
    assert "Anna de Vries" not in everything
    [about_me, elsewhere] = events("test.noted")
    assert about_me.details == {"name": DELETED_NAME,
                                "note": f"sent to {deleted_email(me.id)} today"}
    assert elsewhere.details == {"invited": deleted_email(me.id), "kept": "Anna"}


def test_open_join_requests_are_withdrawn(make):
    school = make.school()
    me = make.user(security.TEACHER)
    join_request = teams.request_to_join(actor=me, school=school)

    delete_account(actor=me, password=PASSWORD)

    db.session.expire_all()
    assert db.session.get(type(join_request), join_request.id).status == "withdrawn"


def test_mail_to_an_address_the_user_was_changing_to_goes_too(make):
    from portal.accounts.preferences import request_email_change

    me = teacher(make)
    request_email_change(actor=me, password=PASSWORD, new_email="nieuw.adres@example.nl")
    assert mails("account.confirm_email")  # the link to the new address waits in the outbox

    delete_account(actor=fresh(User, me.id), password=PASSWORD)

    db.session.expire_all()
    assert not db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.to_address == "nieuw.adres@example.nl"))
