"""The national benchmark (issue 9): `python -m tests.bench national`, part of `make bench`.

For each database (SQLite, PostgreSQL): the national data set (bench_data.py: built once,
reused after), then the seeded searches through the search service (bench_search.py), then the
application under gunicorn, search page against a trivial page (bench_http.py). Prints a table,
rows the measures and columns the databases. Figures only: nothing here asserts a time.
"""
import os
import platform
import sqlite3
import statistics
import time

from sqlalchemy import text

from portal import create_app
from portal.db import local_today
from portal.extensions import db
from tests import bench_http
from tests.bench_data import CACHE, DATABASES, bench_config
from tests.bench_search import Codes, make_searches, time_searches


def _server_version():
    if db.engine.dialect.name == "postgresql":
        version = db.session.execute(text("SHOW server_version")).scalar_one()
        return "PostgreSQL " + version.split()[0]
    return f"SQLite {sqlite3.sqlite_version}"


def _school_ids(manifest):
    first = manifest["first_ids"]["organisations"] + manifest["counts"]["companies"]
    return list(range(first, first + manifest["counts"]["schools"]))


def run_database(kind, offers, seed, count, fresh, rounds, seconds, http):
    started = time.perf_counter()
    with DATABASES[kind](offers, seed, fresh) as (url, manifest):
        result = {"database": kind, "data_ready_seconds": round(time.perf_counter() - started, 1),
                  "reused": manifest["reused"], "generated_on": manifest["generated_on"],
                  "generation_seconds": manifest["generation_seconds"],
                  "index": manifest.get("index", ""), "fingerprint": manifest["fingerprint"],
                  "offers": manifest["counts"]["offers"],
                  "published": manifest["offers_by_status"].get("published", 0),
                  "companies": manifest["counts"]["companies"],
                  "schools": manifest["counts"]["schools"]}
        app = create_app(bench_config(url))
        with app.test_request_context():
            result["version"] = _server_version()
            codes = Codes()
            searches = make_searches(count, seed, _school_ids(manifest), local_today())
            print(f"{kind}: {count} searches, each once to warm and once timed", flush=True)
            began = time.perf_counter()
            result["search"] = time_searches(searches, codes)
            print(f"{kind}: searches done in {time.perf_counter() - began:.0f} s", flush=True)
            result["figures"] = time_figures()
            result["coverage"] = time_coverage()
            db.session.remove()
        fields = bench_http.form_fields(app)
        with app.app_context():
            db.engine.dispose()
        if http:
            print(f"{kind}: gunicorn, {bench_http.WORKERS} workers, {bench_http.CLIENTS} "
                  f"clients, {rounds} x {seconds} s per page", flush=True)
            result["http"] = bench_http.measure(url, manifest, searches, codes, fields, rounds,
                                                seconds, CACHE / f"gunicorn-{kind}.log")
    return result


FIGURE_RUNS = 5


def time_figures():
    """Everything the figures page of the country computes for this school year (what the
    administrator sees first), timed in-process: p50 and max in ms of FIGURE_RUNS runs."""
    from portal.moderation import figures
    from portal.moderation.figures_views import tables

    period = figures.school_year_of(local_today())
    times = []
    for _ in range(FIGURE_RUNS):
        began = time.perf_counter()
        figures.headline(period)
        figures.answers(period, None, local_today())
        figures.new_companies(period, None)
        tables(period, None)
        times.append((time.perf_counter() - began) * 1000)
    return {"p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


class _Administrator:
    """The administrator as the services see one (the set has no accounts to sign in)."""

    role, is_active, is_authenticated, id = "admin", True, True, None


def time_coverage():
    """The administrator's overview (/beheer): where no Technocentrum works, counted over every
    company and school of the set, and the centres with their moderators: p50 and max in ms."""
    from portal.administration import centres

    times = []
    for _ in range(FIGURE_RUNS):
        began = time.perf_counter()
        centres.coverage(actor=_Administrator())
        centres.centres_overview(actor=_Administrator())
        times.append((time.perf_counter() - began) * 1000)
    return {"p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def _cell(result, row):
    s, h = result.get("search", {}), result.get("http") or {}
    if row == "offers":
        return f"{result['offers']:,} ({result['published']:,} published)"
    if row == "data":
        return (f"reused ({result['generated_on']})" if result["reused"]
                else f"built in {result['generation_seconds']:.0f} s")
    if row == "read":
        return f"{s['store_offers']:,} in {s['store_read_s']} s"
    if row == "p50":
        return f"{s['p50_ms']} / {s['p95_ms']} / {s['max_ms']}"
    if row == "kinds":
        return f"{s['teacher_p50_ms']} / {s['visitor_p50_ms']} / {s['text_p50_ms']}"
    if row == "statements":
        return f"{s['statements_min']}-{s['statements_max']}"
    if row == "nothing":
        return f"{s['found_nothing']} of {s['timed']} (errors {s['errors']})"
    if row in ("figures_country", "coverage"):
        f = result.get("figures" if row == "figures_country" else "coverage") or {}
        return f"{f.get('p50_ms')} / {f.get('max_ms')}"
    if row == "found":
        return f"{s['median_found']}"
    if not h:
        return "-"
    if row in ("search", "trivial"):
        page = h[row]
        return f"{page['requests_per_s']}/s ({page['p50_ms']} / {page['p95_ms']} ms)"
    if row == "ratio":
        failed = h["search"]["failed"] + h["trivial"]["failed"]
        ratio = f"{h['ratio']:.1%}" if h["ratio"] is not None else "-"
        return f"{ratio} (NOT VALID: {failed} failed)" if failed else ratio
    if row == "figures":
        page = h.get("figures_page") or {}
        return f"{page.get('p50_ms')} / {page.get('max_ms')} (failed {page.get('failed')})"
    if row == "memory":
        return " + ".join(str(mb) for mb in h["worker_peak_mb"])
    if row == "failed":
        return f"{h['search']['failed']} / {h['trivial']['failed']} ({h['teachers_signed_in']} " \
               "teachers signed in)"
    return "-"


ROWS = [("offers", "offers"), ("data", "data set"),
        ("read", "offers read into memory (once per process)"),
        ("p50", "find_offers p50 / p95 / max (ms)"),
        ("kinds", "  p50 teacher / visitor / with text (ms)"),
        ("statements", "SQL statements per search"), ("nothing", "searches that found nothing"),
        ("found", "median number found"),
        ("figures_country", "figures of the country, school year p50 / max (ms)"),
        ("coverage", "administration overview (coverage) p50 / max (ms)"),
        ("search", "search page, req/s (p50 / p95)"),
        ("trivial", "trivial page, req/s (p50 / p95)"),
        ("ratio", "search page : trivial page"),
        ("figures", "public figures page p50 / max (ms)"), ("memory", "worker peak memory (MB)"),
        ("failed", "failed requests search / trivial")]


def table(results):
    kinds = list(results)
    width = max(len(label) for _, label in ROWS) + 2
    column = max([28] + [len(_cell(results[k], row)) + 2 for k in kinds for row, _ in ROWS])
    lines = ["".ljust(width) + "".join(results[k]["version"].ljust(column) for k in kinds)]
    for row, label in ROWS:
        lines.append(label.ljust(width) + "".join(_cell(results[k], row).ljust(column)
                                                  for k in kinds))
    return "\n".join(line.rstrip() for line in lines)


def run(offers, databases, searches, seed, rounds, seconds, fresh=False, http=True):
    """Every figure of the national benchmark, by database; prints the table."""
    figures = {"offers": offers, "seed": seed, "searches": searches,
               "machine": {"cpus": os.cpu_count(), "system": platform.platform(),
                           "python": platform.python_version()}}
    results = {}
    for kind in databases:
        results[kind] = run_database(kind, offers, seed, searches, fresh, rounds, seconds, http)
        http_figures = results[kind].get("http") or {}
        if any(http_figures.get(page, {}).get("failed") for page in ("search", "trivial")):
            print(f"{kind}: requests failed under gunicorn (see {CACHE}/gunicorn-{kind}.log)")
        error = results[kind]["search"]["first_error"]
        if error:
            print(f"{kind}: {results[kind]['search']['errors']} searches failed; the first:\n"
                  f"{error}")
    print(f"\nNational benchmark: {offers:,} offers, seed {seed}, {searches} searches "
          f"({os.cpu_count()} CPUs)\n")
    print(table(results))
    prints = {r["fingerprint"] for r in results.values()}
    if len(results) > 1:
        print("\nthe same data on every database" if len(prints) == 1 else
              "\nNOTE: the databases hold different data (fingerprints differ)")
    figures.update(results)
    return figures
