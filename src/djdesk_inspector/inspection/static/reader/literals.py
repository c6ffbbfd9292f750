"""A tiny evaluator for literal expressions: what a static reader may know of a value."""

from __future__ import annotations

import ast
from typing import Any


class Unknown:
    """A value that cannot be known without running code; ``reason`` says why."""

    __slots__ = ("reason",)

    def __init__(self, reason: str = "not a literal") -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


UNKNOWN = Unknown()


def evaluate(node: ast.AST | None, env: dict[str, Any] | None = None) -> Any:
    """Value of a literal expression, following names in ``env``; else an :class:`Unknown`."""
    env = env or {}
    if node is None:
        return Unknown("absent")
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items: list[Any] = []
        for element in node.elts:
            if isinstance(element, ast.Starred):
                inner = evaluate(element.value, env)
                if not isinstance(inner, (list, tuple)):
                    return Unknown("a starred part is not a literal list")
                items.extend(inner)
            else:
                items.append(evaluate(element, env))
        return tuple(items) if isinstance(node, ast.Tuple) else items
    if isinstance(node, ast.Dict):
        result: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values):
            if key is None:
                inner = evaluate(value, env)
                if isinstance(inner, dict):
                    result.update(inner)
                continue
            k = evaluate(key, env)
            if not isinstance(k, (Unknown, list, dict)):
                result[k] = evaluate(value, env)
        return result
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = evaluate(node.left, env), evaluate(node.right, env)
        if isinstance(left, list) and isinstance(right, (list, tuple)):
            return left + list(right)
        if isinstance(left, tuple) and isinstance(right, (list, tuple)):
            return left + tuple(right)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
        return Unknown("an addition of values that are not literal")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        value = evaluate(node.operand, env)
        return -value if isinstance(value, (int, float)) else Unknown("not a literal number")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        value = evaluate(node.operand, env)
        return (not value) if isinstance(value, bool) else Unknown("not a literal boolean")
    if isinstance(node, ast.Name):
        if node.id in env:
            return env[node.id]
        return Unknown(f"the name {node.id} is not a literal")
    if isinstance(node, ast.Call):
        return Unknown(f"computed by a call of {dotted(node.func) or 'an expression'}")
    return Unknown("not a literal")


def known(value: Any) -> Any:
    """:class:`Unknown` (also nested) becomes ``None`` for the document."""
    if isinstance(value, Unknown):
        return None
    if isinstance(value, dict):
        return {k: known(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [known(v) for v in value]
    return value


def dotted(node: ast.AST) -> str:
    """``a.b.c`` for a Name/Attribute chain, else ``""``."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return ""
    parts.append(node.id)
    return ".".join(reversed(parts))


def absolute(package: str, module: str | None, level: int) -> str:
    """The absolute module named by ``from <level dots><module> import ...`` in ``package``."""
    if level == 0:
        return module or ""
    parts = package.split(".") if package else []
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, module] if module else parts)
