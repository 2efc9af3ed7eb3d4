"""Declining or withdrawing a request on its page: whether it is for lack of room, chosen beside
the message, kept, and shown to both sides."""
import pytest

from portal.bookings.models import Booking
from tests.views.helpers import csrf_token, field_error, login, reload, submit, text


def owner(booking):
    return booking.offer.company.memberships[0].user


def page_of(booking):
    return f"/aanvragen/{booking.id}"


def ended(booking):
    found = reload(Booking, booking.id)
    return found.status, found.end_reason


@pytest.fixture
def booking(make):
    return make.booking(make.offer(make.company(place="Vlissingen")))


def as_company(client, booking):
    login(client, owner(booking))
    client.get("/taal/en")


def as_teacher(client, booking):
    login(client, booking.requested_by)
    client.get("/taal/en")


def test_the_company_declines_for_lack_of_room(client, new_client, booking):
    as_company(client, booking)
    assert 'name="end_reason"' in text(client.get(page_of(booking)))

    response = submit(client, page_of(booking), {"message": "Die week zit vol.",
                                                 "end_reason": "no_room"}, button="decline")

    assert response.status_code == 302
    assert ended(booking) == ("declined", "no_room")
    teacher = new_client()
    as_teacher(teacher, booking)
    assert 'id="end-reason">for lack of room<' in text(teacher.get(page_of(booking)))


def test_declining_without_saying_why_answers_422_beside_both_fields(client, booking):
    as_company(client, booking)

    response = submit(client, page_of(booking), {"message": ""}, button="decline")

    assert response.status_code == 422
    assert field_error(response, "end_reason") and field_error(response, "message")
    assert 'href="#end_reason-0"' in text(response)  # the summary links to the choice
    assert ended(booking) == ("requested", None)


def test_another_reason_is_no_lack_of_room(client, booking):
    as_company(client, booking)

    response = submit(client, page_of(booking), {"message": "Verbouwing.",
                                                 "end_reason": "other"}, button="decline")

    assert response.status_code == 302
    assert ended(booking) == ("declined", None)
    assert 'id="end-reason"' not in text(client.get(page_of(booking)))


@pytest.mark.parametrize("action", ["decline", "withdraw"])
def test_a_reason_not_offered_answers_422_beside_the_choice(client, booking, action):
    (as_company if action == "decline" else as_teacher)(client, booking)

    response = submit(client, page_of(booking), {"message": "Vol.", "end_reason": "vol"},
                      button=action, strict=False)

    assert response.status_code == 422
    assert field_error(response, "end_reason")
    assert "Choose one of the reasons offered." in text(response)
    assert ended(booking) == ("requested", None)


def test_the_school_withdraws_for_lack_of_room(client, new_client, booking):
    as_teacher(client, booking)
    page = text(client.get(page_of(booking)))
    assert "Reason for withdrawing (optional)" in page

    response = submit(client, page_of(booking), {"end_reason": "no_room"}, button="withdraw")

    assert response.status_code == 302
    assert ended(booking) == ("withdrawn", "no_room")
    company = new_client()
    as_company(company, booking)
    assert 'id="end-reason">for lack of room<' in text(company.get(page_of(booking)))


def test_withdrawing_needs_no_reason(client, booking):
    as_teacher(client, booking)

    response = submit(client, page_of(booking), {"message": ""}, button="withdraw")

    assert response.status_code == 302
    assert ended(booking) == ("withdrawn", None)


def test_the_wrong_people_cannot_say_it_was_full(client, new_client, make, booking):
    stranger = make.owner_of(make.company())
    login(client, stranger)
    token = csrf_token(text(client.get("/bedrijf")))
    data = {"csrf_token": token, "action": "decline", "message": "Vol.", "end_reason": "no_room"}
    assert client.post(page_of(booking), data=data).status_code == 404

    teacher = new_client()
    login(teacher, booking.requested_by)
    token = csrf_token(text(teacher.get(page_of(booking))))
    response = teacher.post(page_of(booking), data={**data, "csrf_token": token})
    assert response.status_code == 403  # a school does not decline

    assert ended(booking) == ("requested", None)


def test_an_accepted_request_asks_no_end_reason(client, make, booking):
    make.accepted(booking)
    as_company(client, booking)

    page = text(client.get(page_of(booking)))

    assert 'value="cancel"' in page and 'name="end_reason"' not in page
