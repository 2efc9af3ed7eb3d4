"""Every page of the portal, in the states worth checking, as a registry of browser visits.

PAGES maps each GET endpoint of the URL map to its visits (visits.py says what a visit is);
test_accessibility.py fails when a GET endpoint has none (and is not EXCLUDED), so a new page
cannot go unchecked. The pages of a request's life after the answer, of waiting lists, e-mail,
calendars and accounts are in pages_life.py, merged in below.

No visit changes what the others see: the actions submit forms that are refused, except the
new invitation link on the team page, which adds an invitation (to a new address) each time,
and the new calendar feed address, which replaces the company's feed address each time.
"""
import time
from dataclasses import replace

from portal.offers.rules import ALLOWED_LOCATION_MODES, DETAIL_FIELDS, REQUIRED, TYPE_FIELDS
from portal.taxonomy.codes import OFFER_TYPE_CODES
from tests.e2e.pages_life import LIFE_EXCLUDED, LIFE_PAGES
from tests.e2e.visits import (  # noqa: F401  (FOCUS_WALKED_ERRORS, SUBMIT: for the tests)
    ERRORS,
    FOCUS_WALKED_ERRORS,
    LANGUAGES,
    SUBMIT,
    VISITOR,
    Visit,
    submit,
    with_errors,
)
from tests.e2e.visits import token as _token

# GET endpoints that render no page of their own.
EXCLUDED = {
    "static": "files, not pages",
    "favicon": "the icon file browsers ask /favicon.ico for",
    "public.set_language": "stores the language and redirects",
    "organisations.onboarding": "only redirects to the form or home page of the role",
    "geo.lookup": "answers JSON to the place field's script",
    "organisations.company_logo": "an image (a company's logo), shown on the profile page "
                                  "(company-profile-logo) with its alt text",
    "figures.export": "a CSV file of a table on the figures page (figures-region)",
}

# The request page's buttons post to the page itself, with their action as the button's value.
DECLINE = "main button[value=decline]"
WITHDRAW = "main button[value=withdraw]"
CANCEL = "main button[value=cancel]"
# Links that only a list with entries has.
OFFER_LINK = "main a[href*='/aanbod/']:not([href$='/nieuw'])"
BOOKING_LINK = "main a[href*='/aanvragen/']"
MODERATION_LINK = "main a[href*='/moderatie/bedrijven/'], main a[href*='/moderatie/aanbod/']"
# The queue's bulk approval: a tick box and the button.
TICK = "main input[type=checkbox][name=offer]"
APPROVE_SELECTED = "main #approve-selected"
# Pages with several forms: the button of the one meant.
SLOT_SUBMIT = "main form:has(input[name=kind][value=slot]) button[type=submit]"
SERIES_SUBMIT = "main form:has(input[name=kind][value=series]) button[type=submit]"
HOLIDAY_SUBMIT = "main form:has(input[name=kind][value=add]) button[type=submit]"
IMPORT_SUBMIT = "main form:has(input[name=kind][value=import]) button[type=submit]"
PROFILE_SUBMIT = "main form[action$='/bedrijf/profiel'] button[type=submit]"
LOCATION_ADD = "main form[action$='/bedrijf/locaties'] button[type=submit]"
REMOVE_LOCATION = "main form[action$='/verwijderen'] button"
# The offer page's buttons of its company.
EDIT_LINK = "main a[href$='/bewerken']"
DATES_LINK = "main a[href$='/data']"
PAUSE = "main form[action$='/pauzeren'] button"
RESUME = "main form[action$='/hervatten'] button"
WITHDRAW_LINK = "main a[href$='/intrekken']"
COPY = "main form[action$='/kopieren'] button"
REQUEST_LINK = "main a[href*='/aanvragen/aanbod/']"
# The request's page: its cards and sections.
COUNTER_CARD = "main form[action$='/tegenvoorstel']"
CONTACT = "main #contact-details"
MESSAGES = "main #conversation li"
MESSAGE_FORM = "main form[action$='/bericht']"
# "Needs your action" on the dashboards, and its count in the navigation.
NEEDS_ACTION = "main #needs-action li"
NAV_COUNT = "nav #needs-action-count"
# The team page's buttons.
REMOVE_MEMBER = "main button[value=remove]"
REVOKE = "main button[value=revoke]"
APPROVE_JOIN = "main button[value=approve]"
DECLINE_JOIN = "main button[value=decline]"


def _offer(status):
    return lambda world: {"offer_id": world.offers[status]}


def _of_type(offer_type):
    return lambda world: {"offer_id": world.by_type[offer_type]}


def _booking(status):
    return lambda world: {"booking_id": world.bookings[status]}


def _school(key):
    return lambda world: {"school_id": getattr(world, key)}


# --- offers: the form of each type, its dates, its life --------------------------------------


def _offer_form(offer_type):
    """The form of one type: its own fields there, the other types' fields not."""
    own = TYPE_FIELDS[offer_type]
    return Visit(f"offer-new-{offer_type}", "company", lambda world: {"offer_type": offer_type},
                 shows=tuple(f"main #{name}" for name in own),
                 hides=tuple(f"main #{name}" for name in DETAIL_FIELDS if name not in own))


def _type_errors(visit, offer_type):
    """The form with everything every offer has filled in and the type's own fields left
    empty: the type's required fields each show their error."""
    return with_errors(
        visit, name=f"{visit.name}-type-errors",
        shows=(ERRORS, *(f"main #{name}.is-invalid" for name in REQUIRED[offer_type])),
        action=submit(fill=(("#title", "A11y nieuw aanbod"),
                            ("#description", "Wat leerlingen doen, zien en leren.")),
                      check=("input[name=sector_ids]", "input[name=level_ids]")
                      + (("input[name=location_mode]",)  # a choice only where it has one
                         if len(ALLOWED_LOCATION_MODES[offer_type]) > 1 else ())))


def _offer_create_visits():
    visits = []
    for offer_type in OFFER_TYPE_CODES:
        form = _offer_form(offer_type)
        visits += [form, _type_errors(form, offer_type)]
    # Sent empty: the fields every offer has show their errors (lists of checkboxes too).
    visits.append(with_errors(_offer_form("company_visit"), name="offer-new-errors"))
    return visits


# A request's page of the teacher, for a group activity (slots) and for a placement.
request_form = Visit("request-form", "teacher", lambda world: {"offer_id": world.requestable_offer},
                     shows=("main input[name=slot_id]", "main #group_size", "main #teachers"),
                     hides=("main #wanted_on",))
request_placement = Visit("request-form-placement", "teacher", _of_type("internship"),
                          shows=("main #wanted_on", "main #group_size"),
                          hides=("main input[name=slot_id]", "main #teachers"))

# --- the pages' visits ------------------------------------------------------------------------

login = Visit("login", VISITOR)
register = Visit("register", VISITOR)
company_form = Visit("company-form", "company-new", shows=("main input#place[data-place-lookup]",))
school_form = Visit("school-form", "teacher-new", shows=("main input#place[data-place-lookup]",))
offer_edit = Visit("offer-edit", "company", _offer("draft"))
moderate_company = Visit("moderation-company", "moderator",
                         lambda world: {"company_id": world.pending_company})
moderate_offer = Visit("moderation-offer", "moderator",
                       lambda world: {"offer_id": world.pending_offer})
moderate_revision = Visit("moderation-revision", "moderator", _offer("revised"),
                          shows=("main table", "main input[name=decision]"))
reject = submit(check=("input[name=decision][value=reject]",))
SUSPEND = "main form[action$='/schorsen'] button"
suspend_company = Visit("moderation-company-approved", "moderator",
                        lambda world: {"company_id": world.company}, shows=(SUSPEND,))
report_offer = Visit("report-offer", "teacher", _offer("published"))
report_company = Visit("report-company", "teacher", lambda world: {"company_id": world.company})
CHECK_RIDE = "main button[value=check]"
CANCEL_RIDE = "main form[action$='/annuleren'] button"
RULES_SUBMIT = "main form:has(input[name=kind][value=rules]) button[type=submit]"
BLOCK_SUBMIT = "main form:has(input[name=kind][value=block]) button[type=submit]"


def _bus_visit(world):
    return {"booking_id": world.bus_visit}


def _ride(world):
    return {"ride_id": world.ride}


bus_book = Visit("bus-book", "teacher", _bus_visit, shows=("main select#bus_id",))
bus_ride = Visit("bus-ride", "teacher", _ride, shows=(CANCEL_RIDE,))
bus_settings = Visit("bus-settings", "moderator", shows=("main a[href*='/techniekbus/bussen/']",))
bus_edit = Visit("bus-edit", "moderator", lambda world: {"bus_id": world.bus})
decide_report = Visit("moderation-report", "moderator", lambda world: {"report_id": world.report},
                      shows=("main input[name=decision][value=suspend]",))
accreditation = Visit("accreditation", "company-empty",
                      hides=("main .alert-warning", "main .alert-success"))
slots_page = Visit("slots", "company", _offer("published"),
                   shows=("main table a[href*='/aanbod/datum/']",))
slot_page = Visit("slot", "company", lambda world: {"slot_id": world.slots["free"]},
                  shows=("main button[value=remove]",))
withdraw_page = Visit("offer-withdraw", "company", _offer("with-requests"),
                      shows=("main .alert-warning",))
holidays = Visit("holidays", "admin", shows=("main table button[type=submit]",))
company_profile = Visit("company-profile", "company-empty",
                        hides=("main img", "main form[action$='/opnieuw-indienen']"))
school_profile = Visit("school-profile", "teacher")
locations = Visit("locations", "company-empty", hides=(REMOVE_LOCATION,))
location_edit = Visit("location-edit", "company", lambda world: {"location_id": world.location})
invite = Visit("invite", "company")
hand_over = Visit("hand-over", "company", shows=("main select#membership",))
centres_page = Visit("administration-centres", "admin",
                     shows=("main table a[href*='/beheer/technocentra/']",))
centre_page = Visit("administration-centre", "admin", lambda world: {"centre_id": world.centre},
                    shows=("main details summary", "main #invite-email"))
INVITE_SUBMIT = "main form[action$='/uitnodigen'] button[type=submit]"
join_page = Visit("moderator-join", VISITOR, _token("moderator-invitation"),
                  shows=("main #join-password",))
search_weights = Visit("search-weights", "moderator",
                       shows=("main #region", "main select#school"), hides=("main #preview",))
# The reference data pages: each row's form folded away, the add form below the rows.
reference_sectors = Visit("reference-sectors", "admin",
                          shows=("main details summary", "main #add-sector", "main #topsectors"))
reference_levels = Visit("reference-levels", "admin",
                         shows=("main button[value=up]", "main #add-level"))
reference_qualifications = Visit("reference-qualifications", "admin",
                                 shows=("main form[role=search]", "main #add-qualification"))


def _refused_change(row):
    """An action: open the first `row`'s form, empty its Dutch name and save: the row's form
    comes back open, with its error."""
    def act(page):
        details = page.locator(f"main {row} details").first
        details.locator("summary").click()
        details.locator("input[id$='-name']").fill("")
        with page.expect_navigation() as navigation:
            details.locator("button[type=submit]").click()
        return navigation.value
    return act


def _invite_a_colleague(page):
    """From the team page through the invitation form and back: the new link shows once."""
    with page.expect_navigation():
        page.locator("main a[href$='/team/uitnodigen']").first.click()
    page.fill("#email", f"a11y-link-{time.time_ns()}@e2e.example")
    with page.expect_navigation() as navigation:
        page.locator(SUBMIT).first.click()
    return navigation.value


PAGES = {
    "public.home": [Visit("home", VISITOR)],
    "public.figures": [Visit("figures", VISITOR, shows=("main table td",))],
    "accounts.login": [login, with_errors(login)],
    "accounts.register": [register, with_errors(register)],
    "accounts.registered": [
        Visit("registered", VISITOR, shows=("main a[href$='/account/inloggen']",))],
    "organisations.register_company": [company_form, with_errors(company_form)],
    "organisations.register_school": [school_form, with_errors(school_form)],
    "bookings.company_dashboard": [
        Visit("company-dashboard", "company",
              shows=(BOOKING_LINK, OFFER_LINK, NEEDS_ACTION, NAV_COUNT)),
        Visit("company-dashboard-empty", "company-empty",
              hides=(BOOKING_LINK, OFFER_LINK, NEEDS_ACTION, NAV_COUNT)),
        Visit("company-dashboard-pending", "company-pending"),
    ],
    "offers.choose_type": [
        Visit("offer-types", "company",
              shows=tuple(f"main a[href$='/aanbod/nieuw/{code}']" for code in OFFER_TYPE_CODES),
              hides=("main a[href$='/bedrijf/leerbedrijf']",)),
        Visit("offer-types-not-accredited", "company-empty",
              shows=("main a[href$='/bedrijf/leerbedrijf']",)),
    ],
    "offers.accreditation": [
        accreditation,
        with_errors(accreditation, shows=(ERRORS, "main #sbb_number.is-invalid")),
        Visit("accreditation-waiting", "company-sbb", shows=("main .alert-warning",)),
        Visit("accreditation-accredited", "company", shows=("main .alert-success",)),
    ],
    "offers.create": _offer_create_visits(),
    "offers.edit": [
        offer_edit,
        with_errors(offer_edit, action=submit(clear=("#title", "#description"))),
        Visit("offer-edit-published", "company", _offer("published"),
              shows=("main .alert-info",)),
    ],
    "offers.slots": [
        slots_page,
        Visit("slots-empty", "company", _offer("draft-no-dates"), hides=("main table",)),
        with_errors(slots_page, action=submit(SLOT_SUBMIT),
                    shows=(ERRORS, "main #slot-day.is-invalid")),
        with_errors(slots_page, name="slots-series-errors", action=submit(SERIES_SUBMIT),
                    shows=(ERRORS, "main #series-first.is-invalid")),
    ],
    "offers.slot": [
        slot_page,
        Visit("slot-booked", "company", lambda world: {"slot_id": world.slots["booked"]},
              hides=("main button[value=remove]",)),
        with_errors(slot_page, action=submit("main button[value=change]", clear=("#capacity",)),
                    shows=(ERRORS, "main #capacity.is-invalid")),
    ],
    "offers.detail": [
        Visit("offer-published-owner", "company", _offer("published"),
              shows=(EDIT_LINK, DATES_LINK, PAUSE, WITHDRAW_LINK, COPY)),
        Visit("offer-draft-owner", "company", _offer("draft"),
              shows=(EDIT_LINK, "main form[action$='/indienen'] button"), hides=(PAUSE,)),
        Visit("offer-pending-owner", "company", _offer("pending")),
        Visit("offer-rejected-owner", "company", _offer("rejected"),
              shows=("main .alert-danger",)),
        Visit("offer-paused-owner", "company", _offer("paused"),
              shows=("main .alert-warning", RESUME, WITHDRAW_LINK), hides=(PAUSE,)),
        Visit("offer-withdrawn-owner", "company", _offer("withdrawn"),
              shows=("main .alert-secondary", COPY), hides=(EDIT_LINK, WITHDRAW_LINK)),
        Visit("offer-archived-owner", "company", _offer("archived"),
              shows=("main .alert-secondary", COPY), hides=(EDIT_LINK, DATES_LINK)),
        Visit("offer-revision-owner", "company", _offer("revised"), shows=("main .alert-info",)),
        Visit("offer-published-visitor", VISITOR, _offer("published")),
        Visit("offer-published-teacher", "teacher", _offer("published"), shows=(REQUEST_LINK,)),
        Visit("offer-paused-teacher", "teacher", _offer("paused"),
              shows=("main .alert-warning",), hides=(REQUEST_LINK,)),
        Visit("offer-withdrawn-teacher", "teacher", _offer("withdrawn"), hides=(REQUEST_LINK,)),
        # The facts of every other type (the published-* visits show a guest lesson's).
        *(Visit(f"offer-{offer_type}-teacher", "teacher", _of_type(offer_type),
                shows=(REQUEST_LINK,))
          for offer_type in OFFER_TYPE_CODES if offer_type != "guest_lesson"),
    ],
    "bookings.withdraw_offer": [
        withdraw_page,
        with_errors(withdraw_page, shows=(ERRORS, "main #reason.is-invalid")),
        Visit("offer-withdraw-no-requests", "company", _of_type("company_visit"),
              hides=("main .alert-warning",)),
    ],
    "offers.company": [
        Visit("company-page", VISITOR, lambda world: {"company_id": world.company},
              shows=(OFFER_LINK,)),
        Visit("company-page-empty", VISITOR, lambda world: {"company_id": world.empty_company},
              hides=(OFFER_LINK,)),
    ],
    "bookings.mine": [
        Visit("requests", "teacher", shows=(BOOKING_LINK, NEEDS_ACTION, NAV_COUNT)),
        Visit("requests-empty", "teacher-empty", hides=(BOOKING_LINK, NEEDS_ACTION, NAV_COUNT)),
    ],
    "bookings.request_offer": [
        request_form, with_errors(request_form),
        request_placement, with_errors(request_placement),
        Visit("request-form-paused", "teacher", _offer("paused"),
              shows=("main [role=status]",), hides=("main form[method=post]",)),
        Visit("request-form-open-request", "teacher", _offer("with-requests"),
              shows=("main [role=status] a[href*='/aanvragen/']",),
              hides=("main form[method=post]",)),
    ],
    "bookings.detail": [
        # Contact details appear once a request is accepted, not before.
        Visit("booking-requested-company", "company", _booking("requested"),
              shows=(DECLINE, COUNTER_CARD), hides=(CONTACT,)),
        Visit("booking-requested-school", "teacher", _booking("requested"), shows=(WITHDRAW,),
              hides=(CONTACT, COUNTER_CARD)),
        Visit("booking-accepted-company", "company", _booking("accepted"),
              shows=(CANCEL, CONTACT, MESSAGES, MESSAGE_FORM), hides=(COUNTER_CARD,)),
        Visit("booking-accepted-school", "teacher", _booking("accepted"),
              shows=(CANCEL, CONTACT, MESSAGES, MESSAGE_FORM)),
        Visit("booking-declined-school", "teacher", _booking("declined"),
              hides=(CONTACT, MESSAGE_FORM)),
        Visit("booking-withdrawn-company", "company", _booking("withdrawn"),
              hides=(CONTACT, MESSAGE_FORM)),
        Visit("booking-cancelled-school", "teacher", _booking("cancelled"),
              hides=(MESSAGE_FORM,)),
        # Declining and cancelling need a reason; withdrawing a request does not, so it has no
        # error state (an empty withdraw would change the world the other visits rely on).
        Visit("booking-decline-errors", "company", _booking("requested"), status=422,
              action=submit(DECLINE), shows=(ERRORS,)),
        Visit("booking-cancel-errors", "teacher", _booking("accepted"), status=422,
              action=submit(CANCEL), shows=(ERRORS,)),
    ],
    "moderation.queue": [
        Visit("moderation-queue", "moderator",
              shows=(MODERATION_LINK, TICK, "main a[href*='/moderatie/meldingen/']")),
        # approving with nothing ticked: the error summary above the lists
        Visit("moderation-queue-bulk-errors", "moderator", status=422,
              action=submit(APPROVE_SELECTED), shows=(ERRORS,)),
        Visit("moderation-queue-empty", "moderator-empty", hides=(MODERATION_LINK,)),
        Visit("moderation-queue-admin", "admin", shows=(MODERATION_LINK,)),
        Visit("forbidden", "teacher", status=403),
    ],
    "moderation.company": [
        moderate_company, with_errors(moderate_company, action=reject),
        suspend_company, with_errors(suspend_company, action=submit(SUSPEND)),
        Visit("moderation-company-sbb", "moderator",
              lambda world: {"company_id": world.sbb_company},
              shows=("main form[action$='/leerbedrijf'] button",),
              hides=("main input[name=decision]",)),
    ],
    "moderation.offer": [
        moderate_offer, with_errors(moderate_offer, action=reject),
        moderate_revision, with_errors(moderate_revision, action=reject),
    ],
    "moderation.audit_log": [Visit("audit-log", "admin")],
    "administration.index": [
        Visit("administration", "admin", shows=("main a[href$='/beheer/technocentra']",
                                                "main .alert-warning")),
        Visit("administration-forbidden", "moderator", status=403)],
    "administration.centre_list": [
        centres_page,
        with_errors(centres_page, shows=(ERRORS, "main #centre-name.is-invalid"))],
    "administration.centre": [
        centre_page,
        with_errors(centre_page, action=submit("main form:has(#centre-name) button[type=submit]",
                                               clear=("#centre-name",)),
                    shows=(ERRORS, "main #centre-name.is-invalid")),
        with_errors(centre_page, name="administration-centre-invite-errors",
                    action=submit(INVITE_SUBMIT), shows=(ERRORS, "main #invite-email.is-invalid"))],
    "administration.join": [
        join_page, with_errors(join_page, shows=(ERRORS, "main #join-password.is-invalid"))],
    "partners.mine": [
        Visit("partners-school", "teacher",
              shows=("main details summary", "main form[action$='/intrekken'] button")),
        Visit("partners-company", "company-empty", shows=("main button[value=accept]",)),
        Visit("partners-forbidden", "moderator", status=403)],
    "partners.ask_company": [
        Visit("partners-ask-company", "teacher-empty", lambda world: {"company_id": world.company},
              shows=("main textarea#message",))],
    "partners.ask_school": [
        # the full company and the teacher's school are partners already: the page says so
        Visit("partners-ask-school", "company", lambda world: {"school_id": world.school},
              shows=("main a[href$='/partners']",))],
    "figures.region": [
        Visit("figures-region", "moderator", shows=("main svg[role=img]", "main table")),
        Visit("figures-region-admin", "admin", shows=("main select#regio",)),
        Visit("figures-region-errors", "moderator",
              lambda world: {"periode": "eigen", "van": "2026-12-01", "tot": "2026-11-01"},
              status=400, shows=(ERRORS, "main #tot.is-invalid"))],
    "partners.circles": [Visit("partner-circles", "moderator",
                               shows=("main table a[href*='/bedrijven/']",))],
    "bus.book": [
        bus_book,
        Visit("bus-book-quote", "teacher", _bus_visit, action=submit(CHECK_RIDE),
              shows=("main #ride-quote", "main button[value=confirm]")),
        with_errors(bus_book, action=submit(CHECK_RIDE, clear=("#teachers",)))],
    "bus.ride": [
        bus_ride, with_errors(bus_ride, action=submit(CANCEL_RIDE)),
        Visit("bus-ride-centre", "moderator", _ride, shows=("main select#bus_id",))],
    "bus.schedule": [
        Visit("bus-schedule", "moderator", lambda world: {"week": world.ride_week},
              shows=("main a[href*='/techniekbus/ritten/']",)),
        Visit("bus-schedule-month", "moderator", lambda world: {"maand": world.ride_month},
              shows=("main a[href*='/techniekbus/ritten/']",)),
        Visit("bus-schedule-forbidden", "teacher", status=403)],
    "bus.settings": [
        bus_settings,
        with_errors(bus_settings, action=submit(RULES_SUBMIT, clear=("#rules-price",)),
                    shows=(ERRORS, "main #rules-price.is-invalid"))],
    "bus.edit_bus": [
        bus_edit, with_errors(bus_edit, action=submit(BLOCK_SUBMIT),
                              shows=(ERRORS, "main #block-starts_on.is-invalid"))],
    "reports.report_offer": [
        report_offer, with_errors(report_offer),
        Visit("report-offer-own", "company", _offer("published"), status=403)],
    "reports.report_company": [report_company, with_errors(report_company)],
    "reports.decide": [
        decide_report,
        # suspending needs a note the company reads
        with_errors(decide_report, action=submit(check=("input[name=decision][value=suspend]",)))],
    "moderation.holidays": [
        holidays,
        with_errors(holidays, action=submit(HOLIDAY_SUBMIT),
                    shows=(ERRORS, "main #holiday-region.is-invalid")),
        with_errors(holidays, name="holidays-import-errors", action=submit(IMPORT_SUBMIT),
                    shows=(ERRORS, "main #import-file.is-invalid")),
        Visit("holidays-forbidden", "moderator", status=403),
    ],
    "reference.index": [Visit("reference", "admin",
                              shows=("main a[href$='/beheer/referentie/sectoren']",)),
                        Visit("reference-forbidden", "moderator", status=403)],
    "reference.sectors": [
        reference_sectors,
        with_errors(reference_sectors, action=submit("main #add-sector button[type=submit]"),
                    shows=(ERRORS, "main #new-chamber.is-invalid")),
        with_errors(reference_sectors, name="reference-sectors-change-errors",
                    action=_refused_change("li[id^=sector-]"),
                    shows=(ERRORS, "main details[open] .is-invalid"))],
    "reference.levels": [
        reference_levels,
        with_errors(reference_levels, action=submit("main #add-level button[type=submit]"),
                    shows=(ERRORS, "main #new-code.is-invalid")),
        with_errors(reference_levels, name="reference-levels-change-errors",
                    action=_refused_change("li[id^=level-]"),
                    shows=(ERRORS, "main details[open] .is-invalid"))],
    "reference.qualifications": [
        reference_qualifications,
        with_errors(reference_qualifications,
                    action=submit("main #add-qualification button[type=submit]"),
                    shows=(ERRORS, "main #new-crebo.is-invalid")),
        Visit("reference-qualifications-search", "admin", lambda world: {"q": "monteur"},
              shows=("main li[id^=qualification-]",))],
    "search_weights.edit": [
        search_weights,
        with_errors(search_weights, action=submit(clear=("#region",)),
                    shows=(ERRORS, "main #region.is-invalid")),
        Visit("search-weights-preview", "moderator",
              action=submit("main button[value=preview]", fill=(("#sector", "0"),)),
              shows=("main #preview-current", "main #preview-proposed")),
        Visit("search-weights-admin", "admin", shows=("main select#centrum",)),
        Visit("search-weights-forbidden", "teacher", status=403),
    ],
    "matching.search": [
        Visit("search", VISITOR, shows=(OFFER_LINK, "main a[href*='page=2']")),
        Visit("search-page-2", VISITOR, lambda world: {"page": 2}, shows=(OFFER_LINK,)),
        Visit("search-no-results", VISITOR, lambda world: {"q": "xylofoonbouwer"},
              hides=(OFFER_LINK,)),
        Visit("search-teacher", "teacher", shows=(OFFER_LINK,)),
    ],
    "organisations.company_profile": [
        company_profile,
        with_errors(company_profile, action=submit(PROFILE_SUBMIT, clear=("#name",)),
                    shows=(ERRORS, "main #name.is-invalid")),
        Visit("company-profile-logo", "company",
              shows=("main img[src*='/logo']", "main form[action$='/logo/verwijderen'] button")),
        Visit("company-profile-pending", "company-pending", shows=("main .alert-warning",)),
        Visit("company-profile-rejected", "company-rejected",
              shows=("main .alert-danger", "main form[action$='/opnieuw-indienen'] button")),
    ],
    "organisations.school_profile": [
        school_profile,
        with_errors(school_profile, action=submit(clear=("#name",)),
                    shows=(ERRORS, "main #name.is-invalid")),
    ],
    "organisations.locations": [
        locations,
        with_errors(locations, action=submit(LOCATION_ADD),
                    shows=(ERRORS, "main #name.is-invalid", "main #place.is-invalid")),
        Visit("locations-several", "company", shows=(REMOVE_LOCATION,)),
    ],
    "organisations.edit_location": [
        location_edit,
        # A place the gazetteer does not know, however forgiving of typos.
        with_errors(location_edit, action=submit(fill=(("#place", "Qwxzqwxz"),)),
                    shows=(ERRORS, "main #place.is-invalid")),
    ],
    "teams.team": [
        Visit("team-owner", "company", shows=(REMOVE_MEMBER, REVOKE),
              hides=("#invitation-link", APPROVE_JOIN)),
        Visit("team-new-link", "company", action=_invite_a_colleague, redirects=True,
              shows=("main #invitation-link", REVOKE)),
        Visit("team-member", "company-colleague", shows=("main a[href$='/team/verlaten']",),
              hides=(REMOVE_MEMBER, REVOKE, "main a[href$='/team/uitnodigen']")),
        Visit("team-alone", "company-empty", hides=(REMOVE_MEMBER, REVOKE)),
        Visit("team-school", "teacher", shows=(APPROVE_JOIN, DECLINE_JOIN)),
        Visit("team-school-empty", "teacher-empty", hides=(APPROVE_JOIN, DECLINE_JOIN)),
    ],
    "teams.invite": [
        invite,
        with_errors(invite, shows=(ERRORS, "main #email.is-invalid")),
        Visit("invite-forbidden", "company-colleague", status=403),
    ],
    "teams.hand_over": [
        hand_over,
        with_errors(hand_over, shows=(ERRORS, "main #membership.is-invalid")),
        Visit("hand-over-nobody", "company-empty", shows=("main a[href$='/team/uitnodigen']",),
              hides=("main select#membership",)),
    ],
    "teams.leave": [
        Visit("leave-member", "company-colleague", shows=(SUBMIT,)),
        Visit("leave-owner", "company", shows=("main a[href$='/team/eigenaar']",),
              hides=("main form[method=post]",)),
        Visit("leave-owner-alone", "company-empty", shows=("main a[href$='/team/uitnodigen']",),
              hides=("main form[method=post]",)),
    ],
    "teams.invitation": [
        Visit("invitation-open", "company-new", _token("open"), shows=(SUBMIT,)),
        Visit("invitation-visitor", VISITOR, _token("open"),
              shows=("main a[href*='/account/inloggen']", "main a[href*='/account/registreren']"),
              hides=("main form[method=post]",)),
        Visit("invitation-member", "company-colleague", _token("used"),
              shows=("main a[href$='/team']",), hides=("main form[method=post]",)),
        Visit("invitation-used", VISITOR, _token("used"), status=410,
              hides=("main form[method=post]",)),
        Visit("invitation-revoked", VISITOR, _token("revoked"), status=410),
        Visit("invitation-expired", VISITOR, _token("expired"), status=410),
        Visit("invitation-wrong-role", "teacher", _token("open"), status=403),
        Visit("invitation-wrong-email", "company-sbb", _token("open"), status=403),
        Visit("invitation-has-team", "company-empty", _token("has-team"), status=409,
              shows=("main a[href$='/team/verlaten']",)),
    ],
    "teams.join_school": [
        Visit("join-school", "teacher-new", _school("empty_school"),
              shows=("main button[value=ask]",), hides=("main .alert-warning",)),
        Visit("join-school-declined", "teacher-new", _school("school"),
              shows=("main .alert-warning", "main button[value=ask]")),
        Visit("join-school-waiting", "teacher-joining", _school("school"),
              shows=("main button[value=withdraw]",)),
        Visit("join-school-other", "teacher-joining", _school("empty_school"),
              hides=("main button[value=ask]", "main button[value=withdraw]")),
    ],
}

for _endpoint, _visits in LIFE_PAGES.items():
    PAGES[_endpoint] = PAGES.get(_endpoint, []) + _visits
EXCLUDED.update(LIFE_EXCLUDED)

# Pages that no route renders.
UNROUTED = [Visit("not-found", VISITOR, path="/bestaat-niet", status=404)]

# The order the walk signs in: each role's pages together, so each role signs in once.
ROLES = (VISITOR, "company", "company-colleague", "company-empty", "company-pending",
         "company-rejected", "company-sbb", "company-new", "teacher", "teacher-empty",
         "teacher-new", "teacher-joining", "moderator", "moderator-empty", "admin")


def all_visits():
    """Every visit, sorted by role. A page is walked in English in its first state only: its
    other states (errors, other data) show the same template's words, and walking each of them
    twice would make the walk twice as long for little more."""
    visits = []
    for endpoint, listed in PAGES.items():
        for number, visit in enumerate(listed):
            if number and visit.languages == LANGUAGES:
                visit = replace(visit, languages=LANGUAGES[:1])
            visits.append(replace(visit, endpoint=endpoint))
    return sorted(visits + UNROUTED, key=lambda visit: ROLES.index(visit.role))
