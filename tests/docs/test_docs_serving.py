"""The docs view: content types, revalidation, directory indexes and refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils.http import http_date

from djdesk_inspector.docs import csp, manifest, serving
from tests.docs.bundles import FILES, SECRET

BASE = "/djdesk/docs/"


def body(response) -> bytes:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    return content


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("_static/style.css", "text/css; charset=utf-8"),
        ("_static/app.js", "text/javascript; charset=utf-8"),
        ("data.json", "application/json"),
        ("_static/logo.svg", "image/svg+xml"),
        ("_static/font.woff", "font/woff"),
        ("_static/font.woff2", "font/woff2"),
        ("_static/logo.png", "image/png"),
        ("_sources/page.rst.txt", "text/plain; charset=utf-8"),
        ("_static/app.js.map", "application/json"),
        ("objects.inv", "application/octet-stream"),
    ],
)
def test_content_type_per_extension(client, bundle, name, expected):
    response = client.get(BASE + name)
    assert response.status_code == 200
    assert response["Content-Type"] == expected
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response) == FILES[name]


def test_content_types_do_not_depend_on_the_os_mimetypes_db(monkeypatch):
    import mimetypes

    monkeypatch.setattr(mimetypes, "guess_type", lambda *a, **k: ("x-wrong/x-wrong", None))
    assert serving.content_type(Path("a.WOFF2")) == "font/woff2"


@pytest.mark.parametrize("path", ["", "sub/"])
def test_directory_serves_its_index(client, bundle, path):
    response = client.get(BASE + path)
    assert response.status_code == 200
    assert body(response) == FILES[(path + "index.html")]


def test_directory_without_slash_redirects_so_relative_links_work(client, bundle):
    response = client.get(BASE + "sub?q=1")
    assert response.status_code == 301
    assert response["Location"] == BASE + "sub/?q=1"


@pytest.mark.parametrize("path", ["empty/", "empty", "sub/deeper/", "page.html/"])
def test_directory_without_index_or_file_with_slash_is_404(client, bundle, path):
    assert client.get(BASE + path).status_code == 404


def test_symlink_inside_the_root_is_served(client, bundle):
    response = client.get(BASE + "inside-link.html")
    assert response.status_code == 200
    assert body(response) == FILES["page.html"]


@pytest.mark.parametrize(
    "path",
    [
        "../secret.txt",
        "..%2fsecret.txt",
        "%2e%2e/secret.txt",
        "%2E%2E%2Fsecret.txt",
        "%252e%252e/secret.txt",
        "%252e%252e%252fsecret.txt",
        "sub/../../secret.txt",
        "sub/%2e%2e/%2e%2e/secret.txt",
        "..\\secret.txt",
        "sub\\..\\..\\secret.txt",
        "%5c..%5csecret.txt",
        "/etc/passwd",
        "//etc/passwd",
        "%2fetc%2fpasswd",
        "C:/Windows/win.ini",
        "C:%5cWindows%5cwin.ini",
        "c:secret.txt",
        "index.html%00.png",
        "index.html\x00",
        "./index.html",
        "sub/./index.html",
        "sub//index.html",
        ".buildinfo",
        "escape.html",
        "escape-abs.html",
        "escape-dir/",
        "escape-dir/index.html",
        "up/secret.txt",
        "up/secret-dir/index.html",
        "linked-index/",
        "loop",
        "dangling.html",
        "nul.html",
        "CON",
        "index.html.",
        "index.html ",
        "missing.html",
        "index.html%3a$DATA",
    ],
)
def test_unsafe_paths_are_404(client, bundle, path):
    response = client.get(BASE + path)
    assert response.status_code == 404
    assert SECRET not in response.content


def test_post_is_refused(client, bundle):
    assert client.post(BASE + "index.html").status_code == 405


def test_head_has_headers_and_no_body(client, bundle):
    response = client.head(BASE + "page.html")
    assert response.status_code == 200
    assert response["Content-Length"] == str(len(FILES["page.html"]))
    assert response["ETag"]
    assert body(response) == b""


def test_validators_are_strong_and_change_with_the_file(client, bundle):
    first = client.get(BASE + "page.html")
    body(first)
    assert first["ETag"].startswith('"')
    assert first["Last-Modified"]
    assert first["Cache-Control"] == "no-cache"
    (bundle / "page.html").write_bytes(b"<p>changed and longer</p>")
    second = client.get(BASE + "page.html")
    assert second["ETag"] != first["ETag"]
    assert body(second) == b"<p>changed and longer</p>"


def test_if_none_match_gives_304(client, bundle):
    etag = client.get(BASE + "page.html")["ETag"]
    response = client.get(BASE + "page.html", headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""
    assert client.get(BASE + "page.html", headers={"if-none-match": '"other"'}).status_code == 200


def test_if_modified_since_gives_304(client, bundle):
    last_modified = client.get(BASE + "page.html")["Last-Modified"]
    response = client.get(BASE + "page.html", headers={"if-modified-since": last_modified})
    assert response.status_code == 304
    assert response["Last-Modified"] == last_modified
    older = http_date((bundle / "page.html").stat().st_mtime - 3600)
    assert client.get(BASE + "page.html", headers={"if-modified-since": older}).status_code == 200


def test_if_none_match_wins_over_if_modified_since(client, bundle):
    first = client.get(BASE + "page.html")
    both = {"if-none-match": first["ETag"], "if-modified-since": first["Last-Modified"]}
    assert client.get(BASE + "page.html", headers=both).status_code == 304
    stale = {"if-none-match": '"stale"', "if-modified-since": first["Last-Modified"]}
    assert client.get(BASE + "page.html", headers=stale).status_code == 200


def test_html_gets_a_csp_without_unsafe_inline_scripts(client, bundle):
    response = client.get(BASE + "index.html")
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert script_src == "script-src 'self'"
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_inline_scripts_from_the_manifest_are_allowed_by_hash(client, bundle):
    allowed = csp.script_hash("document.body.dataset.theme = 'auto';")
    manifest.write(bundle, {"script_hashes": [allowed, "not-a-hash'; script-src *"]})
    policy = client.get(BASE + "index.html")["Content-Security-Policy"]
    assert f"script-src 'self' '{allowed}';" in policy
    assert "not-a-hash" not in policy
    assert "unsafe-inline' ;" not in policy.split("style-src")[0]


def test_missing_bundle_shows_how_to_build_it(client, settings, tmp_path, db):
    settings.DJDESK_DOCS = {"BUNDLE_DIR": str(tmp_path / "nothing-here")}
    response = client.get(BASE)
    assert response.status_code == 404
    assert b"djdesk_docs_bundle" in response.content
    assert b"<script" not in response.content
    assert b"style=" not in response.content
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert client.get(BASE + "index.html").status_code == 404


def test_locate_never_returns_the_index_of_an_escaping_directory(bundle):
    assert serving.locate(bundle, "escape-dir/") is None
    assert serving.locate(bundle, "linked-index") is None
    located = serving.locate(bundle, "sub")
    assert located is not None
    assert located.add_slash


def test_theme_accessibility_gaps_are_repaired_and_nothing_else_changes() -> None:
    from djdesk_inspector.docs.framing import repair

    page = (
        b'<p class="caption" role="heading"><span>Guide</span></p>'
        b'<h2 role="heading" aria-level="3">Kept</h2>'
        b'<pre><span>code</span></pre><pre tabindex="-1">kept</pre><prefix>no</prefix>'
    )
    assert repair(page) == (
        b'<p class="caption" role="heading" aria-level="2"><span>Guide</span></p>'
        b'<h2 role="heading" aria-level="3">Kept</h2>'
        b'<pre tabindex="0"><span>code</span></pre><pre tabindex="-1">kept</pre><prefix>no</prefix>'
    )
