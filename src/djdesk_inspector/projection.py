"""The dashboard's view of a snapshot document, computed once when the snapshot is stored.

A 300-model document is ~0.5 MB of JSON; the status API is polled every few seconds.
Storing this projection beside the document (``Snapshot.view``) means a poll never
decodes the full document or rebuilds the schema graph.
"""

from __future__ import annotations

from typing import Any

from djdesk_inspector.inspection import schema_graph

COPIED_SECTIONS = ("apps", "checks", "urls", "settings")
SNAPSHOT_META = ("python", "django", "settings_module", "fallback_reason", "mode_reason")
NODE_FLAGS = ("abstract", "proxy", "swapped", "external")
MIGRATION_KEYS = ("db_reachable", "db_error", "unapplied", "conflicts", "missing")


def compact_schema(graph: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The graph as polled: app and name are derivable from the label, flags only when set."""
    nodes = [
        {"id": n["id"], "fields": n["fields"], "columns": [_column(c) for c in n["columns"]]}
        | {f: n[f] for f in NODE_FLAGS if n.get(f)}
        for n in graph["nodes"]
    ]
    edges = [{k: v for k, v in e.items() if v is not None} for e in graph["edges"]]
    return {"nodes": nodes, "edges": edges}


def _column(column: dict[str, Any]) -> list[Any]:
    """An ERD card row as ``[name, type, flags]`` (+ the FK target): P primary key,
    U unique, N null. Arrays keep a 300-model poll small; erd.js expands them."""
    flags = "".join(
        letter for letter, key in (("P", "pk"), ("U", "unique"), ("N", "null")) if column[key]
    )
    row = [column["name"], column["type"], flags]
    return [*row, column["fk"]] if column["fk"] else row


def compact_migrations(migrations: dict[str, Any] | None) -> dict[str, Any] | None:
    """Per-app counts for the panel; the full graph stays in the document."""
    if not migrations:
        return migrations
    known = bool(migrations.get("db_reachable"))
    apps = {
        label: {
            "total": len(info.get("nodes") or []),
            # null, not 0, when the applied state could not be read
            "applied": sum(1 for n in info.get("nodes") or [] if n.get("applied"))
            if known
            else None,
            "leaves": info.get("leaves") or [],
            "conflict": bool(info.get("conflict")),
        }
        for label, info in (migrations.get("apps") or {}).items()
    }
    plan = migrations.get("plan")
    return (
        {"apps": apps}
        | {key: migrations.get(key) for key in MIGRATION_KEYS}
        | {"plan": None if plan is None else [_plan_step(step) for step in plan]}
    )


def _plan_step(step: dict[str, Any]) -> dict[str, Any]:
    """A pending migration as polled: its SQL is fetched on demand (``api/.../plan/``)."""
    sql = step.get("sql")
    return {
        "app": step.get("app"),
        "name": step.get("name"),
        "atomic": step.get("atomic"),
        "statements": None if sql is None else len(sql),
        "sql_error": step.get("sql_error"),
    }


LINT_LIMIT = 200


def compact_lint(lint: dict[str, Any] | None) -> dict[str, Any] | None:
    """The lint findings for the Migrations panel (the first :data:`LINT_LIMIT`)."""
    if not lint:
        return None
    findings = lint.get("findings") or []
    return {
        "source": lint.get("source"),
        "summary": lint.get("summary"),
        "errors": lint.get("errors") or [],
        "findings": findings[:LINT_LIMIT],
        "truncated": max(0, len(findings) - LINT_LIMIT),
    }


def project(document: dict[str, Any]) -> dict[str, Any]:
    return {
        "meta": {key: document.get(key) for key in SNAPSHOT_META}
        | {"unknown": document.get("unknown") or {}},
        "schema": compact_schema(schema_graph.graph(document)),
        "migrations": compact_migrations(document.get("migrations")),
        "migration_lint": compact_lint(document.get("migration_lint")),
        **{key: document.get(key) for key in COPIED_SECTIONS},
    }
