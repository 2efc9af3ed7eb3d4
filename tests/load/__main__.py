"""`make loadtest`, or `python -m tests.load [postgresql] [sqlite]` (both when none is named).

For each database:
1. a new database: PostgreSQL on a throwaway server of its own (tests/load/postgres.py; or the
   one of PORTAL_LOAD_DATABASE_URL), SQLite in a temporary file; `flask db upgrade`, `flask
   seed reference`, `flask seed demo`, and the load test's own companies, offers and teachers
   (tests/load/seed.py);
2. gunicorn on a free port of 127.0.0.1 in the production configuration, with the workers the
   README recommends (WORKERS below), rate limits on;
3. Locust, headless, 32 users for PORTAL_LOAD_SECONDS (120) seconds (tests/load/locustfile.py);
   on PostgreSQL the server is restarted after a third of that time, while the load goes on,
   and the app is probed until it answers again;
4. the checks (tests/load/checks.py): no server error outside the restart window, no overbooked
   date, no acknowledged write missing, and something was booked at all.
Prints a table per database and one line `LOADTEST {json}`; exits 1 if a check fails. The
logs (gunicorn's, Locust's, PostgreSQL's), the acknowledged writes and the errors are kept in
build/loadtest/<database>/.
"""
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.load import checks, postgres, report

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the venv's
ARTIFACTS = ROOT / "build" / "loadtest"
USERS, SPAWN_RATE = 32, 8
SECONDS = int(os.environ.get("PORTAL_LOAD_SECONDS", "120"))
# The README's recommendation. PostgreSQL: 4 processes (2 per core), each request its own
# connection. SQLite: 2 processes of 4 threads: one database file takes one writer at a time,
# and a writing request waits for the lock (up to 5 s) in a thread while the other threads of
# its process go on answering pages.
# PORTAL_LOAD_GUNICORN_POSTGRESQL / _SQLITE (e.g. "--workers 8") measure other settings.
WORKERS = {kind: os.environ.get(f"PORTAL_LOAD_GUNICORN_{kind.upper()}", default).split()
           for kind, default in (("postgresql", "--workers 4"),
                                 ("sqlite", "--workers 2 --threads 4"))}


def _run(command, env, log):
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(map(str, command))}\n")
        out.flush()
        done = subprocess.run([str(part) for part in command], cwd=ROOT, env=env, stdout=out,
                              stderr=subprocess.STDOUT)
    if done.returncode:
        sys.exit(f"failed: {' '.join(map(str, command))} (see {log})")


def server_env(url, port):
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("PORTAL_") or key.startswith("PORTAL_RATELIMIT_STORAGE")}
    env.update(PORTAL_ENV="production", PORTAL_SECRET_KEY=secrets.token_urlsafe(32),
               PORTAL_DATABASE_URL=url, PORTAL_BASE_URL=f"http://127.0.0.1:{port}")
    return env


def prepare(url, env, folder, log):
    """A database with the reference, demo and load data; returns the manifest's path."""
    flask = [BIN / "flask", "--app", "wsgi"]
    for step in (["db", "upgrade"], ["seed", "reference"], ["seed", "demo"]):
        _run([*flask, *step], env, log)
    manifest = folder / "manifest.json"
    _run([sys.executable, "-m", "tests.load.seed", manifest, secrets.token_urlsafe(18)], env,
         log)
    return manifest


def probe(base, timeout=5):
    """The status of a page that reads the database (0: no answer)."""
    try:
        with urllib.request.urlopen(f"{base}/zoeken?q=lassen", timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


@contextmanager
def gunicorn(env, port, workers, log):
    base = f"http://127.0.0.1:{port}"
    with open(log, "a", encoding="utf-8") as out:
        server = subprocess.Popen(
            [BIN / "gunicorn", *workers, "--bind", f"127.0.0.1:{port}", "--timeout", "60",
             "wsgi:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while probe(base) != 200:
            if server.poll() is not None or time.time() > deadline:
                sys.exit(f"gunicorn did not start (see {log})")
            time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def load(base, manifest, out, restart):
    """Run Locust; restart the database after a third of the time if `restart` is given.
    Returns the restart's figures and its window, or (None, None)."""
    env = dict(os.environ, PORTAL_LOAD_MANIFEST=str(manifest), PORTAL_LOAD_OUT=str(out))
    command = [sys.executable, "-m", "locust", "-f", "tests/load/locustfile.py", "--headless",
               "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE), "--run-time",
               f"{SECONDS}s", "--stop-timeout", "15", "--host", base, "--only-summary",
               "--exit-code-on-error", "0", "--loglevel", "WARNING"]
    with open(out / "locust.log", "w", encoding="utf-8") as log:
        started = time.time()
        locust = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        figures = window = None
        if restart is not None:
            time.sleep(SECONDS / 3)
            began = time.time()
            restart()
            restarted = time.time()
            recovered = None
            while recovered is None and time.time() - restarted < 60:
                if probe(base) == 200:
                    recovered = time.time()
                else:
                    time.sleep(0.1)
            figures = {"at_seconds": round(began - started, 1),
                       "restart_seconds": round(restarted - began, 2),
                       "answering_again_after_seconds":
                           round(recovered - restarted, 2) if recovered else None}
            window = checks.Window(began, recovered or restarted + 60)
        if locust.wait(SECONDS + 120):
            sys.exit(f"Locust failed (see {out / 'locust.log'})")
    return figures, window


def _read_jsonl(path):
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def verify(url, out, window):
    """The figures and checks of one run (see checks.py)."""
    pages = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    errors = _read_jsonl(out / "errors.jsonl")
    inside, outside = checks.split_errors(errors, window)
    acks = checks.read_acks(out / "acks.jsonl") if (out / "acks.jsonl").exists() else []
    engine = create_engine(url)
    with engine.connect() as connection:
        lost = checks.lost_acks(connection, acks)
        slots = checks.overbooked_slots(connection)
        offers = checks.overbooked_offers(connection)
        short = checks.short_taken(connection)
        counted = connection.execute(text("SELECT COUNT(*) FROM slots")).scalar_one()
        version = (connection.execute(text("SHOW server_version")).scalar_one()
                   if engine.dialect.name == "postgresql"
                   else connection.execute(text("SELECT sqlite_version()")).scalar_one())
    engine.dispose()
    statuses = Counter()
    for page in pages:
        statuses.update({int(k): v for k, v in page["statuses"].items()})
    failures = sum(page["failures"] for page in pages)
    unexpected = failures - len(errors)
    acked = Counter(ack.status for ack in acks)
    result = {
        "version": version, "pages": pages,
        "requests": sum(page["requests"] for page in pages), "failures": failures,
        "server_errors": len(outside), "errors_during_restart": len(inside),
        "unexpected_answers": unexpected,
        "refused_422": statuses[422], "conflicts_409": statuses[409],
        "rate_limited_429": statuses[429],
        "acknowledged": dict(sorted(acked.items())), "lost_acknowledged": len(lost),
        "slots": counted, "overbooked_slots": len(slots), "overbooked_placements": len(offers),
        "accepted_short_of_room": len(short),
    }
    problems = []
    if outside:
        problems.append(f"{len(outside)} server errors outside the restart window")
    if unexpected:
        problems.append(f"{unexpected} unexpected answers (see locust.log)")
    if slots or offers or short:
        problems.append(f"overbooked: dates {slots[:5]}, placements {offers[:5]}, "
                        f"accepted short of room {short[:5]}")
    if lost:
        problems.append(f"{len(lost)} acknowledged writes lost: "
                        + ", ".join(f"{a.booking} {a.status} (now {s})" for a, s in lost[:5]))
    if not acked["accepted"] or not acked["cancelled"]:
        problems.append("the load booked nothing, or cancelled nothing: no proof")
    result["problems"] = problems
    return result


def run(kind, folder):
    out = ARTIFACTS / kind
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    print(f"{kind}: preparing the database (migrations, reference and demo data, load data)",
          flush=True)
    if kind == "sqlite":
        server = _sqlite(folder)
    elif os.environ.get("PORTAL_LOAD_DATABASE_URL"):
        server = postgres.existing_server(os.environ["PORTAL_LOAD_DATABASE_URL"],
                                          out / "setup.log")
    else:
        server = postgres.throwaway_server(folder, out / "setup.log")
    with server as (url, restart):
        port = postgres.free_port()
        env = server_env(url, port)
        begun = time.time()
        manifest = prepare(url, env, folder, out / "setup.log")
        print(f"{kind}: database prepared in {time.time() - begun:.0f} s", flush=True)
        with gunicorn(env, port, WORKERS[kind], out / "gunicorn.log") as base:
            print(f"{kind}: {USERS} users for {SECONDS} s against gunicorn "
                  f"{' '.join(WORKERS[kind])} on {base}", flush=True)
            figures, window = load(base, manifest, out, restart)
        result = verify(url, out, window)
    result.update(database=kind, workers=" ".join(WORKERS[kind]), users=USERS,
                  seconds=SECONDS, restart=figures)
    (out / "result.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


@contextmanager
def _sqlite(folder):
    yield f"sqlite:///{folder / 'portal.sqlite'}", None


def main(kinds):
    kinds = kinds or ["postgresql", "sqlite"]
    unknown = set(kinds) - set(WORKERS)
    if unknown:
        sys.exit(f"unknown database {sorted(unknown)}; choose from {sorted(WORKERS)}")
    results = {}
    for kind in kinds:
        with tempfile.TemporaryDirectory(prefix=f"portal-load-{kind}-") as folder:
            results[kind] = run(kind, Path(folder))
        print(report.table(results[kind], ARTIFACTS / kind), flush=True)
    print("LOADTEST " + json.dumps(report.summary(results)))
    return 1 if any(result["problems"] for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
