"""Every page of the portal, in the states worth checking, as a registry of browser visits.

PAGES maps each GET endpoint of the URL map to its visits; test_accessibility.py fails when a
GET endpoint has none (and is not EXCLUDED), so a new page cannot go unchecked. A visit names
the role it signs in as (a key of World.logins, or VISITOR), the URL arguments taken from the
world, and what must be true for the visit to count: the status, and selectors that prove the
page is in the intended state. An action (such as submitting a form empty) runs on the page
before the checks; its POST's status is then the one checked.
"""
from collections.abc import Callable
from dataclasses import dataclass, replace

VISITOR = "visitor"

# GET endpoints that render no page of their own.
EXCLUDED = {
    "static": "files, not pages",
    "favicon": "the icon file browsers ask /favicon.ico for",
    "public.set_language": "stores the language and redirects",
    "organisations.onboarding": "only redirects to the form or home page of the role",
    "geo.lookup": "answers JSON to the place field's script",
}

# Shown after a submit with errors: the summary above the form, or a message at a field.
ERRORS = ".invalid-feedback, .alert-danger, #error-summary"
SUBMIT = "main form[method=post] button[type=submit]"
# The request page's buttons post to the page itself, with their action as the button's value.
DECLINE = "main button[value=decline]"
WITHDRAW = "main button[value=withdraw]"
CANCEL = "main button[value=cancel]"
# Links that only a list with entries has.
OFFER_LINK = "main a[href*='/aanbod/']:not([href$='/nieuw'])"
BOOKING_LINK = "main a[href*='/aanvragen/']"
MODERATION_LINK = "main a[href*='/moderatie/bedrijven/'], main a[href*='/moderatie/aanbod/']"


@dataclass(frozen=True)
class Visit:
    name: str
    role: str
    args: Callable = lambda world: {}  # the URL's arguments, from the World
    status: int = 200
    action: Callable | None = None     # action(page) -> the response of the POST it causes
    shows: tuple = ()                  # selectors that must each match something
    hides: tuple = ()                  # selectors that must match nothing
    endpoint: str | None = None        # filled in from PAGES
    path: str | None = None            # for a page no route renders (the 404 page)


def submit(button=SUBMIT, clear=(), check=()):
    """An action: empty the `clear` fields, tick the `check` inputs, click `button`."""
    def act(page):
        for selector in clear:
            page.fill(selector, "")
        for selector in check:
            page.check(selector)
        buttons = page.locator(button)
        if not buttons.count():
            raise LookupError(f"no button matches {button}")
        with page.expect_navigation() as navigation:
            buttons.first.click()
        return navigation.value
    return act


def with_errors(visit, **changes):
    """The visit's form submitted with its required fields empty: a 422 showing errors."""
    return replace(visit, name=f"{visit.name}-errors", status=422, shows=(ERRORS,),
                   action=changes.pop("action", submit()), **changes)


def _offer(status):
    return lambda world: {"offer_id": world.offers[status]}


def _booking(status):
    return lambda world: {"booking_id": world.bookings[status]}


login = Visit("login", VISITOR)
register = Visit("register", VISITOR)
company_form = Visit("company-form", "company-new")
school_form = Visit("school-form", "teacher-new")
offer_new = Visit("offer-new", "company")
offer_edit = Visit("offer-edit", "company", _offer("draft"))
request_form = Visit("request-form", "teacher", lambda world: {"offer_id": world.requestable_offer})
moderate_company = Visit("moderation-company", "moderator",
                         lambda world: {"company_id": world.pending_company})
moderate_offer = Visit("moderation-offer", "moderator",
                       lambda world: {"offer_id": world.pending_offer})
reject = submit(check=("input[name=decision][value=reject]",))

PAGES = {
    "public.home": [Visit("home", VISITOR)],
    "accounts.login": [login, with_errors(login)],
    "accounts.register": [register, with_errors(register)],
    "organisations.register_company": [company_form, with_errors(company_form)],
    "organisations.register_school": [school_form, with_errors(school_form)],
    "bookings.company_dashboard": [
        Visit("company-dashboard", "company", shows=(BOOKING_LINK, OFFER_LINK)),
        Visit("company-dashboard-empty", "company-empty", hides=(BOOKING_LINK, OFFER_LINK)),
        Visit("company-dashboard-pending", "company-pending"),
    ],
    "offers.create": [offer_new, with_errors(offer_new)],
    "offers.edit": [offer_edit,
                    with_errors(offer_edit, action=submit(clear=("#title", "#description")))],
    "offers.detail": [
        Visit("offer-published-owner", "company", _offer("published")),
        Visit("offer-draft-owner", "company", _offer("draft")),
        Visit("offer-pending-owner", "company", _offer("pending")),
        Visit("offer-rejected-owner", "company", _offer("rejected")),
        Visit("offer-published-visitor", VISITOR, _offer("published")),
        Visit("offer-published-teacher", "teacher", _offer("published"),
              shows=("main a[href*='/aanvragen/aanbod/']",)),
    ],
    "offers.company": [
        Visit("company-page", VISITOR, lambda world: {"company_id": world.company},
              shows=(OFFER_LINK,)),
        Visit("company-page-empty", VISITOR, lambda world: {"company_id": world.empty_company},
              hides=(OFFER_LINK,)),
    ],
    "bookings.mine": [
        Visit("requests", "teacher", shows=(BOOKING_LINK,)),
        Visit("requests-empty", "teacher-empty", hides=(BOOKING_LINK,)),
    ],
    "bookings.request_offer": [request_form, with_errors(request_form)],
    "bookings.detail": [
        Visit("booking-requested-company", "company", _booking("requested"), shows=(DECLINE,)),
        Visit("booking-requested-school", "teacher", _booking("requested"), shows=(WITHDRAW,)),
        Visit("booking-accepted-company", "company", _booking("accepted"), shows=(CANCEL,)),
        Visit("booking-accepted-school", "teacher", _booking("accepted"), shows=(CANCEL,)),
        Visit("booking-declined-school", "teacher", _booking("declined")),
        Visit("booking-withdrawn-company", "company", _booking("withdrawn")),
        Visit("booking-cancelled-school", "teacher", _booking("cancelled")),
        # Declining and cancelling need a reason; withdrawing a request does not, so it has no
        # error state (an empty withdraw would change the world the other visits rely on).
        Visit("booking-decline-errors", "company", _booking("requested"), status=422,
              action=submit(DECLINE), shows=(ERRORS,)),
        Visit("booking-cancel-errors", "teacher", _booking("accepted"), status=422,
              action=submit(CANCEL), shows=(ERRORS,)),
    ],
    "moderation.queue": [
        Visit("moderation-queue", "moderator", shows=(MODERATION_LINK,)),
        Visit("moderation-queue-empty", "moderator-empty", hides=(MODERATION_LINK,)),
        Visit("moderation-queue-admin", "admin", shows=(MODERATION_LINK,)),
        Visit("forbidden", "teacher", status=403),
    ],
    "moderation.company": [moderate_company, with_errors(moderate_company, action=reject)],
    "moderation.offer": [moderate_offer, with_errors(moderate_offer, action=reject)],
    "moderation.audit_log": [Visit("audit-log", "admin")],
    "matching.search": [
        Visit("search", VISITOR, shows=(OFFER_LINK, "main a[href*='page=2']")),
        Visit("search-page-2", VISITOR, lambda world: {"page": 2}, shows=(OFFER_LINK,)),
        Visit("search-no-results", VISITOR, lambda world: {"q": "xylofoonbouwer"},
              hides=(OFFER_LINK,)),
        Visit("search-teacher", "teacher", shows=(OFFER_LINK,)),
    ],
}

# Pages that no route renders.
UNROUTED = [Visit("not-found", VISITOR, path="/bestaat-niet", status=404)]

# The order the walk signs in: each role's pages together, so each role signs in once.
ROLES = (VISITOR, "company", "company-empty", "company-pending", "company-new", "teacher",
         "teacher-empty", "teacher-new", "moderator", "moderator-empty", "admin")


def all_visits():
    visits = [replace(visit, endpoint=endpoint)
              for endpoint, listed in PAGES.items() for visit in listed] + UNROUTED
    return sorted(visits, key=lambda visit: ROLES.index(visit.role))
