"""The waiting list through its pages: a full date on the offer's page, joining, the teacher's
list with the place in line, the link of the e-mail (take, decline, lapsed, used, unknown, of
another school), and the count the company sees per date."""
import re
from datetime import timedelta

import pytest
from flask_babel import gettext, ngettext
from sqlalchemy import select, update

from portal import security
from portal.bookings import waitlist
from portal.bookings.models import Booking, WaitlistEntry
from portal.db import utcnow
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.offers.models import Slot
from tests.views.helpers import (
    count,
    csrf_token,
    field_error,
    find,
    form_alert,
    location,
    login,
    reload,
    submit,
    text,
)


@pytest.fixture
def offer(make):
    """A company visit with a date 14 days ahead for 30 pupils, full; groups of at most 30."""
    company = make.company(place="Vlissingen", name="Vlissingse Lasserij")
    created = make.offer(company, title="Rondleiding lasrobots", slot_capacity=30,
                         max_group_size=30)
    fill(created.slots[0], 30)
    return created


@pytest.fixture
def slot(offer):
    return offer.slots[0]


@pytest.fixture
def teacher(make):
    return make.owner_of(make.school(place="Middelburg (Zeeland)"))


def said(app, msgid, plural=None, num=None, **values):
    """A message as the pages show it (in the default language, as our users get it)."""
    with app.test_request_context():
        if plural:
            return ngettext(msgid, plural, num, **values)
        return gettext(msgid, **values)


def fill(slot, taken):
    db.session.execute(update(Slot).where(Slot.id == slot.id).values(taken=taken))
    db.session.commit()
    db.session.refresh(slot)


def in_line(make, slot, actor, group=24):
    return waitlist.join_waitlist(actor=actor, slot=slot, group_size=group,
                                  level_id=slot.offer.levels[0].id, message="Klas 3B.")


def offered(make, slot, entry):
    """Room for the entry came free: its token, from the e-mail."""
    db.session.execute(update(Slot).where(Slot.id == slot.id)
                       .values(taken=Slot.taken - entry.group_size))
    waitlist.offer_freed_room(slot.id, now=utcnow())
    db.session.commit()
    body = db.session.scalars(select(OutboxMessage.body_text).where(
        OutboxMessage.kind == "waitlist.offered",
        OutboxMessage.user_id == entry.requested_by_id)).one()
    return re.search(r"/wachtlijst/([A-Za-z0-9_-]{20,})", body).group(1)


# --- the offer's page and joining -----------------------------------------------------------

def test_a_full_date_links_to_its_waiting_list_for_teachers(client, make, offer, slot, teacher):
    join_url = f"/wachtlijst/datum/{slot.id}"
    assert join_url not in text(client.get(f"/aanbod/{offer.id}"))  # signed out

    login(client, make.owner_of(offer.company))
    assert join_url not in text(client.get(f"/aanbod/{offer.id}"))
    assert client.get(f"/aanbod/{offer.id}/data").status_code == 200  # nobody waits yet

    login(client, teacher)
    page = text(client.get(f"/aanbod/{offer.id}"))
    assert f'href="{join_url}"' in page

    fill(slot, 25)  # room for 5; groups of up to 30 may still want to wait
    assert f'href="{join_url}"' in text(client.get(f"/aanbod/{offer.id}"))
    fill(slot, 0)
    assert f'href="{join_url}"' not in text(client.get(f"/aanbod/{offer.id}"))


def test_a_teacher_joins_and_sees_the_place_in_line(app, client, make, offer, slot, teacher):
    ahead = in_line(make, slot, make.owner_of(make.school()), group=10)
    login(client, teacher)

    response = submit(client, f"/wachtlijst/datum/{slot.id}",
                      {"group_size": 24, "level_id": offer.levels[0].id,
                       "message": "Graag met klas 3B."})

    assert (response.status_code, location(response)) == (302, "/wachtlijst")
    entry = find(WaitlistEntry, WaitlistEntry.requested_by_id == teacher.id)
    assert (entry.status, entry.group_size, entry.message) == ("waiting", 24, "Graag met klas 3B.")
    page = text(client.get("/wachtlijst"))
    assert "Rondleiding lasrobots" in page
    assert said(app, "Number %(n)d in line", n=2) in page
    assert f'action="/wachtlijst/{entry.id}/verlaten"' in page
    assert reload(WaitlistEntry, ahead.id).status == "waiting"

    again = text(client.get(f"/wachtlijst/datum/{slot.id}"))
    assert 'name="group_size"' not in again  # already in line: no second form


def test_the_join_form_shows_teachers_only_where_they_count(client, make, teacher):
    counted = make.offer(slot_capacity=30, counts_teachers=True)
    fill(counted.slots[0], 30)
    login(client, teacher)

    assert 'name="teachers"' in text(client.get(f"/wachtlijst/datum/{counted.slots[0].id}"))
    other = make.offer(slot_capacity=30)
    fill(other.slots[0], 30)
    assert 'name="teachers"' not in text(client.get(f"/wachtlijst/datum/{other.slots[0].id}"))


def test_bad_input_is_refused_next_to_the_field(client, make, offer, slot, teacher):
    login(client, teacher)

    too_big = submit(client, f"/wachtlijst/datum/{slot.id}",
                     {"group_size": 31, "level_id": offer.levels[0].id})
    assert too_big.status_code == 422 and field_error(too_big, "group_size")

    fill(slot, 10)
    room = submit(client, f"/wachtlijst/datum/{slot.id}",
                  {"group_size": 20, "level_id": offer.levels[0].id})
    assert room.status_code == 422 and form_alert(room)
    assert f"/aanvragen/aanbod/{offer.id}" in text(room)  # request it instead
    assert count(WaitlistEntry) == 0


def test_only_teachers_open_the_join_page(client, make, offer, slot):
    login(client, make.owner_of(offer.company))
    assert client.get(f"/wachtlijst/datum/{slot.id}").status_code == 403
    assert client.get("/wachtlijst").status_code == 403


def test_a_full_request_page_points_to_the_waiting_list(app, client, make, offer, teacher):
    login(client, teacher)
    page = text(client.get(f"/aanvragen/aanbod/{offer.id}"))
    assert said(app, "All dates full? Join the waiting list") in page


def test_the_company_sees_how_many_schools_wait(app, client, make, offer, slot, teacher):
    in_line(make, slot, teacher)
    in_line(make, slot, make.owner_of(make.school()), group=10)
    login(client, make.owner_of(offer.company))

    page = text(client.get(f"/aanbod/{offer.id}/data"))

    assert said(app, "%(num)d school waiting", "%(num)d schools waiting", 2) in page


# --- leaving ---------------------------------------------------------------------------------

def test_leaving_from_the_list(client, make, slot, teacher):
    entry = in_line(make, slot, teacher)
    login(client, teacher)

    response = submit(client, "/wachtlijst", action=f"/wachtlijst/{entry.id}/verlaten")

    assert (response.status_code, location(response)) == (302, "/wachtlijst")
    assert reload(WaitlistEntry, entry.id).status == "left"


def test_another_school_cannot_make_a_school_leave(client, make, slot, teacher):
    entry = in_line(make, slot, teacher)
    stranger = make.owner_of(make.school())
    login(client, stranger)
    client.get("/wachtlijst")
    token = csrf_token(text(client.get(f"/wachtlijst/datum/{slot.id}")))

    response = client.post(f"/wachtlijst/{entry.id}/verlaten", data={"csrf_token": token})

    assert response.status_code == 404
    assert reload(WaitlistEntry, entry.id).status == "waiting"


# --- the link of the e-mail ------------------------------------------------------------------

def test_the_link_takes_the_room(client, make, offer, slot, teacher):
    entry = in_line(make, slot, teacher)
    token = offered(make, slot, entry)
    login(client, teacher)

    page = text(client.get(f"/wachtlijst/{token}"))
    assert "Rondleiding lasrobots" in page and 'value="take"' in page

    response = submit(client, f"/wachtlijst/{token}", button="take")

    booking = find(Booking, Booking.slot_id == slot.id)
    assert (response.status_code, location(response)) == (302, f"/aanvragen/{booking.id}")
    assert (booking.status, booking.group_size, booking.room_taken) == ("accepted", 24, 24)
    assert reload(Slot, slot.id).taken == 30
    used = text(client.get(f"/wachtlijst/{token}"))
    assert f"/aanvragen/{booking.id}" in used and 'value="take"' not in used


def test_the_link_declines_the_room(client, make, slot, teacher):
    entry = in_line(make, slot, teacher)
    token = offered(make, slot, entry)
    login(client, teacher)

    response = submit(client, f"/wachtlijst/{token}", button="decline")

    assert (response.status_code, location(response)) == (302, "/wachtlijst")
    assert reload(WaitlistEntry, entry.id).status == "left"
    assert reload(Slot, slot.id).taken == 6


def test_signed_out_the_link_asks_to_sign_in_first(client, make, slot, teacher):
    token = offered(make, slot, in_line(make, slot, teacher))

    response = client.get(f"/wachtlijst/{token}")

    assert response.status_code == 302
    assert location(response).startswith("/account/inloggen?next=")
    assert location(login(client, teacher, next=f"/wachtlijst/{token}")) == f"/wachtlijst/{token}"


def test_the_link_of_another_school_is_refused(client, make, slot, teacher):
    entry = in_line(make, slot, teacher)
    token = offered(make, slot, entry)
    stranger = make.owner_of(make.school())
    login(client, stranger)

    page = client.get(f"/wachtlijst/{token}")
    assert page.status_code == 403
    assert "Rondleiding lasrobots" not in text(page) and 'value="take"' not in text(page)
    form_token = csrf_token(text(client.get(f"/wachtlijst/datum/{slot.id}")))
    taken = client.post(f"/wachtlijst/{token}", data={"csrf_token": form_token,
                                                      "action": "take"})
    assert taken.status_code == 403
    assert reload(WaitlistEntry, entry.id).status == "offered"
    assert count(Booking) == 0


def test_a_lapsed_link_explains_itself_and_offers_the_line_again(client, make, slot, teacher):
    entry = in_line(make, slot, teacher)
    token = offered(make, slot, entry)
    login(client, teacher)
    page = text(client.get(f"/wachtlijst/{token}"))  # opened, then left too long
    assert 'value="take"' in page

    db.session.execute(update(WaitlistEntry).where(WaitlistEntry.id == entry.id)
                       .values(offer_expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    late = client.post(f"/wachtlijst/{token}", data={
        "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1),
        "action": "take"})
    assert late.status_code == 422 and form_alert(late)
    assert count(Booking) == 0

    waitlist.expire_offers()
    lapsed = text(client.get(f"/wachtlijst/{token}"))
    assert f'href="/wachtlijst/datum/{slot.id}"' in lapsed and 'value="take"' not in lapsed


def test_an_unknown_link_says_so(client, make, teacher):
    login(client, teacher)
    response = client.get("/wachtlijst/" + "x" * 43)
    assert response.status_code == 404
    assert 'href="/wachtlijst"' in text(response)


def test_a_coordinator_of_the_school_may_use_the_link(client, make, slot, teacher):
    entry = in_line(make, slot, teacher)
    token = offered(make, slot, entry)
    coordinator = make.user(security.SCHOOL_COORDINATOR)
    from portal.organisations import services as organisations
    organisations.add_member(actor=make.admin(), organisation=entry.school, user=coordinator)
    login(client, coordinator)

    assert client.get(f"/wachtlijst/{token}").status_code == 200


def test_the_audit_log_tells_the_waiting_list_in_sentences(app, client, make, slot, teacher):
    entry = in_line(make, slot, teacher)
    token = offered(make, slot, entry)
    waitlist.take_offered_room(actor=teacher, token=token, now=utcnow())
    login(client, make.admin())

    page = text(client.get("/moderatie/logboek"))

    for action in ("waitlist.joined", "waitlist.offered", "waitlist.booked"):
        assert action not in page  # each has a sentence of its own
    assert said(app, "The system") in page
    assert "Rondleiding lasrobots" in page


def test_the_list_reads_its_entries_in_a_fixed_number_of_queries(client, make, count_queries,
                                                                 teacher):
    login(client, teacher)

    def queries_for(dates):
        for _ in range(dates):
            full = make.offer(slot_capacity=30)
            fill(full.slots[0], 30)
            in_line(make, full.slots[0], teacher)
        with count_queries() as statements:
            assert client.get("/wachtlijst").status_code == 200
        return len(statements)

    assert queries_for(1) == queries_for(3)
