"""portal.i18n translates as Flask-Babel does, while asking it once per context and locale."""
import threading

import flask_babel
import pytest
from flask import render_template_string
from flask_babel import force_locale

from portal import i18n


@pytest.fixture(autouse=True)
def fresh_locale(app):
    """The suite's application context (and its g) outlives each test's request: start anew."""
    with app.test_request_context("/"):
        flask_babel.refresh()


def test_dutch_by_default(app):
    with app.test_request_context("/"):
        assert i18n.gettext("Search") == "Zoeken"
        assert str(i18n.get_locale()) == str(flask_babel.get_locale()) == "nl"


def test_english_when_the_visitor_chose_it(app):
    with app.test_request_context("/"):
        from flask import session

        session["lang"] = "en"
        flask_babel.refresh()
        assert i18n.gettext("Search") == flask_babel.gettext("Search") == "Search"
        assert str(i18n.get_locale()) == "en"


def test_a_forced_locale_is_followed_and_left_again(app):
    with app.test_request_context("/"):
        assert i18n.gettext("Search") == "Zoeken"  # the Dutch catalogue is now kept
        with force_locale("en"):
            assert i18n.gettext("Search") == "Search"
            assert str(i18n.get_locale()) == "en"
            assert render_template_string("{{ _('Search') }}") == "Search"
        assert i18n.gettext("Search") == "Zoeken"
        assert render_template_string("{{ _('Search') }}") == "Zoeken"


def test_a_refresh_picks_the_locale_again(app):
    with app.test_request_context("/"):
        from flask import session

        assert i18n.gettext("Search") == "Zoeken"
        session["lang"] = "en"
        flask_babel.refresh()
        assert i18n.gettext("Search") == "Search"


def test_plural_forms_lazy_strings_and_variables(app):
    later = i18n.lazy_gettext("Search")
    with app.test_request_context("/"):
        assert i18n.ngettext("%(num)d place left on %(when)s", "%(num)d places left on %(when)s",
                             1, when="ma") == "Nog 1 plaats vrij op ma"
        assert i18n.ngettext("%(num)d place left on %(when)s", "%(num)d places left on %(when)s",
                             3, when="ma") == "Nog 3 plaatsen vrij op ma"
        assert str(later) == "Zoeken"
        with force_locale("en"):
            assert str(later) == "Search"


def test_outside_a_context_nothing_is_translated():
    found = {}

    def outside():  # a new thread starts without the suite's application context
        found["text"] = i18n.gettext("Search")
        found["plural"] = i18n.ngettext("%(num)d item", "%(num)d items", 2)
        found["locale"] = i18n.get_locale()

    thread = threading.Thread(target=outside)
    thread.start()
    thread.join()
    assert found == {"text": "Search", "plural": "2 items", "locale": None}


def test_each_request_chooses_its_own_language(app, client):
    client.get("/taal/en")
    english = client.get("/zoeken").get_data(as_text=True)
    dutch = app.test_client().get("/zoeken").get_data(as_text=True)
    assert "Find offers" in english and "Aanbod zoeken" not in english
    assert "Aanbod zoeken" in dutch and "Find offers" not in dutch


def test_templates_translate_escape_and_count_as_jinja_does(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ _('Search') }}|{{ gettext('Search') }}") == \
            "Zoeken|Zoeken"
        assert render_template_string(
            "{{ ngettext('%(num)d place left on %(when)s', '%(num)d places left on %(when)s', "
            "n, when=w) }}", n=2, w="<b>ma</b>") == "Nog 2 plaatsen vrij op &lt;b&gt;ma&lt;/b&gt;"
        assert render_template_string(
            "{% trans n=3 %}{{ n }} item{% pluralize %}{{ n }} items{% endtrans %}") == "3 items"
        assert render_template_string("{{ _('100%% sure') }}") == "100% sure"


def test_a_template_may_name_a_variable_num_or_string(app):
    with app.test_request_context("/"):
        assert render_template_string(
            "{{ ngettext('%(num)s offer found', '%(num)s offers found', 1200, num='1.200') }}"
        ) == "1.200 resultaten gevonden"
        assert render_template_string("{{ _('%(string)s', string='x') }}") == "x"
