"""Security headers on every response (portal/headers.py), and templates that a strict
Content-Security-Policy does not break (no inline script, no inline style, no event handler
attributes)."""
import re
from pathlib import Path

import pytest

from portal import create_app, security
from portal.config import ProductionConfig
from portal.extensions import db
from tests.views.helpers import login

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STATIC_JS = Path(__file__).resolve().parents[2] / "static" / "js"
PAGES = ["/", "/zoeken", "/account/inloggen", "/bestaat-niet", "/static/css/portal.css"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_has_a_strict_content_security_policy(client, path):
    policy = client.get(path).headers["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"


@pytest.mark.parametrize("path", PAGES)
def test_every_response_says_nosniff(client, path):
    assert client.get(path).headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", PAGES)
def test_no_other_site_may_frame_a_page(client, path):
    assert client.get(path).headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", PAGES)
def test_other_sites_learn_at_most_the_origin(client, path):
    assert client.get(path).headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_the_pages_of_e_mailed_links_send_no_referrer_at_all(client):
    response = client.get("/account/wachtwoord-herstellen/onbekend")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_signed_in_pages_are_never_stored(client, make):
    assert "no-store" not in client.get("/zoeken").headers.get("Cache-Control", "")
    login(client, make.user(security.TEACHER))

    for path in ("/zoeken", "/aanvragen", "/account/instellingen"):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Cookie" in response.headers.get("Vary", "")
    # Static files stay cacheable for everyone.
    assert "no-store" not in client.get("/static/css/portal.css").headers.get(
        "Cache-Control", "")


def test_hsts_only_in_production(client, tmp_path):
    assert "Strict-Transport-Security" not in client.get("/").headers

    class Config(ProductionConfig):
        SECRET_KEY = "s3cret-from-the-environment"
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'p.sqlite'}"

    app = create_app(Config)
    with app.app_context():
        db.create_all()
    response = app.test_client().get("/account/inloggen", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains")


def page_templates():
    return [path for path in TEMPLATES.rglob("*.html") if "mail" not in path.parts]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, EVENT_HANDLER, STYLE_ATTRIBUTE,
                                     STYLE_ELEMENT, JAVASCRIPT_URL],
                         ids=["inline script", "event handler", "style attribute",
                              "style element", "javascript: url"])
def test_no_page_template_needs_what_the_policy_forbids(pattern):
    found = [f"{path.relative_to(TEMPLATES)}: {match.group(0)[:60]}"
             for path in page_templates()
             for match in pattern.finditer(path.read_text())]
    assert found == []


def test_scripts_do_not_evaluate_strings():
    found = [path.name for path in STATIC_JS.rglob("*.js")
             if re.search(r"\beval\(|new Function\(|setTimeout\(\s*['\"]", path.read_text())]
    assert found == []
