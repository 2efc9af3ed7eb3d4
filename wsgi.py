"""Entry point for gunicorn and `flask`: `gunicorn wsgi:app`."""
import sys

from portal import create_app


def hide_server_software():
    """gunicorn names itself in a Server header of every response; an attacker learns nothing
    from "portal". (gunicorn has no setting for it: its response class reads this name.)"""
    response_module = sys.modules.get("gunicorn.http.wsgi")
    if response_module is not None:
        response_module.SERVER = "portal"


def read_offers_early(app):
    """Under gunicorn each worker reads the offers for the search while it starts serving,
    not at its first search (see portal/matching/store.py)."""
    if "gunicorn" in sys.modules:
        from portal.matching.store import read_in_background

        read_in_background(app)


hide_server_software()
app = create_app()
read_offers_early(app)
