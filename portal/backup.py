"""Backups of the whole database, and restoring one (`flask backup`, `flask restore`).

SQLite: the online backup API copies the live file in one step, a consistent snapshot while the
portal keeps running and writing. A restore copies a backup into the live file the same way,
inside one write transaction of the live database: it completes, or it fails and leaves the
database as it was; the portal's other connections see the restored data at their next
transaction.

PostgreSQL: `pg_dump --format=custom` (a consistent snapshot, taken while the portal runs) and
`pg_restore --clean --if-exists --single-transaction`: the drops, the new tables and their data
happen in one transaction, so a restore that fails half way (a full disk, a lost connection, a
table of a later migration whose foreign key stands in the way of a drop) is rolled back whole
and changes nothing. Objects that are not in the backup (a table added by a later migration) are
left alone; restore a backup into the schema version it was made with, or into an empty
database and then run `flask db upgrade`. The restore waits for the locks of running
transactions, so stop the portal's servers and workers first.

A backup holds personal data: the file is written readable by its owner only (0600), under a
hidden name first and given its real name only once it is complete, so a failed backup never
leaves a file that looks like a good one, and an existing file is never overwritten.
"""
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
SUFFIXES = {"sqlite": ".sqlite", "postgresql": ".dump"}
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Debian and Ubuntu keep the client tools of every installed major version here; /usr/bin/pg_dump
# is a wrapper that may pick another version than the server's.
PG_BIN_ROOT = Path("/usr/lib/postgresql")
# URL query parameters of libpq that the tools take from the environment.
LIBPQ_ENVIRONMENT = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
                     "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
                     "connect_timeout": "PGCONNECT_TIMEOUT", "options": "PGOPTIONS",
                     "application_name": "PGAPPNAME"}


class BackupError(click.ClickException):
    """A backup or restore that cannot be done; the message says why. The command line prints
    it and exits with status 1, so cron reports it."""


def database_kind(database):
    """"sqlite" or "postgresql" for an Engine, a URL or a URL string; else a BackupError."""
    backend = _url(database).get_backend_name()
    if backend not in SUFFIXES:
        raise BackupError(f"Backups of {backend} databases are not supported; "
                          "only SQLite and PostgreSQL are.")
    return backend


def default_backup_path(directory, database, now=None):
    """`directory`/portal-<UTC time>.sqlite or .dump: names that sort by time."""
    now = now or datetime.now(UTC)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return Path(directory) / f"portal-{stamp}{SUFFIXES[database_kind(database)]}"


def make_backup(database, target):
    """Back up the whole database (an Engine or a URL) to the new file `target`; returns its
    path. The file is private (0600), its directory is made (0700) when missing, and an
    existing file is refused rather than overwritten."""
    kind = database_kind(database)
    url = _url(database)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists; choose another file name.")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    _create_private(partial)
    try:
        if kind == "sqlite":
            _sqlite_backup(url, partial)
        else:
            _pg_dump(database, url, partial)
        os.chmod(partial, 0o600)
        _publish(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def check_backup_file(path, database):
    """Refuse, with a clear message, a file that does not exist or is no backup of this kind of
    database; before anything is changed or asked."""
    kind = database_kind(database)
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    with open(path, "rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if not head.startswith(SQLITE_MAGIC if kind == "sqlite" else PG_DUMP_MAGIC):
        found = ("a SQLite backup" if head.startswith(SQLITE_MAGIC) else
                 "a PostgreSQL backup" if head.startswith(PG_DUMP_MAGIC) else "no backup")
        raise BackupError(f"{path} is {found}; the database is {LABELS[kind]}, so it needs a "
                          f"{LABELS[kind]} backup ({SUFFIXES[kind]} made by `flask backup`).")


def restore_backup(path, database):
    """Replace the whole database (an Engine or a URL) with the backup at `path`. An Engine's
    pooled connections are closed before and after, so none keeps working on the old tables.
    All or nothing (see the module's docstring)."""
    check_backup_file(path, database)
    kind = database_kind(database)
    url = _url(database)
    path = Path(path)
    if kind == "sqlite":
        _dispose(database)
        _sqlite_restore(path, url)
    else:
        tool = find_tool("pg_restore", server_major_version(database))
        _dispose(database)
        arguments, environment = pg_connection_arguments(url)
        _run([tool, "--clean", "--if-exists", "--no-owner", "--single-transaction",
              "--exit-on-error", *arguments, str(path)], environment)
    _dispose(database)


def format_size(size):
    """A file size for people: 512 B, 12.3 kB, 4.5 MB."""
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000


# --- SQLite -----------------------------------------------------------------------------------

def _sqlite_file(url, must_exist):
    database = url.database
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        raise BackupError("The database lives in memory only: there is nothing to back up or "
                          "restore.")
    path = Path(database)
    if must_exist and not path.is_file():
        raise BackupError(f"The database file {path} does not exist.")
    return path


def _sqlite_backup(url, partial):
    live = _sqlite_file(url, must_exist=True)
    try:
        with closing(sqlite3.connect(live, timeout=60)) as source, \
                closing(sqlite3.connect(partial)) as copy:
            # One step (pages=-1): a snapshot of one moment, even while others write.
            source.backup(copy)
            # The copy carries the live file's WAL mode; a backup is one self-contained file,
            # which no reader (a restore) should grow -wal and -shm files beside.
            copy.execute("PRAGMA journal_mode=DELETE")
            _check_sqlite(copy, live)
    except sqlite3.Error as error:
        raise BackupError(f"The backup of {live} failed: {error}") from error


def _sqlite_restore(path, url):
    live = _sqlite_file(url, must_exist=False)
    if not live.exists():  # a restore onto a new machine: the data is as private as the backup
        _create_private(live)
    source_uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with closing(sqlite3.connect(source_uri, uri=True)) as source:
            _check_sqlite(source, path)
            # The live file may be busy with the portal's writers: wait for them a while.
            with closing(sqlite3.connect(live, timeout=60)) as destination:
                source.backup(destination)
    except sqlite3.Error as error:
        raise BackupError(f"The restore from {path} failed, the database is unchanged: "
                          f"{error}") from error


def _check_sqlite(connection, name):
    result = [row[0] for row in connection.execute("PRAGMA quick_check")]
    if result != ["ok"]:
        raise BackupError(f"{name} is damaged: {'; '.join(result[:3])}")


# --- PostgreSQL -------------------------------------------------------------------------------

def pg_connection_arguments(url):
    """The command-line arguments and the environment that point pg_dump/pg_restore at the
    database `url`. The password goes into PGPASSWORD: on the command line, `ps` would show it
    to every user of the machine. --no-password: never wait for a prompt under cron."""
    url = make_url(url)
    if not url.database:
        raise BackupError("The database URL names no database.")
    host = url.host or _query_value(url, "host")
    arguments = ["--no-password"]
    if host:
        arguments += ["--host", host]
    if url.port:
        arguments += ["--port", str(url.port)]
    if url.username:
        arguments += ["--username", url.username]
    arguments += ["--dbname", url.database]
    environment = dict(os.environ)
    if url.password is not None:
        environment["PGPASSWORD"] = str(url.password)
    for parameter, variable in LIBPQ_ENVIRONMENT.items():
        value = _query_value(url, parameter)
        if value is not None:
            environment[variable] = value
    return arguments, environment


def server_major_version(database):
    """The PostgreSQL server's major version (15 for 15.4), to pick client tools that match."""
    engine = database if isinstance(database, Engine) else create_engine(_url(database),
                                                                         poolclass=NullPool)
    try:
        with engine.connect() as connection:
            number = int(connection.execute(text("SHOW server_version_num")).scalar())
    except Exception as error:  # any driver's connection error, said plainly
        raise BackupError(f"Cannot reach the database: {error}") from error
    finally:
        if engine is not database:
            engine.dispose()
    return number // 10000


def find_tool(name, major=None):
    """The path of pg_dump or pg_restore: the server's major version from Debian's
    /usr/lib/postgresql/<major>/bin when installed (an older pg_dump refuses a newer server),
    else the one on PATH."""
    if major is not None:
        candidate = PG_BIN_ROOT / str(major) / "bin" / name
        if os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    where = f"in {PG_BIN_ROOT / str(major) / 'bin'} or on PATH" if major is not None else "on PATH"
    package = f"postgresql-client-{major}" if major is not None else "postgresql-client"
    raise BackupError(f"{name} was not found {where}; install the PostgreSQL client tools "
                      f"(on Debian: apt install {package}).")


def _pg_dump(database, url, partial):
    tool = find_tool("pg_dump", server_major_version(database))
    arguments, environment = pg_connection_arguments(url)
    _run([tool, "--format=custom", f"--file={partial}", *arguments], environment)


def _run(command, environment):
    name = Path(command[0]).name
    try:
        # umask: whatever the tool writes is private from the start
        result = subprocess.run(command, env=environment, capture_output=True, text=True,
                                umask=0o077)
    except OSError as error:
        raise BackupError(f"{name} could not be started: {error}") from error
    if result.returncode != 0:
        detail = result.stderr.strip() or f"exit status {result.returncode}"
        raise BackupError(f"{name} failed: {detail}")


def _query_value(url, name):
    value = url.query.get(name)
    if isinstance(value, tuple):  # a parameter given twice: the last one counts, as in libpq
        value = value[-1] if value else None
    return value


# --- files ------------------------------------------------------------------------------------

def _url(database):
    return database.url if isinstance(database, Engine) else make_url(database)


def _dispose(database):
    if isinstance(database, Engine):
        database.dispose()


def _create_private(path):
    """An empty file only its owner may read, made before anything is written into it."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as error:
        raise BackupError(f"Cannot write {path}: {error.strerror}") from error


def _publish(partial, target):
    """Give the complete backup its name, never over an existing file (a hard link fails
    when the name is taken; a file system without hard links gets a check, then a rename)."""
    try:
        os.link(partial, target)
    except FileExistsError:
        raise BackupError(f"{target} already exists; choose another file name.") from None
    except OSError:
        if target.exists():
            raise BackupError(f"{target} already exists; choose another file name.") from None
        os.replace(partial, target)
