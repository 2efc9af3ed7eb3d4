"""Sentences for the reasons the matching rules give, in the visitor's language."""
from functools import lru_cache

from markupsafe import Markup

from portal.i18n import format_decimal, get_locale
from portal.i18n import gettext as _


def format_km(value):
    """A distance as the visitor writes numbers: 12,5 in Dutch, 12.5 in English."""
    return format_decimal(value, "#,##0.#")


def reasons_line(reasons):
    """A result's reasons as one line of phrases, each in a span of class "reason"."""
    return _line(tuple(reasons), get_locale())


@lru_cache(maxsize=4096)  # results repeat the same reasons
def _line(reasons, locale):
    return Markup(" · ").join(Markup('<span class="reason">{}</span>').format(
        _described(reason, locale)) for reason in reasons)


@lru_cache(maxsize=4096)  # a page's reasons repeat; the phrase depends on these two only
def _described(reason, _locale):
    """One short phrase for a rules.Reason, e.g. "12.5 km from your school"."""
    key = (reason.rule, reason.code)
    if key == ("distance", "km"):
        return _("%(km)s km from your school", km=format_km(reason.value))
    text = _TEXTS.get(key)
    return text(reason) if text else f"{reason.rule}: {reason.code}"


_TEXTS = {
    ("distance", "online"): lambda reason: _("online"),
    ("distance", "at_school"): lambda reason: _("at your school"),
    ("region", "same_place"): lambda reason: _("in your town"),
    ("region", "same_province"): lambda reason: _("in your province"),
    ("region", "same_landsdeel"): lambda reason: _("in your part of the country"),
    ("sector", "exact"): lambda reason: _("your sector"),
    ("sector", "chamber"): lambda reason: _("related sector"),
    ("level", "fits"): lambda reason: _("fits your level"),
    ("period", "free"): lambda reason: _("available on your date"),
    ("text", "match"): lambda reason: _("matches “%(word)s”", word=reason.value),
    ("fairness", "busy"): lambda reason: _("busy: %(n)s open requests", n=reason.value),
    ("partner", "partner"): lambda reason: _("a partner of your school"),
}
