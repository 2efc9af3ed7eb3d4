"""`flask backup` and `flask restore`: a backup taken, the data changed, the backup restored, and
every table's rows are what they were; refusals that change nothing."""
import os
import re
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, delete, func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from portal import backup, create_app
from portal.accounts.models import User
from portal.config import TestingConfig
from portal.extensions import db
from portal.notifications.models import OutboxMessage
from portal.seeding.reference import load_reference
from tests import factories
from tests.databases import ZEELAND_TOWNS

pytestmark = pytest.mark.own_app

ON_POSTGRESQL = bool(os.environ.get("PORTAL_TEST_DATABASE_URL"))


@contextmanager
def own_database(tmp_path):
    """A SQLite file, or on the suite's PostgreSQL server a database of its own, dropped after.
    Not a schema in the shared test database (tests/databases.py): pg_dump and pg_restore work
    on a whole database, and a restore must not touch what other tests use."""
    url = os.environ.get("PORTAL_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'live.sqlite'}"
        return
    name = f"portal_test_backup_{secrets.token_hex(4)}"
    server = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def require_client_tools():
    """pg_dump and pg_restore must be there in CI: a backup test skipped there proves nothing."""
    try:
        major = backup.server_major_version(db.engine)
        for tool in ("pg_dump", "pg_restore"):
            backup.find_tool(tool, major)
    except backup.BackupError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the backup tests: {error.message}")
        pytest.skip(f"no PostgreSQL client tools: {error.message}")


@pytest.fixture
def backup_app(tmp_path):
    """An app on a database of its own, with the schema, two towns and a few organisations,
    offers and requests made through the services; its app context pushed."""
    with own_database(tmp_path) as url:
        config = type("Config", (TestingConfig,), {"SQLALCHEMY_DATABASE_URI": url,
                                                   "BACKUP_DIR": str(tmp_path / "backups")})
        app = create_app(config)
        try:
            with app.app_context():
                if ON_POSTGRESQL:
                    require_client_tools()
                db.create_all()
                load_reference(cities=ZEELAND_TOWNS)
                offer = factories.offer()
                factories.accepted(factories.booking(offer))
                factories.booking(offer, group_size=12)
                db.session.remove()
                yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def all_rows():
    """Every table's rows, by primary key, read through reflection (not the models): what is
    in the database, including tables no model maps."""
    metadata = MetaData()
    metadata.reflect(bind=db.engine)
    rows = {}
    with db.engine.connect() as connection:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            rows[table.name] = [tuple(row) for row in
                                connection.execute(select(table).order_by(*order))]
    return rows


def change_everything():
    """Update a row, delete a row, add rows (a new account, with its audit event and mail)."""
    first_user = db.session.scalar(select(User).order_by(User.id))
    db.session.execute(update(User).where(User.id == first_user.id)
                       .values(full_name="Na de back-up hernoemd"))
    last_mail = db.session.scalar(select(func.max(OutboxMessage.id)))
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.id == last_mail))
    db.session.commit()
    factories.user(email="later@example.nl")
    db.session.remove()


def run(app, *args, **kwargs):
    db.session.remove()
    return app.test_cli_runner().invoke(args=list(args), **kwargs)


def make_backup(app, *options):
    result = run(app, "backup", *options)
    assert result.exit_code == 0, result.output
    return Path(result.output.rsplit(" (", 1)[0])


def test_backup_change_restore_gives_back_every_row(backup_app, tmp_path):
    before = all_rows()
    assert all(before[table] for table in ("users", "organisations", "offers", "slots",
                                           "bookings", "audit_events", "outbox_messages"))

    result = run(backup_app, "backup")
    assert result.exit_code == 0, result.output
    path = Path(result.output.rsplit(" (", 1)[0])
    assert path.parent == tmp_path / "backups"
    assert re.fullmatch(r"portal-\d{8}T\d{6}Z\.(sqlite|dump)", path.name)
    assert result.output == f"{path} ({backup.format_size(path.stat().st_size)})\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no partial file left

    change_everything()
    changed = all_rows()
    assert changed != before
    assert len(changed["users"]) == len(before["users"]) + 1

    result = run(backup_app, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert f"restored from {path}" in result.output

    assert all_rows() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # the backup file alone
    # The restored database takes new writes (on PostgreSQL: its sequences came back too).
    factories.user(email="after@example.nl")
    assert db.session.scalar(select(func.count()).select_from(User)) == len(before["users"]) + 1


def test_a_backup_to_a_chosen_file_is_private_and_never_overwrites(backup_app, tmp_path):
    chosen = tmp_path / "elsewhere" / "nightly.bak"
    assert make_backup(backup_app, "--to", str(chosen)) == chosen
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o600
    made = chosen.read_bytes()

    result = run(backup_app, "backup", "--to", str(chosen))
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert chosen.read_bytes() == made
    assert [p.name for p in chosen.parent.iterdir()] == ["nightly.bak"]


def test_restore_without_yes_refuses_when_nobody_can_answer(backup_app):
    path = make_backup(backup_app)
    change_everything()
    changed = all_rows()

    result = run(backup_app, "restore", str(path))
    assert result.exit_code == 1
    assert "--yes" in result.output
    assert all_rows() == changed


def test_restore_asks_at_a_terminal(backup_app, monkeypatch):
    import portal.cli

    before = all_rows()
    path = make_backup(backup_app)
    change_everything()
    changed = all_rows()
    monkeypatch.setattr(portal.cli, "_interactive", lambda: True)

    result = run(backup_app, "restore", str(path), input="n\n")
    assert result.exit_code == 1
    assert "Replace everything in" in result.output
    assert all_rows() == changed

    result = run(backup_app, "restore", str(path), input="y\n")
    assert result.exit_code == 0, result.output
    assert all_rows() == before


def test_restoring_a_missing_file_says_so(backup_app, tmp_path):
    before = all_rows()
    result = run(backup_app, "restore", str(tmp_path / "nowhere.dump"), "--yes")
    assert result.exit_code == 1
    assert f"Error: {tmp_path / 'nowhere.dump'}: no such file." in result.output
    assert all_rows() == before


def test_a_file_that_is_no_backup_of_this_database_is_refused(backup_app, tmp_path):
    before = all_rows()
    other_kind = b"PGDMP\x01\x0e" if not ON_POSTGRESQL else b"SQLite format 3\x00" + bytes(84)
    for content, found in ((b"just some text\n", "is no backup"),
                           (other_kind, "is a PostgreSQL backup" if not ON_POSTGRESQL
                            else "is a SQLite backup")):
        wrong = tmp_path / "wrong.file"
        wrong.write_bytes(content)
        result = run(backup_app, "restore", str(wrong), "--yes")
        assert result.exit_code == 1
        assert found in result.output
    assert all_rows() == before


def test_a_restore_that_fails_half_way_changes_nothing(backup_app, tmp_path):
    """A backup cut off in the middle (a full disk, a broken copy): the restore fails and the
    database keeps everything written since the backup."""
    path = make_backup(backup_app)
    damaged = tmp_path / f"damaged{path.suffix}"
    damaged.write_bytes(path.read_bytes()[: path.stat().st_size * 2 // 3])
    change_everything()
    changed = all_rows()

    result = run(backup_app, "restore", str(damaged), "--yes")
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert all_rows() == changed


@pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_restore's single transaction")
def test_a_table_of_a_later_migration_in_the_way_stops_the_whole_restore(backup_app):
    path = make_backup(backup_app)
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE later (id integer PRIMARY KEY, "
                                "user_id integer REFERENCES users (id))"))
        connection.execute(text("INSERT INTO later VALUES (1, (SELECT min(id) FROM users))"))
    change_everything()
    changed = all_rows()

    result = run(backup_app, "restore", str(path), "--yes")
    assert result.exit_code == 1
    assert "pg_restore failed" in result.output
    assert all_rows() == changed


def test_backups_of_other_databases_are_refused_clearly(tmp_path):
    with pytest.raises(backup.BackupError, match="mysql databases are not supported"):
        backup.make_backup("mysql://portal@localhost/portal", tmp_path / "x.dump")
    with pytest.raises(backup.BackupError, match="in memory"):
        backup.make_backup("sqlite://", tmp_path / "x.sqlite")
    with pytest.raises(backup.BackupError, match="does not exist"):
        backup.make_backup(f"sqlite:///{tmp_path / 'none.sqlite'}", tmp_path / "x.sqlite")
    assert list(tmp_path.iterdir()) == []  # neither the backup nor a partial file


def test_the_password_goes_to_the_environment_not_the_command_line():
    arguments, environment = backup.pg_connection_arguments(
        "postgresql+psycopg://portal:s3cret@db.example:5433/portal?sslmode=require")
    assert arguments == ["--no-password", "--host", "db.example", "--port", "5433",
                         "--username", "portal", "--dbname", "portal"]
    assert not any("s3cret" in argument for argument in arguments)
    assert (environment["PGPASSWORD"], environment["PGSSLMODE"]) == ("s3cret", "require")

    arguments, _ = backup.pg_connection_arguments(
        "postgresql+psycopg://portal@/portal?host=/var/run/postgresql")
    assert arguments[1:3] == ["--host", "/var/run/postgresql"]


def test_the_client_tools_of_the_servers_version_come_first(tmp_path, monkeypatch):
    versioned = tmp_path / "lib" / "16" / "bin" / "pg_dump"
    on_path = tmp_path / "path" / "pg_dump"
    for tool in (versioned, on_path):
        tool.parent.mkdir(parents=True)
        tool.write_text("#!/bin/sh\n")
        tool.chmod(0o755)
    monkeypatch.setattr(backup, "PG_BIN_ROOT", tmp_path / "lib")
    monkeypatch.setenv("PATH", str(on_path.parent))

    assert backup.find_tool("pg_dump", 16) == str(versioned)
    assert backup.find_tool("pg_dump", 15) == str(on_path)
    with pytest.raises(backup.BackupError, match="pg_restore was not found.*postgresql-client-16"):
        backup.find_tool("pg_restore", 16)
