"""Schemathesis against the OpenAPI document the real launcher serves.

Two bounded runs (the CLI, as a subprocess, ``-n`` examples per operation): one with
every parameter generated, one with the path parameters pinned to a real workspace,
export and task run, so the operations get past their 404s into their own logic.
Every response must be no 5xx and must conform to the document (status code, content
type, headers, body schema). The figures are in the JSON reports; the suite only
asserts on failures, never on time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.launching import Launched, launch, wait_for

pytestmark = pytest.mark.slow

CSRF_SECRET = "c" * 32  # an unmasked CSRF secret: cookie and header carry the same value
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
MAX_EXAMPLES = 15
SEED = 20261128
# Pinned identifiers would be gone after these; the unpinned run covers them.
DESTRUCTIVE = ("deleteWorkspace", "deleteExport", "revokeWorkspaceTrust")


def schemathesis() -> str:
    found = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("schemathesis is not installed (pip install -e '.[dev]')")
    return found


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path):
    data = tmp_path_factory.mktemp("desktop-schemathesis") / "data"
    shutil.copytree(migrated_template, data, ignore=shutil.ignore_patterns("logs"))
    running = launch(data, token_stdin=True)
    yield running
    running.cleanup()


def post(launched: Launched, path: str, body: dict[str, Any]) -> Any:
    answer = launched.request(
        "POST",
        path,
        headers={
            "Content-Type": "application/json",
            "Cookie": f"csrftoken={CSRF_SECRET}",
            "X-CSRFToken": CSRF_SECRET,
        },
        body=json.dumps(body).encode(),
    )
    assert answer.status in (200, 201, 202), (path, answer.status, answer.body[:500])
    return answer.json()


def finished(launched: Launched, path: str) -> Any:
    def done() -> Any:
        data = launched.get(path).json()
        return data if data.get("status") in {"succeeded", "failed"} else None

    return wait_for(done, timeout=120)


@pytest.fixture(scope="module")
def identifiers(target: Launched, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A workspace with a snapshot, a finished export and a finished task run."""
    from telemetry import samples

    project = tmp_path_factory.mktemp("schemathesis-project") / "shop"
    samples.write_project(project, apps=2, models_per_app=2)
    workspace = post(
        target, "/djdesk/api/workspaces/", {"project_path": str(project), "name": "Fuzzed"}
    )
    slug = workspace["slug"]
    post(target, f"/djdesk/api/workspaces/{slug}/scans/", {"kind": "static"})

    def scanned() -> Any:
        scans = target.get(f"/djdesk/api/workspaces/{slug}/status/").json().get("scans") or []
        return scans and scans[0]["status"] in {"succeeded", "failed"} and scans[0]

    scan = wait_for(scanned, timeout=120)
    assert scan["status"] == "succeeded", scan
    status = target.get(f"/djdesk/api/workspaces/{slug}/status/").json()
    label = status["schema"]["nodes"][0]["id"]  # a model label, e.g. "app1.Model1"
    export = post(
        target,
        f"/djdesk/api/workspaces/{slug}/exports/",
        {"template": "url-map", "execute": False},
    )
    export = finished(target, f"/djdesk/api/workspaces/{slug}/exports/{export['id']}/")
    assert export["status"] == "succeeded", export
    run = post(target, "/djdesk/api/task-runs/", {"target": "host", "preset": "check"})
    finished(target, f"/djdesk/api/task-runs/{run['id']}/")
    return {"slug": slug, "export_id": export["id"], "run_id": run["id"], "label": label}


def run(
    target: Launched, workdir: Path, name: str, *extra: str, config: str = ""
) -> dict[str, Any]:
    report = workdir / f"{name}.json"
    command = [schemathesis()]
    if config:
        config_file = workdir / f"{name}.toml"
        config_file.write_text(config)
        command += ["--config-file", str(config_file)]
    command += [
        "run",
        f"{target.origin}/djdesk/api/openapi.json",
        "--header",
        f"X-DJDesk-Token: {target.token}",
        "--header",
        f"Cookie: csrftoken={CSRF_SECRET}",
        "--header",
        f"X-CSRFToken: {CSRF_SECRET}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "2",
        "--request-timeout",
        "60",
        "--report",
        "json",
        "--report-json-path",
        str(report),
        *extra,
    ]
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=workdir, capture_output=True, text=True, timeout=600, check=False
    )
    assert report.exists(), result.stdout[-4000:] + result.stderr[-2000:]
    data = json.loads(report.read_text())
    data["_output"] = result.stdout[-6000:]
    data["_seconds"] = round(time.monotonic() - started, 1)
    print(
        f"schemathesis {name}: {data['test_cases']['generated']} cases, "
        f"{data['operations']['tested']} operations, "
        f"{len(data['failures'])} failures, {len(data['errors'])} errors, {data['_seconds']} s"
    )
    return data


def assert_clean(data: dict[str, Any]) -> None:
    assert data["operations"]["tested"] == data["operations"]["selected"] > 0, data["operations"]
    assert data["test_cases"]["generated"] > 0
    assert data["failures"] == [], data["_output"]
    assert data["errors"] == [], data["_output"]
    assert data["exit_code"] == 0, data["_output"]


def test_generated_requests_conform_and_never_5xx(target: Launched, tmp_path: Path):
    assert_clean(run(target, tmp_path, "unpinned"))
    assert target.get("/djdesk/desktop/health/").status == 200


def test_requests_on_real_objects_conform_and_never_5xx(
    target: Launched, identifiers: dict[str, Any], tmp_path: Path
):
    parameters = "\n".join(
        f'"path.{key}" = {json.dumps(value)}' for key, value in identifiers.items()
    )
    excluded = [arg for op in DESTRUCTIVE for arg in ("--exclude-operation-id", op)]
    data = run(target, tmp_path, "pinned", *excluded, config=f"[parameters]\n{parameters}\n")
    assert_clean(data)
    # The pinned identifiers got the operations past "not found" into their own logic.
    assert not data["warnings"]["missing_test_data"], data["warnings"]
