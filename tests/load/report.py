"""The load test's table per database and its one-line summary."""

ORDER = ["search (visitor)", "search (teacher)", "offer page", "home", "request form",
         "request (send)", "request page", "accept", "decline", "cancel", "withdraw",
         "request page (after change)", "my requests", "company dashboard", "sign-in form",
         "sign in"]
NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def _rank(page):
    return ORDER.index(page["name"]) if page["name"] in ORDER else len(ORDER)


def table(result, artifacts):
    """The figures of one run as text."""
    lines = [f"\n== {NAMES[result['database']]} {result['version']}, gunicorn "
             f"{result['workers']}, {result['users']} users, {result['seconds']} s =="]
    restart = result.get("restart")
    if restart:
        again = restart["answering_again_after_seconds"]
        lines.append(
            f"PostgreSQL restarted at {restart['at_seconds']} s (the restart took "
            f"{restart['restart_seconds']} s); the app answered again "
            + (f"{again} s after it" if again is not None else "NOT within 60 s"))
    lines.append(f"{'page':<30}{'requests':>9}{'failures':>9}{'p50 ms':>8}{'p95 ms':>8}"
                 f"{'max ms':>8}  other answers")
    for page in sorted(result["pages"], key=_rank):
        other = ", ".join(f"{count}x {status}" for status, count in page["statuses"].items()
                          if status not in ("200", "302", "303"))
        lines.append(f"{page['name']:<30}{page['requests']:>9}{page['failures']:>9}"
                     f"{page['p50']:>8.0f}{page['p95']:>8.0f}{page['max']:>8.0f}  {other}")
    lines.append(f"{'all':<30}{result['requests']:>9}{result['failures']:>9}")
    acked = ", ".join(f"{status} {n}" for status, n in result["acknowledged"].items())
    lines += [
        f"server errors (5xx or no answer): {result['server_errors']} outside the restart, "
        f"{result['errors_during_restart']} during it; unexpected answers: "
        f"{result['unexpected_answers']}",
        f"refused 422 (no room left, or answered meanwhile): {result['refused_422']}; "
        f"conflicts 409: {result['conflicts_409']}; rate limited 429: "
        f"{result['rate_limited_429']}",
        f"acknowledged writes: {sum(result['acknowledged'].values())} ({acked}); lost: "
        f"{result['lost_acknowledged']}",
        f"overbooked dates: {result['overbooked_slots']} of {result['slots']}; placements: "
        f"{result['overbooked_placements']}; accepted short of room: "
        f"{result['accepted_short_of_room']}",
    ]
    if result["problems"]:
        lines.append("FAILED: " + "; ".join(result["problems"]))
        lines.append(f"logs: {artifacts}")
    else:
        lines.append("all checks passed")
    return "\n".join(lines)


def summary(results):
    """Every run's figures without the per-page lists' status details."""
    return {kind: {**{k: v for k, v in result.items() if k != "pages"},
                   "pages": {p["name"]: {"requests": p["requests"], "failures": p["failures"],
                                         "p50": p["p50"], "p95": p["p95"]}
                             for p in sorted(result["pages"], key=_rank)}}
            for kind, result in results.items()}
