"""Every page, in every role and state, in a real browser: WCAG 2.0/2.1 A and AA by axe-core,
on a desktop (1280x800) in Dutch and English and on a phone (390x844) in Dutch; no sideways
scrolling on the phone nor on the desktop in either language; and a visible focus (3:1) on
every element of the page's tab order (pages showing a form's errors: a representative few,
see visits.py).

The walk runs once per session (tests/e2e/walk.py) and the tests read its outcome, one test per
page state, so `-k moderation-queue` walks just that page. Each run writes its findings to
/tmp/a11y-report.txt (PORTAL_A11Y_REPORT names another file); PORTAL_SCREENSHOTS names a folder
for screenshots of every page in every variant.
"""
import os
import time

import pytest

from tests.e2e import report, world
from tests.e2e.pages import EXCLUDED, FOCUS_WALKED_ERRORS, PAGES, all_visits
from tests.e2e.walk import Walker


def walked_here(visits, part=None):
    """The visits this run walks. `make test` splits the walk over its two runs, which run side
    by side: PORTAL_WALK_SLICE="0:0.6" walks the first 60% of the visits (they come sorted by
    role, so each part signs in each of its roles once), "0.6:1" the rest. Unset: all."""
    if not part:
        return visits
    start, end = (float(bound) for bound in part.split(":"))
    return visits[round(start * len(visits)):round(end * len(visits))]


VISITS = walked_here(all_visits(), os.environ.get("PORTAL_WALK_SLICE"))


@pytest.fixture(scope="session")
def a11y_world(in_live_app_once):
    return in_live_app_once(world.build)


@pytest.fixture(scope="session")
def walker(browser, live_server, live_app, a11y_world):
    walker = Walker(browser, live_server, live_app, a11y_world)
    started = time.monotonic()
    yield walker
    walker.close()
    if walker.outcomes:
        report.write(walker.outcomes.values(), time.monotonic() - started)


def test_every_page_has_a_visit(live_app):
    get_endpoints = {rule.endpoint for rule in live_app.url_map.iter_rules()
                     if "GET" in rule.methods}
    missing = sorted(get_endpoints - set(EXCLUDED) - set(PAGES))
    assert not missing, f"GET endpoints without a visit in tests/e2e/pages.py: {missing}"
    gone = sorted((set(EXCLUDED) | set(PAGES)) - get_endpoints)
    assert not gone, f"tests/e2e/pages.py names endpoints the app has no GET route for: {gone}"


def test_visit_names_are_unique():
    names = [visit.name for visit in all_visits()]
    assert len(names) == len(set(names))
    assert set(names) >= FOCUS_WALKED_ERRORS


def _fail_if(found, heading, describe, outcome):
    """Fail with the walk's own words: first if it did not reach the page as intended (then its
    other findings prove nothing), then if it `found` something on it."""
    if outcome.broken:
        pytest.fail("The walk did not reach this page as intended, so it proves nothing:\n"
                    + report.describe_broken(outcome), pytrace=False)
    if found:
        pytest.fail(f"{heading}:\n{describe(outcome)}", pytrace=False)


@pytest.mark.parametrize("visit", VISITS, ids=lambda visit: visit.name)
def test_page_meets_wcag_a_and_aa(walker, visit):
    outcome = walker.outcome(visit)
    _fail_if(outcome.violations, "axe found WCAG 2.0/2.1 A or AA violations",
             report.describe_violations, outcome)


@pytest.mark.parametrize("visit", VISITS, ids=lambda visit: visit.name)
def test_page_does_not_scroll_sideways(walker, visit):
    outcome = walker.outcome(visit)
    _fail_if(outcome.overflow, "The page scrolls sideways (on a phone, or in a desktop window)",
             report.describe_overflow, outcome)


@pytest.mark.parametrize("visit", VISITS, ids=lambda visit: visit.name)
def test_page_shows_where_the_focus_is(walker, visit):
    outcome = walker.outcome(visit)
    _fail_if(outcome.focus, "Tab reaches elements whose focus is not visible",
             report.describe_focus, outcome)


def test_the_two_parts_of_a_split_walk_cover_every_visit_once():
    visits = all_visits()
    first, second = walked_here(visits, "0:0.6"), walked_here(visits, "0.6:1")
    assert first + second == visits and first and second
    assert walked_here(visits, None) == visits
