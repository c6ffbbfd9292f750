"""Which AppConfig Django would pick for each INSTALLED_APPS entry, read from source.

Django >= 3.2: an entry naming a module uses the single AppConfig subclass in its
``apps.py`` (or the one with ``default = True`` when there are several), else a plain
AppConfig; an entry naming a class uses that class. ``default_app_config`` in the
package's ``__init__`` is honoured when ``apps.py`` gives nothing (older Django).
Attributes (``name``, ``label``, ``verbose_name``, ``default_auto_field``) are read
through the config class's own bases, so an inherited ``label`` counts.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from .finder import Finder
from .literals import Unknown, evaluate
from .resolve import ClassRef, Resolver

APP_CONFIG = ("django.apps.config", "AppConfig")
_ATTRS = ("name", "label", "verbose_name", "default_auto_field", "default")
_TRANSLATIONS = {"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "pgettext_lazy"}


class App:
    """One installed app as the static reader knows it."""

    def __init__(self, entry: str, name: str, label: str, path: Path | None,
                 verbose_name: str | None, default_auto_field: str | None,
                 in_project: bool, label_reason: str | None = None) -> None:  # fmt: skip
        self.entry = entry
        self.name = name
        self.label = label
        self.path = path
        self.verbose_name = verbose_name
        self.default_auto_field = default_auto_field
        self.in_project = in_project
        self.label_reason = label_reason


def _is_config(resolver: Resolver, ref: ClassRef) -> bool:
    order, _ = resolver.lineage(ref)
    return any(c.key == APP_CONFIG or (c.node is None and c.name == "AppConfig") for c in order)


def _attrs(resolver: Resolver, ref: ClassRef) -> dict[str, Any]:
    """Literal class attributes of ``ref`` and its bases (nearest wins)."""
    order, _ = resolver.lineage(ref)
    found: dict[str, Any] = {}
    for cls in reversed(order):
        if cls.node is None or cls.key == APP_CONFIG:
            continue
        for stmt in cls.node.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
                target, value = stmt.targets[0], stmt.value
            elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
                target, value = stmt.target, stmt.value
            else:
                continue
            if isinstance(target, ast.Name) and target.id in _ATTRS:
                found[target.id] = _text(value) if target.id == "verbose_name" else evaluate(value)
    return found


def _text(node: ast.AST) -> Any:
    """A literal, or the literal inside ``_("...")``: Django shows the source text."""
    if isinstance(node, ast.Call) and len(node.args) == 1:
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in _TRANSLATIONS:
            return evaluate(node.args[-1])
    return evaluate(node)


def _pick(resolver: Resolver, module: str) -> ClassRef | None:
    """The config class Django picks from ``module`` (an ``apps`` module)."""
    info = resolver.module(module)
    if info is None:
        return None
    candidates = []
    # Django looks at every class in the module, imported ones too; an imported config
    # class is recognised by name (resolving every import would read half a package).
    imported = [n for n, (_, original) in info.imports.items() if original and "Config" in original]
    for name in list(info.classes) + imported:
        ref = resolver.name(module, name)
        if not isinstance(ref, ClassRef) or ref.key == APP_CONFIG:
            continue
        if ref.node is None or not _is_config(resolver, ref):
            continue
        if _attrs(resolver, ref).get("default", True) is False:
            continue
        candidates.append(ref)
    if len(candidates) == 1:
        return candidates[0]
    explicit = []
    for ref in candidates:
        own = {
            t.id: s.value
            for s in (ref.node.body if ref.node else [])
            if isinstance(s, ast.Assign)
            for t in s.targets
            if isinstance(t, ast.Name)
        }
        if evaluate(own.get("default")) is True:
            explicit.append(ref)
    return explicit[0] if len(explicit) == 1 else None


def resolve_app(finder: Finder, resolver: Resolver, entry: str) -> App:
    """The app an INSTALLED_APPS entry stands for."""
    config: ClassRef | None = None
    name = entry
    module_found = finder.module_file(entry) is not None or bool(finder.package_dirs(entry))
    if module_found:
        config = _pick(resolver, f"{entry}.apps")
        if config is None:
            init = resolver.module(entry)
            dotted = evaluate(init.assigned.get("default_app_config")) if init else None
            if isinstance(dotted, str):
                module, _, cls_name = dotted.rpartition(".")
                found = resolver.name(module, cls_name)
                config = found if isinstance(found, ClassRef) else None
    else:
        module, _, cls_name = entry.rpartition(".")
        found = resolver.name(module, cls_name) if module else None
        if isinstance(found, ClassRef):
            config = found
        else:
            reason = found.reason if found is not None else f"{entry} is not readable"
            return App(entry, entry, entry.rpartition(".")[2], None, None, None, False,
                       label_reason=f"app module not found: {reason}")  # fmt: skip
    attrs = _attrs(resolver, config) if config is not None else {}
    declared = attrs.get("name")
    if isinstance(declared, str):
        name = declared
    elif not module_found:
        name = entry.rpartition(".")[0].rpartition(".apps")[0] or entry
    label = attrs.get("label")
    reason = None
    if isinstance(label, Unknown):
        reason = f"label: {label.reason}"
    label = label if isinstance(label, str) else name.rpartition(".")[2]
    dirs = finder.package_dirs(name)
    path = dirs[0] if dirs else None
    verbose = attrs.get("verbose_name")
    auto = attrs.get("default_auto_field")
    return App(
        entry,
        name,
        label,
        path,
        verbose if isinstance(verbose, str) else label.title(),
        auto if isinstance(auto, str) else None,
        finder.in_project(path),
        reason,
    )
