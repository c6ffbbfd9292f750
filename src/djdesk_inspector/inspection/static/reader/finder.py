"""Locate modules the way the project's interpreter would, without importing anything.

``importlib.util.find_spec("a.b")`` imports ``a`` to read its ``__path__``, which would
run the project's (or a third-party package's) ``__init__`` code; so module files are
found by walking the search roots by hand, with Python's rules: a regular package or
module in an earlier root wins, namespace-package portions are merged.

Roots, in order: the project folder (``manage.py`` puts it first), a ``src/`` folder,
folders that ``manage.py`` or the settings module add to ``sys.path`` with a
path expression we can evaluate, then the target interpreter's ``sys.path``.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Any

from .literals import Unknown, dotted, evaluate

_PATH_CALLS = {"os.path.join", "path.join", "join"}
_PATH_WRAPPERS = {"os.path.abspath", "os.path.realpath", "os.path.normpath", "str", "Path",
                  "pathlib.Path", "os.fspath"}  # fmt: skip
_PARENT_CALLS = {"os.path.dirname", "dirname"}


class Finder:
    """Module files by dotted name over ordered roots; parses each file once."""

    def __init__(self, project: Path, search_path: list[str], stdlib: set[str]) -> None:
        self.stdlib = stdlib
        self.project = project.resolve()
        self.project_roots: list[Path] = [self.project]
        if (self.project / "src").is_dir():
            self.project_roots.append(self.project / "src")
        self.site_roots: list[Path] = []
        for entry in search_path:
            path = Path(entry or ".").resolve() if entry else None
            if path is None or not path.is_dir() or path in self.site_roots:
                continue
            packages = "site-packages" in path.parts or "dist-packages" in path.parts
            if not packages and (path == self.project or self.project in path.parents):
                if path not in self.project_roots:
                    self.project_roots.append(path)
                continue
            self.site_roots.append(path)
        self._cache: dict[str, Any] = {}
        self._trees: dict[Path, ast.Module | None] = {}
        self.errors: list[dict[str, Any]] = []
        self.read_files = 0
        self.add_path_changes(self.project / "manage.py")

    @property
    def roots(self) -> list[Path]:
        return self.project_roots + self.site_roots

    def in_project(self, path: Path | None) -> bool:
        """Inside the project folder and not in a site-packages (a venv in the project)."""
        if path is None or any(root in path.parents for root in self.site_roots):
            return False
        return self.project == path or self.project in path.parents

    # -- sys.path changes -----------------------------------------------------

    def add_path_changes(self, source: Path) -> None:
        """Folders that ``source`` adds with ``sys.path.insert/append(<path expression>)``."""
        tree = self.parse(source) if source.is_file() else None
        if tree is None:
            return
        env: dict[str, Any] = {"__file__": str(source.resolve())}
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
                if isinstance(target, ast.Name):
                    env[target.id] = _path_value(statement.value, env)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = dotted(node.func)
            if name not in ("sys.path.insert", "sys.path.append") or not node.args:
                continue
            value = _path_value(node.args[-1], env)
            if isinstance(value, str):
                folder = Path(value)
                if not folder.is_absolute():
                    folder = source.parent / folder
                folder = folder.resolve()
                if folder.is_dir() and folder not in self.project_roots:
                    self.project_roots.insert(1, folder)
                    self._cache.clear()

    # -- lookup ---------------------------------------------------------------

    def locate(self, module: str) -> tuple[Path | None, list[Path]]:
        """(file of ``module`` or ``None``, its package folders when it is a package)."""
        if module in self._cache:
            cached: tuple[Path | None, list[Path]] = self._cache[module]
            return cached
        head, _, tail = module.rpartition(".")
        if head:
            _, parents = self.locate(head)
        else:
            parents = self.roots
        found: tuple[Path | None, list[Path]] = (None, [])
        portions: list[Path] = []
        for folder in parents:
            base = folder / tail
            init = base / "__init__.py"
            if init.is_file():
                found = (init, [base])
                break
            single = base.with_name(tail + ".py")
            if single.is_file():
                found = (single, [])
                break
            if base.is_dir():
                portions.append(base)
        else:
            found = (None, portions)
        self._cache[module] = found
        return found

    def module_file(self, module: str) -> Path | None:
        return self.locate(module)[0]

    def package_dirs(self, module: str) -> list[Path]:
        return self.locate(module)[1]

    def read(self, path: Path) -> bytes | None:
        try:
            return path.read_bytes()
        except OSError:
            return None

    def parse_header(self, path: Path, marker: bytes, stop: bytes) -> ast.Module | None:
        """Only the part of ``path`` from ``marker`` up to ``stop`` (a migration's class
        header without its ``operations``): a fraction of the cost of a full parse.
        ``None`` when the cut does not parse; the caller then parses the whole file."""
        source = self.read(path)
        if source is None:
            return None
        start = source.find(marker)
        end = source.find(stop, start + 1) if start >= 0 else -1
        if start < 0 or end < 0:
            return None
        try:
            return ast.parse(source[start + 1 : end] + b"\n    pass\n", filename=str(path))
        except (SyntaxError, ValueError):
            return None

    def parse(self, path: Path) -> ast.Module | None:
        """The syntax tree of ``path``; a file that cannot be parsed is listed in errors."""
        if path in self._trees:
            return self._trees[path]
        tree = None
        try:
            source = path.read_bytes()
            self.read_files += 1
            tree = ast.parse(source, filename=str(path))
        except SyntaxError as exc:
            self.errors.append({
                "stage": "parse",
                "type": type(exc).__name__,
                "message": f"{path}:{exc.lineno}: {exc.msg}",
                "path": str(path),
                "traceback": None,
            })  # fmt: skip
        except (OSError, ValueError) as exc:
            self.errors.append({
                "stage": "parse", "type": type(exc).__name__,
                "message": f"{path}: {exc}", "path": str(path), "traceback": None,
            })  # fmt: skip
        self._trees[path] = tree
        return tree


def _path_value(node: ast.AST, env: dict[str, Any]) -> Any:
    """A string path from the common ``sys.path`` idioms, else :class:`Unknown`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return env.get(node.id, Unknown(f"{node.id} is not known"))
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _path_value(node.value, env)
        return os.path.dirname(inner) if isinstance(inner, str) else inner
    if (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "parents"
    ):
        inner = _path_value(node.value.value, env)
        part = node.slice
        part = getattr(part, "value", part) if type(part).__name__ == "Index" else part  # 3.8
        index = evaluate(part)
        if isinstance(inner, str) and isinstance(index, int):
            for _ in range(index + 1):
                inner = os.path.dirname(inner)
            return inner
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = _path_value(node.left, env), _path_value(node.right, env)
        if isinstance(left, str) and isinstance(right, str):
            return os.path.join(left, right)
    if isinstance(node, ast.Call):
        name = dotted(node.func)
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute"):
            return _path_value(node.func.value, env)
        args = [_path_value(a, env) for a in node.args]
        if any(not isinstance(a, str) for a in args):
            return Unknown("a path part is not known")
        if name in _PATH_CALLS and args:
            return os.path.join(*args)
        if name in _PARENT_CALLS and len(args) == 1:
            return os.path.dirname(args[0])
        if name in _PATH_WRAPPERS and len(args) == 1:
            return os.path.abspath(args[0])
    return Unknown("not a path expression")
