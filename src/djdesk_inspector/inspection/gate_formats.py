"""How the CI gate prints its outcome: text, JSON, SARIF 2.1.0 or JUnit XML.

One declared table (:data:`FORMATS`) so the command, its ``--format`` choices and the
docs agree. SARIF locations are relative to the project folder (``uriBaseId``
``PROJECTROOT``), which is what GitHub code scanning needs to put a finding on the
migration file and line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from xml.etree import ElementTree

from djdesk_inspector import __version__
from djdesk_inspector.inspection import gate

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
DOCS_BASE = "https://djdesk-inspector.readthedocs.io/en/latest/"


def text(outcome: gate.Outcome) -> str:
    lines = []
    for f in outcome.findings:
        where = f"{f.path}:{f.line}: " if f.path and f.line else (f"{f.path}: " if f.path else "")
        what = f" {f.app}.{f.migration}" if f.migration else (f" {f.app}" if f.app else "")
        lines.append(f"{where}{f.rule} {f.severity}{what}: {f.message}")
    for category, reason in outcome.unknown.items():
        lines.append(f"{category}: unknown ({reason})")
    verdict = "passed" if outcome.passed else "failed"
    lines.append(
        f"djdesk gate {verdict}: {len(outcome.findings)} finding(s), "
        f"{len(outcome.unknown)} unknown, on {', '.join(outcome.categories)}"
    )
    return "\n".join(lines) + "\n"


def as_json(outcome: gate.Outcome) -> str:
    return json.dumps(outcome.as_json(), indent=2) + "\n"


def sarif(outcome: gate.Outcome) -> str:
    catalogue = gate.rule_catalogue()
    index = {rule["id"]: i for i, rule in enumerate(catalogue)}
    rules = [
        {
            "id": rule["id"],
            "name": rule["name"],
            "shortDescription": {"text": rule["title"]},
            "fullDescription": {"text": rule["help"]},
            "defaultConfiguration": {"level": SARIF_LEVEL.get(rule["severity"], "warning")},
            **({"helpUri": DOCS_BASE + rule["docs"]} if rule["docs"] else {}),
        }
        for rule in catalogue
    ]
    results = []
    for f in outcome.findings:
        result: dict[str, object] = {
            "ruleId": f.rule,
            "ruleIndex": index.get(f.rule, -1),
            "level": SARIF_LEVEL.get(f.severity, "warning"),
            "message": {"text": f.message},
        }
        if f.path:
            physical: dict[str, object] = {
                "artifactLocation": {"uri": f.path, "uriBaseId": "PROJECTROOT"}
            }
            if f.line:
                physical["region"] = {"startLine": f.line}
            result["locations"] = [{"physicalLocation": physical}]
        if result["ruleIndex"] == -1:
            del result["ruleIndex"]
        results.append(result)
    notifications = [
        {"level": "error", "message": {"text": f"{category}: unknown ({reason})"}}
        for category, reason in outcome.unknown.items()
    ]
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": "djdesk-inspector",
                "version": __version__,
                "informationUri": DOCS_BASE,
                "rules": rules,
            }
        },
        "results": results,
        "invocations": [
            {
                "executionSuccessful": not outcome.unknown,
                "toolExecutionNotifications": notifications,
            }
        ],
    }
    document = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2) + "\n"


def junit(outcome: gate.Outcome) -> str:
    """One test suite per category; a finding or an unknown is a failed test case."""
    suites = ElementTree.Element("testsuites", name="djdesk gate")
    for category in outcome.categories:
        findings = [f for f in outcome.findings if f.category == category]
        unknown = outcome.unknown.get(category)
        suite = ElementTree.SubElement(
            suites,
            "testsuite",
            name=category,
            tests=str(max(1, len(findings))),
            failures=str(len(findings) + (1 if unknown else 0)),
            errors="0",
        )
        if unknown:
            case = ElementTree.SubElement(suite, "testcase", classname=category, name="unknown")
            ElementTree.SubElement(case, "failure", message=f"unknown ({unknown})", type="unknown")
        elif not findings:
            ElementTree.SubElement(suite, "testcase", classname=category, name="passed")
        for f in findings:
            name = f"{f.app}.{f.migration}" if f.migration else (f.app or f.rule)
            attributes = {"classname": f"{category}.{f.rule}", "name": name}
            if f.path:
                attributes["file"] = f.path
            if f.line:
                attributes["line"] = str(f.line)
            case = ElementTree.SubElement(suite, "testcase", attributes)
            failure = ElementTree.SubElement(case, "failure", message=f.message, type=f.rule)
            failure.text = f"{f.severity}: {f.message}"
    suites.set("tests", str(sum(int(s.get("tests", "0")) for s in suites)))
    suites.set("failures", str(sum(int(s.get("failures", "0")) for s in suites)))
    body = ElementTree.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


FORMATS: dict[str, Callable[[gate.Outcome], str]] = {
    "text": text,
    "json": as_json,
    "sarif": sarif,
    "junit": junit,
}
