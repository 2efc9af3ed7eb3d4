"""Readable text of what the walk found: per page, each rule once with the variants it fails in.

The same rule failing on one page in all four variants is one entry, with its first few
elements; the report file adds a summary of which rules fail on which pages.
"""
import os
import tempfile
from collections import defaultdict

# A walk split over the two runs of `make test` (PORTAL_WALK_SLICE) writes one report per part.
_PART = os.environ.get("PORTAL_WALK_SLICE", "").replace(":", "-")
REPORT = os.environ.get("PORTAL_A11Y_REPORT") or os.path.join(
    tempfile.gettempdir(), f"a11y-report{'-' + _PART if _PART else ''}.txt")
ELEMENTS_SHOWN = 3
IMPACTS = ("critical", "serious", "moderate", "minor")


def _title(outcome):
    visit = outcome.visit
    return f"{visit.name} ({outcome.url or visit.path or visit.endpoint}, as {visit.role})"


def _summary_line(text, limit=240):
    """axe's failure summary on one line: "Fix any of the following: one; two; three"."""
    head, *items = [line.strip() for line in (text or "").splitlines() if line.strip()] or [""]
    line = f"{head} {'; '.join(items)}".strip()
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _variants(variants):
    return "all 4 variants" if len(set(variants)) == 4 else ", ".join(variants)


def _by_rule(outcome):
    """rule id -> {"violation": the first seen, "variants": [...], "elements": {target: text}}"""
    rules = {}
    for variant, violation in outcome.violations:
        rule = rules.setdefault(violation["id"], {"violation": violation, "variants": [],
                                                  "elements": {}})
        rule["variants"].append(variant)
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            rule["elements"].setdefault(target, _summary_line(node.get("failureSummary")))
    return dict(sorted(rules.items(), key=lambda item: (
        IMPACTS.index(item[1]["violation"].get("impact") or "minor"), item[0])))


def describe_violations(outcome):
    lines = [_title(outcome)]
    for rule_id, rule in _by_rule(outcome).items():
        violation, elements = rule["violation"], rule["elements"]
        lines.append(f"  {rule_id} [{violation.get('impact')}] {violation['help']}")
        lines.append(f"    in {_variants(rule['variants'])}; {len(elements)} element(s)"
                     f"; {violation.get('helpUrl', '')}")
        for target, summary in list(elements.items())[:ELEMENTS_SHOWN]:
            lines.append(f"    - {target}: {summary}")
        if len(elements) > ELEMENTS_SHOWN:
            lines.append(f"    - ... and {len(elements) - ELEMENTS_SHOWN} more")
    return "\n".join(lines)


def describe_overflow(outcome):
    lines = [_title(outcome)]
    for variant, measured in outcome.overflow:
        lines.append(f"  {variant}: the page is {measured['scrollWidth']}px wide in a window of "
                     f"{measured['innerWidth']}px; sticking out:")
        for element in measured["wide"] or [{"element": "(no single element found)",
                                             "right": "?", "width": "?", "text": ""}]:
            lines.append(f"    - {element['element']} right edge {element['right']}px, "
                         f"width {element['width']}px {element['text']!r}")
    return "\n".join(lines)


def describe_focus(outcome):
    return "\n".join([_title(outcome),
                      *(f"  {element}: {why}" for element, why in outcome.focus.items())])


def describe_broken(outcome):
    return "\n".join([_title(outcome), *(f"  {problem}" for problem in outcome.broken)])


def _summary(outcomes):
    pages_by_rule = defaultdict(list)
    for outcome in outcomes:
        for rule_id, rule in _by_rule(outcome).items():
            pages_by_rule[rule_id, rule["violation"].get("impact")].append(
                f"{outcome.visit.name} ({len(rule['elements'])})")
    lines = [f"{rule_id} [{impact}] on {len(pages)} page(s): {', '.join(pages)}"
             for (rule_id, impact), pages in sorted(pages_by_rule.items(),
                                                    key=lambda item: -len(item[1]))]
    return lines or ["no axe violations"]


def write(outcomes, seconds, path=REPORT):
    """The report of this run, replacing the previous one."""
    outcomes = list(outcomes)
    broken = [o for o in outcomes if o.broken]
    failing = [o for o in outcomes if o.violations]
    wide = [o for o in outcomes if o.overflow]
    unfocused = [o for o in outcomes if o.focus]
    slowest = sorted(outcomes, key=lambda o: -o.seconds)[:5]
    sections = [
        f"Accessibility walk: {len(outcomes)} page states x 4 variants in {seconds:.0f}s; "
        f"{len(failing)} with axe violations (WCAG 2.0/2.1 A and AA), {len(wide)} too wide "
        f"for the window, {len(unfocused)} with an invisible focus, {len(broken)} not reached as "
        f"intended.\nSlowest: "
        + ", ".join(f"{o.visit.name} {o.seconds:.1f}s" for o in slowest),
        "== Rules failing (page and number of elements) ==\n" + "\n".join(_summary(outcomes)),
    ]
    if broken:
        sections.append("== Not reached as intended (their checks prove nothing) ==\n"
                        + "\n\n".join(describe_broken(o) for o in broken))
    if wide:
        sections.append("== Sideways scrolling (phone 390px, desktop 1280px) ==\n"
                        + "\n\n".join(describe_overflow(o) for o in wide))
    if unfocused:
        sections.append("== Focus not visible ==\n"
                        + "\n\n".join(describe_focus(o) for o in unfocused))
    if failing:
        sections.append("== Axe violations per page ==\n"
                        + "\n\n".join(describe_violations(o) for o in failing))
    sections.append("== Page states walked ==\n" + "\n".join(
        f"{_title(o)} {o.seconds:.1f}s" for o in outcomes))
    with open(path, "w", encoding="utf-8") as file:
        file.write("\n\n".join(sections) + "\n")
    return path
