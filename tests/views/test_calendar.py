"""The calendar pages: the personal feed (its page, its secret address) and a request's .ics."""
import re

from icalendar import Calendar

from portal.accounts.models import User
from portal.bookings import services as bookings
from tests.views.helpers import login, reload, submit, text

FEED_PAGE = "/agenda"
RENEW = "/agenda/vernieuwen"
REVOKE = "/agenda/stoppen"
FEED_URL = re.compile(r'>(https?://[^<"]+/agenda/([A-Za-z0-9_-]+)\.ics)</textarea>')


def _accepted(make, offer=None):
    offer = offer or make.offer()
    booking = make.booking(offer)
    bookings.accept_booking(actor=make.owner_of(offer.company), booking=booking)
    return booking


def _make_feed(client):
    """Press the button that makes (or renews) the feed address; the token shown once."""
    response = submit(client, FEED_PAGE, action=RENEW, follow_redirects=True)
    assert response.status_code == 200
    found = FEED_URL.search(text(response))
    assert found, "the new feed address is not shown"
    return found.group(2), response


def _feed_path(token):
    return f"/agenda/{token}.ics"


def test_the_feed_page_asks_to_sign_in(client):
    response = client.get(FEED_PAGE)
    assert response.status_code == 302
    assert "/account/inloggen" in response.location


def test_a_user_without_an_organisation_gets_no_feed_page(client, make):
    loner = make.user()
    login(client, loner)
    assert client.get(FEED_PAGE).status_code == 403
    assert client.post(RENEW).status_code in (400, 403)  # no form token, or no organisation


def test_the_page_explains_subscribing_and_shows_the_address_only_once(client, make):
    booking = _accepted(make)
    teacher = booking.requested_by
    login(client, teacher)
    page = text(client.get(FEED_PAGE))
    for app in ("Google Calendar", "Outlook", "Apple"):
        assert app in page
    assert not FEED_URL.search(page)
    assert f'action="{REVOKE}"' not in page  # nothing to stop yet

    token, shown = _make_feed(client)
    assert "webcal://" in text(shown)
    assert reload(User, teacher.id).calendar_token_hash not in (None, token)

    again = text(client.get(FEED_PAGE))
    assert token not in again
    assert not FEED_URL.search(again)
    assert f'action="{RENEW}"' in again and f'action="{REVOKE}"' in again

    feed = client.get(_feed_path(token))
    assert feed.status_code == 200
    assert feed.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert feed.headers["Cache-Control"] in ("private, max-age=0, must-revalidate", "no-store")
    parsed = Calendar.from_ical(feed.get_data())
    uids = [str(e["UID"]) for e in parsed.walk("VEVENT")]
    assert uids == [f"booking-{booking.id}@127.0.0.1"]


def test_the_feed_needs_no_sign_in_and_unknown_tokens_are_404(app, client, make):
    owner = make.owner_of(make.company())
    login(client, owner)
    token, _ = _make_feed(client)
    stranger = app.test_client()
    assert stranger.get(_feed_path(token)).status_code == 200
    assert stranger.get(_feed_path("x" * 43)).status_code == 404
    assert stranger.get(_feed_path(token[:-1] + ("A" if token[-1] != "A" else "B"))
                        ).status_code == 404


def test_a_renewed_address_replaces_the_old_one(client, make):
    owner = make.owner_of(make.company())
    login(client, owner)
    old, _ = _make_feed(client)
    new, _ = _make_feed(client)
    assert old != new
    assert client.get(_feed_path(old)).status_code == 404
    assert client.get(_feed_path(new)).status_code == 200


def test_a_stopped_feed_is_404_and_the_page_offers_a_new_one(client, make):
    teacher = make.owner_of(make.school())
    login(client, teacher)
    token, _ = _make_feed(client)
    response = submit(client, FEED_PAGE, action=REVOKE, follow_redirects=True)
    assert response.status_code == 200
    assert client.get(_feed_path(token)).status_code == 404
    assert reload(User, teacher.id).calendar_token_hash is None
    assert f'action="{RENEW}"' in text(response)
    assert f'action="{REVOKE}"' not in text(response)


def test_the_forms_need_their_csrf_token(client, make):
    teacher = make.owner_of(make.school())
    login(client, teacher)
    assert client.post(RENEW).status_code == 400
    assert reload(User, teacher.id).calendar_token_hash is None


# --- one request's .ics ------------------------------------------------------------------


def _ics_path(booking):
    return f"/aanvragen/{booking.id}/agenda.ics"


def test_both_parties_download_the_accepted_request(app, make):
    booking = _accepted(make)
    for user in (booking.requested_by, make.owner_of(booking.offer.company)):
        client = app.test_client()
        login(client, user)
        response = client.get(_ics_path(booking))
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert "attachment" in response.headers["Content-Disposition"]
        assert response.headers["Cache-Control"] == "no-store"  # a signed-in user's download
        event = next(iter(Calendar.from_ical(response.get_data()).walk("VEVENT")))
        assert str(event["UID"]) == f"booking-{booking.id}@127.0.0.1"
        assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"


def test_another_company_or_school_gets_404(app, make):
    booking = _accepted(make)
    for outsider in (make.owner_of(make.company()), make.owner_of(make.school())):
        client = app.test_client()
        login(client, outsider)
        assert client.get(_ics_path(booking)).status_code == 404


def test_an_open_request_has_no_calendar_entry(client, make):
    booking = make.booking()
    login(client, booking.requested_by)
    assert client.get(_ics_path(booking)).status_code == 404


def test_the_download_asks_to_sign_in(client, make):
    booking = _accepted(make)
    response = client.get(_ics_path(booking))
    assert response.status_code == 302
