"""A compact model graph for the dashboard, derived from a snapshot document.

Nodes are models (auto-created M2M tables left out: the M2M edge names them);
edges are relations and inheritance. With ``app`` the graph keeps that app's models
plus stub nodes (``external: true``) for models they point at in other apps.
"""

from __future__ import annotations

from typing import Any


def graph(document: dict[str, Any], app: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """``{"nodes": [...], "edges": [...]}``.

    node: ``id`` (label), ``app``, ``name``, ``fields`` (count), ``columns`` (what
    the ERD card lists: ``name``, ``type``, ``null``, ``pk``, ``unique``, ``fk``
    (the related model's label)), ``abstract``, ``proxy``, ``swapped``, ``external``.
    edge: ``source``, ``target``, ``kind`` (``fk``/``o2o``/``m2m``/
    ``generic_relation``/``inherits``), ``field`` (``None`` for inheritance),
    ``through`` (M2M with an explicit through model).
    """
    models = [m for m in document.get("models") or [] if not m.get("auto_created")]
    by_label = {m["label"]: m for m in models}
    selected = [m for m in models if app is None or m["app_label"] == app]
    nodes = {m["label"]: _node(m) for m in selected}
    edges: list[dict[str, Any]] = []
    seen: set[tuple[str, str, str, str | None]] = set()

    def add(source: str, target: str | None, kind: str, field: str | None, through: Any) -> None:
        if not target:
            return
        key = (source, target, kind, field)
        if key in seen:
            return
        seen.add(key)
        if target not in nodes:
            known = by_label.get(target)
            nodes[target] = _node(known) if known else _stub(target)
            nodes[target]["external"] = app is not None or known is None
        edges.append(
            {"source": source, "target": target, "kind": kind, "field": field, "through": through}
        )

    for model in selected:
        for base in model.get("bases") or []:
            add(model["label"], base, "inherits", None, None)
        for field in model.get("fields") or []:
            relation = field.get("relation")
            if not relation or field.get("inherited_from"):
                continue
            if relation.get("parent_link"):
                continue  # already drawn as inheritance
            through = None
            if relation.get("kind") == "m2m" and not relation.get("through_auto_created"):
                through = relation.get("through")
            add(model["label"], relation.get("target"), relation["kind"], field["name"], through)
    return {"nodes": sorted(nodes.values(), key=lambda n: n["id"]), "edges": edges}


def _node(model: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": model["label"],
        "app": model["app_label"],
        "name": model["name"],
        "fields": len(model.get("fields") or []),
        "columns": [_column(f) for f in model.get("fields") or []],
        "abstract": bool(model.get("abstract")),
        "proxy": bool(model.get("proxy")),
        "swapped": model.get("swapped"),
        "external": False,
    }


def _column(field: dict[str, Any]) -> dict[str, Any]:
    relation = field.get("relation") or {}
    return {
        "name": field.get("name"),
        "type": field.get("type"),
        "null": bool(field.get("null")),
        "pk": bool(field.get("primary_key")),
        "unique": bool(field.get("unique")) and not field.get("primary_key"),
        "fk": relation.get("target") if relation.get("kind") in ("fk", "o2o") else None,
    }


def _stub(label: str) -> dict[str, Any]:
    app, _, name = label.partition(".")
    return {
        "id": label,
        "app": app,
        "name": name or label,
        "fields": 0,
        "columns": [],
        "abstract": False,
        "proxy": False,
        "swapped": None,
        "external": True,
    }
