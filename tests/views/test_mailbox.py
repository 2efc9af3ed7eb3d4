"""The development mailbox (only in development) and the administrator's undeliverable mail."""
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal import security
from portal.audit import AuditEvent
from portal.db import utcnow
from portal.extensions import db
from portal.notifications import worker
from portal.notifications.digest import Item
from portal.notifications.models import FAILED, PENDING, SENT, OutboxMessage
from portal.notifications.outbox import _add, external_url
from tests.outbox_smtp import SmtpServer
from tests.views.helpers import csrf_token, login, reload, submit, text

ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:CANCEL\r\nUID:booking-7@portal\r\nEND:VCALENDAR\r\n"


def write(address="docent@example.nl", *, ics=None, ics_method=None, at=None):
    message = _add("digest.daily", address, "en", user_id=None, ics=ics, ics_method=ics_method,
                   status=PENDING, context={
                       "user": SimpleNamespace(full_name="Sanne de Wit", role=security.TEACHER),
                       "items": [Item("New request <b>for</b> Rondleiding", "Klas 2B.")],
                       "dashboard_endpoint": "bookings.mine"})
    message.next_attempt_at = message.created_at = at or utcnow()
    db.session.commit()
    return message


@pytest.fixture
def dev_mailbox(app, monkeypatch):
    monkeypatch.setitem(app.config, "DEV_MAILBOX", True)


@pytest.fixture
def server(app, monkeypatch):
    smtp = SmtpServer()
    for key, value in smtp.settings().items():
        monkeypatch.setitem(app.config, key, value)
    yield smtp.start()
    smtp.stop()


# --- the development mailbox ----------------------------------------------------------------


def test_outside_development_the_mailbox_does_not_exist(client, make):
    message = write()
    login(client, make.admin())

    for url in ("/dev/mail", f"/dev/mail/{message.id}", f"/dev/mail/{message.id}/html"):
        assert client.get(url).status_code == 404
    assert "/dev/mail" not in text(client.get("/zoeken"))


def test_in_development_the_mailbox_lists_every_message_without_signing_in(client, dev_mailbox):
    first = write("eerste@example.nl")
    second = write("tweede@example.nl", ics=ICS, ics_method="CANCEL")

    client.get("/taal/en")
    page = text(client.get("/dev/mail"))

    assert "without signing in" in page
    assert page.index("tweede@example.nl") < page.index("eerste@example.nl")  # newest first
    assert f'href="/dev/mail/{first.id}"' in page and f'href="/dev/mail/{second.id}"' in page
    assert "Your daily summary: 1 new message" in page
    assert "digest.daily" in page and "Waiting to be sent" in page
    assert 'href="/dev/mail"' in text(client.get("/zoeken"))  # the footer links here


@pytest.mark.parametrize("address", ["192.0.2.7", "10.0.0.5", "2001:db8::1"])
def test_in_development_the_mailbox_answers_only_this_machine(client, dev_mailbox, address):
    message = write()
    away = {"REMOTE_ADDR": address}

    for url in ("/dev/mail", f"/dev/mail/{message.id}", f"/dev/mail/{message.id}/html"):
        assert client.get(url, environ_overrides=away).status_code == 404


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1"])
def test_the_mailbox_answers_the_machine_itself(client, dev_mailbox, address):
    message = write()
    here = {"REMOTE_ADDR": address}

    for url in ("/dev/mail", f"/dev/mail/{message.id}", f"/dev/mail/{message.id}/html"):
        assert client.get(url, environ_overrides=here).status_code == 200


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded", "X-Real-IP"])
def test_through_a_proxy_on_the_same_machine_the_mailbox_does_not_exist(
        client, dev_mailbox, header):
    """A proxy in front of the portal connects from 127.0.0.1 for every visitor; what it
    forwards says the request came from elsewhere."""
    assert client.get("/dev/mail", headers={header: "198.51.100.4"}).status_code == 404


def test_a_message_in_the_mailbox_shows_headers_text_html_and_calendar(client, dev_mailbox):
    message = write(ics=ICS, ics_method="CANCEL")
    client.get("/taal/en")

    page = text(client.get(f"/dev/mail/{message.id}"))

    assert message.message_id.replace("<", "&lt;").replace(">", "&gt;") in page
    assert "docent@example.nl" in page and "Content-Language" in page
    assert f'<iframe src="/dev/mail/{message.id}/html" sandbox' in page
    assert "New request &lt;b&gt;for&lt;/b&gt; Rondleiding\nKlas 2B." in page  # the plain text
    assert "Calendar entry (CANCEL)" in page and "UID:booking-7@portal" in page
    assert f'href="{external_url("bookings.mine")}"' in page  # the links, to click on

    html = client.get(f"/dev/mail/{message.id}/html")
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert html.get_data(as_text=True) == message.body_html
    assert html.headers["Content-Security-Policy"].startswith("sandbox;")
    assert client.get("/dev/mail/999999").status_code == 404


# --- the administrator's list of undeliverable mail -----------------------------------------


def test_a_refused_message_is_listed_for_the_administrator(client, make, server):
    server.recorder.answers["weg@example.nl"] = "550 5.1.1 No such user here"
    refused = write("weg@example.nl", at=utcnow() - timedelta(minutes=1))
    delivered = write("traag@example.nl", at=utcnow() - timedelta(hours=2))
    worker.deliver_due(now=utcnow())
    assert reload(OutboxMessage, delivered.id).status == SENT
    # Another has been tried three times in three hours and still waits.
    waiting = write("later@example.nl", at=utcnow() - timedelta(hours=3))
    waiting.attempts, waiting.last_error = 3, "451 try later"
    waiting.next_attempt_at = utcnow() + timedelta(minutes=20)
    db.session.commit()
    login(client, make.admin())
    client.get("/taal/en")

    page = text(client.get("/beheer/mail"))

    assert "1 message failed" in page
    assert "weg@example.nl" in page and "550 5.1.1 No such user here" in page
    assert "1 message waiting for more than an hour" in page
    assert "later@example.nl" in page and "451 try later" in page
    assert "traag@example.nl" not in page  # sent
    assert f'action="/beheer/mail/{refused.id}/opnieuw"' in page
    assert 'href="/beheer"' in page  # the administration in the navigation, which links here
    assert 'href="/beheer/mail"' in text(client.get("/beheer"))
    assert "1 message failed" in text(client.get("/beheer"))


@pytest.mark.parametrize("who", ["moderator", "company member", "teacher"])
def test_only_the_administrator_sees_undeliverable_mail(client, make, who):
    user = {"moderator": lambda: make.moderator(),
            "company member": lambda: make.owner_of(make.company()),
            "teacher": lambda: make.user(security.TEACHER)}[who]()
    message = write()
    message.status = FAILED
    db.session.commit()
    login(client, user)

    assert client.get("/beheer/mail").status_code == 403
    token = csrf_token(text(client.get("/zoeken")))
    assert client.post(f"/beheer/mail/{message.id}/opnieuw",
                       data={"csrf_token": token}).status_code == 403
    assert reload(OutboxMessage, message.id).status == FAILED
    assert 'href="/beheer"' not in text(client.get("/zoeken"))
    assert client.get("/beheer").status_code == 403


def test_signed_out_the_page_asks_to_sign_in(client):
    response = client.get("/beheer/mail")
    assert response.status_code == 302 and "/account/inloggen" in response.location


def test_the_administrator_sends_a_failed_message_again(client, make):
    message = write("weg@example.nl")
    message.status, message.attempts, message.last_error = FAILED, 1, "550 No such user"
    db.session.commit()
    admin = make.admin()
    login(client, admin)
    client.get("/taal/en")

    response = submit(client, "/beheer/mail", action=f"/beheer/mail/{message.id}/opnieuw",
                      follow_redirects=True)

    assert response.status_code == 200
    assert "back in the queue" in text(response)
    again = reload(OutboxMessage, message.id)
    assert (again.status, again.attempts) == (PENDING, 0)
    assert again.next_attempt_at <= utcnow()
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "mail.retried", AuditEvent.subject_id == message.id)).one()
    assert (event.actor_id, event.details["status"]) == (admin.id, FAILED)
    log = text(client.get("/moderatie/logboek"))
    assert "Beheerder put an undeliverable e-mail back in the queue" in log


def test_trying_again_a_message_sent_meanwhile_changes_nothing(client, make):
    message = write()
    message.status = FAILED
    db.session.commit()
    login(client, make.admin())
    client.get("/taal/en")
    page = text(client.get("/beheer/mail"))
    # Meanwhile the administrator at the command line sent it again, and the worker sent it.
    message = reload(OutboxMessage, message.id)
    message.status, message.sent_at = SENT, utcnow()
    db.session.commit()

    response = client.post(f"/beheer/mail/{message.id}/opnieuw",
                           data={"csrf_token": csrf_token(page)}, follow_redirects=True)

    assert "is not waiting to be sent" in text(response)
    assert reload(OutboxMessage, message.id).status == SENT
    assert db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "mail.retried")).all() == []


def test_without_its_token_a_retry_changes_nothing(client, make):
    message = write()
    message.status = FAILED
    db.session.commit()
    login(client, make.admin())

    response = client.post(f"/beheer/mail/{message.id}/opnieuw")

    assert response.status_code == 400
    assert reload(OutboxMessage, message.id).status == FAILED
