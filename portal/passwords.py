"""Which passwords the portal refuses: short ones, common or leaked ones, and ones made of the
user's own name or address.

"Common or leaked" is zxcvbn's judgement (dwolfhub/zxcvbn-python): it ships frequency lists,
among them passwords seen in breaches (wachtwoord, welkom, voetbal, qwerty, 1234567890 ...),
and recognises the patterns people build on them: repeats, sequences, keyboard rows, years and
l33t spellings. Nothing goes over the network. The messages are ours, so they are translated
and say what to do instead.
"""
import math
import unicodedata

from zxcvbn import matching, zxcvbn

from portal.i18n import gettext as _

PASSWORD_MIN_LENGTH = 10
# zxcvbn's work grows with the square of the length, times the number of l33t spellings the
# password's symbols allow: a 40-character string of symbols such as @$!|({[ takes seconds.
# It sees at most CHECKED_LENGTH characters, fewer when many l33t symbols would make it slow;
# a password whose first characters are not guessable is not a common one.
CHECKED_LENGTH = 64
L33T_BUDGET = 40_000
SHORTEST_CHECKED = 12
# zxcvbn's score: 0 and 1 fall within a million guesses, an online attack's reach.
LOWEST_SCORE = 2
# Patterns of guessable pieces; a password made mostly of them is refused even when its
# score passes, e.g. "voetbal123" (a leaked password and a sequence).
GUESSABLE = ("repeat", "sequence", "spatial", "date", "regex")
MOSTLY = 0.6
# Name parts to ignore: Dutch and Flemish prefixes of surnames, common to many names.
NAME_PARTICLES = frozenset({"van", "der", "den", "ter", "ten", "het", "von", "des", "del",
                            "dos", "das", "uit", "aan", "bij", "vander", "vanden"})
SHORTEST_NAME_PART = 3


def password_problem(password, *, name="", email=""):
    """Why `password` cannot be used, as a message for the user, or None when it can."""
    password = password or ""
    if len(password) < PASSWORD_MIN_LENGTH:
        return _("Use at least %(n)d characters.", n=PASSWORD_MIN_LENGTH)
    personal = _personal_problem(password, name, email)
    if personal is not None:
        return personal
    kind = _guessable_kind(password)
    return None if kind is None else _guessable_message(kind)


def _folded(text):
    """Lower case without accents, so "Zoë" is found in "zoe2024"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _parts(text):
    """The words of `text` of at least SHORTEST_NAME_PART letters, particles left out."""
    words = "".join(char if char.isalnum() else " " for char in _folded(text)).split()
    return {word for word in words
            if len(word) >= SHORTEST_NAME_PART and word not in NAME_PARTICLES}


def _personal_problem(password, name, email):
    folded = _folded(password)
    if any(part in folded for part in _parts(name)):
        return _("Do not use your name in your password: it is the first thing others try.")
    address = _folded(email).strip()
    local = address.partition("@")[0]
    pieces = _parts(local) | ({local} if len(local) >= SHORTEST_NAME_PART else set())
    if address and (address in folded or any(piece in folded for piece in pieces)):
        return _("Do not use your e-mail address in your password: it is the first thing "
                 "others try.")
    return None


def _l33t_spellings(text):
    return len(matching.enumerate_l33t_subs(
        matching.relevant_l33t_subtable(text, matching.L33T_TABLE)))


def checked_part(password):
    """The beginning of `password` that zxcvbn judges: short enough to answer quickly."""
    part = password[:CHECKED_LENGTH]
    while len(part) > SHORTEST_CHECKED:
        spellings = _l33t_spellings(part)
        if spellings * len(part) ** 2 <= 2 * L33T_BUDGET:
            break
        fitting = int(math.sqrt(2 * L33T_BUDGET / spellings))
        part = part[:max(SHORTEST_CHECKED, min(fitting, len(part) * 3 // 4))]
    return part


def _guessable_kind(password):
    """None when zxcvbn finds the password hard enough to guess; else the kind of pattern
    that makes it easy: "leaked", "repeat", "sequence", "spatial", "date" or "other"."""
    part = checked_part(password)
    # No user_inputs: zxcvbn keeps them in a module-level dict that every thread shares; the
    # name and the address are checked above instead.
    result = zxcvbn(part, max_length=len(part))
    covered = {}
    for match in result["sequence"]:
        kind = match["pattern"]
        if kind == "dictionary" and match.get("dictionary_name") == "passwords":
            kind = "leaked"
        elif kind == "regex":  # recent years
            kind = "date"
        elif kind not in GUESSABLE:
            continue
        covered[kind] = covered.get(kind, 0) + len(match["token"])
    if result["score"] >= LOWEST_SCORE and sum(covered.values()) < MOSTLY * len(part):
        return None
    return max(covered, key=covered.get) if covered else "other"


def _guessable_message(kind):
    advice = _("Choose another one, for example a few words that do not belong together.")
    reason = {
        "leaked": _("This password is one of the most used, or was leaked: it is on the lists "
                    "that attackers try first."),
        "repeat": _("Repeated characters or words, like aaaa or abcabc, are easy to guess."),
        "sequence": _("Series like 12345 or abcde are easy to guess."),
        "spatial": _("Rows of keys, like qwerty or asdfgh, are easy to guess."),
        "date": _("Dates and years are easy to guess."),
    }.get(kind, _("This password is too easy to guess."))
    return f"{reason} {advice}"
