"""Attach the migration lint (and, live, the plan) to a scan document.

A live probe sends the operations as Django's loader sees them (``migrations.lint``
in its document); a static scan has none, so the migration files are parsed here.
Either way the files are read for what only the source has: line numbers, the
suppression marker and direct model imports. Only the project's own apps (their
folder inside the project) are linted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from djdesk_inspector.inspection import migration_lint

Document = dict[str, Any]


def project_apps(document: Document, project: Path) -> list[migration_lint.ProjectApp]:
    """Apps whose package folder lies inside ``project`` (symlinks resolved)."""
    root = project.resolve()
    found = []
    for app in document.get("apps") or []:
        label, module, path = app.get("label"), app.get("name"), app.get("path")
        if not label or not module:
            continue
        folder = Path(path) if path else project.joinpath(*module.split("."))
        try:
            resolved = folder.resolve()
        except OSError:
            continue
        if resolved == root or root in resolved.parents:
            found.append(migration_lint.ProjectApp(label, module, resolved))
    return found


def _merge_source(live: dict[str, Any], parsed: dict[str, Any] | None) -> dict[str, Any]:
    """The loader's operations, with what only the file has (lines, markers, imports)."""
    if parsed is None:
        return live
    merged = dict(live)
    merged["path"] = parsed["path"]
    merged["suppressed"] = parsed["suppressed"]
    merged["model_imports"] = parsed["model_imports"]
    lines = {op["index"]: op.get("line") for op in parsed["operations"]}
    merged["operations"] = [
        {**op, "line": lines.get(op["index"])} for op in live.get("operations") or []
    ]
    return merged


def attach(document: Document, project: Path) -> None:
    """Set ``document["migration_lint"]``; never raises for a project's own mistakes."""
    apps = project_apps(document, project)
    parsed = migration_lint.read_project(project, apps)
    section = document.get("migrations")
    migrations: dict[str, Any] = section if isinstance(section, dict) else {}
    live = migrations.pop("lint", None)
    if isinstance(live, dict) and live.get("records") is not None:
        by_key = {(m["app"], m["name"]): m for m in parsed}
        labels = {app.label for app in apps}
        records = [
            _merge_source(record, by_key.get((record["app"], record["name"])))
            for record in live["records"]
            if record["app"] in labels
        ]
        source, vendor = "loader", live.get("vendor") or ""
        if live.get("plan") is not None or "plan" in live:
            migrations["plan"] = live.get("plan")
    else:
        records, source, vendor = parsed, "ast", _vendor(document)
    findings = migration_lint.lint(
        records, vendor=vendor, ignore=migration_lint.ignore_list(project)
    )
    unapplied = migrations.get("unapplied")
    pending = {tuple(key) for key in unapplied} if unapplied is not None else None
    document["migration_lint"] = {
        "source": source,
        "vendor": vendor or None,
        "migrations": len(records),
        "findings": [
            {**f.as_json(), "pending": None if pending is None else (f.app, f.migration) in pending}
            for f in findings
        ],
        "summary": dict(migration_lint.summary(findings)),
        "errors": migration_lint.parse_errors(parsed),
        "rules": list(migration_lint.RULE_IDS),
    }


def _vendor(document: Document) -> str:
    engine = str(((document.get("settings") or {}).get("DATABASES") or {}).get("ENGINE") or "")
    for vendor in ("postgresql", "sqlite", "mysql", "oracle"):
        if vendor in engine:
            return vendor
    return ""
