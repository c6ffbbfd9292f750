"""Execute one requested run: spawn, stream, enforce timeout and cancel, record outcome.

``[interpreter, manage.py, command, *fixed, *user]`` in the target's folder, never
through a shell, with a clean environment (the host's allowlisted variables plus the
target's ``DJANGO_SETTINGS_MODULE``), as the leader of a new process group. The
stored argv is validated again here, so a preset or run edited in the database after
the request cannot run an unlisted command. A timeout or a cancel kills the whole
tree; output goes through :mod:`logs` (redaction, caps, batched inserts).
"""

from __future__ import annotations

import shlex
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import router, transaction
from django.db.models import Q

from djdesk_inspector import conf as inspector_conf
from djdesk_inspector.kernel import environment, jobs, processes
from djdesk_inspector.presets import conf, targets, validation
from djdesk_inspector.presets.logs import Limits, LogSink
from djdesk_inspector.presets.models import RunStatus, Stream, TaskRun
from djdesk_inspector.presets.tasks import RUN

# The kernel runner's stream names, as stored on a log line.
_STREAMS = {processes.STDOUT: Stream.STDOUT, processes.STDERR: Stream.STDERR}


@dataclass
class Outcome:
    exit_code: int | None = None
    timed_out: bool = False
    cancelled: bool = False
    error: str = ""


def child_env(
    settings_module: str, *, host: bool = False, workspace_env: dict[str, str] | None = None
) -> dict[str, str]:
    """``host``: the run targets this very project, which gets this process's settings
    module and data dir (``environment.HOST_CONTEXT``), so it opens the same database.
    ``workspace_env``: a workspace target's own variables (``targets.run_environment``)."""
    allow = (*inspector_conf.get().ENV_ALLOWLIST, *conf.get().ENV_ALLOWLIST)
    extra = {"PYTHONUNBUFFERED": "1"}
    if host:
        extra.update(environment.host_context())
    if settings_module:
        extra["DJANGO_SETTINGS_MODULE"] = settings_module
    return environment.clean_env(extra, allow=allow, workspace_env=workspace_env)


def command_line(run: TaskRun) -> list[str]:
    return [run.interpreter, str(Path(run.project_path) / "manage.py"), *run.argv]


def _claim(run_id: int) -> TaskRun | None:
    """Move the run from requested to running, once; None if it is not requested any more.

    The kernel's claim records this process as the runner and closes a run cancelled
    before it started, where nothing was spawned.
    """
    if not jobs.claim(RUN, run_id):
        return None
    return TaskRun.objects.select_related("preset").get(pk=run_id)


def _refusal(run: TaskRun) -> str:
    allowed = run.preset.allowed_options if run.preset is not None else ()
    problems = validation.argv_problems(run.argv, allowed if isinstance(allowed, list) else ())
    if problems:
        return "Refused: " + "; ".join(problems) + "."
    if not (Path(run.project_path) / "manage.py").is_file():
        return f"Refused: {run.project_path} has no manage.py."
    if not Path(run.interpreter).is_file():
        return f"Refused: the interpreter {run.interpreter} does not exist."
    try:  # untrusted (revoked since the request) or an unreadable env file
        targets.run_environment(run.target)
    except targets.TargetError as exc:
        return f"Refused: {exc}"
    return ""


def _expected_ms(run: TaskRun) -> int | None:
    """How long this preset took last time on this target (for a progress estimate)."""
    previous = (
        TaskRun.objects.filter(
            preset_key=run.preset_key, target=run.target, status=RunStatus.SUCCEEDED
        )
        .exclude(Q(pk=run.pk) | Q(duration_ms__isnull=True))
        .order_by("-id")
        .values_list("duration_ms", flat=True)
        .first()
    )
    return max(previous, 1) if previous else None


def execute(run_id: int) -> str:
    """Run the requested run ``run_id`` to its end; returns the final status."""
    run = _claim(run_id)
    if run is None:
        return TaskRun.objects.filter(pk=run_id).values_list("status", flat=True).first() or ""
    settings = conf.get()
    started = time.monotonic()
    expected = _expected_ms(run)
    if expected:
        TaskRun.objects.filter(pk=run.pk).update(expected_ms=expected, progress=0)

    def progress(elapsed: float) -> int | None:
        return None if not expected else min(99, int(elapsed * 1000 * 100 / expected))

    sink = LogSink(
        run.pk,
        Limits(
            max_lines=settings.OUTPUT_MAX_LINES,
            max_bytes=settings.OUTPUT_MAX_BYTES,
            max_line_chars=settings.MAX_LINE_CHARS,
            batch_lines=settings.BATCH_LINES,
            batch_ms=settings.BATCH_MS,
        ),
        started=started,
        progress=progress,
    )
    outcome = Outcome()
    try:
        refusal = _refusal(run)
        if refusal:
            outcome.error = refusal
            sink.system(f"[{refusal}]")
        else:
            _stream(run, sink, outcome, started)
    except Exception as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"
        sink.system(f"[djdesk error: {outcome.error}]")
        raise
    finally:
        _finish(run, sink, outcome, started)
    return RUN.statuses.of(_status(outcome))


def _status(outcome: Outcome) -> jobs.Ending:
    """How the run ends, in the lifecycle's words (the kind maps them to statuses)."""
    if outcome.cancelled:
        return "cancelled"
    if outcome.exit_code == 0 and not outcome.timed_out and not outcome.error:
        return "succeeded"
    return "failed"


def _finish(run: TaskRun, sink: LogSink, outcome: Outcome, started: float) -> None:
    now = time.monotonic()
    elapsed = now - started
    sink.summary()
    if outcome.cancelled:
        sink.system(f"[cancelled after {elapsed:.1f} s: process tree killed]")
    elif outcome.timed_out:
        sink.system(f"[timed out after {run.timeout} s: process tree killed]")
    elif outcome.exit_code is not None:
        sink.system(f"[exit code {outcome.exit_code} after {elapsed:.1f} s]")
    outcome_fields = {
        "exit_code": outcome.exit_code,
        "timed_out": outcome.timed_out,
        "duration_ms": int(elapsed * 1000),
    }
    # The last lines and the end state commit together: a finished run has every line.
    with transaction.atomic(using=router.db_for_write(TaskRun)):
        sink.flush(now, final=outcome_fields)
        jobs.end(RUN, run.pk, _status(outcome), error=outcome.error[:4000], progress=100)


def _cancel_requested(run_id: int) -> bool:
    return bool(
        TaskRun.objects.filter(pk=run_id).values_list("cancel_requested", flat=True).first()
    )


def _stream(run: TaskRun, sink: LogSink, outcome: Outcome, started: float) -> None:
    """Run the child through the kernel runner; lines go to ``sink`` in this thread.

    The runner enforces the deadline and the cancel from this thread whatever the
    child's descendants do with the pipes, and kills the whole tree at the end.
    """
    settings = conf.get()
    argv = command_line(run)

    def on_start(pid: int) -> None:
        TaskRun.objects.filter(pk=run.pk).update(child_pid=pid)
        sink.system(f"[started: {shlex.join(['manage.py', *run.argv])}]")
        sink.flush(time.monotonic())

    def on_line(stream: str, line: str) -> None:
        sink.add(_STREAMS[stream], [line])
        now = time.monotonic()
        if sink.due(now):
            sink.flush(now)

    def on_poll() -> None:
        sink.flush(time.monotonic())  # heartbeat when quiet

    try:
        done = processes.run(
            argv,
            cwd=run.project_path,
            env=child_env(
                run.settings_module,
                host=run.target == targets.HOST,
                workspace_env=targets.run_environment(run.target),
            ),
            timeout=max(0.0, started + run.timeout - time.monotonic()),
            collect=False,
            on_line=on_line,
            max_line_bytes=settings.MAX_LINE_CHARS * 4 + 4,
            cancel=lambda: _cancel_requested(run.pk),
            on_poll=on_poll,
            on_start=on_start,
            poll_every=settings.BATCH_MS / 1000,
        )
    except OSError as exc:
        outcome.error = f"Could not start {argv[0]}: {exc}"
        sink.system(f"[{outcome.error}]")
        return
    outcome.timed_out = done.timed_out
    outcome.cancelled = done.cancelled
    if not done.timed_out and not done.cancelled:
        outcome.exit_code = done.returncode
