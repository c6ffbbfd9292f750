"""Read a project's settings module and interpreter without running any of its code."""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

VENV_DIRS = (".venv", "venv", "env")
INTERPRETER_NAMES = (
    ("python.exe", "python3.exe") if sys.platform == "win32" else ("python3", "python")
)
BIN_DIRS = ("Scripts", "bin") if sys.platform == "win32" else ("bin", "Scripts")


@dataclass(frozen=True)
class Detection:
    settings_module: str
    interpreter: Path | None


def settings_module_from_manage(manage_py: Path) -> str:
    """The literal passed to ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", ...)``.

    Parsed with :mod:`ast`, so a hostile ``manage.py`` is never executed. Returns ``""``
    when the file sets the module in some other way.
    """
    try:
        tree = ast.parse(manage_py.read_bytes(), filename=str(manage_py))
    except (OSError, SyntaxError, ValueError):
        return ""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or len(node.args) < 2:
            continue
        name, value = node.args[0], node.args[1]
        if (
            isinstance(name, ast.Constant)
            and name.value == "DJANGO_SETTINGS_MODULE"
            and isinstance(value, ast.Constant)
            and isinstance(value.value, str)
        ):
            return value.value
    return ""


def find_interpreter(project: Path) -> Path | None:
    """The project's own virtualenv interpreter, if it has one."""
    for venv in VENV_DIRS:
        for bin_dir in BIN_DIRS:
            for name in INTERPRETER_NAMES:
                candidate = project / venv / bin_dir / name
                if candidate.is_file():
                    return candidate
    return None


def detect(project: Path) -> Detection:
    return Detection(
        settings_module=settings_module_from_manage(project / "manage.py"),
        interpreter=find_interpreter(project),
    )
