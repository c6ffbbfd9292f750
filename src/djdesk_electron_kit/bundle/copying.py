"""Step 3: the host project's source into ``app/``, minus what a user must not get.

The skip rules are the tables below plus ``--exclude`` patterns. Patterns are
matched with :mod:`fnmatch` against the POSIX path relative to the project *and*
against the bare name; a trailing ``/`` restricts a pattern to folders. Folders
given as absolute paths (the output, its staging siblings, a STATIC_ROOT inside
the project ...) are never copied, so a bundle is never copied into itself.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

#: Folder names skipped wherever they appear: VCS data, caches, virtualenvs, tests.
SKIP_DIR_NAMES: frozenset[str] = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        "node_modules",
        ".venv",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "tests",
    }
)
#: Folders skipped at the top of the project only: runtime data and the shell.
SKIP_TOP_LEVEL: frozenset[str] = frozenset({"var", "electron"})
#: File name patterns skipped everywhere: bytecode, databases, tests, secrets.
SKIP_FILE_PATTERNS: tuple[str, ...] = (
    "*.pyc",
    "*.pyo",
    "*.sqlite3",
    "*.sqlite3-*",
    "tests.py",
    "test_*.py",
    "conftest.py",
    ".env",
    ".env.*",
    ".coverage",
    ".DS_Store",
)


@dataclass
class CopyReport:
    files: int = 0
    bytes: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rules:
    excludes: tuple[str, ...] = ()
    # Absolute folders never entered (compared after resolving).
    excluded_roots: tuple[Path, ...] = ()

    def skip_dir(self, relative: str, name: str, depth: int) -> str:
        if name in SKIP_DIR_NAMES:
            return name
        if depth == 0 and name in SKIP_TOP_LEVEL:
            return f"{name}/"
        return self._excluded(relative, name, folder=True)

    def skip_file(self, relative: str, name: str) -> str:
        for pattern in SKIP_FILE_PATTERNS:
            if fnmatch.fnmatchcase(name, pattern):
                return pattern
        return self._excluded(relative, name, folder=False)

    def _excluded(self, relative: str, name: str, *, folder: bool) -> str:
        for pattern in self.excludes:
            wants_folder = pattern.endswith("/")
            bare = pattern.rstrip("/")
            if wants_folder and not folder:
                continue
            if fnmatch.fnmatchcase(relative, bare) or fnmatch.fnmatchcase(name, bare):
                return f"--exclude {pattern}"
        return ""


def _inside(path: Path, roots: Iterable[Path]) -> bool:
    return any(path == root or path.is_relative_to(root) for root in roots)


def copy_project(source: Path, target: Path, rules: Rules) -> CopyReport:
    """Copy ``source`` into ``target`` (created) following ``rules``."""
    source = source.resolve()
    roots = tuple(root.resolve() for root in rules.excluded_roots)
    report = CopyReport()
    target.mkdir(parents=True, exist_ok=True)
    for folder, dirs, files in os.walk(source):
        base = Path(folder)
        rel_base = base.relative_to(source)
        depth = len(rel_base.parts)
        kept_dirs = []
        for name in sorted(dirs):
            path = base / name
            relative = (rel_base / name).as_posix()
            reason = rules.skip_dir(relative, name, depth)
            if not reason and _inside(path.resolve(), roots):
                reason = "output folder"
            if not reason and path.is_symlink():
                report.warnings.append(f"skipped the symlinked folder {relative}")
                reason = "symlink"
            if reason:
                report.skipped[reason] += 1
                continue
            kept_dirs.append(name)
            (target / relative).mkdir(exist_ok=True)
        dirs[:] = kept_dirs
        for name in sorted(files):
            path = base / name
            relative = (rel_base / name).as_posix()
            reason = rules.skip_file(relative, name)
            if not reason and path.is_symlink() and not _inside(path.resolve(), (source,)):
                report.warnings.append(f"skipped {relative}: a symlink leaving the project")
                reason = "symlink"
            if reason:
                report.skipped[reason] += 1
                continue
            destination = target / relative
            shutil.copyfile(path, destination)
            shutil.copymode(path, destination)
            report.files += 1
            report.bytes += destination.stat().st_size
    return report
