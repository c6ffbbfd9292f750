"""Offline search in a real Chromium, against a real furo bundle served by the docs view."""

from __future__ import annotations

import pytest

# The database must exist before Playwright starts its event loop in this thread;
# the django_db mark sets it up first (live_server needs it anyway).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RESULTS = "#search-results ul.search li a"


@pytest.fixture
def docs_site(live_server, settings, sphinx_bundle) -> str:
    settings.DJDESK_DOCS = {"BUNDLE_DIR": str(sphinx_bundle)}
    return live_server.url + "/djdesk/docs/"


@pytest.fixture
def docs_page(page):  # type: ignore[no-untyped-def]
    """The shared page, minus the browser's own /favicon.ico probe (not part of the docs)."""
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    return page


def test_search_page_finds_a_word_offline(docs_site, docs_page):
    requested: list[str] = []
    docs_page.on("request", lambda request: requested.append(request.url))
    docs_page.goto(docs_site + "search.html?q=quokka")
    docs_page.wait_for_selector(RESULTS, timeout=15_000)
    assert "Animals" in docs_page.locator(RESULTS).first.inner_text()
    # Offline: nothing leaves the server (djdesk's header stylesheet is its static file).
    origin = "/".join(docs_site.split("/")[:3]) + "/"
    assert all(url.startswith(origin) for url in requested), requested
    assert docs_page.js_errors == []  # includes CSP violations, which Chromium logs as errors


def test_typing_in_the_search_box_shows_results(docs_site, docs_page):
    docs_page.goto(docs_site)
    # furo's inline theme script ran: the CSP allowed it by its hash from bundle.json.
    assert docs_page.evaluate("document.body.dataset.theme") == "auto"
    docs_page.fill("input[name=q]", "quokka")
    docs_page.press("input[name=q]", "Enter")
    docs_page.wait_for_selector(RESULTS, timeout=15_000)
    docs_page.locator(RESULTS).first.click()
    docs_page.wait_for_url("**/animals.html*")
    assert "quokka" in docs_page.inner_text("article")
    assert docs_page.js_errors == []


def test_a_real_furo_page_has_no_serious_accessibility_violation(docs_site, docs_page):
    from tests.browser import pages

    for path in ("", "animals.html", "search.html?q=quokka"):
        docs_page.goto(docs_site + path)
        docs_page.wait_for_load_state("networkidle")
        assert pages.axe_violations(docs_page) == [], path
    assert docs_page.js_errors == []
