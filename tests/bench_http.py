"""The served part of `make bench`: gunicorn with two workers in the production configuration,
against the bench's database, and 8 concurrent clients (threads, http.client) asking alternately
for the search page and for a trivial page of the same application, in time slices of the same
run: search, trivial, search, trivial... All clients wait at the end of each slice until every
request of it has been answered, so no slice's requests spill into the next one.

Half the clients are teachers of generated schools, signed in once through the real sign-in
form; the others are visitors. Rate limits are off (PORTAL_RATELIMIT_ENABLED=0): every client
comes from 127.0.0.1. Peak memory is each worker's VmHWM from /proc at the end.
"""
import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from tests.bench_search import percentile

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLIENTS = 8
WORKERS = 2
TRIVIAL = "/privacy"
# The search form's fields (portal/matching/forms.py) by SearchFilters name.
FORM_NAMES = {"text": "q", "offer_type": "offer_type", "sector_id": "sector",
              "level_id": "level", "max_km": "max_km", "group_size": "group_size",
              "wanted_on": "wanted_on", "wanted_until": "wanted_until"}


def form_fields(app):
    """The names of the search form's fields, as the present version of the form has them."""
    from portal.matching.forms import SearchForm

    with app.test_request_context("/zoeken"):
        return {field.name for field in SearchForm(formdata=None)}


def query_string(search, codes, fields):
    values = {"text": search.get("text"), "offer_type": search.get("offer_type"),
              "sector_id": codes.sectors.get(search.get("sector")),
              "level_id": codes.levels.get(search.get("level")),
              "max_km": search.get("max_km") if search["school_id"] else None,
              "group_size": search.get("group_size"), "wanted_on": search.get("wanted_on"),
              "wanted_until": search.get("wanted_until")}
    pairs = {FORM_NAMES[k]: v.isoformat() if isinstance(v, date) else v
             for k, v in values.items() if v is not None and FORM_NAMES[k] in fields}
    if search["school_id"] and "max_km" in fields and "max_km" not in pairs:
        pairs["max_km"] = ""  # any distance
    if search.get("page", 1) > 1:
        pairs["page"] = search["page"]
    return "/zoeken?" + urlencode(pairs or {"q": ""})


class Client:
    """One user agent: its cookies, and a request on a new connection each time (gunicorn's
    sync workers close the connection after every answer)."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, text
        except OSError:
            return 0, ""
        finally:
            connection.close()

    def sign_in(self, email, password):
        status, page = self.request("GET", "/account/inloggen")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        if status != 200 or token is None:
            return False
        body = urlencode({"csrf_token": token.group(1), "email": email, "password": password})
        status, _ = self.request("POST", "/account/inloggen", body)
        return status == 302


def server_env(url, port):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    env.update(PORTAL_ENV="production", PORTAL_SECRET_KEY=secrets.token_urlsafe(32),
               PORTAL_DATABASE_URL=url, PORTAL_BASE_URL=f"http://127.0.0.1:{port}",
               PORTAL_RATELIMIT_ENABLED="0")
    return env


def _workers(master):
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                found.append(int(entry.name))
    return sorted(found)


def _peak_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _start(url, port, log):
    with open(log, "w", encoding="utf-8") as out:  # the server writes to its own copy
        server = subprocess.Popen(
            [BIN / "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
             "--timeout", "120", "wsgi:app"], cwd=ROOT, env=server_env(url, port),
            stdout=out, stderr=subprocess.STDOUT)
    probe, deadline = Client(port), time.time() + 90
    while probe.request("GET", TRIVIAL)[0] != 200:
        if server.poll() is not None or time.time() > deadline:
            server.terminate()
            raise SystemExit(f"gunicorn did not start (see {log})")
        time.sleep(0.5)
    return server


def _slices(clients, paths, rounds, seconds):
    """Alternate slices; returns {kind: {"count", "seconds", "latencies", "failed"}}."""
    kinds = ("search", "trivial")
    figures = {k: {"count": 0, "seconds": 0.0, "latencies": [], "failed": 0} for k in kinds}
    lock = threading.Lock()
    barrier = threading.Barrier(len(clients) + 1)
    plan = [kind for _ in range(rounds) for kind in kinds]
    state = {"kind": None, "until": 0.0}

    def work(index, client):
        turn = 0
        for _ in plan:
            barrier.wait()  # the slice starts
            kind, until = state["kind"], state["until"]
            while time.perf_counter() < until:
                own = paths[index]
                path = own[turn % len(own)] if kind == "search" else TRIVIAL
                turn += kind == "search"
                started = time.perf_counter()
                status, _ = client.request("GET", path)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    figures[kind]["count"] += 1
                    figures[kind]["latencies"].append(elapsed)
                    figures[kind]["failed"] += status != 200
            barrier.wait()  # every request of the slice is answered

    threads = [threading.Thread(target=work, args=(i, c), daemon=True)
               for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for kind in plan:
        started = time.perf_counter()
        state["kind"], state["until"] = kind, started + seconds
        barrier.wait()
        barrier.wait()
        figures[kind]["seconds"] += time.perf_counter() - started
    for thread in threads:
        thread.join()
    return figures


def measure(url, manifest, searches, codes, fields, rounds, seconds, log):
    """Serve the database with gunicorn and measure; returns the figures."""
    from tests.load.postgres import free_port

    port = free_port()
    server = _start(url, port, log)
    try:
        clients = [Client(port) for _ in range(CLIENTS)]
        teachers = [s for s in searches if s["school_id"]]
        visitors = [s for s in searches if not s["school_id"]]
        paths, signed_in = [], 0
        for index, client in enumerate(clients):
            own = teachers if index < CLIENTS // 2 else visitors
            if own is teachers and own:
                teacher_id = _teacher_of(manifest, own[index]["school_id"])
                if client.sign_in(f"docent{teacher_id}@bench.example", manifest["password"]):
                    signed_in += 1
                else:
                    own = visitors
            share = own[index::CLIENTS] or own
            paths.append([query_string(s, codes, fields) for s in share] or ["/zoeken"])
        for client, own in zip(clients, paths, strict=True):  # warm both workers' caches
            for path in own[:2] + [TRIVIAL]:
                client.request("GET", path)
        figures = _slices(clients, paths, rounds, seconds)
        figures_page = _figures_page(clients[-1])
        workers = _workers(server.pid)
        memory = [_peak_mb(pid) for pid in workers]
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    result = {"clients": CLIENTS, "teachers_signed_in": signed_in, "workers": WORKERS,
              "rounds": rounds, "slice_seconds": seconds, "worker_peak_mb": memory}
    for kind, data in figures.items():
        rate = data["count"] / data["seconds"] if data["seconds"] else 0
        result[kind] = {
            "requests": data["count"], "failed": data["failed"],
            "requests_per_s": round(rate, 1),
            "p50_ms": _round(statistics.median(data["latencies"]) if data["latencies"] else None),
            "p95_ms": _round(percentile(data["latencies"], 0.95))}
    result["figures_page"] = figures_page
    trivial = result["trivial"]["requests_per_s"]
    result["ratio"] = round(result["search"]["requests_per_s"] / trivial, 4) if trivial else None
    return result


FIGURES = "/cijfers"
FIGURES_TIMES = 11


def _figures_page(client):
    """The public figures page (two school years, counted over every request and ride),
    asked one at a time after the throughput slices: p50 and max in ms, and the failures."""
    latencies, failed = [], 0
    for _ in range(FIGURES_TIMES):
        started = time.perf_counter()
        status = client.request("GET", FIGURES)[0]
        latencies.append((time.perf_counter() - started) * 1000)
        failed += status != 200
    return {"p50_ms": _round(statistics.median(latencies)), "max_ms": _round(max(latencies)),
            "failed": failed}


def _teacher_of(manifest, school_id):
    """Generated schools and their teachers were made in step: the n-th school, the n-th user."""
    first = manifest["first_ids"]
    return first["users"] + (school_id - first["organisations"] - manifest["counts"]["companies"])


def _round(value):
    return None if value is None else round(value, 1)

