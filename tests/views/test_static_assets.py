"""Static assets: fingerprinted URLs cached for a year, compression when asked, the favicon."""
import gzip
import hashlib
import os
import re
from pathlib import Path
from types import SimpleNamespace

import brotli
import pytest

from portal.assets import Fingerprints

STATIC = Path(__file__).resolve().parents[2] / "static"
ASSET_URL = re.compile(r'(?:href|src)="(/static/([^"?]+)\?v=([0-9a-f]+))"')
YEAR = "max-age=31536000"


def fingerprint(filename):
    return hashlib.sha256((STATIC / filename).read_bytes()).hexdigest()[:12]


@pytest.fixture
def assets(client):
    """{filename: url} of every static file the search page links to."""
    html = client.get("/zoeken").get_data(as_text=True)
    return {filename: url.replace("&amp;", "&") for url, filename, _ in ASSET_URL.findall(html)}


def test_the_page_links_its_assets_with_their_content_fingerprints(client, assets):
    html = client.get("/zoeken").get_data(as_text=True)

    assert {"css/bootstrap.subset.min.css", "css/portal.css", "js/nav.js",
            "js/error-summary.js", "img/favicon.svg", "img/favicon.ico"} <= set(assets)
    for filename, url in assets.items():
        assert url.endswith(f"?v={fingerprint(filename)}"), filename
    assert "/bootstrap/static/" not in html  # the whole Bootstrap bundle is gone
    assert "js/place-lookup.js" not in assets  # only pages with a place field load it


def test_only_forms_with_a_place_field_load_the_place_suggestions(client, make):
    from portal import security
    from tests.views.helpers import login

    login(client, make.user(security.COMPANY_MEMBER))
    html = client.get("/bedrijf/registreren").get_data(as_text=True)

    assert 'data-place-lookup="1"' in html
    assert f"js/place-lookup.js?v={fingerprint('js/place-lookup.js')}" in html


def test_a_fingerprinted_asset_is_cached_for_a_year(client, assets):
    response = client.get(assets["css/portal.css"])

    assert response.status_code == 200
    assert set(response.headers["Cache-Control"].split(", ")) == {"public", YEAR, "immutable"}
    assert "Expires" not in response.headers


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"], ids=["no fingerprint", "stale"])
def test_an_asset_without_its_current_fingerprint_is_revalidated(client, query):
    response = client.get(f"/static/css/portal.css{query}")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["ETag"]


def test_a_revalidated_asset_answers_304(client, assets):
    first = client.get(assets["js/nav.js"], headers={"Accept-Encoding": "gzip"})

    again = client.get(assets["js/nav.js"], headers={
        "Accept-Encoding": "gzip", "If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.get_data() == b""
    assert YEAR in again.headers["Cache-Control"]


@pytest.mark.parametrize("encoding, decompress", [("gzip", gzip.decompress),
                                                  ("br", brotli.decompress)])
def test_pages_and_assets_are_compressed_when_the_browser_asks(client, assets, encoding,
                                                                 decompress):
    for url, plain in [("/zoeken", None),
                       (assets["css/bootstrap.subset.min.css"],
                        (STATIC / "css/bootstrap.subset.min.css").read_bytes())]:
        response = client.get(url, headers={"Accept-Encoding": encoding})

        assert response.headers["Content-Encoding"] == encoding, url
        assert "Accept-Encoding" in response.headers["Vary"]
        body = decompress(response.get_data())
        if plain is None:
            assert body.rstrip().endswith(b"</html>")
        else:
            assert body == plain


def test_nothing_is_compressed_unless_asked(client, assets):
    for url in ["/zoeken", assets["css/bootstrap.subset.min.css"]]:
        response = client.get(url)

        assert "Content-Encoding" not in response.headers, url
        assert "Accept-Encoding" in response.headers["Vary"]


def test_the_favicon_answers_where_browsers_look_for_it(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response.mimetype in {"image/vnd.microsoft.icon", "image/x-icon"}
    assert response.get_data() == (STATIC / "img/favicon.ico").read_bytes()
    assert "public" in response.headers["Cache-Control"]
    assert "max-age=86400" in response.headers["Cache-Control"]


def test_in_debug_mode_an_edited_file_gets_a_new_fingerprint(tmp_path):
    app = SimpleNamespace(static_folder=str(tmp_path), debug=True)
    asset = tmp_path / "site.css"
    fingerprints = Fingerprints(app)

    def edit(text):
        asset.write_text(text)
        later = asset.stat().st_mtime_ns + 1_000_000  # coarse file system clocks
        os.utime(asset, ns=(later, later))

    edit("a { color: red; }")
    red = fingerprints("site.css")
    edit("a { color: blue; }")
    assert fingerprints("site.css") != red

    app.debug = False
    remembered = fingerprints("site.css")
    edit("a { color: green; }")
    assert fingerprints("site.css") == remembered  # outside debug: hashed once per process
    assert fingerprints("missing.css") is None
    assert fingerprints("../outside.css") is None
