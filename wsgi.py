"""Entry point for gunicorn and `flask`: `gunicorn wsgi:app`."""
import sys

from portal import create_app


def hide_server_software():
    """gunicorn names itself in a Server header of every response; an attacker learns nothing
    from "portal". (gunicorn has no setting for it: its response class reads this name.)"""
    response_module = sys.modules.get("gunicorn.http.wsgi")
    if response_module is not None:
        response_module.SERVER = "portal"


hide_server_software()
app = create_app()
