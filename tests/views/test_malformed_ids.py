"""Malformed and out-of-range ids and numbers: in an address, in a query string, in a form.

Walks the URL map: every argument of every route gets each bad value in turn (a number past
what the database holds, negative, not a number, a NUL, a very long text), sent as a visitor
and as a session the route is for (the first whose answer in the authorization matrix is not a
refusal), by GET and, with a valid CSRF token, by POST. The answers, decided per case:
- an `int` argument the converter refuses (past 2**31-1, negative, not ASCII digits): 404 for
  everyone, before any sign-in check, so a POST with a valid token gets 404 too;
- an `int` argument in range that names no row (0, 2**31-1): 404 to the session the route is
  for; a visitor gets what the matrix gives a visitor (LOGIN where the page needs an account);
- a text argument (a token, an offer type, a language, a static file): as for an unknown value:
  404 (LOGIN for a visitor where the route needs an account), the language switch ignores it;
  one with an escaped slash is a path of more parts, which no route has: 404;
- a bad number in a query string or a form: the page with its errors (400 for the search, 422
  for a form) or a clamp to a sensible value, and nothing changed. Never a 500.
"""
import re

from tests.views import authz_world
from tests.views.authz_matrix import LOGIN, MATRIX, answer, cases_of, expected
from tests.views.authz_world import SESSIONS, changes, fingerprint

# The module's fixtures: one world for all its tests (see authz_world.py).
module_transaction = authz_world.module_transaction
world = authz_world.world
_transaction = authz_world.module_world_transaction

BAD_IDS = ("2147483648", "9223372036854775808", "18446744073709551617",
           "99999999999999999999", "-1", "abc", "1e3", "%00", "1%00", "1%20", "+1", "0x1")
# Digits of other scripts: a fullwidth 1, an Arabic-Indic 3. Python's \d (Werkzeug's pattern
# for int) and int() take them, so /aanbod/%EF%BC%91 would be offer 1 under a second address.
OTHER_DIGITS = ("%EF%BC%91", "%D9%A3")
MISSING_IDS = ("0", "2147483647")
BAD_TEXT = ("x" * 3000, "%00", "%FF", "..%2F..%2Fsetup.cfg", "%E2%80%AE", "a" * 100 + "%00")
REFUSED = {LOGIN, 403, 404}
BAD_NUMBERS = ("2147483648", "99999999999999999999", "-1", "abc", "1e3", "1\x00", "\x00",
               " 7 ", "\u0663", "9" * 400)
PERSON = {person.name: person for person in SESSIONS}



def _send(app, connection, world, person, method, url, data=None, query=None):
    """The answer, and the tables changed, of one request rolled back afterwards."""
    savepoint = connection.begin_nested()
    try:
        client = app.test_client()
        if world.cookies[person.name]:
            client.set_cookie("session", world.cookies[person.name], domain="localhost")
        try:
            if method == "GET":
                response = client.get(url, query_string=query)
            else:
                response = client.post(url, data={"csrf_token": world.tokens[person.name],
                                                  **(data or {})})
        except Exception as error:  # the tests propagate what would be a 500
            return f"500 ({type(error).__name__}: {error})"[:160], []
        return answer(response), changes(world.rows, fingerprint(connection))
    finally:
        savepoint.rollback()


def _fitting(entry, method, world):
    """The first session the route is for: its answer on side a's case is not a refusal."""
    table = getattr(entry, method.lower())
    kind, _case, side, _value = cases_of(entry, method, world)[0]
    for person in SESSIONS[1:]:
        if expected(table[kind], person, side) not in REFUSED:
            return person
    return None


def _routes(app):
    """(endpoint, rule text, argument, converter name) of every route with an argument."""
    found = []
    for rule in app.url_map.iter_rules():
        for argument, converter in rule._converters.items():
            found.append((rule.endpoint, rule.rule, argument, type(converter).__name__))
    return sorted(found)


def _path(rule, argument, value):
    """The rule's address with `value` written raw (already escaped) in place of `argument`."""
    return re.sub(r"<(?:[^:<>]+:)?" + argument + ">", lambda _m: value, rule)


def test_every_route_with_an_argument_is_walked(app):
    routes = _routes(app)
    assert {converter for *_rest, converter in routes} <= {
        "IdConverter", "UnicodeConverter", "PathConverter"}, "a converter this test cannot feed"
    assert len(routes) >= 30


def _walk(app, connection, world, endpoint, rule, argument, values, want_for):
    """Send every value as each session and method; the wrong answers."""
    entry = MATRIX.get(endpoint)
    methods = [m for m in ("GET", "POST") if m in app.url_map._rules_by_endpoint[endpoint][0]
               .methods]
    wrong = []
    for method in methods:
        fitting = _fitting(entry, method, world) if entry else None
        for person in filter(None, (PERSON["anon"], fitting)):
            for value in values:
                url = _path(rule, argument, value)
                got, changed = _send(app, connection, world, person, method, url)
                want = want_for(method, person, value, entry)
                if got != want or changed:
                    wrong.append(f"{method} {url[:80]} as {person.name}: {got}, expected "
                                 f"{want}" + (f", changed {changed}" if changed else ""))
    return wrong


def _visitor(entry, method, world):
    """What the matrix gives a visitor on this route (LOGIN where it needs an account)."""
    table = getattr(entry, method.lower())
    kind, _case, side, _value = cases_of(entry, method, world)[0]
    return expected(table[kind], PERSON["anon"], side)


def test_an_id_out_of_range_or_malformed_is_404(app, module_transaction, world):
    def want(method, person, value, entry):
        if value in BAD_IDS:
            return 404
        if person.name == "anon":
            return LOGIN if _visitor(entry, method, world) == LOGIN else 404
        return 404

    wrong = []
    for endpoint, rule, argument, converter in _routes(app):
        if converter == "IdConverter":
            wrong += _walk(app, module_transaction, world, endpoint, rule, argument,
                           BAD_IDS + MISSING_IDS, want)
    assert not wrong, "\n  ".join(["wrong answers:", *wrong])


def test_an_id_in_digits_of_another_script_is_404(app, module_transaction, world):
    """Only ASCII digits make an id. Needs `regex = r"[0-9]+"` on portal.IdConverter: Werkzeug's
    IntegerConverter matches r"\\d+", which takes the digits of every script."""
    wrong = []
    for endpoint, rule, argument, converter in _routes(app):
        if converter == "IdConverter":
            wrong += _walk(app, module_transaction, world, endpoint, rule, argument,
                           OTHER_DIGITS, lambda *_args: 404)
    assert not wrong, "\n  ".join(["wrong answers:", *wrong])


# A text argument with a value nobody made: what each route answers (see the docstring).
TEXT_ANSWERS = {
    "accounts.confirm_email": {"*": 404},
    "accounts.reset_password": {"*": 404},
    "calendar.feed": {"*": 404},
    "teams.invitation": {"*": 404},
    "administration.join": {"*": 404},
    "waitlist.offer": {"anon": LOGIN, "*": 404},
    "offers.create": {"anon": LOGIN, "*": 404},
    "public.set_language": {"*": "/"},
    "static": {"*": 404},
    # a table of the figures page that does not exist, for staff; others may not ask at all
    "figures.export": {"anon": LOGIN, "moderator_a": 404, "moderator_b": 404, "admin": 404,
                       "*": 403},
    # a crebo code is five digits: anything else names no qualification
    "reference.edit_qualification": {"anon": LOGIN, "admin": 404, "*": 403},
    "reference.remove_qualification": {"anon": LOGIN, "admin": 404, "*": 403},
}


def test_a_malformed_text_argument_is_refused_cleanly(app, module_transaction,
                                                       world):
    wrong = []
    for endpoint, rule, argument, converter in _routes(app):
        if converter == "IdConverter":
            continue
        answers = TEXT_ANSWERS[endpoint]

        def want(method, person, value, entry, answers=answers):
            if "%2F" in value:
                return 404  # a slash decoded: a path of more parts, which no route has
            return answers.get(person.name, answers["*"])

        wrong += _walk(app, module_transaction, world, endpoint, rule, argument, BAD_TEXT, want)
    assert not wrong, "\n  ".join(["wrong answers:", *wrong])


def test_every_text_argument_has_an_answer(app):
    texts = {e for e, _r, _a, c in _routes(app) if c != "IdConverter"}
    assert texts == set(TEXT_ANSWERS), "give the new route's answer in TEXT_ANSWERS"


# --- numbers in query strings and forms --------------------------------------------------------

# Values no browser sends for a number: past the database's integers, negative, not a number.
NOT_NUMBERS = ("2147483648", "9223372036854775808", "99999999999999999999", "9" * 400, "-1",
               "abc", "1e3", "1\x00", "\x00")

# (session, query-string argument, answers): GET /zoeken with the argument set to each value.
SEARCH_ARGUMENTS = (
    ("anon", "page", {200}),              # a page number is a hint: clamped to the pages there are
    ("teacher_a", "page", {200}),
    ("anon", "sector", {400}),            # not one of the choices: the form says so
    ("anon", "level", {400}),
    ("teacher_a", "max_km", {400}),
    ("anon", "offer_type", {400}),
)


def test_a_bad_number_in_the_search_address_is_a_clean_answer(app, module_transaction,
                                                              world):
    wrong = []
    for name, argument, answers in SEARCH_ARGUMENTS:
        for value in NOT_NUMBERS:
            got, changed = _send(app, module_transaction, world, PERSON[name], "GET",
                                 "/zoeken", query={argument: value})
            if got not in answers or changed:
                wrong.append(f"/zoeken?{argument}={value[:20]!r} as {name}: {got}")
    assert not wrong, "\n  ".join(["wrong answers:", *wrong])


def test_other_query_strings_with_bad_values(app, module_transaction, world):
    draft = world.ids["offer.draft.a"]
    asks = [("anon", "/plaatsen/zoek", "q", 200), ("teacher_a", "/zoeken", "q", {200, 400}),
            ("owner_a", f"/aanbod/{draft}/bewerken", "type", 200),
            ("anon", "/taal/en", "next", "/"), ("anon", "/account/inloggen", "next", 200)]
    wrong = []
    for name, url, argument, answers in asks:
        answers = answers if isinstance(answers, set) else {answers}
        # a search that finds nothing logs its filters (matching/empty_searches.py): no more
        logged = {"empty_searches"} if url == "/zoeken" else set()
        for value in (*NOT_NUMBERS, "x" * 5000, "//evil.example", "\u202e"):
            got, changed = _send(app, module_transaction, world, PERSON[name], "GET", url,
                                 query={argument: value})
            if got not in answers or set(changed) - logged:
                wrong.append(f"{url}?{argument}={value[:20]!r} as {name}: {got}")
    assert not wrong, "\n  ".join(["wrong answers:", *wrong])


def _form_cases(world):
    """(session, url, value -> form data, answer) of forms with a number, id or choice in them;
    the answer is the page with the form's errors (422) unless said otherwise."""
    ids = world.ids
    offer = {"title": "Rondleiding", "description": "Leerlingen lassen zelf.",
             "location_mode": "company"}
    return (
        ("owner_a", "/team", lambda v: {"action": "remove", "target": v}, 422),
        # A number that names no invitation or request to join (-1) is a 404, like an address.
        ("owner_a", "/team", lambda v: {"action": "revoke", "target": v}, {404, 422}),
        ("teacher_a", "/team", lambda v: {"action": "approve", "target": v}, {404, 422}),
        ("owner_a", "/team/eigenaar", lambda v: {"membership": v}, 422),
        ("moderator_a", f"/moderatie/aanbod/{ids['offer.pending.a']}",
         lambda v: {"decision": "approve", "seen": v}, 422),
        ("moderator_a", f"/moderatie/bedrijven/{ids['company.sbb.a']}/leerbedrijf",
         lambda v: {"seen": v}, f"/moderatie/bedrijven/{ids['company.sbb.a']}"),
        ("teacher_b", f"/aanvragen/aanbod/{ids['offer.published.a']}",
         lambda v: {"slot_id": v, "level_id": v, "group_size": v, "teachers": v}, 422),
        ("teacher_b", f"/aanvragen/aanbod/{ids['offer.published.a']}",
         lambda v: {"slot_id": ids["slot.a"], "level_id": v, "group_size": 20}, 422),
        ("teacher_b", f"/wachtlijst/datum/{ids['slot.full.a']}",
         lambda v: {"group_size": v, "teachers": v, "level_id": v}, 422),
        ("owner_a", "/aanbod/nieuw/company_visit",
         lambda v: {**offer, "sector_ids": v, "level_ids": v, "contact_id": v,
                    "location_id": v, "max_group_size": v, "duration_minutes": v}, 422),
        ("owner_a", f"/aanvragen/{ids['booking.requested.a']}/tegenvoorstel",
         lambda v: {"counter-slot_id": v, "counter-group_size": v,
                    "counter-message": "Liever later."}, 422),
        ("teacher_a", f"/aanvragen/{ids['booking.past.a']}/evaluatie",
         lambda v: {"rating": v, "pupils_reached": v, "girls": v}, 422),
        ("owner_a", f"/aanbod/{ids['offer.draft.a']}/data",
         lambda v: {"kind": "series", "series-weekday": v, "series-capacity": v,
                    "series-min_group": v}, 422),
        ("owner_a", f"/aanbod/{ids['offer.draft.a']}/data",
         lambda v: {"slot-capacity": v, "slot-min_group": v}, 422),
        ("owner_a", f"/aanbod/datum/{ids['slot.a']}",
         lambda v: {"capacity": v, "min_group": v}, 422),
        ("owner_a", "/bedrijf/locaties", lambda v: {"name": "", "place": "Goes",
                                                    "place_id": v}, 422),
        ("teacher_a", f"/wachtlijst/{ids['waitlist.token.a']}", lambda v: {"action": v}, 400),
    )


def test_a_bad_number_in_a_form_changes_nothing(app, module_transaction, world):
    wrong = []
    for name, url, data, want in _form_cases(world):
        for value in NOT_NUMBERS:
            got, changed = _send(app, module_transaction, world, PERSON[name], "POST", url,
                                 data(value))
            if got not in (want if isinstance(want, set) else {want}) or changed:
                wrong.append(f"POST {url} {data(value[:20])} as {name}: {got}, expected {want}"
                             + (f", changed {changed}" if changed else ""))
    assert not wrong, "\n  ".join(["wrong answers:", *wrong])


def test_a_line_break_in_a_redirect_target_is_no_500(app, module_transaction, world):
    """A `next` with a line break is not a path of this site: the default, not a 500 (Werkzeug
    refuses a header with a line break). Needs portal.views.safe_next to refuse control
    characters."""
    wrong = []
    for value in ("/zoeken\r\nSet-Cookie: x=y", "/zoeken\nX: y", "/\r"):
        got, changed = _send(app, module_transaction, world, PERSON["anon"], "GET", "/taal/en",
                             query={"next": value})
        if got != "/" or changed:
            wrong.append(f"/taal/en?next={value!r}: {got}")
    assert not wrong, "\n  ".join(["wrong answers:", *wrong])
