"""The walk: each visit in Dutch, and each page's first visit in English too (pages.all_visits),
checked with axe at desktop width in both and at phone width in Dutch, measured for sideways
scrolling at both widths in both, and, once per page (desktop, Dutch), for a visible focus on
every element in its tab order. (A page in a language of its own, the HTML of an e-mail, is
walked in that language only.)

One browser context per role and language, signed in once through the real login form and
reused for all of that role's pages (the visits come sorted by role). Each visit loads its page
at desktop width, proves the page is in the intended state, runs axe, then narrows the same
page to a phone's width, measures sideways scrolling and runs axe again: the phone variant
needs no second load (nor a second POST for the pages that show a form's errors).
"""
import os
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe
from flask import url_for
from playwright.sync_api import Error as PlaywrightError

from tests import factories
from tests.e2e.keyboard import focus_problems_on_page
from tests.e2e.visits import SUBMIT, VISITOR

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
TIMEOUT_MS = 10_000  # a missing button fails the visit in seconds, not Playwright's 30

# The elements that make the page wider than the window: those sticking out on the right whose
# parent does not (the parent of a wide table is usually fine), and that no scrolling or
# clipping box around them holds in.
MEASURE_OVERFLOW = """() => {
  const width = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  const out = el => el.getBoundingClientRect().right > width + 0.5;
  const heldIn = el => {
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    [...el.classList].slice(0, 4).map(c => '.' + c).join('');
  const wide = scrollWidth <= width ? [] : [...document.querySelectorAll('body, body *')]
    .filter(el => out(el) && !(el.parentElement && out(el.parentElement)) && !heldIn(el))
    .map(el => {
      const box = el.getBoundingClientRect();
      return {element: name(el), right: Math.round(box.right), width: Math.round(box.width),
              text: (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 50)};
    })
    .sort((a, b) => b.right - a.right);
  return {scrollWidth, innerWidth: width, wide: wide.slice(0, 6)};
}"""

# Wait for the transitions running now to end: a button the focus walk has just left fades
# back from its focus colours (Bootstrap's .btn takes .15s), and axe would measure the contrast
# of a colour halfway.
SETTLED = """() => Promise.all(document.getAnimations()
  .filter(a => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
  .map(a => a.finished.catch(() => null)))"""

SHOWN = "selector => [...document.querySelectorAll(selector)].some(e => e.getClientRects().length)"


# The HTML of an e-mail in the development mailbox comes with a sandbox policy (for the
# mailbox's frame) under which no script runs, axe's neither. A mail program shows the same HTML
# without it: so does the walk.
MAIL_HTML = "**/dev/mail/*/html"


def _as_a_mail_program_shows_it(route):
    response = route.fetch()
    headers = {name: value for name, value in response.headers.items()
               if name.lower() != "content-security-policy"}
    route.fulfill(response=response, headers=headers)


class Broken(Exception):
    """The walk did not reach the state the visit asks for: its checks would prove nothing."""


@dataclass
class Outcome:
    """What the walk found on one visit, in all four variants ("desktop-nl", "phone-en", ...)."""

    visit: object
    url: str = ""
    broken: list = field(default_factory=list)      # "<lang>: what went wrong"
    violations: list = field(default_factory=list)  # (variant, axe violation)
    overflow: list = field(default_factory=list)    # (variant, MEASURE_OVERFLOW's result)
    focus: dict = field(default_factory=dict)       # element -> why its focus is not visible
    seconds: float = 0.0


def _first_lines(error):
    """The error's first line, and for Playwright's timeouts the locator it waited for."""
    lines = str(error).splitlines() or [repr(error)]
    waited = [line.strip() for line in lines if "waiting for" in line][:1]
    return " ".join(lines[:1] + waited)


def _expect(condition, message):
    if not condition:
        raise Broken(message)


class Walker:
    def __init__(self, browser, base, app, world):
        self.browser, self.base, self.app, self.world = browser, base, app, world
        self.axe = Axe()
        self.outcomes = {}  # visit name -> Outcome, in the order walked
        self._pages = {}    # (role, language) -> a signed-in page
        self._refused = []  # what the Content-Security-Policy refused on the page walked now
        self.screenshots = os.environ.get("PORTAL_SCREENSHOTS")

    def outcome(self, visit):
        """The visit's outcome, walked on first use and kept for the other tests."""
        if visit.name not in self.outcomes:
            started = time.monotonic()
            outcome = Outcome(visit)
            try:
                outcome.url = self._url(visit)
            except Exception as error:  # noqa: BLE001 (a world or registry mistake)
                outcome.broken.append(f"cannot build the URL: {error!r}")
            else:
                for language in visit.languages:
                    try:
                        self._walk(outcome, language)
                    except (Broken, LookupError, PlaywrightError) as error:
                        outcome.broken.append(f"{language}: {_first_lines(error)}")
            outcome.seconds = time.monotonic() - started
            self.outcomes[visit.name] = outcome
        return self.outcomes[visit.name]

    def close(self):
        for page in self._pages.values():
            page.context.close()
        self._pages.clear()

    def _url(self, visit):
        if visit.path:
            return visit.path
        with self.app.test_request_context():
            return url_for(visit.endpoint, **visit.args(self.world))

    def _page(self, role, language):
        """A page signed in as `role` in `language`; other roles' contexts are closed, as the
        visits come sorted by role."""
        if (role, language) not in self._pages:
            for key in [key for key in self._pages if key[0] != role]:
                self._pages.pop(key).context.close()
            context = self.browser.new_context(viewport=VIEWPORTS["desktop"])
            context.set_default_timeout(TIMEOUT_MS)
            context.route(MAIL_HTML, _as_a_mail_program_shows_it)
            page = context.new_page()
            page.on("console", self._note_refusal)
            try:
                # The language first (the session keeps it through signing in); a role signs
                # in on the login page the language switch sends it back to.
                next_page = "/" if role == VISITOR else "/account/inloggen"
                page.goto(f"{self.base}/taal/{language}?next={next_page}")
                if role != VISITOR:
                    self._sign_in(page, self.world.logins[role])
            except Exception:
                context.close()
                raise
            self._pages[role, language] = page
        return self._pages[role, language]

    def _note_refusal(self, message):
        # Chromium reports what the policy blocked (an inline script or style, a foreign
        # source) on the console: a page that needs it would be broken in production.
        if "Content Security Policy" in message.text:
            self._refused.append(message.text)

    def _sign_in(self, page, email):
        _expect(urlsplit(page.url).path == "/account/inloggen",
                f"not on the login page but on {page.url}")
        page.fill("#email", email)
        page.fill("#password", factories.PASSWORD)
        with page.expect_navigation():
            page.locator(SUBMIT).first.click()
        _expect(not urlsplit(page.url).path.endswith("/inloggen")
                and page.locator("form[action$='/account/uitloggen']").count(),
                f"signing in as {email} failed (still on {page.url})")

    def _walk(self, outcome, language):
        visit = outcome.visit
        page = self._page(visit.role, language)
        page.set_viewport_size(VIEWPORTS["desktop"])
        self._refused.clear()
        response = page.goto(self.base + outcome.url)
        loaded = 200 if visit.action else visit.status
        _expect(response.status == loaded,
                f"GET {outcome.url} answered {response.status}, not {loaded}")
        if visit.action:
            response = visit.action(page)
            # The pointer stays where the clicked button was: on the page loaded after it (or
            # at phone width) it may rest on another button, whose hover colours fade in while
            # axe measures its contrast. Out of the way, over the navigation bar's corner.
            page.mouse.move(0, 0)
            _expect(visit.redirects or not response.request.redirected_from,
                    f"the submit was accepted (redirected to {urlsplit(response.url).path}), "
                    f"not answered {visit.status}")
            _expect(response.status == visit.status,
                    f"the submit answered {response.status}, not {visit.status}")
        self._check_state(page, outcome, language)
        self._measure(page, outcome, "desktop", language)
        self._check(page, outcome, f"desktop-{language}")
        first = language == visit.languages[0]
        if first and visit.walks_focus:  # the focus ring does not depend on the language
            outcome.focus.update(focus_problems_on_page(page))
        page.set_viewport_size(VIEWPORTS["phone"])
        self._measure(page, outcome, "phone", language)
        # The phone's layout is checked by axe in the first language; the second language
        # changes the words, not the markup, and its longer words are measured above.
        self._check(page, outcome, f"phone-{language}", axe=first)
        _expect(not self._refused, f"the Content-Security-Policy refused: {self._refused[:1]}")

    def _measure(self, page, outcome, width, language):
        """Sideways scrolling at the window's width: a page wider than a phone, or than a
        desktop window (a navigation bar whose last item sticks out)."""
        page.evaluate("() => new Promise(done => requestAnimationFrame(done))")
        measured = page.evaluate(MEASURE_OVERFLOW)
        _expect(measured["innerWidth"] == VIEWPORTS[width]["width"],
                f"the window is {measured['innerWidth']}px wide, not {width} width")
        if measured["scrollWidth"] > measured["innerWidth"]:
            outcome.overflow.append((f"{width}-{language}", measured))

    def _check(self, page, outcome, variant, axe=True):
        if axe:
            outcome.violations.extend((variant, violation) for violation in self._axe(page))
        if self.screenshots:
            os.makedirs(self.screenshots, exist_ok=True)
            page.screenshot(full_page=True, path=os.path.join(
                self.screenshots, f"{outcome.visit.name}-{variant}.png"))

    def _axe(self, page):
        """axe's violations on the page as it is now. axe is injected once per document, not
        by Axe.run, which would evaluate its 570 kB again for the phone variant."""
        page.evaluate(SETTLED)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(self.axe.axe_script)
        results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
        _expect(results["passes"], "axe found nothing to check: an empty page?")
        return results["violations"]

    def _check_state(self, page, outcome, language):
        visit = outcome.visit
        path, wanted = urlsplit(page.url).path, urlsplit(outcome.url).path
        # A submit may land on an address of its own below the page's.
        _expect(path == wanted or (visit.action and path.startswith(wanted.rstrip("/") + "/")),
                f"landed on {path}, not {wanted}")
        shown_language = page.evaluate("document.documentElement.lang")
        _expect(shown_language == language, f'<html lang="{shown_language}">, not {language}')
        for selector in visit.shows:
            _expect(page.evaluate(SHOWN, selector), f"nothing visible matches {selector}")
        for selector in visit.hides:
            _expect(not page.locator(selector).count(), f"something matches {selector}")
