"""The task-runs section of the dashboard status payload: one query, no log lines."""

from __future__ import annotations

import pytest

from djdesk_inspector.presets import status
from djdesk_inspector.presets.models import RunStatus, TaskRun, TaskRunLogLine
from tests.permissions import SIGN_IN_QUERIES

pytestmark = pytest.mark.django_db


def add_runs(target: str, count: int) -> None:
    runs = TaskRun.objects.bulk_create(
        [
            TaskRun(
                preset_key="check",
                preset_label="System checks",
                target=target,
                project_path="/x",
                interpreter="/y",
                status=RunStatus.SUCCEEDED,
            )
            for _ in range(count)
        ]
    )
    TaskRunLogLine.objects.bulk_create([TaskRunLogLine(run=run, seq=1, text="x") for run in runs])


@pytest.mark.parametrize("count", [3, 500])
def test_section_is_one_query_whatever_the_history(workspace, count, django_assert_num_queries):
    add_runs("workspace:shop", count)
    add_runs("host", 5)
    with django_assert_num_queries(1):
        section = status.section(workspace)
    assert len(section["runs"]) == min(count, 10)
    run = section["runs"][0]
    assert run["preset"] == "check" and run["preset_label"] == "System checks"
    assert {"status", "progress", "created_at", "started_at", "finished_at", "duration_ms"} <= set(
        run
    )
    assert "lines" not in run and "log" not in run
    assert all(r["target"] == "workspace:shop" for r in section["runs"])


def test_status_api_carries_the_section_within_its_query_budget(
    client, workspace, settings, django_assert_max_num_queries
):
    from djdesk_inspector.models import Snapshot

    Snapshot.objects.filter(workspace=workspace).delete()
    settings.ROOT_URLCONF = "tests.urls"
    add_runs("workspace:shop", 50)
    url = f"/djdesk/api/workspaces/{workspace.slug}/status/"
    with django_assert_max_num_queries(8 + SIGN_IN_QUERIES):
        response = client.get(url)
    payload = response.json()
    assert payload["task_runs"]["installed"] is True
    assert len(payload["task_runs"]["runs"]) == 10
    etag = response["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    TaskRun.objects.filter(pk=payload["task_runs"]["runs"][0]["id"]).update(progress=50)
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 200
