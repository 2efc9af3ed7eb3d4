"""`flask outbox ...`: deliver the outbox, see how it stands, send failed messages again."""
import click
from flask.cli import AppGroup

outbox = AppGroup("outbox", help="Deliver the e-mail outbox.")


@outbox.command("work")
@click.option("--once", is_flag=True, help="Deliver one batch of due messages, then stop.")
@click.option("--batch", default=50, show_default=True, type=click.IntRange(1, 1000),
              help="Messages claimed at a time.")
@click.option("--interval", default=5.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds between looks at the outbox when nothing is due.")
def work_command(once, batch, interval):
    """Deliver due messages to the SMTP server (PORTAL_SMTP_*) until stopped (SIGTERM or
    Ctrl-C). Several workers may run at once on PostgreSQL."""
    from portal.notifications.worker import work

    if not once:
        click.echo(f"delivering the outbox every {interval:g} s; Ctrl-C stops")
    work(once=once, interval=interval, batch=batch, echo=click.echo)
    if not once:
        click.echo("stopped")


@outbox.command("status")
def status_command():
    """How many messages there are of each status."""
    from portal.notifications.services import outbox_counts

    counts = outbox_counts()
    for name, number in counts.items():
        click.echo(f"{name:<9} {number}")


@outbox.command("retry")
@click.argument("message_id", required=False, type=int)
@click.option("--all-failed", is_flag=True, help="Every failed message.")
def retry_command(message_id, all_failed):
    """Put a failed message (or every failed one) back in the queue, its attempts reset."""
    from portal.notifications.services import retry_failed

    if (message_id is None) == (not all_failed):
        raise click.UsageError("give a message id or --all-failed (not both)")
    count = retry_failed(message_id=message_id)
    if message_id is not None and not count:
        raise click.ClickException(f"message {message_id} has not failed (or does not exist)")
    click.echo(f"back in the queue: {count}")
