"""Module-level literal assignments of the settings module (star imports followed)."""

from __future__ import annotations

import ast
from typing import Any

from .finder import Finder
from .literals import Unknown, absolute, evaluate


class Settings:
    """What the settings module assigns literally; other values are :class:`Unknown`."""

    def __init__(self, finder: Finder, module: str) -> None:
        self.finder = finder
        self.values: dict[str, Any] = {}
        self.assigned: set[str] = set()
        self.found = False
        # INSTALLED_APPS entries added/removed under a condition that is not literal.
        self.conditional: dict[str, str] = {}
        if module:
            self._load(module, set())

    def _load(self, module: str, seen: set[str]) -> None:
        if module in seen:
            return
        seen.add(module)
        path = self.finder.module_file(module)
        if path is None or not self.finder.in_project(path):
            return
        tree = self.finder.parse(path)
        if tree is None:
            return
        self.found = True
        self.finder.add_path_changes(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        self._statements(tree.body, package, seen)

    def _statements(self, body: list[ast.stmt], package: str, seen: set[str]) -> None:
        for node in body:
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                self._load(absolute(package, node.module, node.level), seen)
            elif isinstance(node, ast.If):
                condition = evaluate(node.test, self.values)
                if isinstance(condition, bool):
                    self._statements(node.body if condition else node.orelse, package, seen)
                else:
                    self._conditional(node)
            elif isinstance(node, ast.Try):
                # ``try: from .local import *`` / ``except ImportError: pass``
                self._statements(node.body, package, seen)
            elif isinstance(node, ast.Assign):
                value = evaluate(node.value, self.values)
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.values[target.id] = value
                        self.assigned.add(target.id)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                self.values[node.target.id] = evaluate(node.value, self.values)
                self.assigned.add(node.target.id)
            elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name):
                name = node.target.id
                combined = ast.BinOp(left=ast.Name(id=name), op=node.op, right=node.value)
                self.values[name] = evaluate(combined, self.values)
            elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
                self._list_call(node.value)

    def _conditional(self, node: ast.If) -> None:
        """Apps an ``if`` we cannot decide would add or remove: said, not applied."""
        for inner in ast.walk(node):
            if not (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)):
                continue
            owner = inner.func.value
            if not (isinstance(owner, ast.Name) and owner.id == "INSTALLED_APPS"):
                continue
            for arg in inner.args:
                value = evaluate(arg)
                for app in value if isinstance(value, (list, tuple)) else [value]:
                    if isinstance(app, str):
                        self.conditional[app] = (
                            f"INSTALLED_APPS.{inner.func.attr}() under an 'if' that is not "
                            f"literal (line {node.lineno})"
                        )

    def _list_call(self, call: ast.Call) -> None:
        """``INSTALLED_APPS.append("x")`` / ``.extend([...])`` / ``.insert(i, "x")``."""
        func = call.func
        if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
            return
        name = func.value.id
        current = self.values.get(name)
        if not isinstance(current, (list, tuple)):
            return
        args = [evaluate(a, self.values) for a in call.args]
        items = list(current)
        if func.attr == "append" and len(args) == 1:
            items.append(args[0])
        elif func.attr == "extend" and len(args) == 1 and isinstance(args[0], (list, tuple)):
            items.extend(args[0])
        elif func.attr == "insert" and len(args) == 2 and isinstance(args[0], int):
            items.insert(args[0], args[1])
        elif func.attr == "remove" and len(args) == 1 and args[0] in items:
            items.remove(args[0])
        else:
            self.values[name] = Unknown(f"{name}.{func.attr}(...) is not literal")
            return
        self.values[name] = items

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)
