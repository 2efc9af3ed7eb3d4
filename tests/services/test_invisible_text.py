"""Text that shows nothing counts as nothing in the services too, for calls that come from the
command line or the seeds and not through a form; direction overrides are taken out."""
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal import security
from portal.accounts import services as accounts
from portal.accounts.models import User
from portal.bookings import conversation, counter
from portal.bookings import services as bookings
from portal.bookings.models import Booking, BookingMessage
from portal.db import local_today
from portal.errors import ValidationFailed
from portal.extensions import db
from portal.geo.services import resolve_place
from portal.moderation import services as moderation
from portal.offers import lifecycle
from portal.offers import services as offers
from portal.offers.models import Offer
from portal.organisations import profiles
from portal.organisations import services as organisations
from portal.organisations.models import Company
from portal.taxonomy import holidays
from portal.taxonomy.models import SchoolHoliday
from portal.taxonomy.services import sector_by_code
from tests.factories import PASSWORD, offer_fields

ZWSP, RLO, PDF, LRI, PDI, FILLER = "\u200b", "\u202e", "\u202c", "\u2066", "\u2069", "\u3164"
INVISIBLE = [ZWSP * 4, RLO, RLO + ZWSP + PDF, LRI + PDI, FILLER * 2, "\u2800\u034f\ufe0f",
             " \u00ad\u2060 "]
ids = [repr(value) for value in INVISIBLE]


@pytest.fixture(autouse=True)
def english():
    with force_locale("en"):
        yield


def refused(call, field):
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert field in caught.value.errors, caught.value.errors
    db.session.rollback()
    return caught.value.errors[field]


def count(model, *where):
    return len(db.session.scalars(select(model).where(*where)).all())


@pytest.mark.parametrize("name", INVISIBLE, ids=ids)
def test_a_user_needs_a_visible_name(name):
    message = refused(lambda: accounts.register_user(
        email="leeg@example.nl", full_name=name, password=PASSWORD,
        role=security.TEACHER), "full_name")

    assert message == "Enter your name."
    assert count(User, User.email == "leeg@example.nl") == 0


def test_a_users_name_loses_an_override():
    user = accounts.register_user(email="ilse@example.nl", full_name=f" Ilse {RLO}dimS ed{PDF}",
                                  password=PASSWORD, role=security.TEACHER)

    assert user.full_name == "Ilse dimS ed"


@pytest.mark.parametrize("name", INVISIBLE, ids=ids)
def test_a_company_needs_a_visible_name(make, name):
    owner = make.user(security.COMPANY_MEMBER)

    refused(lambda: organisations.register_company(
        actor=owner, name=name, number=make.kvk(), place_name="Vlissingen",
        sector_ids=[sector_by_code("metaal").id]), "name")

    assert organisations.company_of(owner) is None


def test_a_company_name_and_description_lose_overrides_and_controls(make):
    owner = make.user(security.COMPANY_MEMBER)
    company = organisations.register_company(
        actor=owner, name=f"Acme {RLO}gnissal{PDF}\x00", number=make.kvk(),
        place_name=f"{ZWSP}Vlissingen", sector_ids=[sector_by_code("metaal").id],
        description=f"Wij lassen.\r\n{LRI}Ook 's avonds.{PDI}\n")

    assert company.name == "Acme gnissal"
    assert company.description == "Wij lassen.\nOok 's avonds."
    assert company.place.name == "Vlissingen"


def test_a_company_profile_keeps_its_name_when_the_new_one_is_invisible(make):
    company = make.company(name="Scheldewerf")
    owner = make.owner_of(company)

    refused(lambda: profiles.update_company(
        actor=owner, company=company, name=ZWSP + RLO, number=company.kvk_number,
        place_name="Vlissingen", sector_ids=[s.id for s in company.sectors]), "name")

    assert db.session.get(Company, company.id).name == "Scheldewerf"


def test_a_school_and_a_location_need_visible_names(make):
    teacher = make.user(security.TEACHER)
    refused(lambda: organisations.register_school(
        actor=teacher, name=FILLER, brin="25LH", location="00",
        place_name="Middelburg (Zeeland)", stage="vo"), "name")

    company = make.company()
    refused(lambda: profiles.add_location(actor=make.owner_of(company), company=company,
                                          name=ZWSP, place_name="Terneuzen"), "name")
    assert len(company.locations) == 1


def test_a_place_typed_as_invisible_text_is_asked_for():
    assert refused(lambda: resolve_place(ZWSP + RLO), "place") == "Enter a place."


@pytest.mark.parametrize("title", INVISIBLE, ids=ids)
def test_an_offer_needs_a_visible_title(make, title):
    company = make.company()

    message = refused(lambda: offers.create_offer(
        actor=make.owner_of(company), company=company, **offer_fields(title=title)), "title")

    assert message == "Enter a title."
    assert count(Offer, Offer.company_id == company.id) == 0


def test_an_offer_needs_a_visible_description(make):
    company = make.company()

    refused(lambda: offers.create_offer(
        actor=make.owner_of(company), company=company,
        **offer_fields(description=f"{ZWSP}\r\n{RLO}\n")), "description")


def test_an_override_inside_a_title_goes_and_the_title_stays(make):
    company = make.company()
    offer = offers.create_offer(
        actor=make.owner_of(company), company=company,
        **offer_fields(title=f"Rondleiding {RLO}stobor{PDF} werkplaats",
                       description=f"Regel een\r\nRegel {LRI}twee{PDI}"))

    assert offer.title == "Rondleiding stobor werkplaats"
    assert offer.description == "Regel een\nRegel twee"


def test_an_edit_to_an_invisible_title_changes_nothing(make):
    offer = make.offer(status="draft")

    refused(lambda: offers.update_offer(actor=make.owner_of(offer.company), offer=offer,
                                        **offer_fields(title=ZWSP * 3)), "title")

    assert db.session.get(Offer, offer.id).title == "Rondleiding door de werkplaats"


@pytest.mark.parametrize("body", INVISIBLE, ids=ids)
def test_a_message_in_a_conversation_must_show_something(make, body):
    booking = make.booking()

    refused(lambda: conversation.post_message(actor=booking.requested_by, booking=booking,
                                              body=body), "body")

    assert count(BookingMessage, BookingMessage.booking_id == booking.id) == 1


def test_a_message_keeps_its_lines_and_loses_its_override(make):
    booking = make.booking()

    message = conversation.post_message(actor=booking.requested_by, booking=booking,
                                        body=f"Tot dan.\r\n{RLO}Groet{PDF}, Ilse\n")

    assert message.body == "Tot dan.\nGroet, Ilse"


def test_a_decline_and_a_cancel_need_a_visible_reason(make):
    booking = make.booking()
    owner = make.owner_of(booking.offer.company)
    refused(lambda: bookings.decline_booking(actor=owner, booking=booking, message=RLO + ZWSP),
            "message")
    assert db.session.get(Booking, booking.id).status == "requested"

    bookings.accept_booking(actor=owner, booking=booking)
    refused(lambda: bookings.cancel_booking(actor=owner, booking=booking, message=FILLER),
            "message")
    assert db.session.get(Booking, booking.id).status == "accepted"


def test_a_counter_proposal_needs_a_visible_reason(make):
    booking = make.booking()

    refused(lambda: counter.counter_propose(
        actor=make.owner_of(booking.offer.company), booking=booking, message=ZWSP,
        group_size=20), "message")

    assert db.session.get(Booking, booking.id).status == "requested"


def test_an_invisible_request_message_is_no_message(make):
    offer = make.offer()
    booking = make.booking(offer, message=ZWSP + RLO)

    assert booking.messages == []


def test_a_moderator_must_give_a_visible_reason(make):
    company = make.company(approved=False)
    admin = make.admin()

    message = refused(lambda: moderation.reject_company(actor=admin, company=company,
                                                        reason=ZWSP * 2), "reason")

    assert "Give a reason" in message
    assert db.session.get(Company, company.id).status == "pending"


def test_a_paused_offer_needs_no_reason_but_an_invisible_one_is_dropped(make):
    offer = make.offer()

    lifecycle.pause_offer(actor=make.owner_of(offer.company), offer=offer, reason=RLO + ZWSP)

    assert db.session.get(Offer, offer.id).status_reason is None


def test_a_holiday_needs_a_visible_name(make):
    first = local_today() + timedelta(days=400)

    refused(lambda: holidays.add_holiday(actor=make.admin(), region="noord", name=FILLER,
                                         starts_on=first, ends_on=first + timedelta(days=6)),
            "name")

    assert count(SchoolHoliday, SchoolHoliday.starts_on == first) == 0


def test_an_invitation_address_with_invisible_characters_is_cleaned(make):
    from portal.organisations import teams

    company = make.company()
    invitation, _token = teams.invite_member(actor=make.owner_of(company), organisation=company,
                                             email=f"{ZWSP}Collega@Example.nl{ZWSP}")

    assert invitation.email == "collega@example.nl"
