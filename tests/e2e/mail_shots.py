"""Screenshots of the HTML e-mail: one message of each kind, in Dutch and English, rendered by
Chromium at a desktop's width (1280) and a phone's (390), and checked with axe.

    python -m tests.e2e.mail_shots /tmp/mail_shots

Not a test that always runs: a tool to look at the mail layout (templates/mail/_layout.html)
after changing it. The messages are the real ones, written by the services to the outbox: the
demo data set (portal.seeding.demo) on one new SQLite database, then the accessibility walk's
world (tests/e2e/world.py) and the steps that world does not take (reminders, the daily digest,
a waiting-list offer taken...) on another. Each kind is captured the first time it is written,
in its recipient's language and, rendered from the same context, in the other language.

Writes <kind>.<locale>.html and <kind>.<locale>-desktop.png / -phone.png to the folder, and
prints the axe violations per message and the kinds of templates/mail that no step wrote.
"""
import sys
import tempfile
import traceback
from datetime import datetime, time, timedelta
from pathlib import Path

from portal import create_app
from portal.config import TestingConfig
from portal.db import PORTAL_TIMEZONE, local_today, utcnow
from portal.extensions import db
from portal.notifications import outbox
from portal.seeding.reference import load_reference
from tests.browser import CHROMIUM_ARGS, chromium_path

LOCALES = ("nl", "en")
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
MAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"

# (kind, locale) -> (subject, html), the first message of each kind written.
CAPTURED = {}


def _capturing(render):
    """outbox.render_message, keeping the first message of each kind in both languages."""
    def capture(kind, locale, **context):
        result = render(kind, locale, **context)
        for other in LOCALES:
            if (kind, other) not in CAPTURED:
                written = result if other == locale else render(kind, other, **context)
                CAPTURED[kind, other] = (written[0], written[2])
        return result
    return capture


def _app(folder, name):
    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{Path(folder) / f'{name}.sqlite'}"
        SERVER_NAME = None
    return create_app(Config)


def _step(label, work, *args):
    """One step of the scenario; a step that fails (an interface changed) costs only its
    messages, and says why."""
    try:
        work(*args)
    except Exception:  # noqa: BLE001 (a tool: report and go on)
        db.session.rollback()
        print(f"step {label!r} failed:\n{traceback.format_exc(limit=3)}", file=sys.stderr)


def _demo():
    from portal.seeding.demo import load_demo

    load_demo()


def _walk_world():
    from tests.e2e import world

    return world.build()


# --- what the walk's world does not do --------------------------------------------------------


def _users(the_world, *keys):
    from portal.accounts.services import find_user_by_email

    return [find_user_by_email(the_world.logins[key]) for key in keys]


def _reminders_and_outcomes(the_world):
    """An accepted request for tomorrow (the reminder) and the world's requests whose date
    passed ("did it take place?"), as the time-driven command finds them."""
    from portal.bookings import due
    from portal.organisations.models import Company
    from tests import factories

    (teacher,) = _users(the_world, "teacher-empty")
    company = db.session.get(Company, the_world.company)
    offer = factories.offer(company, title="Rondleiding morgen")
    slot = factories.slot(offer, days=1)
    booking = factories.booking(offer, teacher, slot_id=slot.id)
    factories.accepted(booking)
    due.send_reminders(utcnow())
    due.ask_outcomes(utcnow())


def _counter_answers(the_world):
    """The world's counter-proposal taken, and another one declined."""
    from portal.bookings import counter
    from portal.bookings.models import Booking
    from portal.organisations.models import Company
    from tests import factories

    owner, teacher, other = _users(the_world, "company", "teacher", "teacher-empty")
    proposed = db.session.get(Booking, the_world.bookings["counter_proposed"])
    counter.accept_counter_proposal(actor=teacher, booking=proposed,
                                    message="Prima, dan komen we een week later.")
    company = db.session.get(Company, the_world.company)
    offer = factories.offer(company, title="Open werkplaats")
    asked = factories.booking(offer, other)
    counter.counter_propose(actor=owner, booking=asked, group_size=12,
                            message="Wij hebben plaats voor twaalf leerlingen.")
    counter.decline_counter_proposal(actor=other, booking=asked,
                                     message="Dan komen we liever met de hele klas later.")


def _offer_changes(the_world):
    """An offer with an open request paused and resumed; a proposed change approved, and
    another rejected."""
    from portal.moderation import services as moderation
    from portal.offers import lifecycle
    from portal.offers.models import Offer
    from tests import factories

    (owner,) = _users(the_world, "company")
    asked = db.session.get(Offer, the_world.offers["with-requests"])
    lifecycle.pause_offer(actor=owner, offer=asked, reason="De werkplaats wordt verbouwd.")
    lifecycle.resume_offer(actor=owner, offer=asked)
    revised = db.session.get(Offer, the_world.offers["revised"])
    moderation.approve_offer(actor=factories.admin(), offer=revised)
    factories.revise(revised, title="A11y aanbod 204: robots en nog eens robots")
    moderation.reject_offer(actor=factories.admin(), offer=revised,
                            reason="Beschrijf wat leerlingen zelf doen.")


def _team_and_account(the_world):
    """The owner hands the company over; a teacher changes their password."""
    from portal.accounts import preferences
    from portal.organisations import teams
    from portal.organisations.models import Company
    from tests import factories

    owner, colleague, teacher = _users(the_world, "company", "company-colleague", "teacher")
    company = db.session.get(Company, the_world.company)
    membership = next(m for m in company.memberships if m.user_id == colleague.id)
    teams.hand_over_ownership(actor=owner, organisation=company, membership=membership)
    preferences.change_password(actor=teacher, current_password=factories.PASSWORD,
                                new_password=factories.PASSWORD)


def _waiting_lists(the_world):
    """The room offered from the line taken; the full offer withdrawn, closing its line."""
    from portal.bookings import waitlist
    from portal.bookings.offer_life import withdraw_offer
    from portal.offers.models import Slot

    teacher, owner = _users(the_world, "teacher", "company")
    waitlist.take_offered_room(actor=teacher, token=the_world.tokens["waitlist-open"],
                               now=utcnow())
    full = db.session.get(Slot, the_world.slots["full"]).offer
    withdraw_offer(actor=owner, offer=full, reason="De machine is verkocht.")


def _digest(the_world):
    """A company member with the daily digest gets a new request in it."""
    from portal.accounts import preferences
    from portal.notifications.digest import send_digests
    from portal.notifications.outbox import CATEGORIES
    from portal.offers.models import Offer
    from tests import factories

    owner, teacher = _users(the_world, "company-colleague", "teacher-empty")
    preferences.set_mail_choices(actor=owner, receive=list(CATEGORIES), digest=True)
    offer = db.session.get(Offer, the_world.requestable_offer)
    factories.booking(offer, teacher, slot_id=offer.slots[0].id)
    noon = datetime.combine(local_today(), time(12, 0), tzinfo=PORTAL_TIMEZONE)
    send_digests(now=noon + timedelta(days=1))


EXTRA_STEPS = (_reminders_and_outcomes, _counter_answers, _offer_changes, _team_and_account,
               _waiting_lists, _digest)


def capture(folder):
    """Run the scenario on two new databases in `folder`, capturing every kind written."""
    original = outbox.render_message
    outbox.render_message = _capturing(original)
    try:
        app = _app(folder, "demo")
        with app.app_context():
            db.create_all()
            load_reference()
            _step("demo data", _demo)
            db.session.remove()
        app = _app(folder, "world")
        with app.app_context():
            db.create_all()
            load_reference()
            the_world = _walk_world()
            for step in EXTRA_STEPS:
                _step(step.__name__, step, the_world)
            db.session.remove()
    finally:
        outbox.render_message = original


# --- in Chromium ------------------------------------------------------------------------------


def shoot(folder):
    """Each captured message as an HTML file, its screenshots, and its axe violations."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    axe, problems = Axe(), {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=CHROMIUM_ARGS)
        page = browser.new_page()
        for (kind, locale), (_subject, html) in sorted(CAPTURED.items()):
            path = Path(folder) / f"{kind}.{locale}.html"
            path.write_text(html, encoding="utf-8")
            for width, viewport in WIDTHS.items():
                page.set_viewport_size(viewport)
                page.goto(path.as_uri())
                page.screenshot(path=str(Path(folder) / f"{kind}.{locale}-{width}.png"),
                                full_page=True)
                page.evaluate(axe.axe_script)
                found = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
                scroll = page.evaluate("document.documentElement.scrollWidth")
                for violation in found["violations"]:
                    targets = [" ".join(map(str, n["target"])) for n in violation["nodes"]]
                    problems.setdefault(f"{kind}.{locale}", set()).add(
                        f"{width}: {violation['id']} on {', '.join(targets[:3])}")
                if scroll > viewport["width"]:
                    problems.setdefault(f"{kind}.{locale}", set()).add(
                        f"{width}: {scroll}px wide in a window of {viewport['width']}px")
        browser.close()
    return problems


def main(argv):
    folder = Path(argv[0] if argv else tempfile.mkdtemp(prefix="mail_shots_"))
    folder.mkdir(parents=True, exist_ok=True)
    if chromium_path() is None:
        print("Chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as databases:
        capture(databases)
    problems = shoot(folder)
    kinds = {kind for kind, _ in CAPTURED}
    templates = {p.stem for p in MAIL_TEMPLATES.glob("*.txt")}
    print(f"{len(CAPTURED)} messages of {len(kinds)} kinds written to {folder}")
    for kind in sorted(templates - kinds):
        print(f"  not written by any step: {kind}")
    for message, found in sorted(problems.items()):
        print(f"  {message}: " + "; ".join(sorted(found)))
    if not problems:
        print("  axe: no WCAG A/AA violations; no message wider than its window")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
