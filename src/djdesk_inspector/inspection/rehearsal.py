"""Rehearse a project's pending migrations on a copy of its database.

Runs :mod:`.rehearse_script` in the target's interpreter, like a live scan (clean
environment, the workspace's own variables, a timeout that kills the whole tree),
with a temporary folder for the SQLite copy that is always removed afterwards. The
real database file is hashed before (by the script, before it opens anything) and
after (here, once the script has exited): the report says whether it changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import Any

from djdesk_inspector.inspection import children, live
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.inspection.markers import REHEARSAL
from djdesk_inspector.kernel import processes
from djdesk_inspector.kernel.redaction import redact, redact_registered

Progress = Callable[[int, str], None]
DEFAULT_TIMEOUT = 600.0


def file_sha256(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def rehearse(
    project: str | Path,
    *,
    settings_module: str | None = None,
    interpreter: str | Path | None = None,
    database: str = "default",
    timeout: float = DEFAULT_TIMEOUT,
    env: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> dict[str, Any]:
    """The rehearsal report; :class:`ScanError` when the script could not report."""
    project = Path(project)
    if not (project / "manage.py").is_file():
        raise ScanError(f"{project} has no manage.py.", kind="project")
    module = live.resolve_settings(project, settings_module, env)
    python, _origin = live.resolve_interpreter(project, interpreter)
    nonce = secrets.token_hex(8)
    child_env = children.project_env({"DJANGO_SETTINGS_MODULE": module}, workspace_env=env)
    with ExitStack() as stack:
        scratch = Path(tempfile.mkdtemp(prefix="djdesk-rehearse-"))
        stack.callback(shutil.rmtree, scratch, True)
        script = stack.enter_context(
            resources.as_file(resources.files(__package__) / "rehearse_script.py")
        )
        argv: list[str | os.PathLike[str]] = [python, "-B", script, "--project", project]
        argv += ["--settings", module]
        argv += ["--database", database, "--copy", scratch / "rehearsal.sqlite3"]
        argv += ["--nonce", nonce]
        try:
            done = processes.run(
                argv,
                cwd=project,
                env=child_env,
                timeout=timeout,
                on_stderr_line=REHEARSAL.progress_reader(nonce, progress),
                cancel=should_cancel,
            )
        except OSError as exc:
            raise ScanError(
                f"Cannot run interpreter {python}: {exc.strerror or exc}.", kind="interpreter"
            ) from exc
    stderr = REHEARSAL.strip_stages(done.stderr, nonce)
    if done.cancelled:
        raise ScanError("The rehearsal was cancelled.", kind="cancelled", detail=stderr)
    if done.timed_out:
        raise ScanError(
            f"The rehearsal took longer than {timeout:g}s and was stopped.",
            kind="timeout",
            detail=stderr,
        )
    payload = REHEARSAL.between(done.stdout, nonce)
    if payload is None:
        raise ScanError(
            f"The rehearsal script exited with code {done.returncode} without a report.",
            kind="crash",
            detail=stderr,
        )
    report: dict[str, Any] = json.loads(payload)
    real = report.get("real_path")
    if real:
        after = file_sha256(Path(real))
        report["sha256_after"] = after
        report["real_database_untouched"] = after is not None and after == report.get(
            "sha256_before"
        )
    else:
        report["real_database_untouched"] = None
    report["python"] = str(python)
    report["settings_module"] = module
    for step in report.get("forward", []) + report.get("backward", []):
        for key in ("error", "traceback"):
            if step.get(key):
                step[key] = redact(step[key])
    if report.get("reason"):
        report["reason"] = redact(report["reason"])
    result: dict[str, Any] = redact_registered(report)
    return result


def text_lines(report: Mapping[str, Any]) -> list[str]:
    """The report for a terminal: one line per step, then the verdict."""
    lines = []
    if not report.get("rehearsed"):
        return [f"not rehearsed: {report.get('reason') or 'unknown reason'}"]
    if not report.get("plan"):
        lines.append("Nothing to migrate: no pending migrations.")
    for step in report.get("forward", []):
        mark = "ok" if step["ok"] else "FAILED"
        lines.append(f"apply   {step['app']}.{step['migration']}  {step['ms']} ms  {mark}")
        if not step["ok"]:
            lines.append(f"        {step['error']}")
    for step in report.get("backward", []):
        mark = "ok" if step["ok"] else "FAILED"
        lines.append(f"unapply {step['app']}.{step['migration']}  {step['ms']} ms  {mark}")
        if not step["ok"]:
            lines.append(f"        {step['error']}")
    untouched = report.get("real_database_untouched")
    if untouched is not None:
        lines.append(
            f"real database untouched (sha256 {(report.get('sha256_after') or '')[:12]}...)"
            if untouched
            else "WARNING: the real database file changed during the rehearsal"
        )
    verdict = "forward ok" if report.get("forward_ok") else "forward FAILED"
    verdict += ", rollback ok" if report.get("rollback_ok") else ", rollback FAILED"
    lines.append(verdict)
    return lines
