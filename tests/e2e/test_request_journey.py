"""A request's whole life in a real browser, by its two parties in two browser contexts: a
teacher on a phone, in Dutch, and a company member at a desktop, who reads the portal (and its
e-mail) in English.

The teacher requests a date with a message; the company finds it under "needs your action" and
proposes another date and a smaller group (by keyboard only); the teacher takes the proposal;
the two write to each other; the other side's contact details appear only then. Time passes
(the date is moved in the database, and the time-driven work runs as cron would run it): the
reminder, then "did it take place?", which both answer; then both evaluate it. At each step the
pages show the new status and the outbox holds exactly the e-mail the step should send.

Its world is its own: every address starts with "life-", its places are in Zeeland.
"""
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from flask import current_app
from flask_babel import force_locale
from playwright.sync_api import expect
from sqlalchemy import func, select, update

from portal import security
from portal.accounts import preferences
from portal.bookings import due
from portal.bookings.models import Booking, Evaluation
from portal.db import local_today, utcnow
from portal.extensions import db
from portal.labels import status_label
from portal.notifications.models import OutboxMessage
from portal.offers.models import Slot
from tests import factories
from tests.e2e.keyboard import (
    PROBLEMS,
    assert_focus_was_always_visible,
    choose_with_arrows,
    press_and_wait,
    tab_to,
)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SUBMIT = "main form[method=post] button[type=submit]"
CONTACT = "main #contact-details"
MESSAGES = "main #conversation li"
NAV_COUNT = "nav #needs-action-count"
OUTCOME_FORM = "main form[action$='/plaatsgevonden']"
EVALUATION_FORM = "main form[action$='/evaluatie']"
COUNTER_SEND = "main form[action$='/tegenvoorstel'] button[type=submit]"
MESSAGE_SEND = "main form[action$='/bericht'] button[type=submit]"

REQUEST_TEXT = "Wij komen graag met klas 3 kader, 24 leerlingen."
COUNTER_TEXT = "That week the workshop is closed. Could you come a week later, with 20 pupils?"
ACCEPT_TEXT = "Prima, dan komen we een week later met twintig leerlingen."
COMPANY_NOTE = "See you then! Please report to the reception at 8:45."
TEACHER_NOTE = "Dank u, wij zijn er om kwart voor negen."


def email(key):
    return f"life-{key}@e2e.example"


@dataclass
class World:
    teacher: str
    company: str
    offer: int
    first_slot: int
    later_slot: int
    level: int


def _build():
    owner = factories.user(security.COMPANY_MEMBER, email=email("bedrijf"),
                           full_name="Life Bedrijfslid")
    company = factories.company(owner, place="Vlissingen", name="Life Draaierij Vlissingen")
    preferences.set_locale(actor=owner, locale="en")
    offer = factories.offer(company, slot_capacity=30,
                            title="Life: draaien en frezen in de werkplaats")
    later = factories.slot(offer, capacity=30, days=21)
    teacher = factories.user(security.TEACHER, email=email("docent"), full_name="Life Docent")
    factories.school(teacher, place="Middelburg (Zeeland)")
    return World(teacher=teacher.email, company=owner.email, offer=offer.id,
                 first_slot=offer.slots[0].id, later_slot=later.id, level=offer.levels[0].id)


# --- in the live app's database ----------------------------------------------------------


def _last_mail():
    return db.session.scalar(select(func.max(OutboxMessage.id))) or 0


def _mails_since(last, addresses):
    """(address, kind, body, has a calendar entry) of each message to `addresses` after `last`,
    in the order written."""
    return [(m.to_address, m.kind, m.body_text, m.ics is not None) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.id > last,
                                    OutboxMessage.to_address.in_(addresses))
        .order_by(OutboxMessage.id))]


def _label(code, locale):
    with current_app.test_request_context(), force_locale(locale):
        return str(status_label(code))


def _move_date(booking_id, day):
    """Time passes: the request's date (its slot's day) becomes `day`."""
    booking = db.session.get(Booking, booking_id)
    db.session.execute(update(Slot).where(Slot.id == booking.slot_id).values(day=day))
    db.session.execute(update(Booking).where(Booking.id == booking_id).values(wanted_on=day))
    db.session.commit()


def _run_due(step):
    """One step of the time-driven work (`flask tasks run`), now."""
    return step(utcnow())


def _facts(booking_id):
    booking = db.session.get(Booking, booking_id)
    evaluations = {e.side: (e.rating, e.pupils_reached, e.girls, e.host_again, e.comment)
                   for e in db.session.scalars(
                       select(Evaluation).where(Evaluation.booking_id == booking_id))}
    return {"status": booking.status, "slot": booking.slot_id, "group": booking.group_size,
            "outcomes": (booking.school_outcome, booking.company_outcome),
            "evaluations": evaluations}


# --- in the browser ------------------------------------------------------------------------


def _sign_in(context, base, address):
    page = context.new_page()
    page.goto(f"{base}/account/inloggen")
    page.fill("#email", address)
    page.fill("#password", factories.PASSWORD)
    with page.expect_navigation():
        page.click(SUBMIT)
    assert "/account/inloggen" not in page.url, f"signing in as {address} failed"
    return page


def _click(page, selector):
    with page.expect_navigation():
        page.locator(selector).first.click()


def _status(page):
    return page.locator("#booking-status .badge").inner_text().strip()


@pytest.fixture(autouse=True)
def _forget_problems():
    """The focus problems of this journey only (keyboard.PROBLEMS is shared)."""
    PROBLEMS.clear()
    yield
    PROBLEMS.clear()


@pytest.fixture
def contexts(browser):
    made = []

    def make(viewport):
        context = browser.new_context(viewport=viewport)
        context.set_default_timeout(15_000)
        made.append(context)
        return context
    yield make
    for context in made:
        context.close()


def test_a_request_from_sending_to_evaluation(contexts, live_server, in_live_app, shots):
    world = in_live_app(_build)
    base, people = live_server, (world.teacher, world.company)
    label = {code: {lang: in_live_app(_label, code, lang) for lang in ("nl", "en")}
             for code in ("requested", "counter_proposed", "accepted", "completed")}

    def mails_of_step(last):
        return [(to, kind) for to, kind, _, _ in in_live_app(_mails_since, last, people)]

    teacher = _sign_in(contexts(PHONE), base, world.teacher)
    company = _sign_in(contexts(DESKTOP), base, world.company)

    # 1. The teacher requests the first date, with a message. ------------------------------
    last = in_live_app(_last_mail)
    teacher.goto(f"{base}/aanvragen/aanbod/{world.offer}")
    teacher.check(f"input[name=slot_id][value='{world.first_slot}']")
    teacher.fill("#group_size", "24")
    teacher.select_option("#level_id", value=str(world.level))
    teacher.fill("#message", REQUEST_TEXT)
    shots(teacher, "life-01-teacher-request-form")
    _click(teacher, SUBMIT)
    assert re.search(r"/aanvragen/\d+$", teacher.url), teacher.url
    path = urlsplit(teacher.url).path
    booking_id = int(path.rsplit("/", 1)[1])
    assert _status(teacher) == label["requested"]["nl"]
    expect(teacher.locator(MESSAGES)).to_have_count(1)
    expect(teacher.locator(MESSAGES).first).to_contain_text(REQUEST_TEXT)
    expect(teacher.locator(CONTACT)).to_have_count(0)
    shots(teacher, "life-02-teacher-requested")
    sent = in_live_app(_mails_since, last, people)
    assert [(to, kind) for to, kind, _, _ in sent] == [(world.company, "booking.requested")]
    assert REQUEST_TEXT in sent[0][2]

    # 2. The company sees it waiting for its action, and proposes another date and a smaller
    #    group, by keyboard only. ----------------------------------------------------------------
    last = in_live_app(_last_mail)
    company.goto(f"{base}/bedrijf")
    expect(company.locator(NAV_COUNT)).to_have_text("1")
    waiting = company.locator(f"main #needs-action a[href$='{path}']")
    expect(waiting).to_have_count(1)
    shots(company, "life-03-company-dashboard")
    _click(company, f"main #needs-action a[href$='{path}']")
    assert _status(company) == label["requested"]["en"]
    expect(company.locator(CONTACT)).to_have_count(0)  # not before the request is accepted
    tab_to(company, "#counter-slot_id")
    choose_with_arrows(company, "#counter-slot_id", str(world.later_slot))
    tab_to(company, "#counter-group_size")
    company.keyboard.type("20")
    tab_to(company, "#counter-message")
    company.keyboard.type(COUNTER_TEXT)
    shots(company, "life-04-company-counter-proposal-form")
    tab_to(company, COUNTER_SEND)
    press_and_wait(company, "Enter", f"**{path}")
    assert _status(company) == label["counter_proposed"]["en"]
    expect(company.locator("main #proposal-title")).to_be_visible()
    expect(company.locator(COUNTER_SEND)).to_have_count(0)
    expect(company.locator(MESSAGES).nth(1)).to_contain_text(COUNTER_TEXT)
    shots(company, "life-05-company-proposal-sent")
    sent = in_live_app(_mails_since, last, people)
    assert [(to, kind) for to, kind, _, _ in sent] == [(world.teacher, "booking.counter_proposed")]
    assert COUNTER_TEXT in sent[0][2]

    # 3. The teacher sees the proposal and takes it: the request is accepted, as proposed. ----
    last = in_live_app(_last_mail)
    teacher.goto(f"{base}/aanvragen")
    expect(teacher.locator(NAV_COUNT)).to_have_text("1")
    _click(teacher, f"main #needs-action a[href$='{path}']")
    assert _status(teacher) == label["counter_proposed"]["nl"]
    expect(teacher.locator("main #proposal-title")).to_be_visible()
    expect(teacher.locator(CONTACT)).to_have_count(0)
    shots(teacher, "life-06-teacher-sees-proposal")
    teacher.fill("#message", ACCEPT_TEXT)
    _click(teacher, "main button[value=accept_counter]")
    assert _status(teacher) == label["accepted"]["nl"]
    assert in_live_app(_facts, booking_id)["slot"] == world.later_slot
    assert in_live_app(_facts, booking_id)["group"] == 20
    expect(teacher.locator(CONTACT)).to_contain_text(world.company)  # now, and not before
    expect(teacher.locator(CONTACT)).to_contain_text("Life Bedrijfslid")
    expect(teacher.locator(NAV_COUNT)).to_have_count(0)
    shots(teacher, "life-07-teacher-accepted")
    sent = in_live_app(_mails_since, last, people)
    assert sorted((to, kind, ics) for to, kind, _, ics in sent) == sorted([
        (world.company, "booking.counter_accepted", True),
        (world.teacher, "booking.confirmed", True)])

    # 4. The two write to each other in the request's conversation. -------------------------
    last = in_live_app(_last_mail)
    company.goto(f"{base}{path}")
    assert _status(company) == label["accepted"]["en"]
    expect(company.locator(CONTACT)).to_contain_text(world.teacher)
    company.fill("#body", COMPANY_NOTE)
    _click(company, MESSAGE_SEND)
    expect(company.locator(MESSAGES).last).to_contain_text(COMPANY_NOTE)
    shots(company, "life-08-company-conversation")
    assert mails_of_step(last) == [(world.teacher, "booking.message")]

    last = in_live_app(_last_mail)
    teacher.goto(f"{base}{path}")
    expect(teacher.locator(MESSAGES).last).to_contain_text(COMPANY_NOTE)
    teacher.fill("#body", TEACHER_NOTE)
    _click(teacher, MESSAGE_SEND)
    expect(teacher.locator(MESSAGES)).to_have_count(5)  # request, proposal, yes, two notes
    expect(teacher.locator(MESSAGES).last).to_contain_text(TEACHER_NOTE)
    shots(teacher, "life-09-teacher-conversation")
    assert mails_of_step(last) == [(world.company, "booking.message")]

    # 5. Time passes: the reminder two days before, then "did it take place?" the day after. ---
    last = in_live_app(_last_mail)
    in_live_app(_move_date, booking_id, local_today() + timedelta(days=1))
    in_live_app(_run_due, due.send_reminders)
    assert sorted(mails_of_step(last)) == sorted([(world.teacher, "reminder.upcoming"),
                                                  (world.company, "reminder.upcoming")])
    last = in_live_app(_last_mail)
    in_live_app(_move_date, booking_id, local_today() - timedelta(days=1))
    in_live_app(_run_due, due.ask_outcomes)
    in_live_app(_run_due, due.ask_outcomes)  # cron runs it again: nobody is asked twice
    assert sorted(mails_of_step(last)) == sorted([(world.teacher, "reminder.outcome"),
                                                  (world.company, "reminder.outcome")])

    # 6. Both say it took place. ------------------------------------------------------------------
    last = in_live_app(_last_mail)
    teacher.goto(f"{base}{path}")
    expect(teacher.locator(OUTCOME_FORM)).to_be_visible()
    expect(teacher.locator("main button[value=cancel]")).to_have_count(0)
    shots(teacher, "life-10-teacher-did-it-take-place")
    teacher.check("input[name=held][value=yes]")
    _click(teacher, f"{OUTCOME_FORM} button[type=submit]")
    assert _status(teacher) == label["completed"]["nl"]
    expect(teacher.locator(OUTCOME_FORM)).to_have_count(0)
    company.goto(f"{base}{path}")
    company.check("input[name=held][value=yes]")
    shots(company, "life-11-company-did-it-take-place")
    _click(company, f"{OUTCOME_FORM} button[type=submit]")
    assert _status(company) == label["completed"]["en"]
    assert in_live_app(_facts, booking_id)["outcomes"] == ("held", "held")
    assert mails_of_step(last) == []

    # 7. Both evaluate it: the teacher with the pupils reached, the company whether it would
    #    host this school again. ----------------------------------------------------------------
    teacher.goto(f"{base}/aanvragen")
    expect(teacher.locator(NAV_COUNT)).to_have_text("1")  # an evaluation is due
    teacher.goto(f"{base}{path}")
    teacher.fill("#pupils_reached", "20")
    teacher.fill("#girls", "9")
    teacher.check("input[name=rating][value='4']")
    teacher.fill("#comment", "Leerzaam en goed geregeld.")
    shots(teacher, "life-12-teacher-evaluation-form")
    _click(teacher, f"{EVALUATION_FORM} button[type=submit]")
    expect(teacher.locator("main #evaluation-title")).to_be_visible()
    expect(teacher.locator(EVALUATION_FORM)).to_have_count(0)
    expect(teacher.locator(NAV_COUNT)).to_have_count(0)
    shots(teacher, "life-13-teacher-evaluated")

    company.goto(f"{base}{path}")
    company.check("input[name=rating][value='5']")
    company.check("input[name=host_again][value=yes]")
    company.fill("#comment", "A curious and well prepared class.")
    _click(company, f"{EVALUATION_FORM} button[type=submit]")
    expect(company.locator("main #evaluation-title")).to_be_visible()
    expect(company.locator(NAV_COUNT)).to_have_count(0)
    shots(company, "life-14-company-evaluated")
    facts = in_live_app(_facts, booking_id)
    assert facts["status"] == "completed"
    assert facts["evaluations"] == {
        "school": (4, 20, 9, None, "Leerzaam en goed geregeld."),
        "company": (5, None, None, True, "A curious and well prepared class.")}
    assert_focus_was_always_visible()
