"""Sentences for the reasons the matching rules give, in the visitor's language."""
from flask_babel import format_decimal

from portal.i18n import gettext as _


def format_km(value):
    """A distance as the visitor writes numbers: 12,5 in Dutch, 12.5 in English."""
    return format_decimal(value, "#,##0.#")


def describe_reason(reason):
    """One short phrase for a rules.Reason, e.g. "12.5 km from your school"."""
    key = (reason.rule, reason.code)
    if key == ("distance", "km"):
        return _("%(km)s km from your school", km=format_km(reason.value))
    texts = {
        ("distance", "online"): lambda: _("online"),
        ("distance", "at_school"): lambda: _("at your school"),
        ("region", "same_place"): lambda: _("in your town"),
        ("region", "same_province"): lambda: _("in your province"),
        ("region", "same_landsdeel"): lambda: _("in your part of the country"),
        ("sector", "exact"): lambda: _("your sector"),
        ("sector", "chamber"): lambda: _("related sector"),
        ("level", "fits"): lambda: _("fits your level"),
        ("period", "free"): lambda: _("available on your date"),
        ("text", "match"): lambda: _("matches “%(word)s”", word=reason.value),
        ("fairness", "busy"): lambda: _("busy: %(n)s open requests", n=reason.value),
    }
    text = texts.get(key)
    return text() if text else f"{reason.rule}: {reason.code}"
