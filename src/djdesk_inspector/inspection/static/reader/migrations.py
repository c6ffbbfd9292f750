"""The migration graph from ``migrations/`` folders, read without importing them.

``dependencies``, ``replaces``, ``run_before`` and ``initial`` of each ``Migration``
class; ``swappable_dependency(settings.AUTH_USER_MODEL)`` resolves through the literal
``AUTH_USER_MODEL``; squashed migrations replace the ones they squash (as Django does
when none is applied). The database is never opened, so ``applied`` is ``null``.
"""

from __future__ import annotations

import ast
from typing import Any

from .appconfigs import App
from .finder import Finder
from .literals import dotted, evaluate


def _migration_class(tree: ast.Module) -> ast.ClassDef | None:
    return next(
        (n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Migration"), None
    )


def _keys(node: ast.AST | None, user_model: str) -> list[tuple[str, str]]:
    if not isinstance(node, (ast.List, ast.Tuple)):
        return []
    keys = []
    for element in node.elts:
        if isinstance(element, (ast.Tuple, ast.List)) and len(element.elts) == 2:
            app, name = (evaluate(e) for e in element.elts)
            if isinstance(app, str) and isinstance(name, str):
                keys.append((app, name))
        elif isinstance(element, ast.Call) and dotted(element.func).endswith(
            "swappable_dependency"
        ):
            arg = element.args[0] if element.args else None
            value = evaluate(arg)
            setting = value if isinstance(value, str) else user_model
            keys.append((setting.split(".")[0], "__first__"))
    return keys


def read_migrations(finder: Finder, apps: list[App], user_model: str) -> dict[str, Any]:
    raw: dict[tuple[str, str], dict[str, Any]] = {}
    migrated: list[str] = []
    for app in apps:
        folder = app.path / "migrations" if app.path else None
        if folder is None or not (folder / "__init__.py").is_file():
            continue
        migrated.append(app.label)
        for path in sorted(folder.glob("*.py")):
            if path.stem[0] in "_~":
                continue
            header = finder.parse_header(path, b"\nclass Migration(", b"\n    operations")
            cls = _migration_class(header) if header else None
            if cls is None or not any(
                isinstance(s, ast.Assign) and getattr(s.targets[0], "id", "") == "dependencies"
                for s in cls.body
            ):
                tree = finder.parse(path)
                cls = _migration_class(tree) if tree else None
            if cls is None:
                continue
            attrs = {
                t.id: stmt.value
                for stmt in cls.body
                if isinstance(stmt, ast.Assign)
                for t in stmt.targets
                if isinstance(t, ast.Name)
            }
            initial = evaluate(attrs.get("initial"))
            raw[(app.label, path.stem)] = {
                "dependencies": _keys(attrs.get("dependencies"), user_model),
                "replaces": _keys(attrs.get("replaces"), user_model),
                "run_before": _keys(attrs.get("run_before"), user_model),
                "initial": initial is True,
            }
    # Squashed migrations stand in for the ones they replace.
    replaced_by: dict[tuple[str, str], tuple[str, str]] = {}
    for key, info in raw.items():
        for old in info["replaces"]:
            replaced_by[old] = key
    nodes = {k: v for k, v in raw.items() if k not in replaced_by}
    deps: dict[tuple[str, str], set[tuple[str, str]]] = {k: set() for k in nodes}
    for key, info in nodes.items():
        for dep in info["dependencies"]:
            deps[key].add(replaced_by.get(dep, dep))
        for later in info["run_before"]:
            later = replaced_by.get(later, later)
            if later in deps:
                deps[later].add(key)
    per_app: dict[str, list[tuple[str, str]]] = {}
    for key in sorted(nodes):
        per_app.setdefault(key[0], []).append(key)

    def resolve(dep: tuple[str, str]) -> tuple[str, str]:
        app, name = dep
        keys = per_app.get(app)
        if not keys or name not in ("__first__", "__latest__"):
            return dep
        same = [k for k in keys if not any(d[0] == app and d in nodes for d in deps[k])]
        if name == "__first__":
            return same[0] if same else dep
        return _leaves(keys, deps)[0] if keys else dep

    deps = {k: {resolve(d) for d in v if d != k} for k, v in deps.items()}
    apps_out: dict[str, Any] = {}
    conflicts: dict[str, list[str]] = {}
    for label in sorted(set(per_app) | set(migrated)):
        keys = per_app.get(label, [])
        leaves = _leaves(keys, deps)
        if len(leaves) > 1:
            conflicts[label] = sorted(n for _, n in leaves)
        apps_out[label] = {
            "nodes": [
                {
                    "name": key[1],
                    "dependencies": sorted([list(d) for d in deps[key]]),
                    "applied": None,
                    "replaces": [list(r) for r in nodes[key]["replaces"]],
                    "initial": nodes[key]["initial"],
                }
                for key in keys
            ],
            "leaves": sorted(n for _, n in leaves),
            "conflict": len(leaves) > 1,
        }
    return {
        "db_reachable": False,
        "db_error": "static scan: the database is not read",
        "apps": apps_out,
        "unapplied": [],
        "conflicts": conflicts,
        "missing": {"has_changes": None, "apps": {}},
    }


def _leaves(
    keys: list[tuple[str, str]], deps: dict[tuple[str, str], set[tuple[str, str]]]
) -> list[tuple[str, str]]:
    """Nodes of one app that no other node of the same app depends on."""
    parents = {d for k in keys for d in deps[k] if d[0] == k[0]}
    return [k for k in keys if k not in parents]
