"""Why a request ended: a company declining says whether it is for lack of room; a school
withdrawing may say so. The reason is written with the status in one conditional UPDATE, kept
in the audit log and told to the other side."""
import pytest
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal.audit import AuditEvent
from portal.bookings import services as bookings
from portal.bookings.models import NO_ROOM, OTHER_REASON, Booking
from portal.errors import NotAllowed, ValidationFailed
from portal.extensions import db
from portal.notifications.models import OutboxMessage


def owner(booking):
    return booking.offer.company.memberships[0].user


def as_now(booking):
    db.session.expire_all()
    return db.session.get(Booking, booking.id)


def english(user):
    user.locale = "en"
    db.session.commit()


def mail(kind):
    [found] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))
    return found


def details(name):
    return [e.details for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == name))]


@pytest.fixture
def booking(make):
    return make.booking(make.offer(make.company(place="Vlissingen")))


def test_a_decline_for_lack_of_room_is_kept_and_told(booking):
    english(booking.requested_by)

    bookings.decline_booking(actor=owner(booking), booking=booking, message="Die week is vol.",
                             end_reason=NO_ROOM)

    assert (as_now(booking).status, as_now(booking).end_reason) == ("declined", "no_room")
    assert details("booking.declined")[0]["end_reason"] == "no_room"
    told = mail("booking.declined").body_text
    assert "They have no room left for it." in told and "Die week is vol." in told


def test_a_decline_for_another_reason_keeps_none(booking):
    english(booking.requested_by)

    bookings.decline_booking(actor=owner(booking), booking=booking, message="Verbouwing.",
                             end_reason=OTHER_REASON)

    assert (as_now(booking).status, as_now(booking).end_reason) == ("declined", None)
    assert "no room" not in mail("booking.declined").body_text


@pytest.mark.parametrize("choice, message, wrong", [
    (None, "Vol.", {"end_reason"}),  # the page always asks: not choosing is a mistake
    ("", "", {"end_reason", "message"}),  # both shown at once
    ("full", "Vol.", {"end_reason"}),  # not a choice offered
])
def test_a_decline_without_a_valid_choice_changes_nothing(booking, choice, message, wrong):
    with pytest.raises(ValidationFailed) as failed:
        bookings.decline_booking(actor=owner(booking), booking=booking, message=message,
                                 end_reason=choice)

    assert set(failed.value.errors) == wrong
    assert (as_now(booking).status, as_now(booking).end_reason) == ("requested", None)
    assert details("booking.declined") == []


def test_only_the_company_declines_whatever_the_reason(make, booking):
    for actor in (booking.requested_by, make.owner_of(make.company()), make.admin()):
        with pytest.raises(NotAllowed):
            bookings.decline_booking(actor=actor, booking=booking, message="Vol.",
                                     end_reason=NO_ROOM)

    assert (as_now(booking).status, as_now(booking).end_reason) == ("requested", None)


def test_the_school_withdraws_for_lack_of_room(booking):
    english(owner(booking))

    bookings.withdraw_booking(actor=booking.requested_by, booking=booking, message="",
                              end_reason=NO_ROOM)

    assert (as_now(booking).status, as_now(booking).end_reason) == ("withdrawn", "no_room")
    assert details("booking.withdrawn")[0]["end_reason"] == "no_room"
    assert "withdrew for lack of room" in mail("booking.withdrawn").body_text


@pytest.mark.parametrize("choice", [None, "", OTHER_REASON])
def test_a_withdrawal_need_not_say_why(booking, choice):
    english(owner(booking))

    bookings.withdraw_booking(actor=booking.requested_by, booking=booking, end_reason=choice)

    assert (as_now(booking).status, as_now(booking).end_reason) == ("withdrawn", None)
    assert "lack of room" not in mail("booking.withdrawn").body_text


def test_a_withdrawal_with_an_unknown_reason_or_by_another_changes_nothing(make, booking):
    with pytest.raises(ValidationFailed) as failed:
        bookings.withdraw_booking(actor=booking.requested_by, booking=booking,
                                  end_reason="vol")
    assert set(failed.value.errors) == {"end_reason"}
    for actor in (owner(booking), make.owner_of(make.school())):
        with pytest.raises(NotAllowed):
            bookings.withdraw_booking(actor=actor, booking=booking, end_reason=NO_ROOM)

    assert (as_now(booking).status, as_now(booking).end_reason) == ("requested", None)


def test_a_request_answered_meanwhile_keeps_its_answer(booking):
    """The reason goes with the status in one conditional UPDATE: a decline read before the
    school withdrew (the company's page still showed the request open) writes nothing."""
    db.session.execute(update(Booking).where(Booking.id == booking.id)
                       .values(status="withdrawn").execution_options(synchronize_session=False))
    db.session.commit()
    db.session.refresh(booking)
    set_committed_value(booking, "status", "requested")  # as the company's page read it
    assert booking.status == "requested"  # as the company's page read it

    with pytest.raises(ValidationFailed):
        bookings.decline_booking(actor=owner(booking), booking=booking, message="Vol.",
                                 end_reason=NO_ROOM)

    assert (as_now(booking).status, as_now(booking).end_reason) == ("withdrawn", None)
