"""The "Before you migrate" panel on real projects: plan, lint, rehearsal, schema history."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.utils import timezone

from djdesk_inspector import scans
from djdesk_inspector.models import Rehearsal, RehearsalStatus, ScanKind, Workspace
from tests.browser.pages import HIDDEN_OVERFLOW_JS
from tests.migration_safety.projects import write_lint_project, write_rehearsal_project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The layout measure of tests/browser/pages.py, limited to this panel.
PANEL_OVERFLOW_JS = HIDDEN_OVERFLOW_JS.replace(
    "document.querySelectorAll('body *')",
    "document.querySelectorAll('#migration-safety, #migration-safety *')",
)


def scanned(project: Path, *, trusted: bool = True, kind: str = ScanKind.LIVE) -> Workspace:
    workspace = Workspace.objects.create(
        name=project.name,
        project_path=str(project),
        interpreter_path=sys.executable,
        trusted=trusted,
        trusted_by="tests" if trusted else "",
        trusted_at=timezone.now() if trusted else None,
    )
    scan = scans.request_scan(workspace, kind)  # ImmediateBackend: done on return
    scan.refresh_from_db()
    assert scan.status == "succeeded", scan.error
    return workspace


def open_dashboard(page, live_server, workspace: Workspace):  # type: ignore[no-untyped-def]
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/djdesk/w/{workspace.slug}/")
    page.wait_for_function("window.djdeskDashboard !== undefined")
    return page.get_by_test_id("migration-safety")


def poll(page) -> None:  # type: ignore[no-untyped-def]
    page.evaluate("window.djdeskDashboard.poller.pollNow()")


def test_plan_rehearsal_and_schema_history(live_server, page, tmp_path: Path) -> None:
    project = write_rehearsal_project(tmp_path / "shop")
    workspace = scanned(project)
    panel = open_dashboard(page, live_server, workspace)

    # The pending plan, with its SQL fetched when asked for.
    step = panel.get_by_test_id("plan-step-shop.0002_label")
    step.wait_for()
    assert "1 migration pending" in panel.get_by_test_id("plan-state").inner_text()
    step.locator("summary").click()
    sql = panel.get_by_test_id("plan-sql-shop.0002_label")
    page.wait_for_function("el => !el.textContent.startsWith('Loading')", arg=sql.element_handle())
    assert '"shop_item"' in sql.inner_text()
    assert sql.evaluate("el => getComputedStyle(el).overflowX") == "auto"

    # A queued rehearsal (no worker picks it up here) blocks Rehearse until cancelled.
    rehearse = panel.get_by_test_id("rehearse")
    assert rehearse.is_enabled()
    queued = Rehearsal.objects.create(
        workspace=workspace, status=RehearsalStatus.QUEUED, progress_message="Waiting"
    )
    poll(page)
    headline = panel.get_by_test_id(f"rehearsal-status-{queued.pk}")
    headline.wait_for()
    assert "queued, 0%: Waiting" in headline.inner_text()
    assert rehearse.is_disabled()
    assert f"#{queued.pk} is queued" in panel.get_by_test_id("rehearse-reason").inner_text()
    panel.get_by_test_id("rehearsal-cancel").click()
    page.wait_for_function(
        "id => document.querySelector(`[data-testid=rehearsal-status-${id}]`)"
        "?.textContent.includes('cancelled')",
        arg=queued.pk,
    )
    assert Rehearsal.objects.get(pk=queued.pk).status == RehearsalStatus.CANCELLED
    assert panel.get_by_test_id("rehearsal-cancel").is_hidden()

    # A real rehearsal on a copy of the database: its end and timings appear without reload.
    page.wait_for_function("() => !document.querySelector('[data-testid=rehearse]').disabled")
    rehearse.click()
    page.wait_for_function(
        "() => /Rehearsal #\\d+ succeeded/.test("
        "document.querySelector('[data-section=rehearsals] .body').textContent)"
    )
    done = Rehearsal.objects.exclude(pk=queued.pk).get()
    assert done.status == RehearsalStatus.SUCCEEDED, done.error
    assert (
        "real database untouched yes"
        in panel.get_by_test_id(f"rehearsal-status-{done.pk}").inner_text()
    )
    forward = panel.get_by_test_id("rehearsal-step-forward-shop.0002_label")
    cells = forward.locator("td").all_inner_texts()
    assert cells[2] == "ok"
    # The stored figure, as JavaScript prints it (17.0 is "17"): compare the numbers.
    assert cells[3].endswith(" ms")
    assert float(cells[3].removesuffix(" ms")) == done.report["forward"][0]["ms"]
    assert panel.get_by_test_id("rehearsal-step-backward-shop.0002_label").is_visible()
    assert page.url.endswith(f"/djdesk/w/{workspace.slug}/")  # no reload, no navigation
    message = panel.get_by_test_id("rehearsal-message").inner_text()
    assert message == f"Rehearsal #{done.pk} succeeded."

    # Schema history: one snapshot cannot be compared; a second scan of changed models can.
    assert panel.get_by_test_id("compare").is_disabled()
    models = project / "shop" / "models.py"
    models.write_text(models.read_text() + "    weight = models.IntegerField(null=True)\n")
    scans.request_scan(workspace, ScanKind.LIVE)
    poll(page)
    page.wait_for_function("() => !document.querySelector('[data-testid=compare]').disabled")
    panel.get_by_test_id("compare").click()
    changed = panel.get_by_test_id("diff-shop.Item")
    changed.wait_for()
    assert "field weight added (IntegerField, null)" in changed.inner_text()
    assert "1 changed" in panel.get_by_test_id("diff-summary").inner_text()
    mermaid = panel.get_by_test_id("download-mermaid").get_attribute("href")
    assert mermaid.endswith(f"/workspaces/{workspace.slug}/schema.mmd")

    assert page.evaluate(PANEL_OVERFLOW_JS) == []
    assert page.js_errors == []


def test_a_failing_step_shows_its_traceback(live_server, page, tmp_path: Path) -> None:
    workspace = scanned(write_rehearsal_project(tmp_path / "shop", third="failing"))
    panel = open_dashboard(page, live_server, workspace)
    panel.get_by_test_id("plan-step-shop.0003_explode").wait_for()
    panel.get_by_test_id("rehearse").click()
    page.wait_for_function(
        "() => /Rehearsal #\\d+ failed/.test("
        "document.querySelector('[data-section=rehearsals] .body').textContent)"
    )
    row = Rehearsal.objects.get()
    assert row.status == RehearsalStatus.FAILED
    assert row.report["forward_ok"] is False
    step = panel.get_by_test_id("rehearsal-step-forward-shop.0003_explode")
    assert "failed" in step.locator("td").nth(2).inner_text()
    traceback = step.locator("details pre")
    assert traceback.is_hidden()  # folded until asked for
    step.locator("details summary").click()
    assert "deliberate failure halfway through 0003_explode" in traceback.inner_text()
    assert traceback.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    assert panel.get_by_test_id("rehearsal-message").inner_text() == f"Rehearsal #{row.pk} failed."
    # The steps before the failure were applied and timed.
    assert panel.get_by_test_id("rehearsal-step-forward-shop.0002_label").is_visible()
    assert page.js_errors == []


def test_lint_findings_and_an_unknown_plan(live_server, page, tmp_path: Path) -> None:
    # No database: the plan cannot be read, so it is unknown with the reason, not empty.
    workspace = scanned(write_lint_project(tmp_path / "shop"))
    panel = open_dashboard(page, live_server, workspace)
    row = panel.get_by_test_id("lint-DJM001-0003_risky-0")
    row.wait_for()
    text = row.text_content()
    assert "error" in text and "NOT NULL" in text
    assert "shop/migrations/0003_risky.py:" in text
    link = row.get_by_role("link", name="DJM001")
    assert link.get_attribute("href").endswith("migrations.html#add-not-null-column")
    for rule, migration, operation in [("DJM012", "0004_data", 0), ("DJM005", "0005_cleanup", 0)]:
        assert panel.get_by_test_id(f"lint-{rule}-{migration}-{operation}").is_visible()
    summary = panel.get_by_test_id("lint-summary").inner_text()
    assert "Django's migration loader" in summary
    state = panel.get_by_test_id("plan-state").inner_text()
    assert state.startswith("Pending plan: unknown (") and state != "Pending plan: unknown ()"
    assert page.evaluate(PANEL_OVERFLOW_JS) == []
    assert page.js_errors == []


def test_an_untrusted_workspace_cannot_rehearse(live_server, page, tmp_path: Path) -> None:
    project = write_rehearsal_project(tmp_path / "shop")
    workspace = scanned(project, trusted=False, kind=ScanKind.STATIC)
    panel = open_dashboard(page, live_server, workspace)
    page.wait_for_function("() => document.querySelector('[data-testid=plan-state]')")
    rehearse = panel.get_by_test_id("rehearse")
    assert rehearse.is_disabled()
    reason = panel.get_by_test_id("rehearse-reason").inner_text()
    assert "trust the workspace first" in reason
    assert rehearse.get_attribute("aria-describedby") == "ms-rehearse-reason"
    # A static scan reads no database: the plan is unknown, and lint ran on the source.
    assert panel.get_by_test_id("plan-state").inner_text().startswith("Pending plan: unknown (")
    assert "parsed with ast" in panel.get_by_test_id("lint-summary").inner_text()
    assert not Rehearsal.objects.exists()
    assert page.js_errors == []
