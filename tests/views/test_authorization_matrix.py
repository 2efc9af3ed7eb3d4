"""The authorization matrix: every route of the URL map x every session x own and another side's
object, each with the answer it must give (tests/views/authz_matrix.py).

A route in the URL map without an entry fails `test_every_route_has_an_entry`, naming it. For
each entry, every session sends a GET (where the route takes one) and a POST with a valid CSRF
token of its own session and the entry's minimal data (where the route takes one), for every
case of the entry; each cell runs in a savepoint rolled back afterwards, so each sees the same
world. Checked in every cell:
- the answer (status, or where it redirects to);
- a POST answered with a refusal, a page of errors or a page of 200 (login, 200, 400, 403, 404,
  405, 409, 410, 422) left every table as it was (except the entry's `logs`);
- a page of 200 shows no private name of a side to anyone of the other side, nor to a visitor
  (authz_world.secrets_shown: draft and pending offers, waiting companies, invitations, join
  requests).
Methods a route does not take answer 405.
"""
import pytest
from werkzeug.exceptions import HTTPException

from tests.views import authz_world
from tests.views.authz_matrix import (
    EXCLUDED,
    LOGIN,
    MATRIX,
    answer,
    cases_of,
    expected,
    matches,
)
from tests.views.authz_world import SESSIONS, changes, fingerprint, secrets_shown

# The module's fixtures: one world for all its tests (see authz_world.py).
module_transaction = authz_world.module_transaction
world = authz_world.world
_transaction = authz_world.module_world_transaction

UNCHANGED = {LOGIN, 200, 400, 403, 404, 405, 409, 410, 422}



def ask(app, connection, world, person, method, url, data=None, check=False, entry=None):
    """One cell: the answer, the tables a POST changed (compared only when `check`), and the
    other side's private names a page of 200 shows this session (secrets_shown)."""
    savepoint = connection.begin_nested()
    try:
        client = app.test_client()
        cookie = world.cookies[person.name]
        if cookie:
            client.set_cookie("session", cookie, domain="localhost")
        try:
            if method == "GET":
                response = client.get(url)
            else:
                form = {"csrf_token": world.tokens[person.name], **(data or {})}
                response = client.post(url, data=form)
        except Exception as error:  # the tests propagate what would be a 500
            return f"500 ({type(error).__name__}: {error})"[:160], [], []
        shown = (secrets_shown(person, response, entry.shows if entry else ())
                 if response.status_code == 200 else [])
        # Every cell starts from the world as built: its fingerprint is the "before".
        changed = changes(world.rows, fingerprint(connection)) if check else []
        if entry is not None and response.status_code == 200:
            changed = [table for table in changed if table not in entry.logs]
        return answer(response), changed, shown
    finally:
        savepoint.rollback()


def _url(app, endpoint, argument, value):
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **({argument: value} if argument else {}))


def _routed_elsewhere(app, url, method):
    """Whether `url` with `method` is another route's (a token that happens to be a word)."""
    try:
        app.url_map.bind("localhost").match(url, method=method)
    except HTTPException:
        return False
    return True


def _rule(app, endpoint):
    rules = app.url_map._rules_by_endpoint[endpoint]
    assert len(rules) == 1, f"{endpoint}: one rule expected"
    return rules[0]


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - set(MATRIX) - set(EXCLUDED))
    assert not missing, ("routes without an entry in tests/views/authz_matrix.py: "
                         + ", ".join(missing))
    stale = sorted(set(MATRIX) - endpoints)
    assert not stale, "entries without a route: " + ", ".join(stale)


def test_the_matrix_size(app, world, record_property):
    """Routes x sessions x cases, printed for the closing note (pytest -s shows it)."""
    columns = [(endpoint, method, side) for endpoint, entry in MATRIX.items()
               for method in ("GET", "POST") if getattr(entry, method.lower()) is not None
               for _kind, _case, side, _value in cases_of(entry, method, world)]
    sided = {endpoint for endpoint, _method, side in columns if side is not None}
    cells = len(columns) * len(SESSIONS)
    record_property("matrix_cells", cells)
    print(f"\nauthorization matrix: {len(MATRIX)} routes ({len(sided)} with an own and another "
          f"side's object) x {len(SESSIONS)} sessions x their cases: {len(columns)} method-case "
          f"columns, {cells} cells")
    assert cells > len(MATRIX) * len(SESSIONS)


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_route(app, module_transaction, world, endpoint):
    rule = _rule(app, endpoint)
    entry = MATRIX[endpoint]
    argument = next(iter(rule.arguments), None)
    wrong = []
    for method in ("GET", "POST"):
        table = getattr(entry, method.lower())
        if method not in rule.methods:
            assert table is None, f"{endpoint} takes no {method}"
            url = _url(app, endpoint, argument, next(iter(world.ids.values()))
                       if argument else None)
            if _routed_elsewhere(app, url, method):
                continue  # GET /account/bevestigen/opnieuw is a confirmation link's page
            for person in (SESSIONS[0], SESSIONS[-1]):
                got, _changed, _shown = ask(app, module_transaction, world, person, method, url)
                if got != 405:
                    wrong.append(f"{method} {url} as {person.name}: {got}, expected 405")
            continue
        assert table is not None, f"{endpoint}: the entry names no expectations for {method}"
        for kind, case, side, value in cases_of(entry, method, world):
            in_url = argument is not None
            url = _url(app, endpoint, argument, value if in_url else None)
            data = entry.data.get(kind, lambda v: {})(value) if method == "POST" else None
            for person in SESSIONS:
                want = expected(table[kind], person, side)
                check = method == "POST" and want in UNCHANGED
                got, changed, shown = ask(app, module_transaction, world, person, method, url,
                                          data, check=check, entry=entry)
                if not matches(want, got, value):
                    wrong.append(f"{method} {case} as {person.name}: {got}, expected {want}")
                elif changed:
                    wrong.append(f"POST {case} as {person.name} answered {got} but changed "
                                 f"{', '.join(changed)}")
                if shown:
                    wrong.append(f"{method} {case} as {person.name} shows {shown}")
    assert not wrong, f"{endpoint}:\n  " + "\n  ".join(wrong)


def test_the_fingerprint_sees_a_change(app, module_transaction, world):
    """The "nothing changed" check is not blind: a rightful removal shows in it, and the next
    cell starts from the world as built again."""
    owner = next(person for person in SESSIONS if person.name == "owner_a")
    url = _url(app, "organisations.remove_location", "location_id", world.ids["location.a"])
    got, changed, _shown = ask(app, module_transaction, world, owner, "POST", url, check=True)
    assert got == "/bedrijf/locaties"
    assert "locations" in changed and "audit_events" in changed
    assert not changes(world.rows, fingerprint(module_transaction))


def test_the_private_names_check_is_not_blind(app, module_transaction, world):
    """The names secrets_shown looks for are on their own side's pages: the company's
    dashboard lists its draft, the moderator's queue its waiting company."""
    people = {person.name: person for person in SESSIONS}
    for reader, endpoint, name in (("owner_a", "bookings.company_dashboard", "Authz concept a"),
                                   ("moderator_b", "moderation.queue", "Authz Wachtend b")):
        client = app.test_client()
        client.set_cookie("session", world.cookies[reader], domain="localhost")
        response = client.get(_url(app, endpoint, None, None))
        assert name in response.get_data(as_text=True)
        assert not secrets_shown(people[reader], response)
        assert name in secrets_shown(people["owner_b" if reader == "owner_a" else "moderator_a"],
                                     response)
