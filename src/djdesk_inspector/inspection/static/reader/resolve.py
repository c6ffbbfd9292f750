"""Resolve names to classes across modules: the project's, its site-packages', Django's.

A name is followed through ``import``/``from ... import`` (also ``*`` and re-exports in
``__init__``) to the ``class`` statement that defines it. When a module cannot be
found, the name stays unresolved with a reason; a few Django names are still known
by their import path, so a project without readable Django source keeps its models.
"""

from __future__ import annotations

import ast
import builtins
from typing import Any

from .finder import Finder
from .literals import absolute

MODEL = ("django.db.models.base", "Model")
_BUILTINS = frozenset(dir(builtins))
# Where Django's public names are defined; used when Django's source is not readable.
_DJANGO_REEXPORTS = {"django.db.models", "django.db.models.base", "django.db.models.fields",
                     "django.db.models.fields.related", "django.contrib.contenttypes.fields",
                     "django.db.models.fields.composite"}  # fmt: skip


def _known_django(module: str) -> bool:
    return module in _DJANGO_REEXPORTS or module.startswith(("django.db.models.", "django.apps"))


class ModuleInfo:
    """Top-level names of one parsed module."""

    def __init__(self, name: str, path: Any, tree: ast.Module, is_package: bool) -> None:
        self.name = name
        self.path = path
        self.package = name if is_package else name.rpartition(".")[0]
        self.classes: dict[str, ast.ClassDef] = {}
        self.imports: dict[str, tuple[str, str | None]] = {}
        self.aliases: dict[str, ast.AST] = {}
        self.stars: list[str] = []
        self.assigned: dict[str, ast.AST] = {}
        for node in _top_level(tree.body):
            if isinstance(node, ast.ClassDef):
                self.classes[node.name] = node
            elif isinstance(node, ast.ImportFrom):
                source = absolute(self.package, node.module, node.level)
                for alias in node.names:
                    if alias.name == "*":
                        self.stars.append(source)
                    else:
                        self.imports[alias.asname or alias.name] = (source, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports[alias.asname] = (alias.name, None)
                    else:
                        top = alias.name.partition(".")[0]
                        self.imports.setdefault(top, (top, None))
            elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    self.assigned[target.id] = node.value
                    if isinstance(node.value, (ast.Name, ast.Attribute)):
                        self.aliases[target.id] = node.value


def _top_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements at module level, looking into ``if``/``try`` blocks (first branch wins)."""
    found: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If):
            found += _top_level(node.body) + _top_level(node.orelse)
        elif isinstance(node, ast.Try):
            found += _top_level(node.body)
            for handler in node.handlers:
                found += _top_level(handler.body)
        else:
            found.append(node)
    return found


class ClassRef:
    """A class statement found in source, or a Django name known without its source."""

    __slots__ = ("info", "module", "name", "node")

    def __init__(self, module: str, name: str, node: ast.ClassDef | None,
                 info: ModuleInfo | None) -> None:  # fmt: skip
        self.module = module
        self.name = name
        self.node = node
        self.info = info

    @property
    def key(self) -> tuple[str, str]:
        return (self.module, self.name)

    @property
    def path(self) -> str:
        return f"{self.module}.{self.name}"

    def __repr__(self) -> str:
        return f"ClassRef({self.path})"


class ModuleRef:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class Unresolved:
    """A name not followed to its class; ``closed`` when it is surely no model or field
    (builtins such as ``object``, the standard library)."""

    __slots__ = ("closed", "reason")

    def __init__(self, reason: str, closed: bool = False) -> None:
        self.reason = reason
        self.closed = closed


class Resolver:
    """Names to :class:`ClassRef` with caching and cycle protection."""

    def __init__(self, finder: Finder) -> None:
        self.finder = finder
        self._modules: dict[str, ModuleInfo | None] = {}
        self._names: dict[tuple[str, str], Any] = {}
        self._bases: dict[tuple[str, str], list[Any]] = {}
        self._models: dict[tuple[str, str], bool | None] = {}

    def module(self, name: str) -> ModuleInfo | None:
        if name in self._modules:
            return self._modules[name]
        path = self.finder.module_file(name)
        info = None
        if path is not None:
            tree = self.finder.parse(path)
            if tree is not None:
                info = ModuleInfo(name, path, tree, path.name == "__init__.py")
        self._modules[name] = info
        return info

    def name(self, module: str, name: str, depth: int = 0) -> Any:
        """What ``name`` is in ``module``: ClassRef, ModuleRef or Unresolved."""
        key = (module, name)
        if key in self._names:
            return self._names[key]
        self._names[key] = Unresolved(f"{module}.{name} imports itself in a cycle")
        result = self._name(module, name, depth)
        self._names[key] = result
        return result

    def _name(self, module: str, name: str, depth: int) -> Any:
        if depth > 40:
            return Unresolved(f"{module}.{name}: import chain too long")
        if module.partition(".")[0] in self.finder.stdlib:
            return Unresolved(f"{module}.{name} is in the standard library", closed=True)
        if _known_django(module):
            # Django's model/field/app-config machinery is known by name: parsing its
            # largest modules would cost more than the whole project.
            if name[:1].isupper():
                return ClassRef(module, name, None, None)
            return ModuleRef(f"{module}.{name}")
        info = self.module(module)
        if info is None:
            if self.finder.module_file(f"{module}.{name}") or self.finder.package_dirs(
                f"{module}.{name}"
            ):
                return ModuleRef(f"{module}.{name}")
            if f"{module}.{name}" in _DJANGO_REEXPORTS:
                return ModuleRef(f"{module}.{name}")
            if module in _DJANGO_REEXPORTS:
                return ClassRef(module, name, None, None)
            return Unresolved(f"module {module} is not readable")
        if name in info.classes:
            return ClassRef(module, name, info.classes[name], info)
        if name in info.imports:
            source, original = info.imports[name]
            if original is None:
                return ModuleRef(source)
            found = self.name(source, original, depth + 1)
            if isinstance(found, Unresolved) and self.finder.module_file(f"{source}.{original}"):
                return ModuleRef(f"{source}.{original}")
            return found
        if name in info.aliases:
            return self.expression(info, info.aliases[name], depth + 1)
        for star in info.stars:
            found = self.name(star, name, depth + 1)
            if not isinstance(found, Unresolved):
                return found
        if self.finder.module_file(f"{module}.{name}"):
            return ModuleRef(f"{module}.{name}")
        if name in _BUILTINS:
            return Unresolved(f"{name} is a builtin", closed=True)
        return Unresolved(f"{module} has no readable definition of {name}")

    def expression(self, info: ModuleInfo, node: ast.AST, depth: int = 0) -> Any:
        """What a ``Name``/``Attribute`` expression in module ``info`` refers to."""
        if isinstance(node, ast.Name):
            return self.name(info.name, node.id, depth)
        if isinstance(node, ast.Attribute):
            owner = self.expression(info, node.value, depth)
            if isinstance(owner, ModuleRef):
                return self.name(owner.name, node.attr, depth + 1)
            if isinstance(owner, Unresolved):
                return owner
            return Unresolved(f"attribute {node.attr} of a class")
        if isinstance(node, ast.Subscript):  # Generic[...] style bases
            return self.expression(info, node.value, depth)
        return Unresolved("not a name")

    # -- class hierarchy ------------------------------------------------------

    def bases(self, cls: ClassRef) -> list[Any]:
        """The resolved bases of ``cls`` (ClassRef or Unresolved), in order."""
        if cls.key in self._bases:
            return self._bases[cls.key]
        result: list[Any] = []
        if cls.node is not None and cls.info is not None:
            for base in cls.node.bases:
                found = self.expression(cls.info, base)
                if isinstance(found, ModuleRef):
                    found = Unresolved(f"{found.name} is a module")
                if isinstance(found, ClassRef) and found.key == cls.key:
                    found = Unresolved(f"{cls.path} names itself as a base")
                result.append(found)
        self._bases[cls.key] = result
        return result

    def is_model(self, cls: ClassRef) -> bool | None:
        """True/False, or None when an unreadable base leaves it open."""
        if cls.key in self._models:
            return self._models[cls.key]
        self._models[cls.key] = False  # cycles are not models
        if cls.key == MODEL or (cls.node is None and cls.name == "Model"):
            result: bool | None = True
        elif cls.node is None:
            result = False  # a Django class known by name (only Model is a model)
        else:
            result = False
            for base in self.bases(cls):
                if isinstance(base, ClassRef):
                    sub = self.is_model(base)
                    if sub:
                        result = True
                        break
                    if sub is None:
                        result = None
                elif base_is_open(base):
                    result = None
        self._models[cls.key] = result
        return result

    def lineage(self, cls: ClassRef, limit: int = 60) -> tuple[list[ClassRef], list[str]]:
        """``cls`` and its ancestors (depth first, like a simple MRO) and the reasons of
        bases that could not be read."""
        seen: set[tuple[str, str]] = set()
        order: list[ClassRef] = []
        missing: list[str] = []
        pending = [cls]
        while pending and len(order) < limit:
            current = pending.pop(0)
            if current.key in seen:
                continue
            seen.add(current.key)
            order.append(current)
            next_bases = []
            for base in self.bases(current):
                if isinstance(base, ClassRef):
                    next_bases.append(base)
                elif base_is_open(base):
                    missing.append(base.reason)
            pending = next_bases + pending
        return order, missing


def base_is_open(base: Any) -> bool:
    """An unresolved base that might be anything (builtins and the stdlib are not)."""
    return isinstance(base, Unresolved) and not base.closed
