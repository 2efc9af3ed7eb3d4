"""Language choice (Dutch by default, English when the visitor asks for it) and the
translation functions the portal uses.

Flask-Babel finds its per-request state through `flask.g` several times for every string it
translates: about 15 µs a string, and a search page translates more than 200. The functions
here ask Flask-Babel once per context and locale and keep its answer beside its own state, so
they behave as Flask-Babel's (its `force_locale` and `refresh` included: a new locale object
means a new lookup). Outside an application context they translate nothing, as Flask-Babel.
"""
from functools import lru_cache

import flask_babel
from babel import dates, numbers
from babel.support import NullTranslations
from flask import current_app, g, has_app_context, has_request_context, session
from flask_babel.speaklater import LazyString
from jinja2 import pass_context
from markupsafe import Markup

_NULL = NullTranslations()


def select_locale():
    """The language the visitor chose (kept in the session), else Dutch."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _state():
    """Flask-Babel's namespace of the current context, once it made one (else None)."""
    if not has_app_context():
        return None
    return getattr(g._get_current_object(), "_flask_babel", None)


def get_locale():
    """flask_babel.get_locale(): the locale of this context."""
    locale = getattr(_state(), "babel_locale", None)
    return locale if locale is not None else flask_babel.get_locale()


def get_translations():
    """flask_babel.get_translations(), asked once per context, locale and domain."""
    if not has_app_context():
        return _NULL
    state = _state()
    locale = getattr(state, "babel_locale", None)
    domain = getattr(state, "babel_domain", None)
    kept = getattr(state, "portal_translations", None)
    if kept is not None and locale is not None and kept[0] is locale and kept[1] is domain:
        return kept[2]
    translations = flask_babel.get_translations()  # makes the state and picks the locale
    state = _state()
    state.portal_translations = (state.babel_locale, getattr(state, "babel_domain", None),
                                 translations)
    return translations


def gettext(string, **variables):
    text = get_translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular, plural, num, **variables):
    variables.setdefault("num", num)
    return get_translations().ungettext(singular, plural, num) % variables


def lazy_gettext(string, **variables):
    return LazyString(gettext, string, **variables)


def format_date(day, pattern):
    """flask_babel.format_date of a date (a day has no time zone) in a babel pattern."""
    locale = get_locale()
    if locale is None:
        return flask_babel.format_date(day, pattern)
    return _formatted_date(day, pattern, locale)


def format_decimal(number, pattern):
    """flask_babel.format_decimal in a babel pattern."""
    locale = get_locale()
    if locale is None:
        return flask_babel.format_decimal(number, pattern)
    return _formatted_decimal(number, type(number), pattern, locale)


# A page repeats dates and distances (and babel takes some 20 µs for each): the last few
# thousand are kept. Both depend on nothing but their arguments.
@lru_cache(maxsize=4096)
def _formatted_date(day, pattern, locale):
    return dates.format_date(day, pattern, locale=locale)


@lru_cache(maxsize=4096)
def _formatted_decimal(number, _kind, pattern, locale):  # 2 and 2.0 are one key otherwise
    return numbers.format_decimal(number, pattern, locale=locale)


@pass_context
def _template_gettext(context, string, /, **variables):
    """Jinja's newstyle gettext (jinja2.ext), asking get_translations() directly: `_` was an
    alias that looked gettext up and called it through two Context.call layers per string."""
    text = get_translations().ugettext(string)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    if not variables and "%" not in text:
        return text  # what formatting would give
    return text % variables  # always a format string, as in Jinja's ("%%" is "%")


@pass_context
def _template_ngettext(context, singular, plural, num, /, **variables):
    variables.setdefault("num", num)
    text = get_translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        text = Markup(text)
    return text % variables


def init_app(app):
    """Templates translate through the same functions (after Flask-Babel's init_app)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: get_translations().ugettext(s),
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(gettext=_template_gettext, ngettext=_template_ngettext,
                                 _=_template_gettext)
