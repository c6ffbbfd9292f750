"""Live scan: run the probe script in the target project's own interpreter.

The probe is started as a file (``python -B probe_script.py ...``) in a clean
environment (:mod:`djdesk_inspector.kernel.environment`) with the project as working
directory, in its own process group, under ``SCAN_TIMEOUT`` and
``OUTPUT_LIMIT_BYTES``. Nothing of the target is ever imported here.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import Any

from djdesk_inspector import conf, detection
from djdesk_inspector.inspection import children
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.inspection.markers import PROBE
from djdesk_inspector.kernel import processes
from djdesk_inspector.kernel.redaction import (
    redact,
    redact_mapping,
    redact_registered,
    redact_values,
)

Progress = Callable[[int, str], None]

# Must match the constants in probe_script.py (which cannot import anything of ours).
EXIT_NO_DJANGO, EXIT_SETUP = 3, 4


def resolve_interpreter(project: Path, explicit: str | Path | None = None) -> tuple[Path, str]:
    """The interpreter to use and where it came from (``explicit``/``project``/``host``)."""
    if explicit:
        path = Path(explicit).expanduser()
        if not path.is_absolute():
            path = project / path
        if not path.is_file():
            raise ScanError(f"Interpreter {path} does not exist.", kind="interpreter")
        return path, "explicit"
    found = detection.find_interpreter(project)
    if found is not None:
        return found, "project"
    return Path(sys.executable), "host"


def resolve_settings(
    project: Path, settings_module: str | None, env: Mapping[str, str] | None = None
) -> str:
    """The settings module, in the documented order, or one error naming the places."""
    module, _where = detection.resolve_settings_module(project, settings_module, env)
    if not module:
        raise ScanError(
            f"Cannot tell the settings module of {project}: none of "
            + "; ".join(detection.SETTINGS_PLACES)
            + " names one. Set it on the workspace (or pass --project-settings).",
            kind="settings",
        )
    return module


ORIGINS = {
    "explicit": "the interpreter set on the workspace",
    "project": "the project's own virtualenv",
    "host": "djdesk's own Python (the project has no .venv, venv or env)",
}


def mode_reason(document: dict[str, Any], kind: str) -> str:
    """Why this document is live, and whose interpreter ran the project's code."""
    origin = document.get("interpreter_origin") or "host"
    python = (document.get("python") or {}).get("executable") or "?"
    asked = "a live scan was requested" if kind == "live" else "the project is trusted"
    return f"live: {asked}; its code ran in {ORIGINS.get(origin, origin)} ({python})"


def scan(
    project: str | Path,
    *,
    settings_module: str | None = None,
    interpreter: str | Path | None = None,
    timeout: float | None = None,
    limit_bytes: int | None = None,
    env: Mapping[str, str] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Run the probe against ``project`` and return its (redacted) document.

    Raises :class:`ScanError`; its ``kind`` tells an unusable interpreter (auto mode
    may fall back to static) from a project whose settings raise. ``env`` is the
    workspace's own variables (:func:`~djdesk_inspector.kernel.environment.workspace_values`):
    the probe gets them, nothing stores them, every output is redacted of them.
    """
    project = Path(project)
    if not (project / "manage.py").is_file():
        raise ScanError(f"{project} has no manage.py.", kind="project")
    module = resolve_settings(project, settings_module, env)
    python, origin = resolve_interpreter(project, interpreter)
    settings = conf.get()
    timeout = settings.SCAN_TIMEOUT if timeout is None else timeout
    limit = settings.OUTPUT_LIMIT_BYTES if limit_bytes is None else limit_bytes
    nonce = secrets.token_hex(8)
    child_env = children.project_env({"DJANGO_SETTINGS_MODULE": module}, workspace_env=env)
    on_line = PROBE.progress_reader(nonce, progress)

    with ExitStack() as stack:
        script = stack.enter_context(
            resources.as_file(resources.files(__package__) / "probe_script.py")
        )
        argv: list[str | os.PathLike[str]] = [python, "-B", script, "--project", project]
        argv += ["--settings", module]
        argv += ["--nonce", nonce]
        try:
            done = processes.run(
                argv,
                cwd=project,
                env=child_env,
                timeout=timeout,
                limit_bytes=limit,
                on_stderr_line=on_line,
            )
        except OSError as exc:
            raise ScanError(
                f"Cannot run interpreter {python}: {exc.strerror or exc}.", kind="interpreter"
            ) from exc
    stderr = PROBE.strip_stages(done.stderr, nonce)
    if done.timed_out:
        raise ScanError(
            f"The live scan took longer than {timeout:g}s and was stopped.",
            kind="timeout",
            detail=stderr,
        )
    payload = PROBE.between(done.stdout, nonce)
    if payload is None:
        if done.truncated:
            raise ScanError(
                f"The probe's output exceeded {limit} bytes and was cut.",
                kind="output",
                detail=stderr,
            )
        raise ScanError(
            f"Interpreter {python} ({origin}) could not run the probe "
            f"(exit status {done.returncode}).",
            kind="interpreter",
            detail=stderr,
        )
    try:
        document = json.loads(payload)
    except ValueError as exc:
        raise ScanError(f"The probe's output is not valid JSON: {exc}.", kind="output") from exc
    if "error" in document:
        raise _failure(document["error"], module, python, stderr)
    document["interpreter_origin"] = origin
    return _redacted(document)


# Where setup failed -> what the project was doing then.
SETUP_STAGES = {
    "settings": "Importing the settings module '{module}'",
    "apps": "Importing the installed apps of '{module}'",
    "models": "Importing the models of the installed apps of '{module}'",
    "ready": "Running AppConfig.ready() of the installed apps of '{module}'",
}


def _failure(error: dict[str, Any], module: str, python: Path, stderr: str) -> ScanError:
    stage = error.get("stage") or ""
    summary = f"{error.get('type', 'Error')}: {error.get('message', '')}".rstrip(": ")
    detail = error.get("traceback") or stderr
    if stage == "django":
        return ScanError(
            f"Django is not importable by {python} ({summary}).", kind="django", detail=detail
        )
    if stage in SETUP_STAGES:
        what = SETUP_STAGES[stage].format(module=module)
        raiser = error.get("module")
        where = ""
        if raiser == module:
            where = f" ({error.get('location')})"
        elif raiser:
            where = f", raised in module '{raiser}' ({error.get('location')})"
        message = f"{what} failed: {summary}{where}."
        missing = error.get("missing_module")
        if missing and error.get("local_module") is False:
            return ScanError(
                f"{message} {python} cannot import '{missing}': is it installed there?",
                kind="dependencies",
                detail=detail,
            )
        return ScanError(message, kind="settings", detail=detail)
    return ScanError(f"The probe failed: {summary}", kind="output", detail=detail)


def _redacted(document: dict[str, Any]) -> dict[str, Any]:
    # Free text from the project (check messages, errors, settings) may hold secrets.
    for key in ("checks", "errors", "unknown"):
        if document.get(key):
            document[key] = redact_values(document[key])
    if document.get("settings"):
        document["settings"] = redact_mapping(document["settings"])
    migrations = document.get("migrations") or {}
    if migrations.get("db_error"):
        migrations["db_error"] = redact(migrations["db_error"])
    # Values the workspace supplied are secrets wherever they turn up.
    result: dict[str, Any] = redact_registered(document)
    return result
