from __future__ import annotations

import pytest

from djdesk_inspector.models import Workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_wizard_creates_a_workspace_and_selects_it(live_server, page, minimal_project):
    page.goto(f"{live_server.url}/djdesk/")
    page.get_by_test_id("no-workspaces").wait_for()
    page.get_by_test_id("add-workspace").click()
    page.get_by_label("Project folder").fill(str(minimal_project))
    page.get_by_label("Name").fill("Mini Project")
    page.get_by_test_id("wizard-submit").click()
    page.get_by_test_id("workspace-name").wait_for()
    workspace = Workspace.objects.get()
    assert page.get_by_test_id("workspace-name").inner_text() == "Mini Project"
    current = page.locator('[data-testid="switcher"] a[aria-current="page"]')
    assert current.inner_text() == "Mini Project"
    assert page.url.endswith(f"/djdesk/w/{workspace.slug}/")
    # Honest empty states until a scan has run, and no script errors.
    assert "run a scan" in page.locator('[data-section="insights"]').inner_text()
    assert page.js_errors == []


def test_wizard_shows_errors_inline(live_server, page, tmp_path):
    page.goto(f"{live_server.url}/djdesk/workspaces/new/")
    page.get_by_label("Project folder").fill(str(tmp_path))
    page.get_by_test_id("wizard-submit").click()
    error = page.get_by_test_id("error-project_path")
    error.wait_for()
    assert "has no manage.py" in error.inner_text()
    assert not Workspace.objects.exists()


def test_dashboard_polls_and_renders_a_new_scan(live_server, page, minimal_project):
    workspace = Workspace.objects.create(name="Mini", project_path=str(minimal_project))
    page.goto(f"{live_server.url}/djdesk/w/{workspace.slug}/")
    page.wait_for_function("window.djdeskDashboard !== undefined")
    from djdesk_inspector.models import Scan

    scan = Scan.objects.create(workspace=workspace, status="running", progress=40)
    page.evaluate("window.djdeskDashboard.poller.pollNow()")
    page.get_by_test_id(f"scan-{scan.pk}").wait_for()
    assert "running" in page.get_by_test_id(f"scan-{scan.pk}").inner_text().lower()
    assert page.js_errors == []
