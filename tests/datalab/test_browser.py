"""The exports panel in a real Chromium: export, watch, preview in a sandboxed iframe, delete."""

from __future__ import annotations

from importlib.util import find_spec

import pytest

from djdesk_inspector.datalab import exports

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SANDBOX_BLOCKED = "the document's frame is sandboxed"
CSP_BLOCKED = "Content Security Policy"


@pytest.fixture
def panel(page, live_server, fleet, settings):
    executes = find_spec("nbclient") is not None and find_spec("ipykernel") is not None
    settings.DJDESK_DATALAB = {
        **settings.DJDESK_DATALAB,
        "EXECUTE": executes,
        "TEMPLATES": ["tests.datalab.custom_templates.SCRIPTED"],
    }
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(f"{live_server.url}/djdesk/datalab/{fleet.slug}/")
    page.locator("[data-testid=export-template] option[value=url-map]").wait_for(state="attached")
    page.executes = executes
    return page


def export(page, template: str):
    page.get_by_test_id("export-template").select_option(template)
    page.get_by_test_id("export-start").click()
    item = page.get_by_test_id("export-item").filter(has_text="succeeded").first
    item.wait_for(timeout=60_000)
    return item


def test_export_preview_and_delete(panel):
    page = panel
    assert "Every URL pattern" not in page.get_by_test_id("datalab-panel").inner_text()
    page.get_by_test_id("export-template").select_option("url-map")
    assert "Every URL pattern" in page.locator("[data-role=description]").inner_text()
    item = export(page, "url-map")
    assert "URL map v1" in item.inner_text()
    assert (
        item.get_by_test_id("export-download-ipynb")
        .get_attribute("href")
        .endswith("/notebook.ipynb")
    )

    item.get_by_test_id("export-preview-button").click()
    frame_element = page.get_by_test_id("export-preview-frame")
    frame_element.wait_for()
    assert frame_element.get_attribute("sandbox") == ""
    frame = page.frame_locator("[data-testid=export-preview-frame]")
    frame.locator("h1").filter(has_text="URL map").wait_for(timeout=30_000)
    if page.executes:
        assert frame.locator("table").count() >= 3  # real outputs, executed by a kernel
        assert "fleetops.views.home" in frame.locator("body").inner_text()

    item.get_by_test_id("export-delete").click()
    assert item.get_by_test_id("export-delete").inner_text() == "Really delete?"
    item.get_by_test_id("export-delete").click()
    page.get_by_text("No export yet").wait_for(timeout=10_000)
    assert page.get_by_test_id("export-preview").is_hidden()
    assert page.js_errors == []


def test_scripts_in_outputs_never_run_in_the_preview(panel):
    page = panel
    if not page.executes:
        pytest.skip("needs nbclient and ipykernel to produce the output")
    export(page, "scripted").get_by_test_id("export-preview-button").click()
    frame = page.frame_locator("[data-testid=export-preview-frame]")
    frame.locator("#inert").wait_for(timeout=30_000)
    child = next(f for f in page.frames if f.url.endswith("/preview/"))
    assert child.title() != "pwned"
    # The only console error is the sandbox refusing the output's inline script.
    assert page.js_errors and all(SANDBOX_BLOCKED in error for error in page.js_errors)

    # Opened on its own (no sandbox), the page's policy still refuses the script.
    page.js_errors.clear()
    page.goto(child.url)
    page.locator("#inert").wait_for()
    assert page.title() != "pwned"
    assert page.js_errors and all(CSP_BLOCKED in error for error in page.js_errors)


def test_inside_the_dashboard_the_status_poller_renders_the_list(
    page, live_server, fleet, settings
):
    settings.ROOT_URLCONF = "tests.datalab.dashboard_urls"
    exports.request_export(fleet, "checks-report")
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.goto(f"{live_server.url}/stand-in/{fleet.slug}/")
    section = page.locator("[data-section=exports]")
    listed = section.get_by_test_id("export-list")
    listed.get_by_text("Checks report v1").wait_for(timeout=10_000)  # from the embedded payload
    page.locator("[data-testid=export-template] option[value=url-map]").wait_for(state="attached")
    page.get_by_test_id("export-template").select_option("url-map")
    page.get_by_test_id("export-start").click()
    listed.get_by_text("URL map v1").wait_for(timeout=30_000)  # via the status poller
    assert section.get_attribute("data-rendered")  # dashboard.js rendered the section
    assert page.js_errors == []
