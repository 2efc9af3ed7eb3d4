"""Configuration classes, read from PORTAL_* environment variables.

Production is the default: a server started without PORTAL_ENV (`gunicorn wsgi:app`) runs the
production configuration, which refuses to start without PORTAL_SECRET_KEY and
PORTAL_DATABASE_URL. Only `flask run` (and `make run`, which sets PORTAL_ENV=development) and the
tests get working defaults. No secret key is written in the code: development keeps a random one
in instance/secret_key, the tests make one per process.
"""
import os
import secrets
import sys
import tempfile
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _env(name, default=None):
    return os.environ.get(f"PORTAL_{name}", default)


def _env_bool(name, default=False):
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = _env("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'portal.sqlite'}")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    # Flask-Compress: text only (images are compressed already). Chromium sends `br` over HTTPS
    # only, and static files are streamed, so gzip must be allowed for streams too.
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
                          "application/json", "image/svg+xml"]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "gzip"]
    # Rate limits are counted in this storage: memory:// counts per worker process, so a server
    # with several workers needs shared storage, e.g. redis://localhost:6379/0 (README).
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URL", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a refusal
    # Shared storage out of reach: count in the worker's memory meanwhile, never refuse all.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # The number of proxies in front of the portal (nginx: 1) whose X-Forwarded-For/-Proto/-Host
    # are believed. 0: none, the client address is the connection's.
    TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0"))
    # Strict-Transport-Security: browsers keep to HTTPS for this many seconds (production only).
    HSTS_SECONDS = 0
    # The audit log keeps events this many days; `flask tasks run` removes older ones.
    AUDIT_RETENTION_DAYS = int(_env("AUDIT_RETENTION_DAYS", "730"))
    # Shown on /privacy as the address for questions about personal data, when set.
    PRIVACY_CONTACT = _env("PRIVACY_CONTACT")
    # Backups made by `flask backup` go here unless the command names a file.
    BACKUP_DIR = _env("BACKUP_DIR", str(INSTANCE_DIR / "backups"))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    # Uploaded files (company logos) live outside static/ under random names; a view that checks
    # who may see them serves them.
    UPLOAD_DIR = _env("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # No request may carry more: Werkzeug answers 413 from the Content-Length header, before
    # reading the body. A logo may have 2 MB (organisations/logos.py), plus the form around it.
    MAX_CONTENT_LENGTH = 3 * 1024 * 1024
    # Where the portal is reached: links in e-mail and calendar entries are built on it.
    BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
    # E-mail: the outbox worker (`flask outbox work`) delivers to this SMTP server.
    MAIL_FROM = _env("MAIL_FROM", "Techniekportaal <noreply@localhost>")
    SMTP_HOST = _env("SMTP_HOST", "localhost")
    SMTP_PORT = int(_env("SMTP_PORT", "25"))
    SMTP_USERNAME = _env("SMTP_USERNAME")
    SMTP_PASSWORD = _env("SMTP_PASSWORD")
    SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", False)
    SMTP_SSL = _env_bool("SMTP_SSL", False)
    SMTP_TIMEOUT = float(_env("SMTP_TIMEOUT", "30"))
    # A message not delivered this many days after it was written is marked failed.
    MAIL_GIVE_UP_DAYS = float(_env("MAIL_GIVE_UP_DAYS", "3"))
    # A development-only page that shows the outbox as a mailbox (no SMTP server needed).
    DEV_MAILBOX = False


def _development_secret_key():
    """A random key made once per checkout and kept in instance/ (never committed): sessions
    survive a restart of `make run` without a key in the code."""
    path = INSTANCE_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(key)
        return key


class DevelopmentConfig(Config):
    DEBUG = True
    DEV_MAILBOX = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = secrets.token_urlsafe(32)  # one per test process
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    SERVER_NAME = "localhost"
    # Hashing at full strength makes every login in the suite slow; the algorithm stays argon2id.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    UPLOAD_DIR = str(Path(tempfile.gettempdir()) / "portal-test-uploads")  # tests use tmp_path


class ProductionConfig(Config):
    SQLALCHEMY_DATABASE_URI = _env("DATABASE_URL")  # no default: it must be said where data lives
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_SECONDS = int(_env("HSTS_SECONDS", str(365 * 24 * 3600)))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def started_by_flask_run():
    """Whether this process is the development server of `flask run` (or its reloader)."""
    try:
        import click
    except ImportError:  # pragma: no cover  (Flask depends on click)
        return False
    context = click.get_current_context(silent=True)
    if context is not None:
        return context.command.name == "run"
    return os.environ.get("FLASK_RUN_FROM_CLI") == "true" and "run" in sys.argv[1:2]


def default_environment():
    return "development" if started_by_flask_run() else "production"


def load_config(name=None):
    """The config class for `name`, or for PORTAL_ENV; without either, production (except for
    `flask run`). Production refuses to start without a secret key and a database URL."""
    name = name or _env("ENV") or default_environment()
    try:
        config = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"PORTAL_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
    if config is DevelopmentConfig and not config.SECRET_KEY:
        config.SECRET_KEY = _development_secret_key()
    missing = [variable for variable, value in (("PORTAL_SECRET_KEY", config.SECRET_KEY),
                                                ("PORTAL_DATABASE_URL",
                                                 config.SQLALCHEMY_DATABASE_URI))
               if not value]
    if missing:
        raise RuntimeError(
            f"The {name} configuration needs {' and '.join(missing)} in the environment. "
            "For a development server on this machine, set PORTAL_ENV=development "
            "(make run does).")
    return config
