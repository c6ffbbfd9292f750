"""Execute one requested run: spawn, stream, enforce timeout and cancel, record outcome.

``[interpreter, manage.py, command, *fixed, *user]`` in the target's folder, never
through a shell, with a clean environment (the host's allowlisted variables plus the
target's ``DJANGO_SETTINGS_MODULE``), as the leader of a new process group. The
stored argv is validated again here, so a preset or run edited in the database after
the request cannot run an unlisted command. A timeout or a cancel kills the whole
tree; output goes through :mod:`logs` (redaction, caps, batched inserts).
"""

from __future__ import annotations

import contextlib
import os
import queue
import shlex
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from djdesk_inspector import conf as inspector_conf
from djdesk_inspector.kernel import environment, processes
from djdesk_inspector.presets import conf, validation
from djdesk_inspector.presets.logs import Limits, LogSink, pump
from djdesk_inspector.presets.models import RunStatus, Stream, TaskRun

# After the child exits, how long its pipes may stay open (a grandchild holding them)
# before the rest of its process group is killed.
DRAIN_SECONDS = 1.0


@dataclass
class Outcome:
    exit_code: int | None = None
    timed_out: bool = False
    cancelled: bool = False
    error: str = ""


def child_env(settings_module: str) -> dict[str, str]:
    allow = (*inspector_conf.get().ENV_ALLOWLIST, *conf.get().ENV_ALLOWLIST)
    extra = {"PYTHONUNBUFFERED": "1"}
    if settings_module:
        extra["DJANGO_SETTINGS_MODULE"] = settings_module
    return environment.clean_env(extra, allow=allow)


def command_line(run: TaskRun) -> list[str]:
    return [run.interpreter, str(Path(run.project_path) / "manage.py"), *run.argv]


def _claim(run_id: int) -> TaskRun | None:
    """Move the run from requested to running, once; None if someone else got it."""
    now = timezone.now()
    claimed = TaskRun.objects.filter(
        pk=run_id, status=RunStatus.REQUESTED, cancel_requested=False
    ).update(status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, runner_pid=os.getpid())
    if claimed:
        return TaskRun.objects.select_related("preset").get(pk=run_id)
    # Cancelled before it started: close it here, where nothing was spawned.
    TaskRun.objects.filter(pk=run_id, status=RunStatus.REQUESTED, cancel_requested=True).update(
        status=RunStatus.CANCELLED, finished_at=now, progress=None
    )
    return None


def _refusal(run: TaskRun) -> str:
    allowed = run.preset.allowed_options if run.preset is not None else ()
    problems = validation.argv_problems(run.argv, allowed if isinstance(allowed, list) else ())
    if problems:
        return "Refused: " + "; ".join(problems) + "."
    if not (Path(run.project_path) / "manage.py").is_file():
        return f"Refused: {run.project_path} has no manage.py."
    if not Path(run.interpreter).is_file():
        return f"Refused: the interpreter {run.interpreter} does not exist."
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
    return _status(outcome)


def _status(outcome: Outcome) -> str:
    if outcome.cancelled:
        return RunStatus.CANCELLED
    if outcome.exit_code == 0 and not outcome.timed_out and not outcome.error:
        return RunStatus.SUCCEEDED
    return RunStatus.FAILED


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
    sink.flush(
        now,
        final={
            "status": _status(outcome),
            "exit_code": outcome.exit_code,
            "timed_out": outcome.timed_out,
            "error": outcome.error[:4000],
            "finished_at": timezone.now(),
            "duration_ms": int(elapsed * 1000),
            "progress": 100,
        },
    )


def _cancel_requested(run_id: int) -> bool:
    return bool(
        TaskRun.objects.filter(pk=run_id).values_list("cancel_requested", flat=True).first()
    )


def _stream(run: TaskRun, sink: LogSink, outcome: Outcome, started: float) -> None:
    settings = conf.get()
    argv = command_line(run)
    try:
        proc = processes.start(argv, cwd=run.project_path, env=child_env(run.settings_module))
    except OSError as exc:
        outcome.error = f"Could not start {argv[0]}: {exc}"
        sink.system(f"[{outcome.error}]")
        return
    TaskRun.objects.filter(pk=run.pk).update(child_pid=proc.pid)
    sink.system(f"[started: {shlex.join(['manage.py', *run.argv])}]")
    sink.flush(time.monotonic())
    assert proc.stdout is not None
    assert proc.stderr is not None
    lines: queue.Queue[tuple[str, list[str] | None]] = queue.Queue()
    max_line_bytes = settings.MAX_LINE_CHARS * 4 + 4
    readers = [
        threading.Thread(target=pump, args=(pipe, name, lines, max_line_bytes), daemon=True)
        for pipe, name in ((proc.stdout, Stream.STDOUT), (proc.stderr, Stream.STDERR))
    ]
    for reader in readers:
        reader.start()
    deadline = started + run.timeout
    poll_every = settings.BATCH_MS / 1000
    next_poll = time.monotonic() + poll_every
    open_streams = len(readers)
    exited_at: float | None = None
    try:
        while open_streams:
            now = time.monotonic()
            wait = max(0.0, min(next_poll, deadline) - now)
            try:
                name, batch = lines.get(timeout=wait)
            except queue.Empty:
                pass
            else:
                if batch is None:
                    open_streams -= 1
                else:
                    sink.add(name, batch)
            now = time.monotonic()
            if sink.due(now):
                sink.flush(now)
            if now >= next_poll:
                next_poll = now + poll_every
                sink.flush(now)  # heartbeat when quiet
                if _cancel_requested(run.pk):
                    outcome.cancelled = True
                    processes.kill_tree(proc)
                    break
            if now >= deadline:
                outcome.timed_out = True
                processes.kill_tree(proc)
                break
            if proc.poll() is not None and any(reader.is_alive() for reader in readers):
                exited_at = exited_at or now
                if now - exited_at >= DRAIN_SECONDS:
                    processes.kill_tree(proc)  # a grandchild still holds the pipes
                    break
        _drain(lines, sink, readers)
    finally:
        if proc.poll() is None:
            processes.kill_tree(proc)
        for pipe in (proc.stdout, proc.stderr):
            with contextlib.suppress(OSError):
                pipe.close()
        proc.wait()
    if not outcome.timed_out and not outcome.cancelled:
        outcome.exit_code = proc.returncode


def _drain(
    lines: queue.Queue[tuple[str, list[str] | None]],
    sink: LogSink,
    readers: list[threading.Thread],
) -> None:
    """Store what the readers still had once the tree is gone (bounded wait)."""
    for reader in readers:
        reader.join(processes.GRACE_SECONDS)
    while True:
        try:
            name, batch = lines.get_nowait()
        except queue.Empty:
            return
        if batch is not None:
            sink.add(name, batch)
