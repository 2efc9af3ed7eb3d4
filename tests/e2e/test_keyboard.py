"""Keyboard-only journeys, one per role, in a real browser.

After the first page of a journey is loaded (and after signing in, which itself goes by
keyboard), nothing but keys is used: Tab, Shift+Tab, Enter, Space, arrow keys and typing. Every
element the focus passes on the way is checked for a visible focus indicator: an outline of at
least 2px (or a box shadow of at least 2px) whose colour stands out at least 3:1 (WCAG 2.2,
non-text contrast) against what lies behind it, and nothing may be painted over the element.
The journeys run to their end whatever the indicators look like; each test then fails with the
list of elements whose focus was not visible, so one run shows every such element on the pages
walked. (The calendar button inside a date field is the one stop not measured: the browser
draws its ring there, where the page's styles do not reach.)

The world is built once with the factories, on the live server's database that other e2e
tests share: every e-mail address and name starts with "kbd-".
"""
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from portal import security
from portal.organisations import services as organisations
from tests import factories

# The one word of the searched offer's title: no other offer in the shared database has it.
SEARCH_WORD = "Kbdlasrobot"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MIN_CONTRAST = 3.0
MIN_WIDTH_PX = 2.0
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


# --- the focus and its indicator ------------------------------------------------------------

# What the focused element is, whether it matches the target, and what its focus looks like:
# outline and box shadow, and the background colours behind the indicator. Those are sampled
# just outside the element, where an outline or shadow is drawn (on all four sides, as the
# element may sit on another element than its parent, like the skip link over the navbar): the
# element found there, then its ancestors up to the first opaque background colour. And whether
# another element is painted over the focused one (hiding it, focus ring and all).
_FOCUS_JS = r"""
async (match) => {
  const predicate = __PREDICATE__;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {describe: "(body: focus left the page)", matches: false, unchecked: true};
  }
  // Measure the focus style as it ends up, not halfway through a transition (Bootstrap's .btn
  // fades its box shadow in).
  await Promise.all(el.getAnimations().map((a) => a.finished.catch(() => null)));
  const text = (node) => (node.innerText || node.textContent || "").trim().replace(/\s+/g, " ");
  const describeOf = (node) => {
    let name = node.tagName.toLowerCase();
    if (node.id) name += "#" + node.id;
    for (const attr of ["name", "type", "value", "href"]) {
      if (node.hasAttribute(attr) && (attr !== "value" || node.tagName === "BUTTON"
                                      || node.type === "checkbox" || node.type === "radio")) {
        name += "[" + attr + "=" + node.getAttribute(attr) + "]";
      }
    }
    if (!node.id && !node.hasAttribute("name") && node.classList.length) {
      name += "." + [...node.classList].slice(0, 3).join(".");
    }
    const label = node.labels && node.labels.length ? text(node.labels[0])
      : (node.getAttribute("aria-label") || text(node));
    return label ? name + ' "' + label.slice(0, 50) + '"' : name;
  };
  // On the calendar button inside a date field, the field is document.activeElement but does
  // not match :focus: the browser draws its own ring there, out of the page's reach.
  if (!el.matches(":focus")) {
    const describe = describeOf(el) + " (its calendar button)";
    return {describe, matches: false, unchecked: true};
  }
  const describe = describeOf(el);
  const layersFrom = (start) => {
    const layers = [];
    for (let node = start; node; node = node.parentElement) {
      const s = getComputedStyle(node);
      layers.push({color: s.backgroundColor, image: s.backgroundImage});
      const alpha = s.backgroundColor.match(/rgba\([^)]*,\s*([\d.]+)\)/);
      if (s.backgroundColor !== "transparent" && !(alpha && parseFloat(alpha[1]) < 1)) break;
    }
    return layers;
  };
  const cs = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const outlineWidth = parseFloat(cs.outlineWidth) || 0;
  const offset = parseFloat(cs.outlineOffset) || 0;
  const spreads = cs.boxShadow.split(/,(?![^(]*\))/)
    .map((shadow) => parseFloat((shadow.match(/-?[\d.]+px/g) || [])[3] || "0"));
  const reach = cs.outlineStyle !== "none" && outlineWidth > 0
    ? offset + outlineWidth / 2 : Math.max(0, ...spreads) / 2;
  const backgrounds = [];
  if (reach < 0) {
    backgrounds.push(layersFrom(el));
  } else {
    const d = reach + 0.5, cx = (rect.left + rect.right) / 2, cy = (rect.top + rect.bottom) / 2;
    for (const [x, y] of [[rect.left - d, cy], [rect.right + d, cy], [cx, rect.top - d],
                          [cx, rect.bottom + d]]) {
      if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
      const behind = document.elementsFromPoint(x, y).find((n) => n !== el && !el.contains(n));
      if (behind) backgrounds.push(layersFrom(behind));
    }
    if (!backgrounds.length) backgrounds.push(layersFrom(el.parentElement));
  }
  // Something painted over the element hides it, focus ring and all.
  let coveredBy = null;
  const mx = (rect.left + rect.right) / 2, my = (rect.top + rect.bottom) / 2;
  if (mx >= 0 && my >= 0 && mx < innerWidth && my < innerHeight) {
    const top = document.elementFromPoint(mx, my);
    if (top && top !== el && !el.contains(top) && !(el.labels && [...el.labels].includes(top))) {
      coveredBy = describeOf(top);
    }
  }
  let matches = false;
  if (match) {
    matches = match.selector ? el.matches(match.selector) : !!predicate(el);
  }
  return {
    describe, matches, unchecked: false,
    outlineStyle: cs.outlineStyle, outlineWidth, outlineColor: cs.outlineColor,
    boxShadow: cs.boxShadow, width: rect.width, height: rect.height, backgrounds, coveredBy,
  };
}
"""

# Elements whose focus was not visible, per page: description -> why. Checked at each test's end.
_PROBLEMS = {}


@pytest.fixture(autouse=True)
def _forget_problems():
    _PROBLEMS.clear()
    yield
    _PROBLEMS.clear()


def _rgba(text):
    """(r, g, b, a) from a computed colour such as 'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 0.5)'."""
    found = re.search(r"rgba?\(([^)]*)\)", text or "")
    if not found:
        return 0.0, 0.0, 0.0, 0.0  # 'transparent' and anything unknown
    parts = [float(p) for p in re.split(r"[,\s/]+", found.group(1).strip()) if p]
    return (*parts[:3], parts[3] if len(parts) > 3 else 1.0)


def _over(top, bottom):
    """An (r, g, b, a) colour painted over an opaque (r, g, b) one."""
    r, g, b, a = top
    return tuple(a * c + (1 - a) * d for c, d in zip((r, g, b), bottom, strict=True))


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one, other):
    """WCAG contrast ratio of two opaque (r, g, b) colours."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _backdrops(layers):
    """The opaque colours one background sample can be: its colour layers painted over each
    other on the white canvas, and every colour stop of a gradient among them."""
    base = (255.0, 255.0, 255.0)
    stops = []
    for layer in reversed(layers):
        base = _over(_rgba(layer["color"]), base)
        stops.extend(re.findall(r"rgba?\([^)]*\)", layer["image"] or ""))
    return [base] + [_over(_rgba(stop), base) for stop in stops]


def _shadows(box_shadow):
    """(colour, spread px) of each box shadow in a computed box-shadow value."""
    if not box_shadow or box_shadow == "none":
        return []
    result = []
    for shadow in re.split(r",(?![^(]*\))", box_shadow):
        lengths = [float(n) for n in re.findall(r"(-?[\d.]+)px", shadow)]
        colour = re.search(r"rgba?\([^)]*\)", shadow)
        spread = lengths[3] if len(lengths) > 3 else 0.0
        result.append((colour.group(0) if colour else "rgb(0, 0, 0)", spread))
    return result


def focus_problem(info):
    """Why the focus on this element is not visible enough, or None when it is."""
    if info["width"] <= 0 or info["height"] <= 0:
        return "the focused element has no size on screen"
    if info["coveredBy"]:
        return f"hidden: {info['coveredBy']} is painted over it"
    backdrops = [c for layers in info["backgrounds"] for c in _backdrops(layers)]
    indicators = []
    if info["outlineStyle"] != "none" and info["outlineWidth"] > 0:
        indicators.append((f"outline {info['outlineStyle']} {info['outlineWidth']:g}px "
                           f"{info['outlineColor']}", info["outlineColor"],
                           info["outlineWidth"]))
    for colour, spread in _shadows(info["boxShadow"]):
        indicators.append((f"box-shadow {colour} spread {spread:g}px", colour, spread))
    if not indicators:
        return "no outline and no box shadow (outline-style none)"
    found = []
    for name, colour, width in indicators:
        worst = min(contrast(_over(_rgba(colour), bg), bg) for bg in backdrops)
        behind = min(backdrops, key=lambda bg: contrast(_over(_rgba(colour), bg), bg))
        if width >= MIN_WIDTH_PX and worst >= MIN_CONTRAST:
            return None
        found.append(f"{name}: {worst:.2f}:1 against rgb{tuple(round(c) for c in behind)}")
    return f"needs >= {MIN_WIDTH_PX:g}px and >= {MIN_CONTRAST:g}:1; has " + "; ".join(found)


def _focused(page, match=None):
    predicate = (match or {}).get("predicate") or "null"
    info = page.evaluate(_FOCUS_JS.replace("__PREDICATE__", predicate), match)
    if not info["unchecked"]:
        problem = focus_problem(info)
        if problem:
            _PROBLEMS.setdefault(f"{_path(page)}: {info['describe']}", problem)
    return info


def _path(page):
    return re.sub(r"^https?://[^/]+", "", page.url)


def _match(target):
    """A CSS selector, or a JavaScript predicate of the element ("el => ...")."""
    if "=>" in target or target.lstrip().startswith("function"):
        return {"predicate": target, "selector": None}
    return {"selector": target, "predicate": None}


def check_focus(page):
    """Check (and record) the indicator of the element that has the focus now."""
    return _focused(page)


def tab_to(page, target, limit=80, key="Tab"):
    """Press Tab (or `key`) until the focused element matches `target`; check the indicator
    of every element the focus passes. Fails listing those elements if it is not reached."""
    passed = []
    match = _match(target)
    for _ in range(limit):
        page.keyboard.press(key)
        info = _focused(page, match)
        passed.append(info["describe"])
        if info["matches"]:
            return info
    pytest.fail(f"{key} x{limit} on {_path(page)} did not reach {target}; the focus passed:\n  "
                + "\n  ".join(passed), pytrace=False)


def assert_focus_was_always_visible():
    """The end of every journey: each element the focus reached showed it."""
    problems = "\n".join(f"  {where}\n      {why}" for where, why in _PROBLEMS.items())
    assert not _PROBLEMS, f"focus not visible on {len(_PROBLEMS)} element(s):\n{problems}"


def active(page, expression="el.id"):
    return page.evaluate(f"() => {{ const el = document.activeElement; return {expression}; }}")


def press_and_wait(page, key, url):
    """Press a key that loads a page (a link, a form) and wait for that page's load."""
    with page.expect_navigation(url=url):
        page.keyboard.press(key)


# --- steps shared by the journeys ---------------------------------------------------------------


def skip_link_first(page):
    """The first Tab on a fresh page reaches the skip link, with a visible focus."""
    page.keyboard.press("Tab")
    info = _focused(page)
    assert active(page, "el.getAttribute('href')") == "#main", (
        f"first Tab on {_path(page)} focused {info['describe']}, not the skip link")
    assert active(page, "el.textContent.trim()") == "Naar de inhoud"
    expect(page.locator("a[href='#main']")).to_be_visible()


def sign_in(page, base, login):
    """The login form by keyboard: Tab to the fields, type, Enter."""
    page.goto(f"{base}/account/inloggen")
    skip_link_first(page)
    tab_to(page, "#email")
    page.keyboard.type(login)
    tab_to(page, "#password")
    page.keyboard.type(factories.PASSWORD)
    press_and_wait(page, "Enter", lambda url: "/account/inloggen" not in url)


def date_to_type(page, selector):
    """A date in the field's min..max range whose day equals its month (12 December...).

    Chromium orders the parts of <input type=date> by the browser's own language (mm/dd/yyyy
    for en-US, dd-mm-yyyy for nl), not by the page's locale; with day == month the same digits
    are right in both orders."""
    first, last = (page.eval_on_selector(selector, f"el => el.{a}") for a in ("min", "max"))
    day = max(date.fromisoformat(first), date.today()) + timedelta(days=7)
    while day.day != day.month:
        day += timedelta(days=1)
    assert not last or day <= date.fromisoformat(last), f"no date to type in {first}..{last}"
    return day


def type_date(page, day):
    """Type a date into the focused <input type=date>, two digits for the day and the month
    and four for the year: each part moves on to the next by itself."""
    page.keyboard.type(day.strftime("%d%m%Y"))


def choose_with_arrows(page, selector, value, limit=30):
    """Press ArrowDown on the focused select or radio group until it holds `value`."""
    for _ in range(limit):
        if page.eval_on_selector(selector, "el => el.value") == value:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"ArrowDown x{limit} in {selector} never chose {value!r}")


# --- the journeys ---------------------------------------------------------------------------------


def test_visitor_finds_an_offer_by_keyboard(live_server, new_page, world):
    page = new_page()
    page.goto(f"{live_server}/")
    skip_link_first(page)
    found = tab_to(page, "el => el.matches(\"a[href$='/zoeken']\") "
                         "&& el.textContent.trim() === 'Aanbod zoeken'")
    assert "Aanbod zoeken" in found["describe"]
    press_and_wait(page, "Enter", re.compile(r"/zoeken$"))

    tab_to(page, "#q")
    page.keyboard.type(SEARCH_WORD.lower())
    press_and_wait(page, "Enter", re.compile(r"/zoeken\?.*q="))
    tab_to(page, "el => el === document.querySelector('li.result h3 a')")
    press_and_wait(page, "Enter", re.compile(r"/aanbod/\d+$"))
    assert page.url.endswith(f"/aanbod/{world.offer}")
    expect(page.locator("h1")).to_contain_text(SEARCH_WORD)
    assert_focus_was_always_visible()


def test_teacher_requests_an_offer_by_keyboard(live_server, new_page, world):
    page = new_page()
    sign_in(page, live_server, world.logins["teacher"])
    tab_to(page, "a.nav-link[href$='/zoeken']")
    press_and_wait(page, "Enter", re.compile(r"/zoeken$"))
    tab_to(page, "#q")
    page.keyboard.type(SEARCH_WORD)
    press_and_wait(page, "Enter", re.compile(r"/zoeken\?.*q="))
    tab_to(page, f"li.result h3 a[href$='/aanbod/{world.offer}']")
    press_and_wait(page, "Enter", re.compile(rf"/aanbod/{world.offer}$"))

    found = tab_to(page, f"a[href$='/aanvragen/aanbod/{world.offer}']")
    assert "Dit aanbod aanvragen" in found["describe"]
    press_and_wait(page, "Enter", re.compile(rf"/aanvragen/aanbod/{world.offer}$"))

    wanted = date_to_type(page, "#wanted_on")
    tab_to(page, "#wanted_on")
    type_date(page, wanted)
    expect(page.locator("#wanted_on")).to_have_value(wanted.isoformat())
    tab_to(page, "#group_size")
    page.keyboard.type("24")
    expect(page.locator("#group_size")).to_have_value("24")
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
    assert links[:3] == ["#wanted_on", "#group_size", "#level_id"], links
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

    tab_to(page, "#kind")
    choose_with_arrows(page, "#kind", "company_visit:company")
    expect(page.locator("#kind")).to_have_value("company_visit:company")
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
    tab_to(page, "#capacity")
    page.keyboard.type("2")
    found = tab_to(page, SUBMIT)
    assert "Opslaan" in found["describe"]
    press_and_wait(page, "Enter", re.compile(r"/aanbod/\d+$"))
    offer_path = _path(page)

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
    # Found by its address, which stays when the label is reworded.
    page = new_page()
    sign_in(page, live_server, world.logins["admin"])
    tab_to(page, "a.nav-link[href$='/moderatie/logboek']")
    press_and_wait(page, "Enter", re.compile(r"/moderatie/logboek$"))
    expect(page.locator("main table")).to_be_visible()
    assert page.locator("main table tbody tr").count() >= 1
    assert_focus_was_always_visible()


SKIP_LINK_PAGES = {
    "home": (None, lambda world: "/"),
    "login-form": (None, lambda world: "/account/inloggen"),
    "teacher-requests": ("teacher", lambda world: "/aanvragen"),
    "teacher-request-form": ("teacher-errors", lambda world: f"/aanvragen/aanbod/{world.offer}"),
    "company-offer-form": ("company", lambda world: "/aanbod/nieuw"),
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
