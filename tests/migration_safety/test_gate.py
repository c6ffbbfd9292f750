"""The CI gate's verdict and formats: SARIF against the official schema, JUnit via a parser."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import junitparser
import pytest

from djdesk_inspector.inspection import gate, gate_formats, migration_lint
from tests.migration_safety.projects import write_lint_project

HERE = Path(__file__).resolve().parent
SCHEMA = HERE / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8"


def lint_document(project: Path, **extra: Any) -> dict[str, Any]:
    """A scan-shaped document: what the engine adds to a live or static scan."""
    apps = [migration_lint.ProjectApp("shop", "shop", project / "shop")]
    migrations = migration_lint.read_project(project, apps)
    findings = migration_lint.lint(migrations)
    document: dict[str, Any] = {
        "migrations": {
            "unapplied": [["shop", "0005_cleanup"]],
            "conflicts": {},
            "missing": {"has_changes": False, "apps": {}},
        },
        "checks": {"messages": [{"id": "shop.E001", "msg": "broken", "level": "ERROR"}]},
        "migration_lint": {"findings": [f.as_json() for f in findings]},
        "unknown": {},
    }
    document.update(extra)
    return document


@pytest.fixture
def outcome(tmp_path: Path) -> gate.Outcome:
    document = lint_document(write_lint_project(tmp_path / "p"))
    return gate.evaluate(document, gate.CATEGORIES)


def test_the_vendored_schema_is_the_pinned_one() -> None:
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_sarif_validates_and_points_at_file_and_line(outcome: gate.Outcome) -> None:
    document = json.loads(gate_formats.sarif(outcome))
    schema = json.loads(SCHEMA.read_text())
    jsonschema.validate(document, schema, cls=jsonschema.Draft4Validator)
    results = document["runs"][0]["results"]
    dropped = next(r for r in results if r["ruleId"] == "DJM003")
    location = dropped["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "shop/migrations/0003_risky.py"
    assert location["region"]["startLine"] > 1
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert rules[dropped["ruleIndex"]]["id"] == "DJM003"


def test_sarif_with_unknowns_still_validates(tmp_path: Path) -> None:
    document = lint_document(write_lint_project(tmp_path / "p"))
    document["migrations"]["unapplied"] = None
    document["unknown"] = {"migrations.applied": "database unreachable: refused"}
    result = gate.evaluate(document, ["unapplied"])
    assert result.unknown == {"unapplied": "database unreachable: refused"}
    sarif = json.loads(gate_formats.sarif(result))
    jsonschema.validate(sarif, json.loads(SCHEMA.read_text()), cls=jsonschema.Draft4Validator)
    assert sarif["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_junit_parses_with_one_suite_per_category(outcome: gate.Outcome, tmp_path: Path) -> None:
    path = tmp_path / "gate.xml"
    path.write_text(gate_formats.junit(outcome))
    xml = junitparser.JUnitXml.fromfile(str(path))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == set(gate.CATEGORIES)
    assert suites["unapplied"].failures == 1
    assert suites["conflicts"].failures == 0
    unsafe = [case for case in suites["unsafe-migrations"]]
    assert unsafe and all(not case.is_passed for case in unsafe)


def test_text_has_one_line_per_finding_and_a_verdict(outcome: gate.Outcome) -> None:
    lines = gate_formats.text(outcome).splitlines()
    assert len(lines) == len(outcome.findings) + 1
    assert lines[-1].startswith("djdesk gate failed:")
    assert any(line.startswith("shop/migrations/0003_risky.py:") for line in lines)


def test_info_findings_do_not_fail_the_gate(tmp_path: Path) -> None:
    document = lint_document(write_lint_project(tmp_path / "p"))
    result = gate.evaluate(document, ["unsafe-migrations"])
    assert "DJM002" not in {f.rule for f in result.findings}


def test_a_clean_document_passes() -> None:
    document = {
        "migrations": {"unapplied": [], "conflicts": {}, "missing": {"has_changes": False}},
        "checks": {"messages": [{"id": "x.W001", "msg": "meh", "level": "WARNING"}]},
        "migration_lint": {"findings": []},
    }
    result = gate.evaluate(document, gate.CATEGORIES)
    assert result.passed
    assert gate_formats.text(result).startswith("djdesk gate passed")


def test_unknown_categories_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown --fail-on value nope"):
        gate.parse_categories("unapplied,nope")
