"""Flask extensions, created unbound and initialised in create_app."""
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from portal.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def database_key():
    """The URL of the database the session works on: what a process keeps per database is
    kept under it (tests bind sessions to a connection of their own)."""
    bind = db.session.get_bind()
    return str(getattr(bind, "url", None) or bind.engine.url)
