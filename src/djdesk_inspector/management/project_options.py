"""The options every command that runs a project's code takes, declared once.

``djdesk_inspect`` and ``djdesk_rehearse`` both start the project's interpreter with
its settings and its own environment; they read the project the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from djdesk_inspector.kernel import environment, paths


def add_arguments(parser: CommandParser, *, python_help: str) -> None:
    parser.add_argument("path", help="Folder holding the project's manage.py.")
    parser.add_argument("--python", metavar="PY", help=python_help)
    parser.add_argument(
        "--project-settings",
        metavar="MODULE",
        help="The project's settings module (default: read from its manage.py).",
    )
    parser.add_argument(
        "--env-file",
        metavar="FILE",
        help="A dotenv file whose variables the project gets (e.g. .env, relative to PATH). "
        "Values are never printed.",
    )
    parser.add_argument(
        "--pass-env",
        metavar="NAME",
        action="append",
        default=[],
        help="Pass this variable from this environment to the project (repeatable).",
    )


def project(options: dict[str, Any]) -> Path:
    """The project folder, or one clear error."""
    folder = paths.normalize(options["path"])
    if not (folder / "manage.py").is_file():
        raise CommandError(f"{folder} has no manage.py: not a Django project folder.")
    return folder


def env_file(folder: Path, options: dict[str, Any]) -> str | None:
    """``--env-file`` resolved against the project, checked to exist."""
    name = options["env_file"]
    if not name:
        return None
    path = paths.normalize(str(folder / name))
    if not path.is_file():
        raise CommandError(f"--env-file {name}: {path} is not a file.")
    return str(path)


def pass_env(options: dict[str, Any]) -> list[str]:
    """``--pass-env`` names, each allowed to pass (not djdesk's own settings or Python)."""
    names: list[str] = options["pass_env"]
    for name in names:
        problem = environment.pass_through_problem(name)
        if problem:
            raise CommandError(f"--pass-env {name}: {problem}")
    return names
