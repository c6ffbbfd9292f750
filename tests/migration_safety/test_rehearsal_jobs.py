"""Rehearsals as jobs of the kernel lifecycle, and the plan / diff / diagram endpoints."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest
from django.urls import reverse

from djdesk_inspector import rehearsals, scans, status
from djdesk_inspector.models import Rehearsal, RehearsalStatus, ScanKind, Workspace
from tests.migration_safety.projects import write_rehearsal_project

pytestmark = pytest.mark.slow


def workspace_for(project: Path, *, trusted: bool = True) -> Workspace:
    return Workspace.objects.create(
        name=project.name,
        project_path=str(project),
        interpreter_path=sys.executable,
        trusted=trusted,
    )


def url(name: str, *args: object) -> str:
    return reverse(f"djdesk_inspector:{name}", args=args)


@pytest.mark.django_db(transaction=True)
def test_a_requested_rehearsal_runs_and_stores_its_report(client, tmp_path: Path) -> None:
    workspace = workspace_for(write_rehearsal_project(tmp_path / "shop"))
    response = client.post(
        url("api-rehearsals", workspace.slug), "{}", content_type="application/json"
    )
    assert response.status_code == 202
    row = Rehearsal.objects.get(pk=response.json()["id"])
    assert row.status == RehearsalStatus.SUCCEEDED, row.error
    assert row.report["forward_ok"] and row.report["rollback_ok"]
    assert row.report["real_database_untouched"] is True
    detail = client.get(url("api-rehearsal", workspace.slug, row.pk)).json()
    assert detail["report"]["plan"] == [["shop", "0002_label"]]
    payload = status.build(workspace)
    assert payload["rehearsals"][0]["id"] == row.pk


@pytest.mark.django_db(transaction=True)
def test_a_failing_rollback_fails_the_job_with_the_report(client, tmp_path: Path) -> None:
    workspace = workspace_for(write_rehearsal_project(tmp_path / "shop", third="irreversible"))
    row = rehearsals.request(workspace)
    row.refresh_from_db()
    assert row.status == RehearsalStatus.FAILED
    assert row.error == "The rollback step failed."
    assert "IrreversibleError" in row.report["backward"][-1]["error"]


@pytest.mark.django_db
def test_an_untrusted_workspace_cannot_rehearse(client, tmp_path: Path) -> None:
    workspace = workspace_for(write_rehearsal_project(tmp_path / "shop"), trusted=False)
    response = client.post(
        url("api-rehearsals", workspace.slug), "{}", content_type="application/json"
    )
    assert response.status_code == 409
    assert "trust the workspace" in response.json()["errors"]["__all__"][0]
    assert not Rehearsal.objects.exists()


@pytest.mark.django_db
def test_a_queued_rehearsal_is_cancelled_at_once(client, tmp_path: Path) -> None:
    workspace = workspace_for(write_rehearsal_project(tmp_path / "shop"))
    row = rehearsals.request(workspace)  # no commit in this test: it stays queued
    assert row.status == RehearsalStatus.QUEUED
    response = client.post(url("api-rehearsal-cancel", workspace.slug, row.pk))
    assert response.status_code == 200
    assert response.json()["status"] == RehearsalStatus.CANCELLED
    again = client.post(url("api-rehearsal-cancel", workspace.slug, row.pk))
    assert again.status_code == 200  # cancelling twice is harmless


@pytest.mark.django_db(transaction=True)
def test_a_running_rehearsal_is_cancelled_and_its_tree_killed(tmp_path: Path) -> None:
    import psutil

    workspace = workspace_for(write_rehearsal_project(tmp_path / "shop", third="slow"))
    row = Rehearsal.objects.create(workspace=workspace, status=RehearsalStatus.QUEUED)
    # The suite may hold other children (a browser, servers): only new ones count.
    children_before = {p.pid for p in psutil.Process().children(recursive=True)}
    worker = threading.Thread(target=rehearsals.execute, args=(row.pk,))
    worker.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        row.refresh_from_db()
        if "0003_wait" in row.progress_message:
            break
        time.sleep(0.1)
    assert "0003_wait" in row.progress_message, row.progress_message
    rehearsals.cancel(row)
    worker.join(60)
    assert not worker.is_alive()
    row.refresh_from_db()
    assert row.status == RehearsalStatus.CANCELLED
    left = {p.pid for p in psutil.Process().children(recursive=True)} - children_before
    assert left == set()


@pytest.mark.django_db(transaction=True)
def test_plan_diff_and_diagram_endpoints(client, tmp_path: Path) -> None:
    project = write_rehearsal_project(tmp_path / "shop")
    workspace = workspace_for(project)
    scans.request_scan(workspace, ScanKind.LIVE)
    plan = client.get(url("api-plan", workspace.slug)).json()
    assert [(s["app"], s["name"]) for s in plan["plan"]] == [("shop", "0002_label")]
    assert any("label" in statement for statement in plan["plan"][0]["sql"])
    assert client.get(url("api-diff", workspace.slug)).status_code == 404  # one snapshot
    models = project / "shop" / "models.py"
    models.write_text(
        models.read_text() + "\n\nclass Bin(models.Model):\n    code = models.TextField()\n"
    )
    scans.request_scan(workspace, ScanKind.LIVE)
    diff = client.get(url("api-diff", workspace.slug)).json()
    assert [m["label"] for m in diff["models"]["added"]] == ["shop.Bin"]
    bad = client.get(url("api-diff", workspace.slug) + "?from=x1")
    assert bad.status_code == 400 and "from" in bad.json()["errors"]
    diagram = client.get(url("api-mermaid", workspace.slug))
    assert diagram["Content-Type"].startswith("text/plain")
    assert "shop__Bin {" in diagram.content.decode()
