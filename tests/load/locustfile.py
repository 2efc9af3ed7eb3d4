"""The users of the load test (`python -m tests.load` starts Locust with this file).

Teachers search with filters, request a date of an offer (the real form, its CSRF token, a
date it offers), look at their requests and cancel an accepted one with a reason, or now and
then withdraw one still open; company members open their dashboard, take a request from
"Needs your action" and accept it, or decline it (always when its date has no room left);
visitors search and read offer pages. Two colleagues of each company answer the same requests,
so answers race each other, and the teachers' requests race for the same little room.

Each change the server confirms (a redirect to the request's page) is appended to acks.jsonl;
each server error (5xx, or no answer) to errors.jsonl, with its start and end time; the
figures per page to stats.json: all in PORTAL_LOAD_OUT. PORTAL_LOAD_MANIFEST names the
accounts and offers (tests/load/seed.py).
"""
import json
import os
import random
import time
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, events, task
from locust.exception import StopUser
from requests.cookies import RequestsCookieJar

from tests.load import pages

MANIFEST = json.loads(Path(os.environ["PORTAL_LOAD_MANIFEST"]).read_text(encoding="utf-8"))
OUT = Path(os.environ["PORTAL_LOAD_OUT"])
ACKS = open(OUT / "acks.jsonl", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
ERRORS = open(OUT / "errors.jsonl", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
STATUSES = defaultdict(Counter)  # page name -> status code -> count
LOGIN = "/account/inloggen"
SEARCH_WORDS = ("", "", "lassen", "rondleiding", "Vlissingen", "frezen")
EXPECTED = {422: "refused (no room, or answered meanwhile)", 409: "conflict (nothing saved)"}
TEACHERS = list(MANIFEST["teachers"])
COMPANY_MEMBERS = [email for company in MANIFEST["companies"] for email in company["members"]]
MAX_LOGIN_WAIT = 90
LOOPBACK = {"127.0.0.1", "localhost", "localhost.local"}


class LoopbackCookieJar(RequestsCookieJar):
    """The production configuration marks the session cookie Secure, and the server under test
    speaks plain HTTP on 127.0.0.1 (no TLS in the test): a browser would not send the cookie
    back. This client keeps the cookies of the loopback address without the flag, so it sends
    them back there. Test side only: the app is not changed. (A cookie policy would not do:
    requests copies the cookies into a jar of its own for every request.)"""

    def set_cookie(self, cookie, *args, **kwargs):
        if cookie.domain in LOOPBACK:
            cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


@events.request.add_listener
def _record(request_type, name, response_time, response_length, response=None,
            exception=None, start_time=None, url=None, **_kwargs):
    status = getattr(response, "status_code", 0) or 0
    STATUSES[name][status] += 1
    if status >= 500 or status == 0:
        end = time.time()
        ERRORS.write(json.dumps({"start": start_time or end - response_time / 1000, "end": end,
                                 "name": name, "status": status, "url": url,
                                 "error": repr(exception) if exception else None}) + "\n")


@events.quitting.add_listener
def _write_stats(environment, **_kwargs):
    entries = []
    for entry in environment.stats.entries.values():
        entries.append({
            "name": entry.name, "method": entry.method, "requests": entry.num_requests,
            "failures": entry.num_failures,
            "p50": entry.get_response_time_percentile(0.5),
            "p95": entry.get_response_time_percentile(0.95),
            "max": entry.max_response_time,
            "statuses": {str(k): v for k, v in sorted(STATUSES[entry.name].items())}})
    (OUT / "stats.json").write_text(json.dumps(entries, indent=1), encoding="utf-8")


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self):
        self.client.cookies = LoopbackCookieJar()
        # One connection per request, as behind nginx (which speaks HTTP/1.0 to gunicorn by
        # default): with keep-alive, gunicorn's threaded workers close idle connections after
        # 2 s, and a request sent on one at that moment gets no answer at all (a browser
        # would send it again; this client would count it as a server error).
        self.client.headers["Connection"] = "close"

    def page(self, path, name, params=None):
        """GET a page; a 5xx or an unexpected status is a failure. Returns the response."""
        with self.client.get(path, params=params, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code or repr(response.error)} on {path}")
            return response

    def post(self, path, data, name):
        """POST a form without following the redirect. 302/303 is the server's confirmation;
        a 422 (refused: no room left, or answered meanwhile) or a 409 (SQLite's write lock
        taken too long, nothing saved) is an answer, not a failure. Returns the response."""
        with self.client.post(path, data=data, name=name, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code in (302, 303) or response.status_code in EXPECTED:
                response.success()
            else:
                response.failure(f"{response.status_code or repr(response.error)} on POST "
                                 f"{path}")
            return response

    def acknowledge(self, response, booking_id, status):
        """Note a confirmed change, then follow the redirect like a browser."""
        ACKS.write(json.dumps({"t": time.time(), "booking": booking_id, "status": status,
                               "user": self.email}) + "\n")
        self.page(urlsplit(response.headers["Location"]).path, "request page (after change)")

    def sign_in(self, email):
        """Sign in once, waiting as long as a rate limit asks (Retry-After); on SQLite, try
        again after a 409 (the write lock was taken too long, nothing was saved), as the page
        asks a person to."""
        self.email = email
        deadline = time.time() + MAX_LOGIN_WAIT
        while True:
            form = self.page(LOGIN, "sign-in form")
            data = {"csrf_token": pages.csrf_token(form.text), "email": email,
                    "password": MANIFEST["password"]}
            with self.client.post(LOGIN, data=data, name="sign in", allow_redirects=False,
                                  catch_response=True) as response:
                if response.status_code in (302, 303):
                    return
                if response.status_code in (409, 429) and time.time() < deadline:
                    response.success()  # counted in stats.json's statuses
                    time.sleep(min(int(response.headers.get("Retry-After", "1")), 30))
                    continue
                response.failure(f"sign-in of {email} answered {response.status_code}")
                raise StopUser()

    def search(self, name, **filters):
        params = {"q": random.choice(SEARCH_WORDS), "offer_type": "company_visit",
                  "sector": random.choice(["", MANIFEST["sector_id"]]),
                  "level": random.choice(["", *MANIFEST["level_ids"]]), **filters}
        self.page("/zoeken", name, params=params)


class Teacher(PortalUser):
    fixed_count = len(TEACHERS)

    def on_start(self):
        super().on_start()
        self.sign_in(TEACHERS.pop())
        self.mine = []  # ids of own requests that may still change

    @task(3)
    def search_offers(self):
        self.search("search (teacher)", max_km=random.choice(["50", "100", ""]))

    @task(4)
    def request_a_date(self):
        offer_id = random.choice(MANIFEST["offers"])
        path = f"/aanvragen/aanbod/{offer_id}"
        form = self.page(path, "request form")
        slots = pages.radio_values(form.text, "slot_id")
        if not slots:
            return  # full, or the school has a request waiting for an answer
        data = {"csrf_token": pages.csrf_token(form.text), "slot_id": random.choice(slots),
                "group_size": str(random.randint(6, 16)), "teachers": "0",
                "level_id": random.choice(pages.select_values(form.text, "level_id")),
                "message": "Wij komen graag met een klas van de bovenbouw."}
        response = self.post(path, data, "request (send)")
        if response.status_code in (302, 303):
            booking_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
            self.mine.append(booking_id)
            self.acknowledge(response, booking_id, "requested")

    @task(2)
    def cancel_or_withdraw(self):
        if not self.mine:
            return
        booking_id = random.choice(self.mine)
        path = f"/aanvragen/{booking_id}"
        page = self.page(path, "request page")
        actions = pages.buttons(page.text)
        if "cancel" in actions and random.random() < 0.5:
            action, status = "cancel", "cancelled"
            message = "De bus is niet beschikbaar; wij zoeken een andere datum."
        elif "withdraw" in actions and random.random() < 0.1:
            action, status, message = "withdraw", "withdrawn", ""
        else:
            if not actions:
                self.mine.remove(booking_id)  # ended: nothing more to do
            return
        response = self.post(path, {"csrf_token": pages.csrf_token(page.text),
                                    "action": action, "message": message}, action)
        if response.status_code in (302, 303):
            self.mine.remove(booking_id)
            self.acknowledge(response, booking_id, status)

    @task(1)
    def my_requests(self):
        self.page("/aanvragen", "my requests")


class CompanyMember(PortalUser):
    fixed_count = len(COMPANY_MEMBERS)

    def on_start(self):
        super().on_start()
        self.sign_in(COMPANY_MEMBERS.pop())

    @task
    def answer_a_request(self):
        dashboard = self.page("/bedrijf", "company dashboard")
        waiting = pages.needs_action_ids(dashboard.text)
        if not waiting:
            return
        booking_id = random.choice(waiting)
        path = f"/aanvragen/{booking_id}"
        page = self.page(path, "request page")
        if "accept" not in pages.buttons(page.text):
            return  # a colleague answered it, or the school withdrew it
        if random.random() < 0.85:
            response = self.post(path, {"csrf_token": pages.csrf_token(page.text),
                                        "action": "accept", "message": "Welkom!"}, "accept")
            if response.status_code in (302, 303):
                self.acknowledge(response, booking_id, "accepted")
                return
            if "accept" not in pages.buttons(response.text):
                return  # answered meanwhile; otherwise the date has no room: decline
        response = self.post(path, {"csrf_token": pages.csrf_token(page.text),
                                    "action": "decline", "end_reason": "no_room",
                                    "message": "Op deze datum is helaas geen plaats meer."},
                             "decline")
        if response.status_code in (302, 303):
            self.acknowledge(response, booking_id, "declined")


class Visitor(PortalUser):
    """Not signed in: searches and reads offer pages (fills up to 32 users)."""

    def on_start(self):
        super().on_start()
        self.email = ""

    @task(3)
    def search_offers(self):
        self.search("search (visitor)")

    @task(2)
    def offer_page(self):
        self.page(f"/aanbod/{random.choice(MANIFEST['offers'])}", "offer page")

    @task(1)
    def home(self):
        self.page("/", "home")
