"""The portal as production runs it: gunicorn with two workers, no PORTAL_ENV, the rate limits
counted in Redis. The workers share the count (in memory each would count alone), responses
carry the security headers, and gunicorn does not name itself."""
import http.client
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal import create_app
from portal.config import TestingConfig
from portal.extensions import db
from tests.outbox_smtp import free_port

ROOT = Path(__file__).resolve().parents[2]


def wait_for_port(port, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} ended early")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.connect()
            connection.close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI installs redis-server (.ci/run): the shared rate limits need it")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while subprocess.run([shutil.which("redis-cli") or "redis-cli", "-p", str(port), "ping"],
                             capture_output=True, text=True).stdout.strip() != "PONG":
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def production_server(tmp_path, redis_url):
    database = f"sqlite:///{tmp_path / 'portal.sqlite'}"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database

    with create_app(Config).app_context():
        db.create_all()
    port = free_port()
    env = {"PATH": os.environ["PATH"], "PORTAL_SECRET_KEY": "s3cret-from-the-environment",
           "PORTAL_DATABASE_URL": database, "PORTAL_RATELIMIT_STORAGE_URL": redis_url}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}",
         "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process)
        yield port
    finally:
        process.terminate()
        output = process.communicate(timeout=20)[0].decode()
        assert "Traceback" not in output, output


def request(port, method, path, body=None, cookie=None):
    """One request on a connection of its own, so the workers take turns."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    response.text = response.read().decode()
    connection.close()
    return response


def test_two_workers_share_the_sign_in_limit_and_send_the_headers(production_server):
    port = production_server
    page = request(port, "GET", "/account/inloggen")

    assert page.status == 200
    assert "gunicorn" not in (page.getheader("Server") or "").lower()
    assert "frame-ancestors 'none'" in page.getheader("Content-Security-Policy")
    assert page.getheader("X-Content-Type-Options") == "nosniff"
    assert page.getheader("Strict-Transport-Security").startswith("max-age=")
    cookie_header = page.getheader("Set-Cookie")
    assert "Secure" in cookie_header and "HttpOnly" in cookie_header
    cookie = cookie_header.split(";", 1)[0]
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    body = f"csrf_token={token}&email=iemand%40example.nl&password=geraden"

    answers = [request(port, "POST", "/account/inloggen", body, cookie) for _ in range(9)]

    # Five failures in a minute per account and address, counted across both workers.
    assert [answer.status for answer in answers] == [422] * 5 + [429] * 4
    assert 0 < int(answers[-1].getheader("Retry-After")) <= 60
