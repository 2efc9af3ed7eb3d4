"""Configuration classes, read from PORTAL_* environment variables.

Development and testing get working defaults; production refuses to start without a secret key.
"""
import os
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
    RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URL", "memory://")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
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


class DevelopmentConfig(Config):
    DEBUG = True
    SECRET_KEY = _env("SECRET_KEY", "dev-only-not-secret")
    DEV_MAILBOX = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    SQLALCHEMY_DATABASE_URI = _env("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = True
    RATELIMIT_ENABLED = False
    SERVER_NAME = "localhost"
    # Hashing at full strength makes every login in the suite slow; the algorithm stays argon2id.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    UPLOAD_DIR = str(Path(tempfile.gettempdir()) / "portal-test-uploads")  # tests use tmp_path


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name=None):
    """The config class for `name`, or for PORTAL_ENV (default: development)."""
    name = name or _env("ENV", "development")
    try:
        config = CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"PORTAL_ENV must be one of {sorted(CONFIGS)}, not {name!r}") from None
    if not config.SECRET_KEY:
        raise RuntimeError("PORTAL_SECRET_KEY must be set outside development and tests")
    return config
