"""What one browser visit of the accessibility walk is, and the actions a visit can run on its
page before the checks (see pages.py for the registry of all visits, walk.py for the walk).

A visit names the role it signs in as (a key of World.logins, or VISITOR), the URL arguments
taken from the world, and what must be true for the visit to count: the status, and selectors
that prove the page is in the intended state. An action (such as submitting a form empty) runs
on the page before the checks; its POST's status is then the one checked. An action whose POST
is meant to succeed and send the browser back to the page (`redirects`) is checked on the page
it lands on.
"""
from collections.abc import Callable
from dataclasses import dataclass, replace

VISITOR = "visitor"
# The languages each page is walked in: at desktop width in both, on a phone in both for
# sideways scrolling, and with axe on the phone in the first.
LANGUAGES = ("nl", "en")

# Shown after a submit with errors: the summary above the form, or a message at a field.
ERRORS = ".invalid-feedback, .alert-danger, #error-summary"
SUBMIT = "main form[method=post] button[type=submit]"


@dataclass(frozen=True)
class Visit:
    name: str
    role: str
    args: Callable = lambda world: {}  # the URL's arguments, from the World
    status: int = 200
    action: Callable | None = None     # action(page) -> the response of the POST it causes
    redirects: bool = False            # the action succeeds and lands back on the page
    shows: tuple = ()                  # selectors that must each match something
    hides: tuple = ()                  # selectors that must match nothing
    endpoint: str | None = None        # filled in from PAGES
    path: str | None = None            # for a page no route renders (the 404 page)
    # Tab round the page checking every focus ring. A page shown after a refused submit has
    # the elements of the same page unsent, plus the error summary and invalid fields, which
    # one macro draws everywhere: a few such pages (FOCUS_WALKED_ERRORS) stand for them all.
    focus_walk: bool | None = None     # None: only when the visit has no action
    # A page in one language of its own whatever the visitor chose (the HTML of an e-mail, in
    # its recipient's language) is walked in that language only.
    languages: tuple = LANGUAGES

    @property
    def walks_focus(self):
        if self.focus_walk is not None:
            return self.focus_walk
        return self.action is None or self.name in FOCUS_WALKED_ERRORS


# Pages with a form's errors shown whose focus rings are walked too: the error summary's links,
# invalid text fields, checkboxes, radios and selects, in both page layouts.
FOCUS_WALKED_ERRORS = {"login-errors", "offer-new-errors", "slots-errors",
                       "moderation-offer-errors"}


def submit(button=SUBMIT, clear=(), check=(), fill=()):
    """An action: empty the `clear` fields, type the (selector, text) pairs of `fill`, tick the
    first input each `check` selector matches, click `button`."""
    def act(page):
        for selector in clear:
            page.fill(selector, "")
        for selector, text in fill:
            page.fill(selector, text)
        for selector in check:
            page.locator(selector).first.check()
        buttons = page.locator(button)
        if not buttons.count():
            raise LookupError(f"no button matches {button}")
        with page.expect_navigation() as navigation:
            buttons.first.click()
        return navigation.value
    return act


def with_errors(visit, **changes):
    """The visit's form submitted with its required fields empty: a 422 showing errors."""
    name = changes.pop("name", f"{visit.name}-errors")
    return replace(visit, name=name, status=422, shows=changes.pop("shows", (ERRORS,)),
                   hides=changes.pop("hides", visit.hides), action=changes.pop("action", submit()),
                   **changes)


def booking(status):
    return lambda world: {"booking_id": world.bookings[status]}


def token(state):
    return lambda world: {"token": world.tokens[state]}
