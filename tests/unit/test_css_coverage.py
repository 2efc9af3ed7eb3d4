"""Every class the templates write exists in the CSS the portal serves.

The Bootstrap stylesheet is a subset (`make css`) holding only the rules that the templates,
code and scripts used when it was last made; a template that starts using another Bootstrap
class would silently go unstyled, so this test names it.
"""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
STYLESHEETS = ROOT / "static" / "css"

# Classes that style nothing on purpose: hooks for tests and scripts to find elements by, and
# Bootstrap's markup-only `nav-item` (its rules need `nav-fill` or `nav-justified`).
HOOKS = {"result", "reason", "reasons", "offer-text", "error-summary", "nav-item"}

EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
CLASS_ATTRIBUTE = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# `option(class_='form-check-input')`: a class handed to a WTForms field or a macro.
CLASS_KEYWORD = re.compile(r"""\bclass_\s*=\s*(?:"([^"]*)"|'([^']*)')""")
MARK = "\x00"


def _statement_gap(match):
    # `nav-link{% if x %} active{% endif %}` writes "nav-link" and "active" whole, but
    # `btn{% if big %}-lg{% endif %}` glues a name together at run time.
    text, start, end = match.string, match.start(), match.end()
    glued = (start > 0 and not text[start - 1].isspace() and text[start - 1] not in "\"'"
             and end < len(text) and not text[end].isspace() and text[end] not in "\"'")
    return MARK if glued else " "


def template_classes(text):
    """The class names a template writes literally; a name glued to a Jinja expression
    (`text-bg-{{ style }}`) is made at run time and left to the safelist of `make css`."""
    names = set()
    for block in EXPRESSION.findall(text) + STATEMENT.findall(text):
        for match in CLASS_KEYWORD.finditer(block):
            names.update((match[1] or match[2] or "").split())
    plain = EXPRESSION.sub(MARK, STATEMENT.sub(_statement_gap, text))
    for match in CLASS_ATTRIBUTE.finditer(plain):
        names.update(token for token in (match[1] or match[2] or "").split()
                     if MARK not in token)
    return names


def stylesheet_classes(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    selectors = re.sub(r"\{[^{}]*\}", "{}", text)  # declarations out: url(...) has dots too
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", selectors))


def test_the_class_scanners():
    template = """<a class="nav-link{% if x %} active{% endif %} btn{% if y %}-lg{% endif %}">
      <span class='badge text-bg-{{ style }}'>{{ f(class_='form-check-input') }}</span>"""
    assert template_classes(template) == {"nav-link", "active", "badge", "form-check-input"}
    assert stylesheet_classes(
        ".a,.b:hover>.c{background:url(x.svg)}@media (min-width:1.5em){.d-lg{x:1}}"
    ) == {"a", "b", "c", "d-lg"}


def test_every_template_class_is_styled():
    styled = set()
    for sheet in STYLESHEETS.glob("*.css"):
        styled |= stylesheet_classes(sheet.read_text(encoding="utf-8"))
    missing = {}
    for template in sorted(TEMPLATES.rglob("*.html")):
        unknown = template_classes(template.read_text(encoding="utf-8")) - styled - HOOKS
        if unknown:
            missing[str(template.relative_to(ROOT))] = sorted(unknown)
    assert not missing, (
        f"classes in no stylesheet: {missing}. A Bootstrap class? Run `make css` to regenerate "
        "the Bootstrap subset. Our own? Style it in static/css/portal.css, or add it to HOOKS "
        "in this test when it only marks an element for tests or scripts.")
