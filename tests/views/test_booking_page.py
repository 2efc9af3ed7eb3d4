"""A request's page through the browser's eyes: the conversation, the contact details once
accepted, the counter-proposal, "did it take place?" and the evaluation; dashboards and the
count in the navigation."""
import re

import pytest

from portal.bookings import counter
from portal.bookings.models import Booking, Evaluation
from portal.offers.models import Slot
from tests.views.helpers import (
    count,
    csrf_token,
    field_error,
    find_button_form,
    form_alert,
    login,
    reload,
    submit,
    text,
)


def english(client):
    client.get("/taal/en")


def owner(booking):
    return booking.offer.company.memberships[0].user


def page_of(booking):
    return f"/aanvragen/{booking.id}"


@pytest.fixture
def offer(make):
    offer = make.offer(make.company(name="Vlissingse Lasserij"), title="Rondleiding lasrobots",
                       slot_capacity=60, max_group_size=30)
    make.slot(offer, capacity=30, days=21)
    return offer


@pytest.fixture
def booking(make, offer):
    return make.booking(offer, group_size=24, message="Kan het in de ochtend?")


def as_company(client, booking):
    login(client, owner(booking))
    english(client)


def as_teacher(client, booking):
    login(client, booking.requested_by)
    english(client)


# --- contact details and conversation --------------------------------------------------------


def test_contact_details_appear_once_the_request_is_accepted(client, new_client, booking):
    company_email, teacher_email = owner(booking).email, booking.requested_by.email
    as_teacher(client, booking)
    school_side = new_client()
    as_company(school_side, booking)  # (the company's browser)

    assert company_email not in text(client.get(page_of(booking)))
    assert teacher_email not in text(school_side.get(page_of(booking)))
    assert 'id="contact-details"' not in text(client.get(page_of(booking)))

    submit(school_side, page_of(booking), {"message": "Welkom."}, button="accept")

    teacher_page = text(client.get(page_of(booking)))
    assert f'href="mailto:{company_email}"' in teacher_page
    assert owner(booking).full_name in teacher_page
    company_page = text(school_side.get(page_of(booking)))
    assert f'href="mailto:{teacher_email}"' in company_page


def test_the_conversation_shows_every_message_in_order(client, new_client, booking):
    as_company(client, booking)
    response = submit(client, page_of(booking), {"body": "Om 9 uur bij de poort?"},
                      button="message")
    assert response.status_code == 302
    assert response.location.endswith(f"{page_of(booking)}#conversation")
    teacher = new_client()
    as_teacher(teacher, booking)
    submit(teacher, page_of(booking), {"body": "Prima!"}, button="message")

    page = text(teacher.get(page_of(booking)))

    section = page[page.index('id="conversation"'):]
    positions = [section.index(t) for t in ("Kan het in de ochtend?", "Om 9 uur bij de poort?",
                                            "Prima!")]
    assert positions == sorted(positions)
    assert owner(booking).full_name in section
    assert "<time datetime=" in section


def test_an_empty_message_answers_422_next_to_the_field(client, booking):
    as_teacher(client, booking)

    response = submit(client, page_of(booking), {"body": "  "}, button="message")

    assert response.status_code == 422
    assert field_error(response, "body")
    assert count(Booking, Booking.id == booking.id) == 1
    assert len(reload(Booking, booking.id).messages) == 1


def test_an_ended_request_offers_no_message_form(client, make, booking):
    from portal.bookings.services import decline_booking

    decline_booking(actor=owner(booking), booking=booking, message="Vol.")
    as_teacher(client, booking)

    page = text(client.get(page_of(booking)))

    assert 'name="body"' not in page
    assert "Vol." in page


# --- counter-proposal ------------------------------------------------------------------------


def test_the_company_proposes_another_date_and_the_teacher_accepts_it(client, new_client,
                                                                      offer, booking):
    later = offer.slots[1]
    as_company(client, booking)
    page = text(client.get(page_of(booking)))
    assert 'name="counter-slot_id"' in page

    response = submit(client, page_of(booking), {
        "counter-slot_id": later.id, "counter-message": "Die week zijn we dicht."},
        button="counter")

    assert response.status_code == 302
    assert reload(Booking, booking.id).status == "counter_proposed"
    teacher = new_client()
    as_teacher(teacher, booking)
    teacher_page = text(teacher.get(page_of(booking)))
    assert "The company proposes something else" in teacher_page
    assert "Die week zijn we dicht." in teacher_page

    response = submit(teacher, page_of(booking), {"message": ""}, button="accept_counter")

    assert response.status_code == 302
    accepted = reload(Booking, booking.id)
    assert (accepted.status, accepted.slot_id) == ("accepted", later.id)
    assert reload(Slot, later.id).taken == 24


def test_a_proposal_that_changes_nothing_answers_422(client, booking):
    as_company(client, booking)

    response = submit(client, page_of(booking), {"counter-message": "Hm."}, button="counter")

    assert response.status_code == 422
    assert form_alert(response)
    assert "changes nothing" in text(response)
    assert reload(Booking, booking.id).status == "requested"


def test_a_proposal_without_a_reason_answers_422_on_the_message(client, offer, booking):
    as_company(client, booking)

    response = submit(client, page_of(booking), {"counter-group_size": 20,
                                                 "counter-message": ""}, button="counter")

    assert response.status_code == 422
    assert field_error(response, "counter-message")


def test_the_teacher_declines_the_proposal_with_a_reason(client, booking):
    counter.counter_propose(actor=owner(booking), booking=booking, group_size=20,
                            message="Twintig past.")
    as_teacher(client, booking)

    response = submit(client, page_of(booking), {"message": ""}, button="decline_counter")
    assert response.status_code == 422
    assert field_error(response, "message")
    response = submit(client, page_of(booking), {"message": "Dan niet."},
                      button="decline_counter")

    assert response.status_code == 302
    assert reload(Booking, booking.id).status == "declined"


def test_strangers_cannot_propose(client, new_client, make, booking):
    login(client, make.owner_of(make.company()))
    token = csrf_token(text(client.get("/bedrijf")))
    url = f"{page_of(booking)}/tegenvoorstel"

    response = client.post(url, data={"counter-csrf_token": token, "counter-group_size": 20,
                                      "counter-message": "Ha."})

    assert response.status_code == 404
    teacher = new_client()
    login(teacher, booking.requested_by)
    token = csrf_token(text(teacher.get(page_of(booking))))
    response = teacher.post(url, data={"counter-csrf_token": token, "counter-group_size": 20,
                                       "counter-message": "Ha."})
    assert response.status_code == 403
    assert reload(Booking, booking.id).status == "requested"


# --- after the date ----------------------------------------------------------------------------


def test_both_sides_say_it_took_place_and_evaluate(client, new_client, make, offer):
    booking = make.past_booking(offer)
    as_teacher(client, booking)
    page = text(client.get(page_of(booking)))
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Did it take place\?</legend>", page)
    assert 'value="cancel"' not in page  # after the date: no cancelling

    response = submit(client, page_of(booking), {"held": "yes"}, button="outcome")

    assert response.status_code == 302
    assert reload(Booking, booking.id).status == "completed"
    response = submit(client, page_of(booking), {
        "pupils_reached": 22, "girls": 30, "rating": 5, "comment": "Top."}, button="evaluate")
    assert response.status_code == 422
    assert field_error(response, "girls")
    response = submit(client, page_of(booking), {
        "pupils_reached": 22, "girls": 9, "rating": 5, "comment": "Top."}, button="evaluate")
    assert response.status_code == 302

    company = new_client()
    as_company(company, booking)
    company_page = text(company.get(page_of(booking)))
    assert 'name="pupils_reached"' not in company_page  # the school's numbers
    submit(company, page_of(booking), {"held": "yes"}, button="outcome")
    response = submit(company, page_of(booking), {"rating": 4, "host_again": "yes"},
                      button="evaluate")
    assert response.status_code == 302

    evaluations = {e.side: e for e in reload(Booking, booking.id).evaluations}
    assert (evaluations["school"].pupils_reached, evaluations["school"].girls) == (22, 9)
    assert evaluations["company"].host_again is True
    assert 'value="evaluate"' not in text(client.get(page_of(booking)))
    assert "Your evaluation" in text(client.get(page_of(booking)))


def test_an_outcome_without_a_choice_answers_422(client, make, offer):
    booking = make.past_booking(offer)
    as_teacher(client, booking)

    response = submit(client, page_of(booking), {"held": None}, button="outcome")

    assert response.status_code == 422
    assert field_error(response, "held")
    assert reload(Booking, booking.id).school_outcome is None


def test_another_school_cannot_answer_or_evaluate(client, make, offer):
    booking = make.completed_booking(offer)
    login(client, make.owner_of(make.school()))
    token = csrf_token(text(client.get("/aanvragen")))

    for path, data in (("plaatsgevonden", {"held": "no"}), ("bericht", {"body": "Hoi"}),
                       ("evaluatie", {"rating": 1, "pupils_reached": 1, "girls": 0})):
        response = client.post(f"{page_of(booking)}/{path}", data={"csrf_token": token, **data})
        assert response.status_code == 404
    assert count(Evaluation) == 0
    assert reload(Booking, booking.id).status == "completed"


def test_a_cancel_within_48_hours_warns_that_it_is_late(client, make, offer):
    soon = make.slot(offer, days=1)
    booking = make.accepted(make.booking(offer, slot_id=soon.id))
    as_teacher(client, booking)

    page = text(client.get(page_of(booking)))

    form = find_button_form(page, "cancel")
    assert "message" in form.names
    assert "late cancellation" in page


# --- dashboards and the navigation -------------------------------------------------------------


def badge(response):
    found = re.search(r'id="needs-action-count">(\d+)<', text(response))
    return int(found.group(1)) if found else None


def test_the_company_sees_what_needs_its_action_first(client, make, offer, booking):
    past = make.past_booking(offer)
    as_company(client, booking)

    page = client.get("/bedrijf")

    html = text(page)
    assert badge(page) == 2
    assert "2 items need your action" in html
    needs = html[html.index('id="needs-action"'):html.index("All requests from schools")]
    assert "New requests to answer" in needs and booking.school.name in needs
    assert "Did it take place? Please tell us" in needs and past.school.name in needs


def test_the_teacher_sees_proposals_to_answer(client, make, booking):
    counter.counter_propose(actor=owner(booking), booking=booking, group_size=20,
                            message="Twintig.")
    as_teacher(client, booking)

    page = client.get("/aanvragen")

    assert badge(page) == 1
    html = text(page)
    needs = html[html.index('id="needs-action"'):html.index("All requests")]
    assert "Proposals of companies to answer" in needs
    assert booking.offer.company.name in needs


def test_nothing_to_do_shows_no_badge(client, make, booking):
    make.accepted(booking)
    as_teacher(client, booking)

    page = client.get("/aanvragen")

    assert badge(page) is None
    assert "Nothing needs your action now." in text(page)


def test_visitors_see_no_count(client, booking):
    page = client.get("/zoeken")

    assert page.status_code == 200
    assert badge(page) is None


def test_the_count_follows_the_request(client, make, booking):
    as_company(client, booking)
    assert badge(client.get("/zoeken")) == 1

    make.accepted(booking)

    assert badge(client.get("/zoeken")) is None


def test_the_request_page_has_its_headings_in_order(client, booking):
    as_company(client, booking)
    html = text(client.get(page_of(booking)))

    levels = [int(level) for level in re.findall(r"<h([1-6])", html)]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    assert 'value="accept"' in html and 'value="counter"' in html


# --- statuses, the calendar, the waiting lists -------------------------------------------------


def badges(html):
    """The texts of the status badges on a page."""
    return re.findall(r'<span class="badge text-bg-(\w+)">([^<]*)</span>', html)


def test_every_status_of_a_request_reads_as_words_on_both_sides(client, new_client, make,
                                                                 offer):
    proposed = make.booking(offer, group_size=24)
    counter.counter_propose(actor=owner(proposed), booking=proposed, group_size=20,
                            message="Twintig.")
    teacher = proposed.requested_by
    took_place = make.completed_booking(make.offer(offer.company), teacher)
    said_no = make.past_booking(make.offer(offer.company), teacher)
    from portal.bookings.outcomes import report_outcome

    report_outcome(actor=teacher, booking=said_no, held=False)
    report_outcome(actor=owner(said_no), booking=said_no, held=False)
    company = new_client()
    as_company(company, proposed)
    as_teacher(client, proposed)

    for page in (text(company.get("/bedrijf")), text(client.get("/aanvragen")),
                 text(client.get(page_of(proposed))), text(client.get(page_of(took_place))),
                 text(client.get(page_of(said_no)))):
        for _style, label in badges(page):
            assert label not in ("counter_proposed", "completed", "no_show")
    found = set(badges(text(company.get("/bedrijf"))))
    assert {("info", "Counter-proposal"), ("success", "Took place"),
            ("secondary", "Did not take place")} <= found
    assert set(badges(text(client.get("/aanvragen")))) >= {
        ("info", "Counter-proposal"), ("success", "Took place"),
        ("secondary", "Did not take place")}


def test_an_accepted_request_offers_its_calendar_entry_and_the_feed(client, new_client, make,
                                                                    booking):
    entry_url = f"{page_of(booking)}/agenda.ics"
    as_teacher(client, booking)
    assert entry_url not in text(client.get(page_of(booking)))  # no appointment yet

    make.accepted(booking)

    company = new_client()
    as_company(company, booking)
    for browser in (client, company):
        page = text(browser.get(page_of(booking)))
        links = page[page.index('id="calendar-links"'):]
        assert f'href="{entry_url}"' in links and "Add to my calendar (.ics)" in links
        assert 'href="/agenda"' in links
        entry = browser.get(entry_url)
        assert entry.status_code == 200 and entry.mimetype == "text/calendar"
        assert browser.get("/agenda").status_code == 200


def test_an_ended_request_offers_no_calendar_entry(client, make, booking):
    from portal.bookings.services import cancel_booking

    make.accepted(booking)
    cancel_booking(actor=booking.requested_by, booking=booking, message="Ziek.")
    as_teacher(client, booking)

    assert 'id="calendar-links"' not in text(client.get(page_of(booking)))


def test_a_request_that_took_place_keeps_its_calendar_entry(client, make, offer):
    booking = make.completed_booking(offer)
    as_teacher(client, booking)

    page = text(client.get(page_of(booking)))

    assert f'href="{page_of(booking)}/agenda.ics"' in page


def _full_date(make):
    offer = make.offer(make.company(name="Terneuzense Robotica"), title="Robotdag",
                       slot_capacity=24, max_group_size=30)
    return offer, make.accepted(make.booking(offer, group_size=24))


def test_the_teachers_requests_link_to_the_waiting_lists_with_their_count(client, make):
    from portal.bookings.waitlist import join_waitlist

    school = make.school()
    teacher = make.owner_of(school)
    login(client, teacher)
    english(client)
    page = text(client.get("/aanvragen"))
    section = page[page.index('id="waitlists"'):]
    assert "My waiting lists" in section and 'href="/wachtlijst"' in section
    assert "Your school is on no waiting list." in section

    offer, _taken = _full_date(make)
    join_waitlist(actor=teacher, slot=offer.slots[0], group_size=20,
                  level_id=offer.levels[0].id)

    page = text(client.get("/aanvragen"))
    assert "Your school is on 1 waiting list of a full date." in page
    assert 'id="room-offers"' not in page  # waiting in line: nothing to do yet


def test_room_offered_from_a_waiting_list_needs_the_teachers_action(client, make):
    from portal.bookings.services import cancel_booking
    from portal.bookings.waitlist import join_waitlist

    teacher = make.owner_of(make.school())
    offer, taken = _full_date(make)
    join_waitlist(actor=teacher, slot=offer.slots[0], group_size=20,
                  level_id=offer.levels[0].id)
    cancel_booking(actor=taken.requested_by, booking=taken, message="Ziek.")
    login(client, teacher)
    english(client)

    page = client.get("/aanvragen")

    assert badge(page) == 1
    html = text(page)
    needs = html[html.index('id="needs-action"'):html.index('id="waitlists"')]
    offers = needs[needs.index('id="room-offers"'):]
    assert "Room offered from a waiting list" in needs
    assert 'href="/wachtlijst"' in offers and "Robotdag" in offers
    assert "Terneuzense Robotica" in offers and "take it or decline it" in offers
    assert "Nothing needs your action now." not in html
    assert "Room offered" in text(client.get("/wachtlijst"))  # where it is taken
