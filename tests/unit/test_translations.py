"""The Dutch catalogue covers every interface string, keeps placeholders and has no fuzzy entries.

Pure: no app and no database. The strings are extracted from the code and templates the same
way `make extract-messages` does (babel.cfg and its keywords), so a string added without a
Dutch translation fails here with its msgid named. Two things differ from a bare `pybabel
extract`, because it silently drops strings there:

* templates get the `do` extension the app enables (a template using {% do %} is otherwise
  skipped without a word) and template syntax errors are raised instead of swallowed;
* directories starting with "_" (templates/_macros) are searched too.
"""
import re
from functools import cache
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "portal" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"

# The Makefile's -k _l -k lazy_gettext, and setup.cfg's extra _n:1,2, on top of babel's defaults.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "_n": (1, 2)}
JINJA_OPTIONS = {"extensions": "jinja2.ext.do", "silent": "false"}
SKIPPED_DIRECTORIES = {"__pycache__", "node_modules"}

# %(name)s style and bare %s style conversions; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*\d*(?:\.\d+)?(?P<kind>[a-zA-Z%])")


def _keep_directory(path):
    name = Path(path).name
    return not name.startswith(".") and name not in SKIPPED_DIRECTORIES


@cache
def extracted():
    """{msgid: (msgid, msgid_plural or None, where)} for every string in code and templates."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    for pattern, method in method_map:
        if method == "jinja2":
            options_map[pattern] = {**options_map.get(pattern, {}), **JINJA_OPTIONS}
    found = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS,
        directory_filter=_keep_directory,
    ):
        singular, plural = (message[0], message[1]) if isinstance(message, tuple) else (
            message, None)
        if singular:
            found.setdefault((context, singular), (singular, plural, f"{filename}:{lineno}"))
    return found


@cache
def catalogue():
    with open(CATALOGUE, "rb") as po:
        return read_po(po, locale="nl")


def placeholders(text):
    """The placeholders in a string as a sorted list of (name, conversion); "%%" left out."""
    return sorted((m["name"], m["kind"]) for m in PLACEHOLDER.finditer(text or "")
                  if m["kind"] != "%")


def active_messages():
    return [m for m in catalogue() if m.id]


def test_extraction_finds_the_interface_strings():
    # Guards the guard: if extraction broke (a template skipped, a keyword lost), the checks
    # below would pass on nothing. Each of these lives somewhere extraction used to miss.
    ids = {msgid for _context, msgid in extracted()}
    assert len(ids) > 250
    assert "Please correct the following:" in ids  # templates/_macros/forms.html
    assert "Ranked for %(school)s in %(place)s: region and sector first." in ids  # uses {% do %}
    assert "Use at least %(n)d characters." in ids  # _l in a form
    assert "Find offers" in ids  # base.html


def test_catalogue_headers():
    cat = catalogue()
    assert str(cat.locale) == "nl"
    assert cat.plural_forms == "nplurals=2; plural=(n != 1);"
    assert cat.charset.lower() == "utf-8"
    assert not cat.fuzzy, "the catalogue header is marked fuzzy; pybabel compile would skip it"


def test_every_extracted_string_has_a_dutch_translation():
    cat = catalogue()
    problems = []
    for (context, msgid), (_singular, plural, where) in sorted(extracted().items()):
        message = cat.get(msgid, context=context)
        if message is None:
            problems.append(f"not in the catalogue: {msgid!r} ({where})")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if plural is not None and not message.pluralizable:
            problems.append(f"plural in the code but not in the catalogue: {msgid!r} ({where})")
        elif plural is None and message.pluralizable:
            problems.append(f"plural in the catalogue but not in the code: {msgid!r} ({where})")
        elif not all(s and s.strip() for s in strings):
            problems.append(f"no Dutch translation: {msgid!r} ({where})")
    assert not problems, (
        "run `make extract-messages` and translate in "
        "portal/translations/nl/LC_MESSAGES/messages.po:\n" + "\n".join(problems))


def test_translations_keep_the_placeholders():
    problems = []
    for message in active_messages():
        if message.pluralizable:
            singular, plural = message.id
            nplurals = catalogue().num_plurals
            sources = [singular] + [plural] * (nplurals - 1)
            pairs = zip(sources, message.string, strict=False)
        else:
            pairs = [(message.id, message.string)]
        for source, translation in pairs:
            if translation and placeholders(source) != placeholders(translation):
                problems.append(f"{source!r}: {placeholders(source)} became "
                                f"{translation!r}: {placeholders(translation)}")
    assert not problems, "placeholders differ:\n" + "\n".join(problems)


def test_plural_entries_have_every_form():
    nplurals = catalogue().num_plurals
    short = [m.id[0] for m in active_messages()
             if m.pluralizable and len(m.string) != nplurals]
    assert not short, f"plural entries without {nplurals} forms: {short}"


def test_babel_checkers_pass():
    # Babel's own python-format and plural checks, as `pybabel compile` would report them.
    problems = [f"{m.id!r}: {'; '.join(str(e) for e in errors)}"
                for m, errors in catalogue().check() if m.id]
    assert not problems, "\n".join(problems)


def test_no_fuzzy_entries():
    fuzzy = [m.id for m in active_messages() if m.fuzzy]
    assert not fuzzy, f"fuzzy entries (check the translation, then drop the flag): {fuzzy}"
