"""What every route answers to every session: the expectations of test_authorization_matrix.py.

One entry per endpoint of the URL map (EXCLUDED names the few left out, and why). An entry says,
per method, per case kind, what each session gets. A case kind names objects of the world
(tests/views/authz_world.py): "offer.draft" is the draft offer of side a and that of side b,
each a case of its own; `None` is the one case of a route without an argument. Where a route
takes no argument, the kind's object goes into the POST's form data (`data`).

The rules of a case map a session's tag to its answer. A session's tags run from its own name
("owner_a") over its kind ("company_owner", "company") to "signed_in"; the first tag the rules
name decides, and "<tag>:own" applies only to an object of the session's own side. "*" is the
rest. The answers: a status; LOGIN (a redirect to the sign-in page); or a path redirected to,
with "{id}" for the case's id and "*" for any one part.

How the portal refuses, as the matrix pins it down:
- a visitor on a page that needs an account: LOGIN;
- a signed-in user of a role the page is not for: 403;
- a user of the right role asking for an object that is not theirs (another company's offer,
  another school's request, another region's company): 404, as if it did not exist;
- an id the URL converter refuses (tests/views/test_malformed_ids.py): 404 for everyone.
"""
import fnmatch
from dataclasses import dataclass, field

from tests.views.helpers import location

LOGIN = "login"
SIDES = ("a", "b")


@dataclass(frozen=True)
class Route:
    get: dict | None = None   # case kind -> rules; None: the route takes no GET
    post: dict | None = None  # the same for a POST with a valid CSRF token
    # case kind -> value -> the form data of the POST (beside its CSRF token). Where given, it is
    # a form the rightful session sends successfully: the others' refusal is not a typo's.
    data: dict = field(default_factory=dict)
    # Tables a POST answered 200 may change (an export is logged); others must stay as they are.
    logs: tuple = ()
    # Kinds of private names (authz_world._secrets) the page shows to whoever reaches it.
    shows: tuple = ()


def cases_of(entry, method, world):
    """(kind, case name, side, value) of each case of the entry's `method`."""
    found = []
    for kind in getattr(entry, method.lower()):
        if kind is None:
            found.append((None, "-", None, None))
        elif f"{kind}.a" in world.ids:
            found += [(kind, f"{kind}.{side}", side, world.ids[f"{kind}.{side}"])
                      for side in SIDES]
        else:
            found.append((kind, kind, None, world.ids[kind]))
    return found


def expected(rules, person, side):
    """The answer the rules give `person` on an object of `side`."""
    for tag in person.tags:
        if side is not None and side == person.side and f"{tag}:own" in rules:
            return rules[f"{tag}:own"]
        if tag in rules:
            return rules[tag]
    return rules["*"]


def answer(response):
    """What a response says, as the matrix writes it: a status, or "/path" for a redirect."""
    if response.status_code in (301, 302, 303):
        target = location(response).split("?")[0]
        return LOGIN if target == "/account/inloggen" else target
    return response.status_code


def matches(want, got, value):
    """Whether the answer `got` is the `want` of the matrix for a case of `value`."""
    if isinstance(want, str) and want != LOGIN and isinstance(got, str):
        return fnmatch.fnmatchcase(got, want.replace("{id}", str(value)))
    return want == got


# Who gets what, for the kinds of page that recur.
ANYONE = {"*": 200}
SIGNED_IN = {"anon": LOGIN, "*": 200}
ADMIN_ONLY = {"anon": LOGIN, "admin": 200, "*": 403}
STAFF = {"anon": LOGIN, "staff": 200, "*": 403}
TO_COMPANY_FORM = "/bedrijf/registreren"
TO_SCHOOL_FORM = "/school/registreren"


def company_page(ok, companyless=TO_COMPANY_FORM):
    """A company member's page of their own company (no id): others of the portal 403."""
    return {"anon": LOGIN, "company": ok, "companyless": companyless, "*": 403}


def school_page(ok, schoolless=TO_SCHOOL_FORM):
    return {"anon": LOGIN, "school": ok, "schoolless": schoolless, "*": 403}


def own_company_object(ok):
    """A company member's page of an object of their company (an id): another company's 404."""
    return {"anon": LOGIN, "company:own": ok, "company": 404, "companyless": 404, "*": 403}


def own_school_object(ok):
    return {"anon": LOGIN, "school:own": ok, "school": 404, "schoolless": 404, "*": 403}


def party_of(ok):
    """A request's page: its two parties (the school's and the company's members)."""
    return {"anon": LOGIN, "school:own": ok, "company:own": ok, "school": 404, "company": 404,
            "schoolless": 404, "companyless": 404, "*": 403}


def REPORTER(ok):  # noqa: N802  (reads as a constant of the matrix, like STAFF)
    """A report: anyone signed in but the members of the company."""
    return {"anon": LOGIN, "company:own": 403, "*": ok}


def PARTNER(ok):  # noqa: N802  (reads as a constant of the matrix, like STAFF)
    """A partnership: its school's members; others of the right roles: 404."""
    return {"anon": LOGIN, "school:own": ok, "school": 404, "company": 404, "schoolless": 404,
            "companyless": 404, "*": 403}


BUS_BOOKING = {"anon": LOGIN, "school:own": "/techniekbus/ritten/*", "school": 404,
               "schoolless": 404, "*": 403}


def RIDE_PARTY(ok):  # noqa: N802  (reads as a constant of the matrix, like STAFF)
    """A Techniekbus ride: its school, and the moderators of the bus's Technocentrum."""
    return {"anon": LOGIN, "school:own": ok, "moderator:own": ok, "admin": ok, "school": 404,
            "schoolless": 404, "moderator": 404, "*": 403}


def to_manage_bus(ok):
    """A bus (or its period): its Technocentrum's moderators and the administrator."""
    return {"anon": LOGIN, "moderator:own": ok, "admin": ok, "moderator": 404, "*": 403}


def to_moderate(ok):
    """A moderator's page of a company or offer of their region; the administrator's anywhere."""
    return {"anon": LOGIN, "moderator:own": ok, "admin": ok, "moderator": 404, "*": 403}


SEEN_BY_ITS_COMPANY_AND_MODERATOR = {"company:own": 200, "moderator:own": 200, "admin": 200,
                                     "*": 404}
# A company waiting for its moderator (none of the sessions works for it).
SEEN_BY_ITS_MODERATOR = {"moderator:own": 200, "admin": 200, "*": 404}
TEAM = {"anon": LOGIN, "company": 200, "school": 200, "companyless": "/welkom",
        "schoolless": "/welkom", "*": 403}
TEAM_OWNER = {"anon": LOGIN, "company_owner": 200, "school_owner": 200,
              "company_member": 403, "school_member": 403, "companyless": "/welkom",
              "schoolless": "/welkom", "*": 403}
SETTINGS_FORM = {"anon": LOGIN, "*": 422}

MATRIX = {
    # --- public ---------------------------------------------------------------------------
    "public.home": Route(get={None: {"anon": 200, "company": "/bedrijf",
                                     "companyless": "/bedrijf", "school": "/zoeken",
                                     "schoolless": "/zoeken", "staff": "/moderatie"}}),
    "public.set_language": Route(get={"lang.en": {"*": "/"}}),
    "public.figures": Route(get={None: ANYONE}),
    "favicon": Route(get={None: ANYONE}),
    "geo.lookup": Route(get={None: ANYONE}),
    "matching.search": Route(get={None: ANYONE}),

    # --- accounts (the lead's; the answers of a session to its own account) ----------------
    "accounts.login": Route(get={None: ANYONE}, post={None: {"*": 422}}),
    "accounts.register": Route(get={None: {"anon": 200, "*": "/"}},
                               post={None: {"anon": 422, "*": "/"}}),
    "accounts.registered": Route(get={None: ANYONE}),
    "accounts.logout": Route(post={None: {"anon": LOGIN, "*": "/"}}),
    "accounts.forgot_password": Route(get={None: ANYONE}, post={None: {"*": 422}}),
    "accounts.reset_password": Route(get={"token.unknown": {"*": 404}},
                                     post={"token.unknown": {"*": 404}}),
    "accounts.confirm_email": Route(get={"token.unknown": {"*": 404}},
                                    post={"token.unknown": {"*": 404}}),
    "accounts.resend_confirmation": Route(post={None: {"anon": LOGIN,
                                                       "*": "/account/instellingen"}}),
    "accounts.settings": Route(get={None: SIGNED_IN}),
    "accounts.change_email": Route(post={None: SETTINGS_FORM}),
    "accounts.change_password": Route(post={None: SETTINGS_FORM}),
    "accounts.save_language": Route(post={None: SETTINGS_FORM}),
    "accounts.save_mail_choices": Route(post={None: {"anon": LOGIN,
                                                     "*": "/account/instellingen"}}),
    "accounts.end_other_sessions": Route(post={None: {"anon": LOGIN,
                                                      "*": "/account/instellingen"}}),
    # --- privacy (the lead's): only one's own data, never another's (no id in the address)
    "privacy.policy": Route(get={None: ANYONE}),
    "privacy.account": Route(get={None: SIGNED_IN}),
    "privacy.export": Route(post={None: SIGNED_IN}, logs=("audit_events",)),
    "privacy.delete": Route(get={None: SIGNED_IN}, post={None: SETTINGS_FORM}),

    # --- organisations: registering, profiles, locations, logos -----------------------------
    "organisations.onboarding": Route(get={None: {
        "anon": LOGIN, "company": "/bedrijf", "companyless": TO_COMPANY_FORM,
        "school": "/zoeken", "schoolless": TO_SCHOOL_FORM, "staff": "/"}}),
    "organisations.register_company": Route(
        get={None: company_page("/bedrijf", companyless=200)},
        post={None: company_page("/bedrijf", companyless=422)}),
    "organisations.register_school": Route(
        get={None: school_page("/zoeken", schoolless=200)},
        post={None: school_page("/zoeken", schoolless=422)}),
    "organisations.company_profile": Route(get={None: company_page(200)},
                                           post={None: company_page(422)}),
    "organisations.resubmit_company": Route(post={None: company_page(422)}),
    "organisations.upload_logo": Route(post={None: company_page(422)}),
    "organisations.remove_logo": Route(post={None: company_page("/bedrijf/profiel")}),
    "organisations.school_profile": Route(get={None: school_page(200)},
                                          post={None: school_page("/school/profiel")}),
    "organisations.locations": Route(get={None: company_page(200)},
                                     post={None: company_page(422)}),
    # A POST without fields keeps what the form was filled in with: saved unchanged.
    "organisations.edit_location": Route(get={"location": own_company_object(200)},
                                         post={"location": own_company_object(
                                             "/bedrijf/locaties")}),
    "organisations.remove_location": Route(
        post={"location": own_company_object("/bedrijf/locaties")}),
    "organisations.company_logo": Route(get={"company": ANYONE,
                                             "company.pending": SEEN_BY_ITS_MODERATOR}),
    "offers.company": Route(get={"company": ANYONE,
                                 "company.pending": SEEN_BY_ITS_MODERATOR}),

    # --- teams ------------------------------------------------------------------------------
    "teams.team": Route(
        get={None: TEAM},
        post={"membership": {"anon": LOGIN, "company_owner:own": "/team",
                             "company_owner": 422, "school_owner": 422, "company_member": 403,
                             "school_member": 403, "companyless": "/welkom",
                             "schoolless": "/welkom", "*": 403},
              "join_request": {"anon": LOGIN, "school:own": "/team", "school": 404,
                               "company": 404, "companyless": "/welkom",
                               "schoolless": "/welkom", "*": 403}},
        data={"membership": lambda v: {"action": "remove", "target": v},
              "join_request": lambda v: {"action": "approve", "target": v}}),
    "teams.invite": Route(get={None: TEAM_OWNER},
                          post={None: {**TEAM_OWNER, "company_owner": "/team",
                                       "school_owner": "/team"}},
                          data={None: lambda v: {"email": "collega-nieuw@example.nl"}}),
    "teams.hand_over": Route(
        get={None: TEAM_OWNER},
        post={"membership": {**TEAM_OWNER, "company_owner:own": "/team", "company_owner": 422,
                             "school_owner": 422, "teacher_b": 200}},
        data={"membership": lambda v: {"membership": v}}),
    "teams.leave": Route(get={None: TEAM},
                         post={None: {**TEAM, "company_owner": 422, "school_owner": 422,
                                      "company_member": "/", "school_member": "/"}}),
    "teams.invitation": Route(
        get={"invitation": {"anon": 200, "company": 403, "companyless": 403, "*": 403},
             "token.unknown": {"*": 404}, "moderator_token": {"*": 404}},
        post={"invitation": {"anon": 200, "company": 403, "companyless": 403, "*": 403},
              "token.unknown": {"*": 404}},
        # The link's holder reads which address was invited: the secret link is the key.
        shows=("invitee",)),
    "teams.join_school": Route(
        get={"school": {"anon": LOGIN, "school": "/team", "schoolless": 200, "*": 403}},
        post={"school": {"anon": LOGIN, "school": "/team", "schoolless": "/school/{id}/aansluiten",
                         "*": 403}},
        data={"school": lambda v: {"action": "ask"}}),

    # --- offers -----------------------------------------------------------------------------
    "offers.choose_type": Route(get={None: company_page(200)}),
    "offers.accreditation": Route(get={None: company_page(200)},
                                  post={None: company_page(422)}),
    "offers.create": Route(
        get={"type.company_visit": company_page(200),
             "type.unknown": company_page(404, companyless=404)},
        post={"type.company_visit": company_page(422),
              "type.unknown": company_page(404, companyless=404)}),
    "offers.detail": Route(get={
        "offer.published": ANYONE, "offer.paused": ANYONE,
        "offer.draft": {"company:own": 200, "*": 404},
        "offer.pending": SEEN_BY_ITS_COMPANY_AND_MODERATOR}),
    "offers.edit": Route(get={"offer.draft": own_company_object(200)},
                         post={"offer.draft": own_company_object(422)}),
    "offers.slots": Route(get={"offer.draft": own_company_object(200)},
                          post={"offer.draft": own_company_object(422)}),
    "offers.slot": Route(get={"slot": own_company_object(200)},
                         post={"slot": own_company_object("/aanbod/*/data")},
                         data={"slot": lambda v: {"capacity": 40}}),
    "offers.submit": Route(post={"offer.draft": own_company_object("/aanbod/{id}")}),
    "offers.duplicate": Route(post={"offer.published": own_company_object(
        "/aanbod/*/bewerken")}),
    "offers.pause": Route(post={"offer.published": own_company_object("/aanbod/{id}")}),
    "offers.resume": Route(post={"offer.paused": own_company_object("/aanbod/{id}")}),
    "bookings.withdraw_offer": Route(
        get={"offer.published": own_company_object(200)},
        post={"offer.published": own_company_object("/aanbod/{id}")},
        data={"offer.published": lambda v: {"reason": "De machine is verkocht."}}),

    # --- requests ---------------------------------------------------------------------------
    "bookings.request_offer": Route(
        get={"offer.published": school_page(200), "offer.draft": school_page(404, 404)},
        post={"offer.published": school_page(422), "offer.draft": school_page(404, 404)}),
    "bookings.mine": Route(get={None: school_page(200)}),
    "bookings.company_dashboard": Route(get={None: company_page(200)}),
    # The company accepts an open request; accepting is not the school's to do (403).
    "bookings.detail": Route(get={"booking.requested": party_of(200),
                                  "booking.accepted": party_of(200),
                                  "booking.declined": party_of(200)},
                             post={"booking.requested": {**party_of("/aanvragen/{id}"),
                                                         "school:own": 403}},
                             data={"booking.requested": lambda v: {"action": "accept"}}),
    # A declined request's conversation is closed: its parties read why (422), others 404.
    "bookings.message": Route(post={"booking.requested": party_of("/aanvragen/{id}"),
                                    "booking.declined": party_of(422)},
                              data={"booking.requested": lambda v: {"body": "Hallo"},
                                    "booking.declined": lambda v: {"body": "Hallo"}}),
    "bookings.propose": Route(post={"booking.requested": {
        **own_company_object("/aanvragen/{id}"), "school": 403, "schoolless": 403}},
        data={"booking.requested": lambda v: {"counter-group_size": 12,
                                              "counter-message": "Kan het met minder?"}}),
    "bookings.outcome": Route(post={"booking.past": party_of("/aanvragen/{id}")},
                              data={"booking.past": lambda v: {"held": "yes"}}),
    "bookings.evaluation": Route(post={"booking.past": party_of(422)}),
    "calendar.booking_ics": Route(get={
        "booking.accepted": {"anon": LOGIN, "school:own": 200, "company:own": 200, "*": 404},
        "booking.requested": {"anon": LOGIN, "*": 404}}),

    # --- waiting lists ----------------------------------------------------------------------
    "waitlist.join": Route(get={"slot.full": school_page(200)},
                           post={"slot.full": school_page(422)}),
    "waitlist.mine": Route(get={None: school_page(200)}),
    "waitlist.leave": Route(post={"entry": own_school_object("/wachtlijst")}),
    "waitlist.offer": Route(
        get={"waitlist.token": {"anon": LOGIN, "school:own": 200, "*": 403},
             "token.unknown": {"anon": LOGIN, "*": 404}},
        post={"waitlist.token": {"anon": LOGIN, "school:own": "/wachtlijst", "*": 403},
              "token.unknown": {"anon": LOGIN, "*": 404}},
        data={"waitlist.token": lambda v: {"action": "decline"}}),

    # --- calendar feed ----------------------------------------------------------------------
    "calendar.feed_page": Route(get={None: {"anon": LOGIN, "company": 200, "school": 200,
                                            "moderator": 200, "*": 403}}),
    "calendar.renew": Route(post={None: {"anon": LOGIN, "company": "/agenda",
                                         "school": "/agenda", "moderator": "/agenda",
                                         "*": 403}}),
    "calendar.revoke": Route(post={None: {"anon": LOGIN, "company": "/agenda",
                                          "school": "/agenda", "moderator": "/agenda",
                                          "*": 403}}),
    "calendar.feed": Route(get={"calendar": ANYONE, "token.unknown": {"*": 404}}),

    # --- partner circles ---------------------------------------------------------------------
    "partners.ask_company": Route(
        get={"company": {"anon": LOGIN, "school": 200, "*": 403}},
        post={"company": {"anon": LOGIN, "school:own": 422, "school": "/partners", "*": 403}},
        data={"company": lambda v: {"message": ""}}),
    # A company asks only a school that requested one of its offers (its own side's).
    "partners.ask_school": Route(
        get={"school": {"anon": LOGIN, "company:own": 200, "company": 404, "*": 403}},
        post={"school": {"anon": LOGIN, "company:own": 422, "company": 404, "*": 403}},
        data={"school": lambda v: {"message": ""}}),
    "partners.mine": Route(get={None: {"anon": LOGIN, "school": 200, "company": 200,
                                       "schoolless": "/welkom", "companyless": "/welkom",
                                       "*": 403}}),
    # The asking side may not answer itself; the asked company has no session here.
    "partners.answer": Route(post={"partnership.asked": PARTNER(403)},
                             data={"partnership.asked": lambda v: {"answer": "accept"}}),
    "partners.withdraw": Route(post={"partnership.asked": {
        **PARTNER("/partners"), "company:own": 404}}),
    "partners.end": Route(post={"partnership.active": {**PARTNER("/partners"),
                                                       "company:own": "/partners"}},
                          data={"partnership.active": lambda v: {
                              f"end-{v}-reason": "Wij stoppen ermee."}}),
    "partners.circles": Route(get={None: STAFF}),
    "figures.region": Route(get={None: STAFF}),
    "figures.export": Route(get={"figures.table": STAFF}),

    # --- the Techniekbus ----------------------------------------------------------------------
    # The accepted visit already has its ride: booking again leads to it.
    "bus.book": Route(get={"booking.accepted": BUS_BOOKING}, post={"booking.accepted":
                                                                   BUS_BOOKING}),
    "bus.ride": Route(get={"ride": RIDE_PARTY(200)}),
    "bus.change": Route(post={"ride": RIDE_PARTY(422)}),  # no times sent
    "bus.cancel": Route(post={"ride": RIDE_PARTY("/techniekbus/ritten/{id}")},
                        data={"ride": lambda v: {"cancel-reason": "De klas is ziek."}}),
    "bus.schedule": Route(get={None: STAFF}),
    "bus.settings": Route(get={None: STAFF}, post={None: {**STAFF, "staff": 422}}),
    "bus.edit_bus": Route(get={"bus": to_manage_bus(200)}, post={"bus": to_manage_bus(422)}),
    "bus.remove_block": Route(post={"block": to_manage_bus("/moderatie/techniekbus/bussen/*")}),

    # --- moderation and administration ------------------------------------------------------
    "moderation.queue": Route(get={None: STAFF}),
    "moderation.company": Route(get={"company.pending": to_moderate(200)},
                                post={"company.pending": to_moderate("/moderatie")},
                                data={"company.pending": lambda v: {"decision": "approve"}}),
    "moderation.verify_accreditation": Route(
        post={"company.sbb": to_moderate("/moderatie/bedrijven/{id}")},
        data={"company.sbb": lambda v: {"seen": "100200300"}}),
    "moderation.offer": Route(
        get={"offer.pending": to_moderate(200),
             "offer.draft": {"anon": LOGIN, "staff": 404, "*": 403}},
        post={"offer.pending": to_moderate("/moderatie"),
              "offer.draft": {"anon": LOGIN, "staff": 404, "*": 403}},
        data={"offer.pending": lambda v: {"decision": "reject", "reason": "Te vaag.",
                                          "seen": 1},
              "offer.draft": lambda v: {"decision": "approve", "seen": 1}}),
    # Bulk approval takes its items from the form: another region's offer is not found.
    "moderation.approve_selected": Route(
        post={"offer.pending": to_moderate("/moderatie")},
        data={"offer.pending": lambda v: {"offer": f"{v}:1"}}),
    # Suspending an approved company, and lifting it (refused here: the company is approved,
    # which the page says after the redirect).
    "moderation.suspend": Route(post={"company": to_moderate("/moderatie/bedrijven/{id}")},
                                data={"company": lambda v: {"suspend-reason": "Fraude."}}),
    "moderation.lift": Route(post={"company": to_moderate("/moderatie/bedrijven/{id}")}),
    "reports.decide": Route(get={"report": to_moderate(200)},
                            post={"report": to_moderate("/moderatie")},
                            data={"report": lambda v: {"decision": "dismiss"}}),
    # Anyone signed in reports what anyone can see, but not their own company's.
    "reports.report_offer": Route(
        get={"offer.published": REPORTER(200), "offer.draft": {"anon": LOGIN, "*": 404}},
        post={"offer.published": REPORTER("/aanbod/{id}")},
        data={"offer.published": lambda v: {"reason": "Misleidend."}}),
    "reports.report_company": Route(
        get={"company": REPORTER(200), "company.pending": {
            "anon": LOGIN, "moderator:own": 403, "admin": 403, "*": 404}},
        post={"company": REPORTER("/bedrijven/{id}")},
        data={"company": lambda v: {"reason": "Geen technisch bedrijf."}}),
    "moderation.audit_log": Route(get={None: ADMIN_ONLY}),
    "moderation.holidays": Route(get={None: ADMIN_ONLY},
                                 post={None: {**ADMIN_ONLY, "admin": 422}}),
    "moderation.remove_holiday_view": Route(
        post={"holiday": {**ADMIN_ONLY, "admin": "/moderatie/vakanties"}}),
    # A region's search weights: a moderator's own Technocentrum (no id in the address), the
    # administrator's choice (?centrum=<id>, by default the first by name). A save, and a reset
    # (refused here: the world's regions use the defaults), each go back to the page.
    "search_weights.edit": Route(
        get={None: STAFF},
        post={None: {**STAFF, "staff": "/moderatie/zoekgewichten"}},
        data={None: lambda v: {"region": 40, "distance": 20, "sector": 30, "level": 10,
                               "period": 5, "text": 25, "fairness": 5, "school": "",
                               "action": "save"}}),
    "search_weights.reset": Route(post={None: {**STAFF, "staff": "/moderatie/zoekgewichten"}}),
    # The reference data: the administrator's alone. A form sent empty is refused (422); the
    # world's sector, level and qualification are the administrator's own, used by nothing,
    # so removing them (and moving the level up) goes back to the page.
    "reference.index": Route(get={None: ADMIN_ONLY}),
    "reference.sectors": Route(get={None: ADMIN_ONLY}, post={None: {**ADMIN_ONLY, "admin": 422}}),
    "reference.edit_sector": Route(post={"sector": {**ADMIN_ONLY, "admin": 422}}),
    "reference.remove_sector": Route(
        post={"sector": {**ADMIN_ONLY, "admin": "/beheer/referentie/sectoren"}}),
    "reference.edit_topsector": Route(post={"topsector": {**ADMIN_ONLY, "admin": 422}}),
    "reference.levels": Route(get={None: ADMIN_ONLY}, post={None: {**ADMIN_ONLY, "admin": 422}}),
    "reference.edit_level": Route(post={"level": {**ADMIN_ONLY, "admin": 422}}),
    "reference.move_level": Route(
        post={"level": {**ADMIN_ONLY, "admin": "/beheer/referentie/niveaus"}},
        data={"level": lambda v: {"direction": "up"}}),
    "reference.remove_level": Route(
        post={"level": {**ADMIN_ONLY, "admin": "/beheer/referentie/niveaus"}}),
    "reference.qualifications": Route(get={None: ADMIN_ONLY},
                                      post={None: {**ADMIN_ONLY, "admin": 422}}),
    "reference.edit_qualification": Route(post={"qualification": {**ADMIN_ONLY, "admin": 422}}),
    "reference.remove_qualification": Route(
        post={"qualification": {**ADMIN_ONLY, "admin": "/beheer/referentie/kwalificaties"}}),
    # The administrator's overview and the Technocentra. A form sent empty is refused (422); a
    # moderator or an invitation of either side's centre is the administrator's to revoke.
    "administration.index": Route(get={None: ADMIN_ONLY}),
    "administration.centre_list": Route(get={None: ADMIN_ONLY},
                                        post={None: {**ADMIN_ONLY, "admin": 422}}),
    "administration.centre": Route(get={"centre": ADMIN_ONLY},
                                   post={"centre": {**ADMIN_ONLY, "admin": 422}}),
    "administration.invite": Route(post={"centre": {**ADMIN_ONLY, "admin": 422}}),
    "administration.revoke_invitation": Route(
        post={"moderator_invitation": {**ADMIN_ONLY, "admin": "/beheer/technocentra/*"}}),
    "administration.revoke_moderator": Route(
        post={"moderator": {**ADMIN_ONLY, "admin": "/beheer/technocentra/*"},
              "membership": {**ADMIN_ONLY, "admin": 404}}),
    # The invited moderator's link: for a visitor (anyone signed in signs out first, 409); a
    # team's link does not open it. Sent empty, the form is refused.
    "administration.join": Route(
        get={"moderator_token": {"anon": 200, "*": 409}, "invitation": {"*": 404},
             "token.unknown": {"*": 404}},
        post={"moderator_token": {"anon": 422, "*": 409}, "invitation": {"*": 404},
              "token.unknown": {"*": 404}}),
    "notifications.failed": Route(get={None: ADMIN_ONLY}),
    "notifications.retry": Route(post={"mail": {**ADMIN_ONLY, "admin": "/beheer/mail"}}),
    # The development mailbox exists only with DEV_MAILBOX on (not in tests, nor production).
    "notifications.mailbox": Route(get={None: {"*": 404}}),
    "notifications.mailbox_message": Route(get={"mail": {"*": 404}}),
    "notifications.mailbox_html": Route(get={"mail": {"*": 404}}),
}

EXCLUDED = {
    "static": "Flask's own route for the files of static/: no data, no sign-in",
}
