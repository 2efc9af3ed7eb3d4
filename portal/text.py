"""Text as people type it, made fit to keep and to show to others.

A name or a title made only of zero-width spaces, fillers or direction controls looks empty on
every page, yet a plain `.strip()` thinks it is filled in; and a right-to-left override inside
a title turns the rest of the line around on a moderator's screen. Every text field goes
through `clean_text` (the forms through portal.forms.PortalForm, the services for calls from
the command line and the seeds), so "required" means something visible.

Pure code: no Flask, no database.
"""
import unicodedata

# Embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder what follows
# them. The marks U+200E/U+200F only nudge neutral characters and are kept.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Characters that take no room or show nothing although their category says they do: the
# Hangul fillers, the blank Braille pattern, the combining grapheme joiner, and the variation
# selectors (which only choose how the character before them looks).
FILLERS = frozenset(
    "\u115f\u1160\u3164\uffa0\u2800\u034f\u180b\u180c\u180d\u180f"
    + "".join(map(chr, range(0xFE00, 0xFE10)))
    + "".join(map(chr, range(0xE0100, 0xE01F0))))
# Categories that show nothing by themselves: controls, format characters, separators.
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
# Combining marks draw on the character before them; alone they show nothing.
MARKS = frozenset({"Mn", "Me"})
# Trailing characters that mean nothing at the end of a text. Variation selectors and the tag
# characters that close a flag emoji do mean something there, so they stay.
_TRAILING = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u034f"
                      "\u115f\u1160\u3164\uffa0\u2800")


def _invisible(char):
    return char in FILLERS or unicodedata.category(char) in INVISIBLE_CATEGORIES


def is_blank(value):
    """True when `value` shows nothing: it holds no character but controls, format characters
    (zero-width spaces, direction controls), spaces, fillers and combining marks with nothing
    to combine with."""
    if not value:
        return True
    return all(_invisible(char) or unicodedata.category(char) in MARKS for char in str(value))


def _keep(char, multiline):
    if char in BIDI_CONTROLS:
        return ""
    if char in "\n\t\u2028\u2029":
        if not multiline:
            return " "
        return "\n" if char in "\u2028\u2029" else char
    return "" if unicodedata.category(char) == "Cc" else char


def clean_text(value, *, multiline=False):
    """`value` without direction controls and control characters, without blanks or invisible
    characters at either end, and "" when nothing visible is left; None stays None.

    Line breaks (\\r\\n and \\r become \\n) and tabs stay in `multiline` text, and become
    spaces in a single line."""
    if value is None:
        return None
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(_keep(char, multiline) for char in text)
    if is_blank(text):
        return ""
    start, end = 0, len(text)
    while _invisible(text[start]) or unicodedata.category(text[start]) in MARKS:
        start += 1
    while text[end - 1].isspace() or text[end - 1] in _TRAILING:
        end -= 1
    return text[start:end]
