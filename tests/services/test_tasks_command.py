"""`flask tasks run` tells cron and systemd when a step failed, after doing the others."""
from portal.bookings import due


def test_a_failing_step_makes_the_command_fail_after_the_others_ran(app, monkeypatch):
    ran = []

    def broken(now):
        raise RuntimeError("the database went away")

    def working(now):
        ran.append(now)
        return 3

    monkeypatch.setattr(due, "STEPS", [("broken", broken), ("working", working)])
    result = app.test_cli_runner().invoke(args=["tasks", "run"])
    assert result.exit_code == 1
    assert result.output.splitlines() == ["broken: failed (see the log)", "working: 3"]
    assert len(ran) == 1


def test_a_run_without_failures_succeeds(app, monkeypatch):
    monkeypatch.setattr(due, "STEPS", [("working", lambda now: 0)])
    result = app.test_cli_runner().invoke(args=["tasks", "run"])
    assert (result.exit_code, result.output) == (0, "working: 0\n")
