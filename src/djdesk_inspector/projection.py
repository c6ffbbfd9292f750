"""The dashboard's view of a snapshot document, computed once when the snapshot is stored.

A 300-model document is ~0.5 MB of JSON; the status API is polled every few seconds.
Storing this projection beside the document (``Snapshot.view``) means a poll never
decodes the full document or rebuilds the schema graph.
"""

from __future__ import annotations

from typing import Any

from djdesk_inspector.inspection import schema_graph

COPIED_SECTIONS = ("apps", "checks", "urls", "settings")
SNAPSHOT_META = ("python", "django", "settings_module", "fallback_reason")
NODE_FLAGS = ("abstract", "proxy", "swapped", "external")
MIGRATION_KEYS = ("db_reachable", "db_error", "unapplied", "conflicts", "missing")


def compact_schema(graph: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The graph as polled: app and name are derivable from the label, flags only when set."""
    nodes = [
        {"id": n["id"], "fields": n["fields"]} | {f: n[f] for f in NODE_FLAGS if n.get(f)}
        for n in graph["nodes"]
    ]
    edges = [{k: v for k, v in e.items() if v is not None} for e in graph["edges"]]
    return {"nodes": nodes, "edges": edges}


def compact_migrations(migrations: dict[str, Any] | None) -> dict[str, Any] | None:
    """Per-app counts for the panel; the full graph stays in the document."""
    if not migrations:
        return migrations
    apps = {
        label: {
            "total": len(info.get("nodes") or []),
            "applied": sum(1 for n in info.get("nodes") or [] if n.get("applied")),
            "leaves": info.get("leaves") or [],
            "conflict": bool(info.get("conflict")),
        }
        for label, info in (migrations.get("apps") or {}).items()
    }
    return {"apps": apps} | {key: migrations.get(key) for key in MIGRATION_KEYS}


def project(document: dict[str, Any]) -> dict[str, Any]:
    return {
        "meta": {key: document.get(key) for key in SNAPSHOT_META}
        | {"unknown": document.get("unknown") or []},
        "schema": compact_schema(schema_graph.graph(document)),
        "migrations": compact_migrations(document.get("migrations")),
        **{key: document.get(key) for key in COPIED_SECTIONS},
    }
