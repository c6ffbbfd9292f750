"""Choose live or static inspection for a project and run it.

Shared by the scan task and ``manage.py djdesk_inspect``; needs no database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from djdesk_inspector.inspection import live, static
from djdesk_inspector.inspection.errors import ScanError

Progress = Callable[[int, str], None]
KINDS = ("auto", "live", "static")


def inspect_project(
    project: str | Path,
    *,
    kind: str = "auto",
    interpreter: str | Path | None = None,
    settings_module: str | None = None,
    progress: Progress | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """A snapshot document for ``project``.

    ``auto`` runs the live probe and falls back to a static scan when the probe
    cannot run in the chosen interpreter (missing, no Django, missing packages):
    the document then says why in ``fallback_reason``. A project whose settings
    raise, or a probe that times out, is a failure (:class:`ScanError`), not a
    reason to pretend with a static scan. ``live`` never falls back.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    report = progress or (lambda percent, message: None)
    project = Path(project)
    if kind == "static":
        report(10, "Reading source files")
        return static.scan(project, settings_module=settings_module)
    report(2, "Starting the project's interpreter")
    try:
        return live.scan(
            project,
            settings_module=settings_module,
            interpreter=interpreter,
            timeout=timeout,
            progress=lambda percent, stage: report(max(2, percent), f"Live probe: {stage}"),
        )
    except ScanError as error:
        if kind == "live" or not error.can_fall_back:
            raise
        report(60, "Live probe unavailable; reading source files")
        return static.scan(project, settings_module=settings_module, fallback_reason=str(error))
