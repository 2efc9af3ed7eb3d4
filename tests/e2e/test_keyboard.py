"""Keyboard-only journeys, one per role, in a real browser.

After the first page of a journey is loaded (and after signing in, which itself goes by
keyboard), nothing but keys is used: Tab, Shift+Tab, Enter, Space, arrow keys and typing. Every
element the focus passes on the way is checked for a visible focus indicator (see
tests/e2e/keyboard.py). The journeys run to their end whatever the indicators look like; each
test then fails with the list of elements whose focus was not visible, so one run shows every
such element on the pages walked. (The calendar button inside a date field is the one stop not
measured: the browser draws its ring there, where the page's styles do not reach.)

The world is built once with the factories, on the live server's database that other e2e
tests share: every e-mail address and name starts with "kbd-".
"""
import re
from dataclasses import dataclass, field
from datetime import time

import pytest
from playwright.sync_api import expect

from portal import security
from portal.organisations import services as organisations
from tests import factories
from tests.e2e.keyboard import (
    PROBLEMS,
    active,
    assert_focus_was_always_visible,
    check_focus,
    choose_with_arrows,
    date_to_type,
    path_of,
    press_and_wait,
    sign_in,
    skip_link_first,
    tab_to,
    type_date,
    type_time,
)

# The one word of the searched offer's title: no other offer in the shared database has it.
SEARCH_WORD = "Kbdlasrobot"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SUBMIT = "main form[method=post] button[type=submit]"


def email(key):
    return f"kbd-{key}@e2e.example"


# --- the world ----------------------------------------------------------------------------


@dataclass
class World:
    """E-mail addresses and ids only: ORM objects would be detached by the time tests run."""

    logins: dict = field(default_factory=dict)
    offer: int = 0               # published, near Middelburg, found by SEARCH_WORD
    company_offer: int = 0       # published offer of the "company" user's company
    booking: int = 0             # requested on company_offer, waiting for an answer
    pending_company: int = 0     # in Zeeland, waiting for the moderator
    pending_offer: int = 0       # of pending_company


def _person(world, key, role, full_name):
    world.logins[key] = email(key)
    return factories.user(role, email=email(key), full_name=full_name)


def _build():
    world = World()
    _person(world, "admin", security.ADMIN, "Kbd Beheerder")
    centre = factories.technocentrum(("NL-ZE",), name="kbd-Technocentrum Zeeland")
    moderator = _person(world, "moderator", security.MODERATOR, "Kbd Moderator Zeeland")
    organisations.add_member(actor=factories.admin(), organisation=centre, user=moderator)

    teacher = _person(world, "teacher", security.TEACHER, "Kbd Docent")
    factories.school(teacher, place="Middelburg (Zeeland)")
    errors_teacher = _person(world, "teacher-errors", security.TEACHER, "Kbd Docent Fouten")
    factories.school(errors_teacher, place="Goes")

    offerer = _person(world, "offerer", security.COMPANY_MEMBER, "Kbd Aanbieder")
    offering = factories.company(offerer, place="Vlissingen", name="kbd-Zeeuwse Lasrobots")
    world.offer = factories.offer(
        offering, title=f"{SEARCH_WORD}: rondleiding langs de lasrobots", capacity=5).id

    owner = _person(world, "company", security.COMPANY_MEMBER, "Kbd Bedrijfslid")
    company = factories.company(owner, place="Middelburg (Zeeland)", name="kbd-Walcheren Metaal")
    company_offer = factories.offer(company, title="kbd open dag metaalbewerking", capacity=4)
    world.company_offer = company_offer.id
    asking = _person(world, "teacher-booking", security.TEACHER, "Kbd Docent Aanvraag")
    factories.school(asking, place="Vlissingen")
    world.booking = factories.booking(company_offer, asking).id

    waiting_owner = _person(world, "company-pending", security.COMPANY_MEMBER,
                            "Kbd Wachtend Bedrijfslid")
    waiting = factories.company(waiting_owner, place="Goes", approved=False,
                                name="kbd-Wachtend Bedrijf Goes")
    world.pending_company = waiting.id
    world.pending_offer = factories.offer(waiting, status="pending",
                                          title="kbd gastles wachtend op controle").id
    return world


@pytest.fixture(scope="module")
def world(in_live_app_once):
    return in_live_app_once(_build)


@pytest.fixture
def new_page(browser):
    """Pages in fresh contexts (own cookies), Dutch, closed after the test."""
    contexts = []

    def make(viewport=DESKTOP):
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        contexts.append(context)
        return context.new_page()
    yield make
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _forget_problems():
    PROBLEMS.clear()
    yield
    PROBLEMS.clear()


# --- the journeys ---------------------------------------------------------------------------------


def search_and_open(page, word, result):
    """On the search page: type `word` in the search field, send it, open the `result`."""
    tab_to(page, "#q")
    page.keyboard.type(word)
    press_and_wait(page, "Enter", re.compile(r"/zoeken\?.*q="))
    tab_to(page, result)
    press_and_wait(page, "Enter", re.compile(r"/aanbod/\d+$"))


def test_visitor_finds_an_offer_by_keyboard(live_server, new_page, world):
    page = new_page()
    page.goto(f"{live_server}/")
    skip_link_first(page)
    found = tab_to(page, "el => el.matches(\"a[href$='/zoeken']\") "
                         "&& el.textContent.trim() === 'Aanbod zoeken'")
    assert "Aanbod zoeken" in found["describe"]
    press_and_wait(page, "Enter", re.compile(r"/zoeken$"))

    search_and_open(page, SEARCH_WORD.lower(),
                    "el => el === document.querySelector('li.result h3 a')")
    assert page.url.endswith(f"/aanbod/{world.offer}")
    expect(page.locator("h1")).to_contain_text(SEARCH_WORD)
    assert_focus_was_always_visible()


def test_teacher_requests_an_offer_by_keyboard(live_server, new_page, world):
    page = new_page()
    sign_in(page, live_server, world.logins["teacher"])
    tab_to(page, "a.nav-link[href$='/zoeken']")
    press_and_wait(page, "Enter", re.compile(r"/zoeken$"))
    search_and_open(page, SEARCH_WORD, f"li.result h3 a[href$='/aanbod/{world.offer}']")
    assert page.url.endswith(f"/aanbod/{world.offer}")

    found = tab_to(page, f"a[href$='/aanvragen/aanbod/{world.offer}']")
    assert "Dit aanbod aanvragen" in found["describe"]
    press_and_wait(page, "Enter", re.compile(rf"/aanvragen/aanbod/{world.offer}$"))

    # The offer's one date: Tab reaches the radio group, Space chooses it.
    tab_to(page, "input[name=slot_id]")
    page.keyboard.press("Space")
    assert active(page, "el.checked") is True
    tab_to(page, "#group_size")
    page.keyboard.type("24")
    expect(page.locator("#group_size")).to_have_value("24")
    tab_to(page, "#teachers")
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("2")
    expect(page.locator("#teachers")).to_have_value("2")
    tab_to(page, "#level_id")
    assert page.eval_on_selector("#level_id", "el => el.value") == ""  # "Kies een niveau"
    page.keyboard.press("ArrowDown")
    expect(page.locator("#level_id option:checked")).to_have_text("VMBO kader")
    tab_to(page, "#message")
    page.keyboard.type("Wij komen met klas 3 kader.")
    found = tab_to(page, SUBMIT)
    assert "Aanvraag versturen" in found["describe"]
    press_and_wait(page, "Enter", re.compile(r"/aanvragen/\d+$"))
    expect(page.locator("#booking-status .badge")).to_have_text("Aangevraagd")
    assert_focus_was_always_visible()


def test_teacher_empty_request_form_leads_to_the_error_summary(live_server, new_page, world):
    page = new_page()
    sign_in(page, live_server, world.logins["teacher-errors"])
    page.goto(f"{live_server}/aanvragen/aanbod/{world.offer}")
    skip_link_first(page)
    tab_to(page, SUBMIT)
    press_and_wait(page, "Enter", re.compile(rf"/aanvragen/aanbod/{world.offer}$"))

    assert active(page) == "error-summary", (
        f"after the failed submit the focus is on {check_focus(page)['describe']}")
    check_focus(page)
    links = page.locator("#error-summary a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    assert links[:3] == ["#slot_id-0", "#group_size", "#level_id"], links
    page.keyboard.press("Tab")
    info = check_focus(page)
    assert active(page, "el.getAttribute('href')") == links[0], info["describe"]
    page.keyboard.press("Enter")
    assert active(page) == links[0].removeprefix("#")
    check_focus(page)
    assert_focus_was_always_visible()


def test_company_member_creates_an_offer_and_accepts_a_request(live_server, new_page, world):
    page = new_page()
    sign_in(page, live_server, world.logins["company"])
    found = tab_to(page, "a.nav-link[href$='/aanbod/nieuw']")
    assert "Nieuw aanbod" in found["describe"]
    press_and_wait(page, "Enter", re.compile(r"/aanbod/nieuw$"))

    # First the type; its form then asks for that type's own fields.
    found = tab_to(page, "main a[href$='/aanbod/nieuw/company_visit']")
    assert "Bedrijfsbezoek" in found["describe"]
    press_and_wait(page, "Enter", re.compile(r"/aanbod/nieuw/company_visit$"))
    tab_to(page, "#title")
    page.keyboard.type("kbd rondleiding met het toetsenbord")
    tab_to(page, "#description")
    page.keyboard.type("Leerlingen zien de werkplaats en proberen zelf te lassen.")
    metaal = "el => el.name === 'sector_ids' && el.labels[0].textContent.trim() === 'Metaal'"
    tab_to(page, metaal)
    page.keyboard.press("Space")
    assert active(page, "el.checked") is True
    kader = "el => el.name === 'level_ids' && el.labels[0].textContent.trim() === 'VMBO kader'"
    tab_to(page, kader)
    page.keyboard.press("Space")
    assert active(page, "el.checked") is True
    tab_to(page, "#max_group_size")
    page.keyboard.type("30")
    tab_to(page, "#duration_minutes")
    page.keyboard.type("90")
    tab_to(page, "#wheelchair_access")
    page.keyboard.press("Space")
    assert active(page, "el.checked") is True
    found = tab_to(page, SUBMIT)
    assert "Opslaan" in found["describe"]
    # Saved as a draft; a company visit happens on dates, so its dates page comes next.
    press_and_wait(page, "Enter", re.compile(r"/aanbod/\d+/data$"))
    dates_path = path_of(page)
    offer_path = dates_path.removesuffix("/data")

    day = date_to_type(page, "#slot-day")
    tab_to(page, "#slot-day")
    type_date(page, day)
    expect(page.locator("#slot-day")).to_have_value(day.isoformat())
    tab_to(page, "#slot-starts_at")
    type_time(page, time(9, 30))
    expect(page.locator("#slot-starts_at")).to_have_value("09:30")
    tab_to(page, "#slot-ends_at")
    type_time(page, time(11, 45))
    expect(page.locator("#slot-ends_at")).to_have_value("11:45")
    tab_to(page, "#slot-capacity")
    page.keyboard.type("30")
    found = tab_to(page, "main form:has(input[name=kind][value=slot]) button[type=submit]")
    assert "Deze datum toevoegen" in found["describe"]
    press_and_wait(page, "Enter", re.compile(re.escape(dates_path) + "$"))
    expect(page.locator("main table tbody tr")).to_have_count(1)

    # Back to the offer, which can be submitted now that it has a date.
    tab_to(page, f"main a[href$='{offer_path}']")
    press_and_wait(page, "Enter", re.compile(re.escape(offer_path) + "$"))
    found = tab_to(page, "form[action$='/indienen'] button")
    assert "Ter controle indienen" in found["describe"]
    press_and_wait(page, "Enter", re.compile(re.escape(offer_path) + "$"))
    expect(page.locator("main .badge", has_text="Wordt gecontroleerd")).to_have_count(1)

    # The company's page, then the request waiting there.
    tab_to(page, "a.nav-link[href$='/bedrijf']")
    press_and_wait(page, "Enter", re.compile(r"/bedrijf$"))
    tab_to(page, f"main table a[href$='/aanvragen/{world.booking}']")
    press_and_wait(page, "Enter", re.compile(rf"/aanvragen/{world.booking}$"))
    tab_to(page, "#message")
    page.keyboard.type("Welkom, meld u bij de receptie.")
    found = tab_to(page, "button[value=accept]")
    assert "Accepteren" in found["describe"]
    press_and_wait(page, "Enter", re.compile(rf"/aanvragen/{world.booking}$"))
    expect(page.locator("#booking-status .text-bg-success")).to_have_count(1)
    assert_focus_was_always_visible()


def _decide_approve(page, kind, subject_id):
    """On the queue: Tab to the subject's "Beoordelen" button, approve it by keyboard."""
    found = tab_to(page, f"main a.btn[href$='/moderatie/{kind}/{subject_id}']")
    assert "Beoordelen" in found["describe"]
    press_and_wait(page, "Enter", re.compile(rf"/moderatie/{kind}/{subject_id}$"))
    tab_to(page, "input[name=decision]")
    if active(page, "el.value") == "approve":
        page.keyboard.press("Space")
    else:
        choose_with_arrows(page, "input[name=decision]:checked", "approve")
    assert page.locator("input[name=decision][value=approve]").is_checked()
    found = tab_to(page, SUBMIT)
    assert "Besluit opslaan" in found["describe"]
    press_and_wait(page, "Enter", re.compile(r"/moderatie$"))
    expect(page.locator(f"main a[href$='/moderatie/{kind}/{subject_id}']")).to_have_count(0)


def test_moderator_approves_a_company_and_its_offer(live_server, new_page, world):
    page = new_page()
    sign_in(page, live_server, world.logins["moderator"])
    tab_to(page, "a.nav-link[href$='/moderatie']")
    press_and_wait(page, "Enter", re.compile(r"/moderatie$"))
    _decide_approve(page, "bedrijven", world.pending_company)
    _decide_approve(page, "aanbod", world.pending_offer)
    assert_focus_was_always_visible()


def test_administrator_opens_the_audit_log(live_server, new_page, world):
    # Found by its address, which stays when the label is reworded: the navigation's
    # administration, then the overview's link to the log.
    page = new_page()
    sign_in(page, live_server, world.logins["admin"])
    tab_to(page, "a.nav-link[href$='/beheer']")
    press_and_wait(page, "Enter", re.compile(r"/beheer$"))
    tab_to(page, "main a[href$='/moderatie/logboek']")
    press_and_wait(page, "Enter", re.compile(r"/moderatie/logboek$"))
    expect(page.locator("main table")).to_be_visible()
    assert page.locator("main table tbody tr").count() >= 1
    assert_focus_was_always_visible()


SKIP_LINK_PAGES = {
    "home": (None, lambda world: "/"),
    "login-form": (None, lambda world: "/account/inloggen"),
    "teacher-requests": ("teacher", lambda world: "/aanvragen"),
    "teacher-request-form": ("teacher-errors", lambda world: f"/aanvragen/aanbod/{world.offer}"),
    "company-offer-types": ("company", lambda world: "/aanbod/nieuw"),
    "company-offer-form": ("company", lambda world: "/aanbod/nieuw/company_visit"),
    "company-offer-dates": ("company", lambda world: f"/aanbod/{world.company_offer}/data"),
}


@pytest.mark.parametrize("name", SKIP_LINK_PAGES)
def test_skip_link_moves_the_focus_into_main(live_server, new_page, world, shots, name):
    role, path = SKIP_LINK_PAGES[name]
    page = new_page()
    if role:
        sign_in(page, live_server, world.logins[role])
    page.goto(live_server + path(world))
    skip_link_first(page)
    shots(page, f"kbd-skip-link-{name}")
    page.keyboard.press("Enter")
    assert active(page) == "main", (
        f"Enter on the skip link focused {check_focus(page)['describe']}")
    page.keyboard.press("Tab")
    info = check_focus(page)
    assert active(page, "!!el.closest('main')"), (
        f"Tab after the skip link left main: {info['describe']}")
    assert_focus_was_always_visible()


def test_phone_menu_opens_by_keyboard(live_server, new_page, world):
    page = new_page(PHONE)
    page.goto(f"{live_server}/")
    skip_link_first(page)
    nav_links = page.locator("#nav a.nav-link")
    expect(nav_links.first).to_be_hidden()
    toggler = "button[data-nav-toggle]"
    found = tab_to(page, toggler, limit=5)
    assert "Menu" in found["describe"]
    expect(page.locator(toggler)).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.locator(toggler)).to_have_attribute("aria-expanded", "true")
    expect(nav_links.first).to_be_visible()
    tab_to(page, "#nav a.nav-link", limit=5)
    expect(page.locator("#nav a.nav-link:focus")).to_be_visible()
    assert_focus_was_always_visible()
