"""The lint, the plan and the gate through real scans and the real ``djdesk_inspect`` command."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from djdesk_inspector.inspection.engine import inspect_project
from tests.migration_safety.projects import (
    EXPECTED_LINT,
    write_lint_project,
    write_rehearsal_project,
)

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).resolve().parent / "sarif-schema-2.1.0.json"


def live(project: Path) -> dict[str, Any]:
    return inspect_project(project, kind="live", trusted=True, interpreter=sys.executable)


def findings(document: dict[str, Any]) -> set[tuple[str, str, int]]:
    return {
        (f["rule"], f["migration"], f["operation"]) for f in document["migration_lint"]["findings"]
    }


def djdesk_inspect(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a CI job runs it: no host project, ``cli_settings``."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "djdesk_inspect",
            *args,
            "--settings",
            "djdesk_inspector.cli_settings",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_live_lint_reads_the_loader_and_agrees_with_the_static_lint(tmp_path: Path) -> None:
    project = write_lint_project(tmp_path / "p")
    live_doc = live(project)
    static_doc = inspect_project(project, kind="static")
    assert live_doc["migration_lint"]["source"] == "loader"
    assert static_doc["migration_lint"]["source"] == "ast"
    assert findings(live_doc) == findings(static_doc) == EXPECTED_LINT
    dropped = next(f for f in live_doc["migration_lint"]["findings"] if f["rule"] == "DJM003")
    assert dropped["path"] == "shop/migrations/0003_risky.py" and dropped["line"] > 1


def test_the_live_plan_lists_pending_migrations_with_their_sql(tmp_path: Path) -> None:
    project = write_rehearsal_project(tmp_path / "p", third="irreversible")
    before = hashlib.sha256((project / "db.sqlite3").read_bytes()).hexdigest()
    document = live(project)
    assert hashlib.sha256((project / "db.sqlite3").read_bytes()).hexdigest() == before
    plan = document["migrations"]["plan"]
    assert [(step["app"], step["name"]) for step in plan] == [
        ("shop", "0002_label"),
        ("shop", "0003_stamp"),
    ]
    sql = "\n".join(plan[0]["sql"])
    assert "label" in sql and "shop_item" in sql
    assert plan[0]["sql_error"] is None


def test_without_a_database_the_plan_is_unknown_with_the_reason(tmp_path: Path) -> None:
    project = write_rehearsal_project(tmp_path / "p")
    (project / "db.sqlite3").unlink()
    document = live(project)
    assert document["migrations"]["plan"] is None
    assert "run migrate" in document["unknown"]["migrations.plan"]


def test_the_static_gate_needs_no_database_and_emits_valid_sarif(tmp_path: Path) -> None:
    project = write_lint_project(tmp_path / "p")
    done = djdesk_inspect(
        str(project), "--static", "--fail-on", "conflicts,unsafe-migrations", "--format", "sarif"
    )
    assert done.returncode == 1, done.stderr
    sarif = json.loads(done.stdout)
    jsonschema.validate(sarif, json.loads(SCHEMA.read_text()), cls=jsonschema.Draft4Validator)
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert {"DJM001", "DJM003", "DJM012"} <= rules
    assert "DJM002" not in rules  # info never fails the gate


def test_an_unknown_category_fails_with_its_reason(tmp_path: Path) -> None:
    project = write_lint_project(tmp_path / "p")
    done = djdesk_inspect(str(project), "--static", "--fail-on", "unapplied")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("unapplied: unknown (")
    assert lines[-1].startswith("djdesk gate failed: 0 finding(s), 1 unknown")


def test_a_clean_project_passes_the_live_gate(tmp_path: Path) -> None:
    project = write_rehearsal_project(tmp_path / "p")
    done = djdesk_inspect(
        str(project), "--python", sys.executable, "--fail-on", "missing-migrations,conflicts"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().startswith("djdesk gate passed")


def test_a_bad_fail_on_value_is_one_clear_line(tmp_path: Path) -> None:
    project = write_lint_project(tmp_path / "p")
    done = djdesk_inspect(str(project), "--static", "--fail-on", "everything")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "CommandError: unknown --fail-on value everything; choose from missing-migrations, "
        "unapplied, conflicts, check-errors, unsafe-migrations"
    ]


def test_diff_against_and_mermaid_on_the_command_line(tmp_path: Path) -> None:
    project = write_lint_project(tmp_path / "p")
    saved = tmp_path / "before.json"
    done = djdesk_inspect(str(project), "--python", sys.executable, "--json")
    assert done.returncode == 0, done.stderr
    saved.write_text(done.stdout)
    models = project / "shop" / "models.py"
    models.write_text(
        models.read_text() + "\n\nclass Depot(models.Model):\n    city = models.TextField()\n"
    )
    diff = djdesk_inspect(str(project), "--python", sys.executable, "--diff-against", str(saved))
    assert diff.returncode == 0, diff.stderr
    assert "+ model shop.Depot (2 fields)" in diff.stdout.splitlines()
    bad = djdesk_inspect(str(project), "--static", "--diff-against", str(tmp_path / "nope.json"))
    assert bad.returncode == 1 and "--diff-against" in bad.stderr
    diagram = djdesk_inspect(str(project), "--python", sys.executable, "--mermaid")
    assert diagram.stdout.startswith("erDiagram\n")
    assert "shop__Depot {" in diagram.stdout


def test_a_fresh_clone_gets_the_sql_of_its_own_newest_migrations_first(tmp_path: Path) -> None:
    """sqlmigrate costs a state render per migration: a scan reads ten, the project's own first."""
    from telemetry import samples

    sample = samples.write_project(tmp_path / "p", apps=2, migrations_per_app=2)
    database = sample.root / "db.sqlite3"
    database.unlink()
    sqlite3.connect(database).close()  # exists, nothing applied: every migration is pending
    plan = live(sample.root)["migrations"]["plan"]
    assert len(plan) > 10
    collected = [(s["app"], s["name"]) for s in plan if s["sql"] is not None]
    own = [(s["app"], s["name"]) for s in plan if s["app"] in sample.apps]
    others = [(s["app"], s["name"]) for s in plan if s["app"] not in sample.apps]
    assert 0 < len(own) < 10 < len(plan)
    newest_others = others[len(own) - 10 :]
    assert set(collected) == set(own) | set(newest_others)
    for step in plan:
        if (step["app"], step["name"]) not in collected:
            assert step["sql_error"].startswith("not collected: a scan reads the SQL of 10 of")
            assert step["sql_error"].endswith(f"sqlmigrate {step['app']} {step['name']}")
