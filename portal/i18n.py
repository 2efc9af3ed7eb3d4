"""Language choice: Dutch by default, English when the visitor asks for it."""
from flask import current_app, has_request_context, session


def select_locale():
    """The language the visitor chose (kept in the session), else Dutch."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
