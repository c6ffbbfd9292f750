"""The JSON API: listing, requesting, refusals, CSRF, runs, log deltas, cancel."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from djdesk_inspector.presets import runs
from djdesk_inspector.presets.models import Preset, RunStatus, TaskRun, TaskRunLogLine
from tests.permissions import SIGN_IN_QUERIES

pytestmark = pytest.mark.django_db

RUNS = "/djdesk/api/task-runs/"
PRESETS = "/djdesk/api/presets/"


def post(client, body, url=RUNS):
    return client.post(url, json.dumps(body), content_type="application/json")


def errors_of(response) -> dict:
    assert response["Content-Type"] == "application/json"
    payload = response.json()
    assert isinstance(payload["errors"], dict), payload
    return payload["errors"]


def test_urls_are_where_the_design_says():
    assert reverse("djdesk_presets:api-presets") == PRESETS
    assert reverse("djdesk_presets:api-runs") == RUNS
    assert reverse("djdesk_presets:api-run-log", args=[7]) == "/djdesk/api/task-runs/7/log/"
    assert reverse("djdesk_presets:runs") == "/djdesk/runs/"


def test_presets_list_has_schemas_and_workspace_choices(client, workspace):
    payload = client.get(PRESETS, {"workspace": workspace.slug}).json()
    assert payload["target"]["key"] == "workspace:shop"
    assert payload["choices_source"].startswith("snapshot #")
    by_key = {p["key"]: p for p in payload["presets"]}
    assert {"check", "check-deploy", "sqlmigrate", "diffsettings", "dumpdata"} <= set(by_key)
    sqlmigrate = {a["name"]: a for a in by_key["sqlmigrate"]["arguments"]}
    assert sqlmigrate["app_label"]["choices"] == ["contenttypes", "shop"]  # hostile label dropped
    assert sqlmigrate["migration"]["choices"]["shop"] == ["0001_initial", "0002_product_price"]
    assert by_key["dumpdata"]["runnable"] is False
    assert "ALLOWLIST" in by_key["dumpdata"]["reason"]
    assert payload["categories"][0] == "Checks"
    assert any(t["key"] == "workspace:shop" for t in payload["targets"])


def test_host_choices_come_from_the_host_registry(client, host_project):
    payload = client.get(PRESETS, {"target": "host"}).json()
    assert payload["target"]["project_path"] == str(host_project)
    check = next(p for p in payload["presets"] if p["key"] == "sqlmigrate")
    labels = check["arguments"][0]["choices"]
    assert "djdesk_presets" in labels and "contenttypes" in labels
    assert "0001_initial" in check["arguments"][1]["choices"]["djdesk_presets"]


def test_unknown_target_is_a_400(client):
    assert "target" in errors_of(client.get(PRESETS, {"target": "elsewhere"}))
    assert client.get(PRESETS, {"target": "workspace:nope"}).status_code == 400


def test_host_target_can_be_switched_off(client, host_project, settings):
    settings.DJDESK_PRESETS = {"ALLOW_HOST_TARGET": False}
    response = post(client, {"target": "host", "preset": "check"})
    assert response.status_code == 400
    assert "ALLOW_HOST_TARGET" in errors_of(response)["target"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"preset": "nope"}, "preset"),
        ({"preset": ""}, "preset"),
        ({"preset": ["check"]}, "preset"),
        ({}, "preset"),
        ({"preset": "check", "target": "nowhere"}, "target"),
        ({"preset": "check", "target": None}, "target"),
        ({"preset": "check", "args": {"app_label": "--settings=evil"}}, "args.app_label"),
        ({"preset": "check", "args": {"settings": "x"}}, "args.__all__"),
        ({"preset": "check", "args": "--settings=x"}, "args"),
        ({"preset": "sqlmigrate", "args": {"app_label": "shop"}}, "args.migration"),
    ],
)
def test_bad_requests_are_json_400s_and_store_nothing(client, workspace, body, field):
    body = {"workspace": workspace.slug} | body if "target" not in body else body
    response = post(client, body)
    assert response.status_code == 400
    assert field in errors_of(response)
    assert not TaskRun.objects.exists()


@pytest.mark.parametrize("raw", [b"not json", b"[1]", b"\xff", b'"check"'])
def test_malformed_bodies_are_json_400s(client, raw):
    response = client.post(RUNS, raw, content_type="application/json")
    assert response.status_code == 400
    assert errors_of(response)


def test_confirmation_is_required_when_the_preset_says_so(client, workspace, settings):
    settings.DJDESK_PRESETS = {"ALLOWLIST": ["dumpdata"]}
    response = post(client, {"workspace": workspace.slug, "preset": "dumpdata"})
    assert response.status_code == 400
    assert "confirm" in errors_of(response)
    assert (
        post(
            client, {"workspace": workspace.slug, "preset": "dumpdata", "confirm": "yes"}
        ).status_code
        == 400
    )


def test_dumpdata_refused_until_allowlisted(client, workspace):
    body = {"workspace": workspace.slug, "preset": "dumpdata", "confirm": True}
    response = post(client, body)
    assert response.status_code == 400
    assert "ALLOWLIST" in errors_of(response)["preset"][0]


def test_preset_edited_in_the_db_to_an_unlisted_command_refuses(client, workspace, shop, settings):
    settings.DJDESK_PRESETS = {}  # the default allowlist: no touchfile, no flush
    Preset.objects.filter(key="check").update(command="touchfile")
    Preset.objects.filter(key="showmigrations").update(command="flush")
    for key in ("check", "showmigrations"):
        response = post(client, {"workspace": workspace.slug, "preset": key})
        assert response.status_code == 400, response.content
    assert not TaskRun.objects.exists()
    assert not (shop / "touched.marker").exists()


def test_disabled_presets_are_not_listed_and_do_not_run(client, workspace):
    Preset.objects.filter(key="check").update(enabled=False)
    listed = client.get(PRESETS, {"workspace": workspace.slug}).json()["presets"]
    assert "check" not in {p["key"] for p in listed}
    assert post(client, {"workspace": workspace.slug, "preset": "check"}).status_code == 400


def test_api_enforces_csrf(workspace, djdesk_user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(djdesk_user)
    response = strict.post(
        RUNS,
        json.dumps({"workspace": workspace.slug, "preset": "check"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not TaskRun.objects.exists()
    run = TaskRun.objects.create(
        preset_key="check", target="host", project_path="/x", interpreter="/y"
    )
    assert strict.post(f"{RUNS}{run.pk}/cancel/").status_code == 403
    assert TaskRun.objects.get(pk=run.pk).status == RunStatus.REQUESTED


def test_csrf_token_from_the_runs_page_is_accepted(workspace, dummy_backend, djdesk_user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(djdesk_user)
    page = strict.get("/djdesk/runs/")
    assert page.status_code == 200
    token = page.context["csrf_token"]
    response = strict.post(
        RUNS,
        json.dumps({"workspace": workspace.slug, "preset": "check"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=str(token),
    )
    assert response.status_code == 202, response.content


def test_request_runs_through_the_immediate_backend(
    client, workspace, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            {
                "workspace": workspace.slug,
                "preset": "showmigrations",
                "args": {"app_label": "shop"},
            },
        )
    assert response.status_code == 202
    run_id = response.json()["id"]
    run = client.get(f"{RUNS}{run_id}/").json()
    assert run["status"] == "succeeded", run
    assert run["argv"] == ["manage.py", "showmigrations", "shop"]
    assert run["exit_code"] == 0
    assert run["interpreter"] and run["project_path"].endswith("shopproj")
    assert run["settings_module"] == "shopproj.settings"
    assert TaskRun.objects.get(pk=run_id).task_id
    text = [line["text"] for line in client.get(f"{RUNS}{run_id}/log/").json()["lines"]]
    assert "shop" in text and " [ ] 0001_initial" in text


def make_log(count: int, status: str = RunStatus.RUNNING) -> TaskRun:
    run = TaskRun.objects.create(
        preset_key="check", target="host", project_path="/x", interpreter="/y", status=status
    )
    TaskRunLogLine.objects.bulk_create(
        [TaskRunLogLine(run=run, seq=i, text=f"line {i}") for i in range(1, count + 1)]
    )
    return run


def test_log_delta_returns_only_new_lines(client):
    run = make_log(25)
    first = client.get(f"{RUNS}{run.pk}/log/", {"after": 0, "limit": 10}).json()
    assert [line["seq"] for line in first["lines"]] == list(range(1, 11))
    assert first["next_after"] == 10 and first["done"] is False
    rest = client.get(f"{RUNS}{run.pk}/log/", {"after": first["next_after"]}).json()
    assert [line["seq"] for line in rest["lines"]] == list(range(11, 26))
    assert rest["done"] is False  # still running
    TaskRun.objects.filter(pk=run.pk).update(status=RunStatus.SUCCEEDED)
    TaskRunLogLine.objects.create(run=run, seq=26, text="[exit code 0]", stream="s")
    final = client.get(f"{RUNS}{run.pk}/log/", {"after": 25}).json()
    assert [line["text"] for line in final["lines"]] == ["[exit code 0]"]
    assert final["done"] is True and final["next_after"] == 26
    empty = client.get(f"{RUNS}{run.pk}/log/", {"after": 26}).json()
    assert empty["lines"] == [] and empty["next_after"] == 26 and empty["done"] is True


def test_log_of_a_finished_run_is_not_done_while_pages_remain(client):
    run = make_log(30, status=RunStatus.SUCCEEDED)
    page = client.get(f"{RUNS}{run.pk}/log/", {"limit": 10}).json()
    assert page["done"] is False
    last = client.get(f"{RUNS}{run.pk}/log/", {"after": 20, "limit": 10}).json()
    assert last["done"] is True


def test_log_delta_uses_two_queries_whatever_the_log_size(client, django_assert_num_queries):
    run = make_log(3000)
    with django_assert_num_queries(2 + SIGN_IN_QUERIES):
        response = client.get(f"{RUNS}{run.pk}/log/", {"after": 2990})
    assert len(response.json()["lines"]) == 10


@pytest.mark.parametrize(
    "query",
    [{"after": "x"}, {"after": "-1"}, {"limit": "0"}, {"limit": "999999"}, {"after": "1e3"}],
)
def test_bad_log_queries_are_400(client, query):
    run = make_log(1)
    response = client.get(f"{RUNS}{run.pk}/log/", query)
    assert response.status_code == 400
    assert errors_of(response)


def test_unknown_runs_are_json_404s(client):
    for response in (
        client.get(f"{RUNS}999/"),
        client.get(f"{RUNS}999/log/"),
        client.post(f"{RUNS}999/cancel/"),
    ):
        assert response.status_code == 404
        assert errors_of(response)


def test_wrong_methods_are_json_405s(client):
    run = make_log(1)
    assert client.get(f"{RUNS}{run.pk}/cancel/").status_code == 405
    assert client.post(PRESETS).status_code == 405
    response = client.delete(f"{RUNS}{run.pk}/")
    assert response.status_code == 405 and response["Allow"] == "GET"


def test_cancel_a_requested_run_never_starts_it(client, workspace, dummy_backend, shop):
    from djdesk_inspector.presets import runner

    response = post(client, {"workspace": workspace.slug, "preset": "check"})
    run_id = response.json()["id"]
    cancelled = client.post(f"{RUNS}{run_id}/cancel/").json()
    assert cancelled["status"] == "cancelled" and cancelled["cancelled"] is True
    assert runner.execute(run_id) == "cancelled"
    assert TaskRun.objects.get(pk=run_id).started_at is None
    again = client.post(f"{RUNS}{run_id}/cancel/")
    assert again.status_code == 200


def test_cancel_a_finished_run_is_a_409(client):
    run = make_log(1, status=RunStatus.SUCCEEDED)
    response = client.post(f"{RUNS}{run.pk}/cancel/")
    assert response.status_code == 409
    assert errors_of(response)


def test_history_lists_runs_newest_first(client, workspace):
    for _ in range(3):
        make_log(0, status=RunStatus.SUCCEEDED)
    TaskRun.objects.create(
        preset_key="check", target="workspace:shop", project_path="/x", interpreter="/y"
    )
    assert [r["target"] for r in client.get(RUNS, {"workspace": "shop"}).json()["runs"]] == [
        "workspace:shop"
    ]
    assert len(client.get(RUNS).json()["runs"]) == 4
    assert runs.recent_runs()[0]["target"] == "workspace:shop"


def test_runs_page_renders_the_drawer(client, workspace):
    page = client.get("/djdesk/runs/", {"target": "workspace:shop"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "data-djdesk-drawer" in html and 'data-target="workspace:shop"' in html
    assert "djdesk_presets/js/drawer.js" in html
    assert "<script>" not in html and "style=" not in html
