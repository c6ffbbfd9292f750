"""Choose live or static inspection for a project and run it.

Shared by the scan task and ``manage.py djdesk_inspect``; needs no database.

Which mode runs, and why, is part of the document (``mode``, ``mode_reason``):

* ``static`` always runs static.
* An **untrusted** project runs static whatever was asked: no project code runs
  (see ``docs/security.rst``). Only trusted callers (a trusted workspace, the CLI
  without ``--static``, the host project) pass ``trusted=True``.
* ``auto`` on a trusted project runs live, and runs static only when the probe cannot
  run at all (the interpreter is unusable or has no Django): ``fallback_reason``.
* A live scan that fails (settings, an app or its models raise, timeout) is a
  failure (:class:`ScanError`), never replaced by a static document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from djdesk_inspector import detection
from djdesk_inspector.inspection import live, migration_analysis, static, unknowns
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.kernel import environment

Progress = Callable[[int, str], None]
KINDS = ("auto", "live", "static")
UNTRUSTED_REASON = (
    "the workspace is not trusted, so none of its code runs; trust it to run live scans"
)


def project_env(env_file: str | Path | None, pass_env: Iterable[str] = ()) -> dict[str, str]:
    """The workspace's variables (registered for redaction), or a ``ScanError``."""
    try:
        return environment.workspace_values(env_file or None, tuple(pass_env))
    except environment.EnvFileError as exc:
        raise ScanError(str(exc), kind="environment") from exc


def inspect_project(
    project: str | Path,
    *,
    kind: str = "auto",
    trusted: bool = False,
    interpreter: str | Path | None = None,
    settings_module: str | None = None,
    env_file: str | Path | None = None,
    pass_env: Iterable[str] = (),
    progress: Progress | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """A snapshot document for ``project``; see the module docstring for the modes."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    report = progress or (lambda percent, message: None)
    project = Path(project)
    if kind == "static" or not trusted:
        why = "a static scan was requested" if kind == "static" else UNTRUSTED_REASON
        return _static(project, settings_module, env_file, why, None, report)
    env = project_env(env_file, pass_env)
    report(2, "Starting the project's interpreter")
    try:
        document = live.scan(
            project,
            settings_module=settings_module,
            interpreter=interpreter,
            timeout=timeout,
            env=env,
            progress=lambda percent, stage: report(max(2, percent), f"Live probe: {stage}"),
        )
    except ScanError as error:
        if kind == "live" or not error.can_fall_back:
            raise
        report(60, "Live probe cannot run; reading source files")
        why = f"the live probe cannot run: {error}"
        return _static(project, settings_module, env_file, why, str(error), report)
    document["mode_reason"] = live.mode_reason(document, kind)
    return _finish(document, project, report)


def _static(
    project: Path,
    settings_module: str | None,
    env_file: str | Path | None,
    why: str,
    fallback: str | None,
    report: Progress,
) -> dict[str, Any]:
    report(10, "Reading source files")
    if not settings_module:
        # Reading the env file runs nothing; its DJANGO_SETTINGS_MODULE is the last resort.
        try:
            env = environment.workspace_values(env_file or None) if env_file else {}
        except environment.EnvFileError:
            env = {}
        settings_module = detection.resolve_settings_module(project, None, env)[0] or None
    document = static.scan(project, settings_module=settings_module, fallback_reason=fallback)
    document["mode_reason"] = f"static: {why}"
    return _finish(document, project, report)


def _finish(document: dict[str, Any], project: Path, report: Progress) -> dict[str, Any]:
    """What every mode adds: the migration lint (and the live plan), unknowns normalized."""
    report(96, "Linting migrations")
    migration_analysis.attach(document, project)
    return unknowns.normalize(document)
