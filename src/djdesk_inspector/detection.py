"""Read a project's settings module and interpreter without running any of its code."""

from __future__ import annotations

import ast
import sys
from collections.abc import Mapping
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


def _literal(node: ast.AST | None) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def settings_module_from_manage(manage_py: Path) -> str:
    """The settings module ``manage.py`` sets literally.

    Either ``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")`` or
    ``os.environ["DJANGO_SETTINGS_MODULE"] = "proj.settings"``. Parsed with :mod:`ast`,
    so a hostile ``manage.py`` is never executed. Returns ``""`` when the file sets
    the module in some other way (e.g. from an env file it loads).
    """
    try:
        tree = ast.parse(manage_py.read_bytes(), filename=str(manage_py))
    except (OSError, SyntaxError, ValueError):
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and len(node.args) >= 2:
            if _literal(node.args[0]) == "DJANGO_SETTINGS_MODULE" and _literal(node.args[1]):
                return _literal(node.args[1])
        elif isinstance(node, ast.Assign) and _literal(node.value):
            for target in node.targets:
                if (
                    isinstance(target, ast.Subscript)
                    and _literal(target.slice) == "DJANGO_SETTINGS_MODULE"
                ):
                    return _literal(node.value)
    return ""


SETTINGS_PLACES = (
    "the workspace's settings module (or --project-settings)",
    "a literal DJANGO_SETTINGS_MODULE in manage.py (setdefault or assignment)",
    "DJANGO_SETTINGS_MODULE in the env file",
)


def resolve_settings_module(
    project: Path, explicit: str | None, env: Mapping[str, str] | None = None
) -> tuple[str, str]:
    """``(module, where it came from)``, in the documented order; ``("", "")`` if none.

    The order is the workspace's own (or ``--project-settings``), what ``manage.py``
    sets literally, then ``DJANGO_SETTINGS_MODULE`` from the env file (projects
    whose ``manage.py`` calls ``load_dotenv``).
    """
    if explicit:
        return explicit, "workspace"
    found = settings_module_from_manage(project / "manage.py")
    if found:
        return found, "manage.py"
    from_env = (env or {}).get("DJANGO_SETTINGS_MODULE", "")
    if from_env:
        return from_env, "env file"
    return "", ""


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
