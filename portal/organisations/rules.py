"""Validation and normalisation of official identifiers for companies and schools.

Pure functions: they take what a user typed and return the canonical form that is
stored, or raise :class:`InvalidIdentifier` with a machine-readable reason that the
forms translate into a message.
"""

from __future__ import annotations

import re

__all__ = [
    "InvalidIdentifier",
    "clean_brin",
    "clean_crebo",
    "clean_enterprise_number",
    "clean_kvk",
    "clean_location_code",
    "identify_company_number",
]

# Separators people routinely type inside official numbers (as printed on letters
# and in registries); they carry no meaning.
_SEPARATORS = re.compile(r"[\s.\-]+")
_BRIN = re.compile(r"\d{2}[A-Z]{2}")


class InvalidIdentifier(ValueError):
    """Raised when an identifier cannot be accepted; ``reason`` says why.

    ``reason`` is one of ``"empty"``, ``"format"`` or ``"checksum"``.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _compact(value: str | None) -> str:
    if value is None:
        raise InvalidIdentifier("empty")
    compact = _SEPARATORS.sub("", str(value))
    if not compact:
        raise InvalidIdentifier("empty")
    return compact


def clean_kvk(value: str) -> str:
    """Return the 8 digits of a Dutch Chamber of Commerce (KvK) number."""
    digits = _compact(value)
    if len(digits) != 8 or not digits.isascii() or not digits.isdigit():
        raise InvalidIdentifier("format")
    return digits


def _enterprise_digits(compact: str) -> str:
    if compact[:2].upper() == "BE":
        compact = compact[2:]
    if not compact.isascii() or not compact.isdigit() or len(compact) not in (9, 10):
        raise InvalidIdentifier("format")
    # Numbers issued before 2005 had 9 digits; the 10-digit form prefixes a zero.
    if len(compact) == 9:
        compact = "0" + compact
    if compact[0] not in "01":
        raise InvalidIdentifier("format")
    return compact


def _enterprise_checksum_ok(digits: str) -> bool:
    return int(digits[8:]) == 97 - int(digits[:8]) % 97


def clean_enterprise_number(value: str) -> str:
    """Return the 10 digits of a Belgian enterprise number (ondernemingsnummer).

    Accepts the forms found in the wild: with or without a ``BE`` prefix, dots and
    spaces, and the old 9-digit form. The mod-97 check digits must be right.
    """
    digits = _enterprise_digits(_compact(value))
    if not _enterprise_checksum_ok(digits):
        raise InvalidIdentifier("checksum")
    return digits


def clean_brin(value: str) -> str:
    """Return a school's BRIN code (two digits, two letters) in upper case."""
    code = _compact(value).upper()
    if not _BRIN.fullmatch(code):
        raise InvalidIdentifier("format")
    return code


def clean_location_code(value: str | None) -> str:
    """Return the two-digit BRIN location number; a missing one means the main site."""
    if value is None:
        return "00"
    code = _SEPARATORS.sub("", str(value))
    if not code:
        return "00"
    if len(code) != 2 or not code.isascii() or not code.isdigit():
        raise InvalidIdentifier("format")
    return code


def clean_crebo(value: str) -> str:
    """Return the 5-digit CREBO code of an MBO qualification."""
    code = _compact(value)
    if len(code) != 5 or not code.isascii() or not code.isdigit():
        raise InvalidIdentifier("format")
    return code


def identify_company_number(value: str) -> tuple[str, str]:
    """Tell whether a company number is a Dutch KvK or a Belgian enterprise number.

    Returns ``("kvk", digits)`` or ``("enterprise", digits)``. An 8-digit number is
    Dutch; a ``BE`` prefix or 9/10 digits make it Belgian (and it must then pass the
    Belgian check).
    """
    compact = _compact(value)
    if compact[:2].upper() != "BE" and len(compact) == 8:
        return "kvk", clean_kvk(compact)
    return "enterprise", clean_enterprise_number(compact)
