"""The five steps of the portal's journey, by hand in a real browser."""
from datetime import timedelta

from sqlalchemy import select

from portal import security
from portal.db import local_today
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from tests import factories
from tests.outbox import link_in


def _world():
    centre = factories.technocentrum(("NL-ZE", "BE-VLG"), name="Technocentrum Zeeland")
    moderator = factories.moderator(centre)
    teacher = factories.user(security.TEACHER, email="docent@e2e.example")
    factories.school(teacher, place="Middelburg (Zeeland)")
    other = factories.user(security.TEACHER, email="docent2@e2e.example")
    factories.school(other, place="Goes")
    return moderator.email, teacher.email, other.email


def _confirmation_link(email):
    """The address of the link in the newest confirmation e-mail to `email`."""
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == "account.confirm_email",
                                    OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id.desc())).first()
    return "/account/bevestigen/" + link_in(message, "/account/bevestigen")


def _login(context, base, email):
    page = context.new_page()
    page.goto(f"{base}/account/inloggen")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("main form button[type=submit]")
    return page


def _check_label(page, text):
    page.locator("label", has_text=text).first.click()


def test_company_moderator_teacher_journey(browser, live_server, in_live_app, shots):
    moderator_email, teacher_email, other_email = in_live_app(_world)
    base = live_server

    # 1. A company member registers, registers the company and an offer, and submits it.
    company = browser.new_context(viewport={"width": 1280, "height": 900})
    page = company.new_page()
    page.goto(f"{base}/account/registreren")
    page.check("input[name=role][value=company_member]")
    page.fill("#full_name", "Sanne de Wit")
    page.fill("#email", "sanne@e2e.example")
    page.fill("#password", "lang-genoeg-wachtwoord")
    page.fill("#password_again", "lang-genoeg-wachtwoord")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/registreren/verstuurd")
    assert "sanne@e2e.example" in page.content()
    # The link in the confirmation e-mail signs the new account in.
    page.goto(base + in_live_app(_confirmation_link, "sanne@e2e.example"))
    page.click("main form button[type=submit]")
    page.wait_for_url("**/bedrijf/registreren")
    page.fill("#name", "Walcheren Lastechniek")
    page.fill("#number", "61234567")
    page.fill("#place", "Vlisingen")
    _check_label(page, "Metaal")
    shots(page, "01-company-form")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/bedrijf")
    assert "Vlissingen (Zeeland)" in page.content()
    shots(page, "02-company-dashboard")

    # The type first, then that type's form; a company visit happens on dates (slots).
    page.goto(f"{base}/aanbod/nieuw")
    page.click("main a[href$='/aanbod/nieuw/company_visit']")
    page.wait_for_url("**/aanbod/nieuw/company_visit")
    assert page.locator("#capacity").count() == 0  # places are for placements
    page.fill("#title", "Rondleiding in de laswerkplaats")
    page.fill("#description", "Leerlingen zien hoe we lassen en proberen de lassimulator.")
    _check_label(page, "Metaal")
    _check_label(page, "VMBO kader")
    page.fill("#max_group_size", "30")
    page.fill("#duration_minutes", "120")
    page.fill("#safety_rules", "Veiligheidsbril op in de werkplaats.")
    shots(page, "03-offer-form")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/aanbod/*/data")
    offer_url = page.url.removesuffix("/data")

    # Not yet: without a date the offer cannot be submitted.
    page.goto(offer_url)
    page.click("form[action$='/indienen'] button")
    page.wait_for_load_state()
    assert page.locator("main .alert-danger").count() == 1
    page.goto(f"{offer_url}/data")
    page.fill("#slot-day", (local_today() + timedelta(days=10)).isoformat())
    page.fill("#slot-starts_at", "09:00")
    page.fill("#slot-ends_at", "11:30")
    page.fill("#slot-capacity", "24")  # one class: full once it is accepted
    page.click("main form:has(input[name=kind][value=slot]) button[type=submit]")
    page.wait_for_url("**/aanbod/*/data")
    assert page.locator("main table tbody tr").count() == 1
    shots(page, "04-offer-dates")
    page.goto(offer_url)
    page.click("form[action$='/indienen'] button")
    page.wait_for_load_state()
    assert page.locator("main .badge", has_text="Wordt gecontroleerd").count() == 1
    shots(page, "05-offer-submitted")

    # 2. The moderator of the region approves the company and the offer.
    moderation = browser.new_context()
    mod = _login(moderation, base, moderator_email)
    mod.goto(f"{base}/moderatie")
    shots(mod, "06-moderation-queue")
    mod.click("a.fw-semibold:has-text('Walcheren Lastechniek')")
    mod.check("input[name=decision][value=approve]")
    mod.click("main form button[type=submit]")
    mod.wait_for_url("**/moderatie")
    mod.click("a.fw-semibold:has-text('Rondleiding in de laswerkplaats')")
    mod.check("input[name=decision][value=approve]")
    mod.click("main form button[type=submit]")
    mod.wait_for_url("**/moderatie")

    # 3. A teacher searches with a typo, sees distance and reasons, and requests the offer.
    school = browser.new_context(viewport={"width": 390, "height": 844})  # a phone
    teacher = _login(school, base, teacher_email)
    teacher.goto(f"{base}/zoeken?q=rondleidnig&max_km=25")
    result = teacher.locator("li.result", has_text="Rondleiding in de laswerkplaats")
    assert result.count() == 1
    assert "km" in result.inner_text()
    assert result.locator(".reason").count() >= 2
    shots(teacher, "07-search-phone")
    result.locator("h3 a").click()
    teacher.click("a[href*='/aanvragen/aanbod/']")
    teacher.locator("input[name=slot_id]").first.check()  # its one date
    teacher.fill("#group_size", "24")
    teacher.fill("#teachers", "2")
    teacher.select_option("#level_id", label="VMBO kader")
    teacher.fill("#message", "Wij komen met klas 3 kader.")
    teacher.click("main form button[type=submit]")
    teacher.wait_for_url("**/aanvragen/*")
    booking_url = teacher.url
    assert teacher.locator("#booking-status .text-bg-warning").count() == 1

    # 4. The company accepts; the teacher sees the new status.
    page.goto(f"{base}/bedrijf")
    page.click(f"a[href$='{booking_url.removeprefix(base)}']")
    page.fill("#message", "Welkom, meld u bij de receptie.")
    page.click("button[value=accept]")
    page.wait_for_load_state()
    assert page.locator("#booking-status .text-bg-success").count() == 1
    teacher.goto(booking_url)
    assert teacher.locator("#booking-status .text-bg-success").count() == 1
    shots(teacher, "08-booking-accepted-phone")

    # The class filled the only date: another school is told so instead of getting a form.
    other = _login(browser.new_context(), base, other_email)
    other.goto(offer_url.replace("/aanbod/", "/aanvragen/aanbod/"))
    assert other.locator("main [role=status]").count() == 1
    assert other.locator("input[name=slot_id]").count() == 0
    shots(other, "09-request-when-full")


def test_keyboard_reaches_the_skip_link_first(browser, live_server):
    page = browser.new_page()
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.close()
