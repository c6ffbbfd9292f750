"""How the schema changed between two scans: models, fields and relations.

Works on the ``models`` list of two scan documents (snapshots, or a JSON file saved
with ``djdesk_inspect --json``), so any two points in a workspace's history, or a
branch against ``main`` in CI, can be compared. Field attributes compared are the
ones a reviewer cares about (:data:`FIELD_ATTRIBUTES`); a relation counts as
changed when its kind or target changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

FIELD_ATTRIBUTES = ("type", "column", "null", "unique", "primary_key")
RELATION_ATTRIBUTES = ("kind", "target", "through")

Model = Mapping[str, Any]


def _models(document: Mapping[str, Any]) -> dict[str, Model]:
    models = document.get("models") or []
    return {m["label"]: m for m in models if isinstance(m, Mapping) and m.get("label")}


def _fields(model: Model) -> dict[str, Mapping[str, Any]]:
    return {f["name"]: f for f in model.get("fields") or [] if f.get("name")}


def _relation(spec: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not spec:
        return None
    return {key: spec.get(key) for key in RELATION_ATTRIBUTES if spec.get(key) is not None}


def _field_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[Any]]:
    changes = {
        key: [old.get(key), new.get(key)]
        for key in FIELD_ATTRIBUTES
        if old.get(key) != new.get(key)
    }
    before, after = _relation(old.get("relation")), _relation(new.get("relation"))
    if before != after:
        changes["relation"] = [before, after]
    return changes


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """``{"models": {"added", "removed", "changed"}, "summary": {...}}``."""
    before, after = _models(old), _models(new)
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = []
    for label in sorted(set(before) & set(after)):
        entry = _model_changes(before[label], after[label])
        if entry:
            changed.append({"label": label, **entry})
    summary = {
        "models_added": len(added),
        "models_removed": len(removed),
        "models_changed": len(changed),
        "fields_added": sum(len(c.get("fields_added", [])) for c in changed),
        "fields_removed": sum(len(c.get("fields_removed", [])) for c in changed),
        "fields_changed": sum(len(c.get("fields_changed", [])) for c in changed),
        "relations_changed": sum(
            1 for c in changed for f in c.get("fields_changed", []) if "relation" in f["changes"]
        ),
    }
    return {
        "from": _meta(old),
        "to": _meta(new),
        "models": {
            "added": [_brief(after[label]) for label in added],
            "removed": [_brief(before[label]) for label in removed],
            "changed": changed,
        },
        "summary": summary,
        "empty": not (added or removed or changed),
    }


def _meta(document: Mapping[str, Any]) -> dict[str, Any]:
    return {key: document.get(key) for key in ("generated_at", "mode", "probe_version")}


def _brief(model: Model) -> dict[str, Any]:
    return {
        "label": model["label"],
        "db_table": model.get("db_table"),
        "fields": [f.get("name") for f in model.get("fields") or []],
    }


def _model_changes(old: Model, new: Model) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    for key in ("db_table", "abstract", "proxy", "managed"):
        if old.get(key) != new.get(key):
            entry.setdefault("attributes", {})[key] = [old.get(key), new.get(key)]
    old_fields, new_fields = _fields(old), _fields(new)
    added = sorted(set(new_fields) - set(old_fields))
    removed = sorted(set(old_fields) - set(new_fields))
    altered = []
    for name in sorted(set(old_fields) & set(new_fields)):
        changes = _field_changes(old_fields[name], new_fields[name])
        if changes:
            altered.append({"name": name, "changes": changes})
    if added:
        entry["fields_added"] = [
            {"name": n, **{k: new_fields[n].get(k) for k in FIELD_ATTRIBUTES}} for n in added
        ]
    if removed:
        entry["fields_removed"] = [{"name": n, "type": old_fields[n].get("type")} for n in removed]
    if altered:
        entry["fields_changed"] = altered
    return entry


def text_lines(result: Mapping[str, Any]) -> Iterable[str]:
    """The diff as lines a terminal or a pull request comment can show."""
    models = result["models"]
    for model in models["added"]:
        yield f"+ model {model['label']} ({len(model['fields'])} fields)"
    for model in models["removed"]:
        yield f"- model {model['label']}"
    for model in models["changed"]:
        yield f"~ model {model['label']}"
        for key, (a, b) in (model.get("attributes") or {}).items():
            yield f"    {key}: {a!r} -> {b!r}"
        for spec in model.get("fields_added", []):
            yield f"    + {spec['name']}: {spec.get('type')}{' null' if spec.get('null') else ''}"
        for spec in model.get("fields_removed", []):
            yield f"    - {spec['name']}: {spec.get('type')}"
        for spec in model.get("fields_changed", []):
            parts = ", ".join(f"{k} {a!r} -> {b!r}" for k, (a, b) in spec["changes"].items())
            yield f"    ~ {spec['name']}: {parts}"
    if result["empty"]:
        yield "No schema changes."
