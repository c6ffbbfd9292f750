"""Doc links open offline only when safe and available; the status section needs no SQL."""

from __future__ import annotations

import json

import pytest

from djdesk_inspector.docs import links, status

ONLINE = "https://docs.example.org/en/latest/"


@pytest.fixture
def online_bundle(settings, bundle):
    settings.DJDESK_DOCS = {"BUNDLE_DIR": str(bundle), "ONLINE_BASE_URL": ONLINE}
    return bundle


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (ONLINE + "page.html", "/djdesk/docs/page.html"),
        (ONLINE + "page.html#some-section", "/djdesk/docs/page.html#some-section"),
        ("HTTPS://DOCS.example.org/en/latest/sub/", "/djdesk/docs/sub/"),
        (ONLINE, "/djdesk/docs/"),
    ],
)
def test_known_pages_map_offline(online_bundle, url, expected):
    assert links.href(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        ONLINE + "missing.html",
        ONLINE + "sub",  # a folder without its slash: the online site would redirect
        ONLINE + "../secret.txt",
        ONLINE + "%2e%2e/secret.txt",
        ONLINE + "escape.html",
        ONLINE + ".buildinfo",
        ONLINE + "page.html?q=1",
        "http://docs.example.org/en/latest/page.html",
        "https://docs.example.org.evil.test/en/latest/page.html",
        "https://evil.test/en/latest/page.html",
        "https://docs.example.org/en/stable/page.html",
        "https://docs.example.org/en/latest-other/page.html",
        "javascript:alert(1)",
        "/en/latest/page.html",
    ],
)
def test_everything_else_stays_online(online_bundle, url):
    assert links.href(url) == url


def test_without_a_bundle_links_stay_online(settings, tmp_path):
    settings.DJDESK_DOCS = {"BUNDLE_DIR": str(tmp_path), "ONLINE_BASE_URL": ONLINE}
    assert links.href(ONLINE + "index.html") == ONLINE + "index.html"


def test_without_mounted_urls_links_stay_online(online_bundle, settings):
    settings.ROOT_URLCONF = "tests.docs.no_urls"
    assert links.href(ONLINE + "page.html") == ONLINE + "page.html"


def test_declared_links_are_unique_plain_pages():
    keys = [link.key for link in links.LINKS]
    assert len(keys) == len(set(keys))
    for link in links.LINKS:
        assert link.path.endswith(".html")
        assert links.bundle_path(link.online_url()) == link.path


# No django_db mark: pytest-django makes any SQL query in these tests raise.
def test_status_section_lists_links_without_queries(online_bundle):
    (online_bundle / "quickstart.html").write_text("<p>quick</p>")
    section = status.section(object())
    json.dumps(section)
    assert section["available"] is True
    by_key = {entry["key"]: entry for entry in section["links"]}
    assert by_key["quickstart"]["offline"] is True
    assert by_key["quickstart"]["url"] == "/djdesk/docs/quickstart.html"
    assert by_key["settings"]["offline"] is False
    assert by_key["settings"]["url"] == ONLINE + "settings.html"
    assert section["bundle"] is None  # hand-made bundle: no bundle.json


def test_status_section_without_bundle(settings, tmp_path):
    settings.DJDESK_DOCS = {"BUNDLE_DIR": str(tmp_path / "none")}
    section = status.section()
    assert section["available"] is False
    assert not any(entry["offline"] for entry in section["links"])
