"""The schema as a Mermaid ``erDiagram``, for docs and pull requests.

Renders the ``models`` of a scan document. Abstract models have no table and are
left out; a proxy shares its parent's table and is left out too. Relations become
Mermaid relationship lines with their cardinality; multi-table inheritance is drawn
as a one-to-one labelled ``inherits``. Names are reduced to what Mermaid accepts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# Mermaid cardinality between the owning model (left) and the target (right).
CARDINALITY = {
    "fk": "}o--||",
    "o2o": "|o--||",
    "m2m": "}o--o{",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def entity(label: str) -> str:
    return _UNSAFE.sub("_", label.replace(".", "__"))


def _type(field: Mapping[str, Any]) -> str:
    return _UNSAFE.sub("_", str(field.get("type") or "unknown")) or "unknown"


def _keys(field: Mapping[str, Any]) -> str:
    keys = []
    if field.get("primary_key"):
        keys.append("PK")
    relation = field.get("relation") or {}
    if relation.get("kind") in ("fk", "o2o"):
        keys.append("FK")
    if field.get("unique") and not field.get("primary_key"):
        keys.append("UK")
    return ",".join(keys)


def _concrete(models: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [m for m in models if not m.get("abstract") and not m.get("proxy")]


def render(document: Mapping[str, Any], *, apps: Iterable[str] | None = None) -> str:
    """``erDiagram`` text for the document's models (of ``apps`` when given)."""
    chosen = set(apps) if apps is not None else None
    models = [
        m
        for m in _concrete(document.get("models") or [])
        if chosen is None or m.get("app_label") in chosen
    ]
    shown = {m["label"] for m in models}
    lines = ["erDiagram"]
    for model in models:
        lines.append(f"    {entity(model['label'])} {{")
        for field in model.get("fields") or []:
            relation = field.get("relation") or {}
            if relation.get("kind") == "m2m" or (field.get("column") is None and relation):
                continue  # an M2M or reverse relation owns no column here
            keys = _keys(field)
            name = _UNSAFE.sub("_", str(field.get("column") or field.get("name")))
            lines.append(f"        {_type(field)} {name}{' ' + keys if keys else ''}")
        lines.append("    }")
    for model in models:
        for field in model.get("fields") or []:
            relation = field.get("relation") or {}
            kind, target = relation.get("kind"), relation.get("target")
            if kind not in CARDINALITY or not target or target not in shown:
                continue
            label = "inherits" if relation.get("parent_link") else field["name"]
            lines.append(
                f"    {entity(model['label'])} {CARDINALITY[kind]} {entity(target)} : "
                f'"{_UNSAFE.sub("_", label)}"'
            )
    return "\n".join(lines) + "\n"
