"""What the browser tests and the page-weight bench share: Debian's Chromium and a live server.

Chromium is started with the flags this closed network needs (no background connections, which
would be refused, many at a time).
"""
import logging
import os
import shutil
import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def chromium_path():
    """PORTAL_CHROMIUM, or Debian's chromium; None when neither is installed."""
    path = os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


@contextmanager
def live_server(app):
    """Serve `app` on a free port of 127.0.0.1 in a thread; yields its base URL."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
