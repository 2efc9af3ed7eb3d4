"""The place field in a real browser: choosing a suggestion fills its hidden id, typing anything
else clears it, and the place chosen is the one stored (static/js/place-lookup.js)."""
from sqlalchemy import select

from portal import security
from portal.extensions import db
from portal.geo.models import Place, Province
from tests import factories


def _world():
    member = factories.user(security.COMPANY_MEMBER, email="plaatskeuze@e2e.example")
    tielts = db.session.scalars(select(Place).join(Place.province).where(
        Place.name == "Tielt", Province.code == "BE-VLG").order_by(Place.population.desc()))
    return member.email, [(place.id, place.label) for place in tielts]


def test_choosing_the_smaller_tielt_stores_it(browser, live_server, in_live_app):
    email, [(_town_id, town_label), (village_id, village_label)] = in_live_app(_world)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server}/account/inloggen")
    page.fill("#email", email)
    page.fill("#password", factories.PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/bedrijf/registreren")
    page.fill("#name", "Hageland Hout")
    page.fill("#number", "61239876")

    page.locator("#place").press_sequentially("Tielt", delay=30)
    page.wait_for_function(
        "labels => labels.every(l => [...document.querySelectorAll('datalist option')]"
        ".some(o => o.value === l))", arg=[town_label, village_label])
    assert page.input_value("#place_id") == ""  # a name shared by two places chooses nothing

    page.fill("#place", village_label)  # what picking the suggestion does to the text
    assert page.input_value("#place_id") == str(village_id)
    page.locator("#place").press("End")
    page.locator("#place").press_sequentially("x")
    assert page.input_value("#place_id") == ""  # typed on: no longer that place
    page.locator("#place").press("Backspace")
    assert page.input_value("#place_id") == str(village_id)

    page.locator("label", has_text="Metaal").first.click()
    page.click("main form button[type=submit]")
    page.wait_for_url("**/bedrijf")
    assert village_label in page.content()
