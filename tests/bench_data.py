"""The national data set of `make bench`, on SQLite and on PostgreSQL, built once and reused.

Every database gets its schema from the migrations (`flask db upgrade`), so the bench measures
the real schema with its indexes; then the reference data and `generate_national`.

- SQLite: a file in build/bench/ per size and seed, with a manifest beside it.
- PostgreSQL: PORTAL_BENCH_DATABASE_URL names a server whose database (named in the URL) the
  bench drops and creates (the user needs CREATEDB); or else a server of the bench's own, made
  with initdb (Debian's binaries, as tests/load does) in build/bench/postgresql-<size>-s<seed>/,
  started for the run and stopped after, its data kept for the next run (default settings;
  PORTAL_BENCH_PG_OPTIONS adds some, e.g. "-c shared_buffers=1GB").

A build is reused when its manifest names the same data key (size, seed, the migrations, the
generator's code) and it is less than MAX_AGE_DAYS old (slots lie on real dates from the day of
generation on). When only the search index code changed, the index is rebuilt on the kept data.
`--fresh` builds anew.
"""
import hashlib
import json
import os
import secrets
import shutil
import subprocess
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import select, text

from portal import create_app
from portal.config import Config
from portal.db import local_today
from portal.extensions import db

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "bench"
DATA_CODE = ("portal/seeding/national.py", "portal/seeding/national_offers.py",
             "portal/seeding/national_text.py", "portal/seeding/reference.py")
INDEX_CODE = ("portal/matching/words.py",)  # and portal.matching.index._texts, see keys()
MAX_AGE_DAYS = 7
PG_DATABASE = "portal_bench"


def bench_config(url):
    """The configuration the bench's own process uses: the production settings, this database,
    no rate limits (one address sends all the bench's requests)."""
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = secrets.token_urlsafe(32)
        RATELIMIT_ENABLED = False
        SERVER_NAME = None
    return BenchConfig


def _digest(names):
    digest = hashlib.sha256()
    for name in names:
        path = ROOT / name
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:12]


def keys(offers, seed):
    """(data key, schema key, index key): what the data, its schema and its search index were
    made from. The migrations count by their content too: a migration edited under the same
    revision id makes another schema. The index: how words are folded, from which texts."""
    import inspect

    from portal.matching.index import _texts

    heads = "+".join(sorted(ScriptDirectory(str(ROOT / "migrations")).get_heads()))
    migrations = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "migrations").rglob("*.py"))
    index = hashlib.sha256((_digest(INDEX_CODE) + inspect.getsource(_texts)).encode())
    return (f"{offers}-s{seed}-{_digest(DATA_CODE)}", f"{heads}-{_digest(migrations)}",
            index.hexdigest()[:12])


def _read(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _usable(manifest, data_key):
    if not manifest or manifest.get("key") != data_key or "schema" not in manifest:
        return False
    made = date.fromisoformat(manifest["generated_on"])
    return (local_today() - made).days <= MAX_AGE_DAYS


def fingerprint():
    """A digest of the generated offers' content, equal on both databases for the same seed."""
    from portal.geo.models import Place
    from portal.offers.models import Offer

    digest = hashlib.sha256()
    rows = db.session.execute(
        select(Offer.title, Offer.offer_type, Offer.status, Place.geonameid, Offer.starts_on)
        .join(Place, Place.id == Offer.place_id).order_by(Offer.id)
        .execution_options(yield_per=20_000))
    for row in rows:
        digest.update("|".join(map(str, row)).encode())
    return digest.hexdigest()[:16]


def _build(url, offers, seed, data_key, schema_key, index_key):
    """Migrate, load the reference data, generate; return the manifest."""
    from flask_migrate import upgrade

    from portal.seeding.national import generate_national
    from portal.seeding.reference import load_reference

    password = secrets.token_urlsafe(12)
    app = create_app(bench_config(url))
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        print(f"  migrated in {time.perf_counter() - started:.1f} s; {load_reference()}",
              flush=True)
        summary = generate_national(offers=offers, seed=seed, password=password,
                                    echo=lambda line: print(line, flush=True))
        print(summary.text(), flush=True)
        manifest = {
            "key": data_key, "schema": schema_key, "index_key": index_key,
            "generated_on": local_today().isoformat(),
            "password": password, "first_ids": summary.first_ids,
            "counts": dict(summary.counts), "offers_by_status": dict(summary.offers_by_status),
            "generation_seconds": round(summary.seconds, 1), "index": summary.index,
            "fingerprint": fingerprint()}
        db.session.remove()
        db.engine.dispose()
    return manifest


def _in_app(url, work):
    """Run `work()` in an app on the data set, then ANALYZE; returns what it returned."""
    app = create_app(bench_config(url))
    with app.app_context():
        done = work()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return done


def _reindex(url, manifest, index_key):
    """The data is current but the search index code changed: rebuild only the index."""
    from portal.seeding.national import _rebuild_index

    manifest["index"] = _in_app(url, _rebuild_index)
    print(f"  {manifest['index']}", flush=True)
    manifest["index_key"] = index_key
    return manifest


def _migrate(url, manifest, schema_key):
    """The data is current but newer migrations came: upgrade it, as a real database is."""
    from flask_migrate import upgrade

    started = time.perf_counter()
    _in_app(url, upgrade)
    print(f"  migrated in {time.perf_counter() - started:.1f} s", flush=True)
    manifest["schema"] = schema_key
    return manifest


def _upgradable(manifest, schema_key):
    """Only newer revisions were added (an edited one needs a new data set)."""
    old_heads, _digest_then = manifest["schema"].rsplit("-", 1)
    new_heads = schema_key.rsplit("-", 1)[0]
    if old_heads == new_heads:
        return False
    script = ScriptDirectory(str(ROOT / "migrations"))
    ancestors = {revision.revision for head in new_heads.split("+")
                 for revision in script.iterate_revisions(head, "base")}
    return set(old_heads.split("+")) <= ancestors


def prepare(kind, url, manifest_path, offers, seed, fresh, recreate):
    """The manifest of a ready database: reused (migrated, reindexed) or built (after
    `recreate()`)."""
    data_key, schema_key, index_key = keys(offers, seed)
    manifest = _read(manifest_path)
    usable = not fresh and _usable(manifest, data_key) and (
        manifest["schema"] == schema_key or _upgradable(manifest, schema_key))
    if usable:
        if manifest["schema"] != schema_key:
            print(f"{kind}: reusing the data set of {manifest['generated_on']}; newer "
                  "migrations: upgrading it", flush=True)
            manifest = _migrate(url, manifest, schema_key)
        if manifest.get("index_key") != index_key:
            print(f"{kind}: reusing the data set of {manifest['generated_on']}; the search "
                  "index code changed: rebuilding the index", flush=True)
            manifest = _reindex(url, manifest, index_key)
        else:
            print(f"{kind}: reusing the data set built on {manifest['generated_on']} "
                  f"({manifest_path.parent})", flush=True)
        manifest["reused"] = True
    else:
        print(f"{kind}: building the national data set ({offers} offers, seed {seed})",
              flush=True)
        manifest_path.unlink(missing_ok=True)
        recreate()
        manifest = _build(url, offers, seed, data_key, schema_key, index_key)
        manifest["reused"] = False
    manifest_path.write_text(json.dumps({k: v for k, v in manifest.items() if k != "reused"},
                                        indent=1), encoding="utf-8")
    return manifest


@contextmanager
def sqlite_database(offers, seed, fresh):
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"sqlite-{offers}-s{seed}.sqlite"
    url = f"sqlite:///{path}"

    def recreate():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    manifest = prepare("sqlite", url, path.with_suffix(".json"), offers, seed, fresh, recreate)
    yield url, manifest


def _conninfo(url, database):
    from tests.load.postgres import _conninfo
    return _conninfo(url, database)


@contextmanager
def postgresql_database(offers, seed, fresh):
    configured = os.environ.get("PORTAL_BENCH_DATABASE_URL")
    if configured:
        yield from _existing_server(configured, offers, seed, fresh)
    else:
        yield from _own_server(offers, seed, fresh)


def _existing_server(url, offers, seed, fresh):
    from tests.load.postgres import recreate_database

    CACHE.mkdir(parents=True, exist_ok=True)
    tag = hashlib.sha256(url.encode()).hexdigest()[:8]
    manifest_path = CACHE / f"postgresql-url-{tag}-{offers}-s{seed}.json"
    if not _database_exists(url):
        manifest_path.unlink(missing_ok=True)
    manifest = prepare("postgresql", url, manifest_path, offers, seed, fresh,
                       lambda: recreate_database(url))
    yield url, manifest


def _database_exists(url):
    import psycopg
    from sqlalchemy.engine import make_url

    try:
        with psycopg.connect(_conninfo(url, make_url(url).database)) as connection:
            return connection.execute(
                "SELECT 1 FROM information_schema.tables WHERE table_name = 'offers'"
            ).fetchone() is not None
    except psycopg.OperationalError:
        return False


def _pg_bindir():
    from tests.load import postgres

    try:
        return postgres._bindir()
    except SystemExit:
        raise SystemExit(
            "The PostgreSQL bench needs PostgreSQL's initdb and pg_ctl (Debian: apt-get install "
            "postgresql), or PORTAL_BENCH_DATABASE_URL naming a server where the user may "
            "create databases; or leave PostgreSQL out: --databases sqlite") from None


def _run(command, log):
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"$ {' '.join(map(str, command))}\n")
        out.flush()
        done = subprocess.run([str(part) for part in command], stdout=out,
                              stderr=subprocess.STDOUT)
    if done.returncode:
        raise SystemExit(f"failed: {' '.join(map(str, command))} (see {log})")


def _own_server(offers, seed, fresh):
    """A server of the bench's own on a free port; its data folder is kept for the next run."""
    from tests.load.postgres import free_port, recreate_database

    bindir = _pg_bindir()
    folder = CACHE / f"postgresql-{offers}-s{seed}"
    data, log = folder / "pgdata", folder / "server-commands.log"
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder.mkdir(parents=True, exist_ok=True)
    if not (data / "PG_VERSION").exists():
        shutil.rmtree(data, ignore_errors=True)
        (folder / "manifest.json").unlink(missing_ok=True)
        data.mkdir()
        if as_postgres:
            shutil.chown(data, "postgres", "postgres")
        _run([*as_postgres, bindir / "initdb", "-D", data, "-U", "portal", "--auth=trust",
              "-E", "UTF8", "--no-locale"], log)
    port = free_port()
    pg_ctl = [*as_postgres, bindir / "pg_ctl", "-D", data, "-w", "-t", "120"]
    # PORTAL_BENCH_PG_OPTIONS adds server settings, e.g. "-c shared_buffers=1GB".
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 " \
              + os.environ.get("PORTAL_BENCH_PG_OPTIONS", "")
    _run([*pg_ctl, "-l", data / "server.log", "-o", options.strip(), "start"], log)
    try:
        url = f"postgresql+psycopg://portal@127.0.0.1:{port}/{PG_DATABASE}"
        if not _database_exists(url):
            (folder / "manifest.json").unlink(missing_ok=True)
        manifest = prepare("postgresql", url, folder / "manifest.json", offers, seed, fresh,
                           lambda: recreate_database(url))
        yield url, manifest
    finally:
        _run([*pg_ctl, "-m", "fast", "stop"], log)


DATABASES = {"sqlite": sqlite_database, "postgresql": postgresql_database}
