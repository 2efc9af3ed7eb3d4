"""Static assets: content fingerprints in their URLs, so browsers may keep them for a year.

Every `url_for('static', filename=...)` gets `?v=<first 12 hex of the file's sha256>`. A static
file asked for with the fingerprint of its current content is immutable under that URL; without
one, or with a stale one (a page rendered before a deploy), it must be revalidated. Compression
is Flask-Compress's work (portal/extensions.py), not this module's.
"""
import hashlib
import os
from functools import wraps

from flask import request, send_from_directory
from werkzeug.security import safe_join

FINGERPRINT_ARG = "v"
ONE_YEAR = 31536000
ONE_DAY = 86400
FAVICON = "img/favicon.ico"


class Fingerprints:
    """The fingerprint of each static file, hashed once per process. In debug mode a file is
    hashed again when its mtime changes, so an edited stylesheet shows without a restart."""

    def __init__(self, app):
        self.app = app
        self._known = {}  # filename -> (mtime_ns, fingerprint)

    def __call__(self, filename):
        known = self._known.get(filename)
        if known and not self.app.debug:
            return known[1]
        path = safe_join(self.app.static_folder, filename)
        try:
            mtime = os.stat(path).st_mtime_ns if path else None
        except OSError:
            mtime = None
        if mtime is None:
            return None  # a missing file gets a plain URL and the usual 404
        if known and known[0] == mtime:
            return known[1]
        with open(path, "rb") as file:
            fingerprint = hashlib.sha256(file.read()).hexdigest()[:12]
        self._known[filename] = (mtime, fingerprint)
        return fingerprint


def cache_for(response, seconds, immutable=False):
    """Let browsers and proxies keep a response for `seconds` without asking again."""
    response.cache_control.no_cache = None
    response.cache_control.public = True
    response.cache_control.max_age = seconds
    response.cache_control.immutable = immutable or None
    response.headers.pop("Expires", None)  # max-age says it; a second clock only disagrees
    return response


def register_assets(app):
    fingerprints = Fingerprints(app)

    @app.url_defaults
    def add_fingerprint(endpoint, values):
        if endpoint == "static" and FINGERPRINT_ARG not in values and "filename" in values:
            fingerprint = fingerprints(values["filename"])
            if fingerprint:
                values[FINGERPRINT_ARG] = fingerprint

    send_static = app.view_functions["static"]

    @wraps(send_static)
    def static(filename):
        response = send_static(filename=filename)
        asked = request.args.get(FINGERPRINT_ARG)
        if asked and asked == fingerprints(filename):
            cache_for(response, ONE_YEAR, immutable=True)
        # Anything else keeps send_file's `no-cache`: revalidate with the ETag on every use.
        return response

    app.view_functions["static"] = static

    @app.get("/favicon.ico")
    def favicon():
        # Browsers ask for this address whatever the page links to, so it cannot carry a
        # fingerprint: a day's caching, not a year's, lets a new icon arrive.
        response = send_from_directory(app.static_folder, FAVICON)
        return cache_for(response, ONE_DAY)
