"""What the dashboard says stays true without a reload: first scans, scan button,
snapshot-dependent panels, export status, failed polls, client-side checks."""

from __future__ import annotations

import sys

import pytest
from django.core.management import call_command
from telemetry import samples

from djdesk_inspector import scans
from djdesk_inspector.models import Scan, Workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_workspace_added_in_the_wizard_gets_its_first_scan(live_server, page, minimal_project):
    page.goto(f"{live_server.url}/djdesk/workspaces/new/")
    page.get_by_label("Project folder").fill(str(minimal_project))
    page.get_by_label("Name").fill("Mini")
    page.get_by_test_id("wizard-submit").click()
    page.get_by_test_id("workspace-name").wait_for()
    workspace = Workspace.objects.get()
    scan = Scan.objects.get(workspace=workspace)
    assert scan.status == "succeeded"
    page.get_by_test_id("snapshot-mode").wait_for()
    # Untrusted: the first scan is static, and the page says so.
    assert "static scan" in page.get_by_test_id("snapshot-mode").inner_text()
    assert page.get_by_test_id("rescan").inner_text() == "Rescan"
    assert page.js_errors == []


def test_the_wizard_checks_required_fields_before_posting(live_server, page):
    page.goto(f"{live_server.url}/djdesk/workspaces/new/")
    posts: list[str] = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.get_by_test_id("wizard-submit").click()
    error = page.get_by_test_id("error-project_path")
    error.wait_for()
    assert "required" in error.inner_text()
    page.get_by_label("Project folder").fill("relative/folder")
    page.get_by_test_id("wizard-submit").click()
    assert "absolute path" in page.get_by_test_id("error-project_path").inner_text()
    assert page.evaluate("document.activeElement.id") == "id_project_path"
    assert posts == []
    assert page.js_errors == []


def test_scan_button_and_snapshot_panels_follow_the_poll(live_server, page, tmp_path):
    root = samples.write_demo_project(
        tmp_path / "polls", name="pollsite", models={"polls": ["Question", "Choice"]}
    )
    call_command("djdesk_presets_sync", verbosity=0)
    workspace = Workspace.objects.create(
        name="Polls", project_path=str(root), trusted=True, trusted_by="tests",
        interpreter_path=sys.executable,
    )  # fmt: skip
    page.goto(f"{live_server.url}/djdesk/w/{workspace.slug}/")
    page.wait_for_function("window.djdeskDashboard !== undefined")
    assert page.get_by_test_id("rescan").inner_text() == "Scan"
    drawer = page.locator('[data-section="task_runs"]')
    page.wait_for_function(
        "() => document.querySelector('[data-section=task_runs]').innerText.includes('Choices from')"
    )
    assert "no snapshot yet" in drawer.inner_text()

    scans.request_scan(workspace, "live")  # ImmediateBackend: done when this returns
    page.evaluate("window.djdeskDashboard.poller.pollNow()")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=rescan]').textContent === 'Rescan'"
    )
    page.wait_for_function(
        "() => !document.querySelector('[data-section=task_runs]').innerText"
        ".includes('no snapshot yet')"
    )
    assert "Choices from" in drawer.inner_text()
    assert page.js_errors == []


def test_export_status_follows_the_export(live_server, page, tmp_path, settings):
    root = samples.write_demo_project(
        tmp_path / "polls", name="pollsite", models={"polls": ["Question", "Choice"]}
    )
    settings.DJDESK_DATALAB = {"EXPORT_ROOT": str(tmp_path / "exports"), "EXECUTE": False}
    workspace = Workspace.objects.create(name="Polls", project_path=str(root))
    scans.request_scan(workspace, "static")
    page.goto(f"{live_server.url}/djdesk/w/{workspace.slug}/")
    page.wait_for_function("window.djdeskDashboard !== undefined")
    panel = page.locator("[data-djdesk-datalab]")
    panel.locator("[data-role=template] option").first.wait_for(state="attached")
    # Untrusted: the box is off and says why, so the export never asks to run code.
    reason = panel.get_by_test_id("execute-reason")
    reason.wait_for()
    assert "not trusted" in reason.inner_text()
    assert panel.locator("[data-role=execute]").is_disabled()
    panel.locator("button[type=submit]").click()
    message = panel.locator("[data-role=message]")
    page.wait_for_function(
        "() => /: (succeeded|failed)\\.$/.test("
        "document.querySelector('[data-djdesk-datalab] [data-role=message]').textContent)"
    )
    assert "queued" not in message.inner_text() and "running" not in message.inner_text()
    assert page.js_errors == []


def test_a_failed_poll_shows_a_notice_that_recovers(live_server, page, minimal_project):
    workspace = Workspace.objects.create(name="Mini", project_path=str(minimal_project))
    page.goto(f"{live_server.url}/djdesk/w/{workspace.slug}/")
    page.wait_for_function("window.djdeskDashboard !== undefined")
    page.route("**/status/", lambda route: route.abort())
    page.evaluate("window.djdeskDashboard.poller.pollNow()")
    notice = page.get_by_test_id("poll-notice")
    notice.wait_for()
    assert "Live updates paused" in notice.inner_text()
    page.unroute("**/status/")
    Scan.objects.create(workspace=workspace, status="running", progress=10)
    notice.get_by_role("button", name="Retry now").click()
    notice.wait_for(state="hidden")
    # The aborted request is the only error the page logged.
    assert all("ERR_FAILED" in e for e in page.js_errors)
