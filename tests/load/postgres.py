"""The PostgreSQL server the load test runs on, and the restart in the middle of the load.

By default a throwaway server of its own: `initdb` in a temporary folder, on a free port on
127.0.0.1, started and restarted with `pg_ctl` (as the `postgres` user when run as root,
since PostgreSQL refuses to run as root). So the restart disturbs no one else's database on
the machine: a developer's, or another test run's. With PORTAL_LOAD_DATABASE_URL the test
uses that server instead, drops and creates the database named in the URL (the user needs
CREATEDB), and restarts the server with PORTAL_LOAD_PG_RESTART, or on Debian with
`pg_ctlcluster VERSION NAME restart` from the server's own `cluster_name` (e.g. 15/main).
"""
import glob
import os
import shlex
import shutil
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo
from sqlalchemy.engine import make_url

DATABASE = "portal_load"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _bindir():
    """Where initdb and pg_ctl are: on PATH, or Debian's /usr/lib/postgresql/<version>/bin."""
    if shutil.which("initdb") and shutil.which("pg_ctl"):
        return Path(shutil.which("initdb")).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not found:
        raise SystemExit("The load test needs PostgreSQL's initdb and pg_ctl (Debian: apt-get "
                         "install postgresql), or PORTAL_LOAD_DATABASE_URL for a running server.")
    return Path(found[-1]).parent


def _conninfo(url, database):
    url = make_url(url)
    return make_conninfo(
        host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username,
        password=url.password or "", dbname=database)


def recreate_database(url):
    """Drop the URL's database if it exists and create it empty."""
    name = make_url(url).database
    with psycopg.connect(_conninfo(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _run(command, log):
    with open(log, "a", encoding="utf-8") as out:
        out.write(f"$ {shlex.join(map(str, command))}\n")
        out.flush()
        subprocess.run([str(part) for part in command], check=True, stdout=out,
                       stderr=subprocess.STDOUT)


@contextmanager
def throwaway_server(folder, log):
    """Yield (SQLAlchemy URL, restart function) of a new server in `folder`; stop it after."""
    bindir = _bindir()
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data = Path(folder) / "pgdata"
    data.mkdir()
    if as_postgres:
        os.chmod(folder, 0o711)  # postgres passes through the temporary folder to its own
        shutil.chown(data, "postgres", "postgres")
    port = free_port()
    _run([*as_postgres, bindir / "initdb", "-D", data, "-U", "portal", "--auth=trust",
          "-E", "UTF8", "--no-locale"], log)
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1"
    pg_ctl = [*as_postgres, bindir / "pg_ctl", "-D", data, "-w"]
    _run([*pg_ctl, "-l", data / "server.log", "-o", options, "start"], log)
    try:
        url = f"postgresql+psycopg://portal@127.0.0.1:{port}/{DATABASE}"
        recreate_database(url)
        yield url, lambda: _run([*pg_ctl, "-m", "fast", "restart"], log)
    finally:
        _run([*pg_ctl, "-m", "fast", "stop"], log)
        server_log = data / "server.log"
        if server_log.exists():
            shutil.copy(server_log, Path(log).with_name("postgresql-server.log"))


def _restart_command(url):
    configured = os.environ.get("PORTAL_LOAD_PG_RESTART")
    if configured:
        return shlex.split(configured)
    with psycopg.connect(_conninfo(url, make_url(url).database)) as connection:
        cluster = connection.execute("SHOW cluster_name").fetchone()[0]
    if "/" not in cluster or not shutil.which("pg_ctlcluster"):
        raise SystemExit("Set PORTAL_LOAD_PG_RESTART to the command that restarts the server "
                         f"of PORTAL_LOAD_DATABASE_URL (its cluster_name is {cluster!r}).")
    version, name = cluster.split("/", 1)
    return ["pg_ctlcluster", version, name, "restart"]


@contextmanager
def existing_server(url, log):
    """Yield (URL, restart function) for a running server whose database is recreated."""
    recreate_database(url)
    command = _restart_command(url)
    yield url, lambda: _run(command, log)
