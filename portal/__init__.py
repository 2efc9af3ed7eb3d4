"""The portal's application factory."""
from flask import Flask
from werkzeug.routing import IntegerConverter

from portal.assets import register_assets
from portal.config import load_config

# The largest id a database integer column holds (PostgreSQL's INTEGER).
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: 0 to LARGEST_ID, so a larger number in an address answers 404
    instead of overflowing in the database driver. ASCII digits only: werkzeug's `\\d` takes
    other scripts' digits too (a fullwidth one would open offer 1)."""

    regex = r"[0-9]+"

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(config=None):
    """Build the app. `config` is a config class, a name ("testing"), or None for PORTAL_ENV."""
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_relative_config=True)
    if config is None or isinstance(config, str):
        config = load_config(config)
    app.config.from_object(config)
    app.url_map.converters["int"] = IdConverter
    trust_proxies(app)
    register_extensions(app)
    register_assets(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def trust_proxies(app):
    """Behind PORTAL_TRUSTED_PROXIES proxies (nginx: 1), believe that many X-Forwarded-For,
    -Proto and -Host values: the client's address then counts for the rate limits, and links are
    built with https. Without proxies, those headers are anyone's to forge and are ignored."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def register_extensions(app):
    from portal import (
        i18n,
        models,  # noqa: F401  (every mapper is configured before first use)
    )
    from portal.db import end_read_only_transaction
    from portal.extensions import (
        babel,
        compress,
        csrf,
        db,
        limiter,
        login_manager,
        migrate,
    )
    from portal.security import configure_hasher

    db.init_app(app)
    app.teardown_request(end_read_only_transaction)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    configure_hasher(app.config.get("ARGON2_TIME_COST"), app.config.get("ARGON2_MEMORY_COST"))

    from portal.accounts.services import load_user

    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"


def register_blueprints(app):
    from portal.accounts.views import bp as accounts
    from portal.administration.views import bp as administration
    from portal.bookings.bus.views import bp as bus
    from portal.bookings.feed_views import bp as calendar
    from portal.bookings.views import bp as bookings
    from portal.bookings.waitlist_views import bp as waitlist
    from portal.geo.views import bp as geo
    from portal.matching.views import bp as matching
    from portal.matching.weights_views import bp as search_weights
    from portal.moderation.figures_views import bp as figures
    from portal.moderation.report_views import bp as reports
    from portal.moderation.views import bp as moderation
    from portal.notifications.views import bp as notifications
    from portal.offers.views import bp as offers
    from portal.organisations.partner_views import bp as partners
    from portal.organisations.team_views import bp as teams
    from portal.organisations.views import bp as organisations
    from portal.privacy.views import bp as privacy
    from portal.public.views import bp as public
    from portal.taxonomy.admin_views import bp as reference

    for blueprint in (public, accounts, geo, organisations, teams, partners, offers, matching,
                      bookings, waitlist, calendar, bus, moderation, reports, figures,
                      search_weights, notifications, privacy, reference, administration):
        app.register_blueprint(blueprint)


def register_errorhandlers(app):
    from portal.headers import register_security_headers
    from portal.views import register_error_pages

    register_error_pages(app)
    register_security_headers(app)


def register_template_helpers(app):
    from portal.taxonomy.templating import register_taxonomy_helpers
    from portal.views import register_template_globals

    register_template_globals(app)
    register_taxonomy_helpers(app)


def register_commands(app):
    from portal.cli import register_cli

    register_cli(app)
