"""Services behind the API: list presets for a target, request, cancel, read logs.

A run is a job of the kind :data:`~djdesk_inspector.presets.tasks.RUN`; requesting,
cancelling and reaping go through :mod:`djdesk_inspector.kernel.jobs`.

Views only parse and serialise; every rule lives here so tests can call it directly.
Errors are :class:`~djdesk_inspector.kernel.jsonapi.ApiError` (``{"errors": {...}}``).
"""

from __future__ import annotations

import time
from typing import Any

from django.urls import reverse

from djdesk_inspector.kernel import jobs
from djdesk_inspector.kernel.jsonapi import ApiError, not_found
from djdesk_inspector.presets import arguments, conf, targets, validation
from djdesk_inspector.presets.models import Preset, RunStatus, TaskRun, TaskRunLogLine
from djdesk_inspector.presets.tasks import RUN

CANCEL_WAIT_SECONDS = 3.0
CANCEL_POLL_SECONDS = 0.05

# The columns a run summary needs: one SELECT, no join, no log lines.
SUMMARY_FIELDS = (
    "id",
    "preset_key",
    "preset_label",
    "target",
    "status",
    "progress",
    "cancel_requested",
    "timed_out",
    "exit_code",
    "created_at",
    "started_at",
    "finished_at",
    "duration_ms",
    "line_count",
    "truncated",
)


# -- presets -----------------------------------------------------------------------


def unavailable_reason(preset: Preset) -> str:
    """Why ``preset`` cannot run now ("" when it can)."""
    if not preset.enabled:
        return "This preset is disabled."
    errors = validation.preset_errors(preset)
    if errors:
        return " ".join(f"{field}: {'; '.join(msgs)}." for field, msgs in errors.items())
    return ""


def preset_json(preset: Preset, choices: arguments.TargetChoices | None) -> dict[str, Any]:
    specs, _problems = arguments.parse_specs(preset.arguments)
    reason = unavailable_reason(preset)
    data: dict[str, Any] = {
        "key": preset.key,
        "label": preset.label,
        "description": preset.description,
        "category": preset.category,
        "command": preset.command,
        "fixed_args": list(preset.fixed_args) if isinstance(preset.fixed_args, list) else [],
        "requires_confirmation": preset.requires_confirmation,
        "timeout": preset.timeout or conf.get().DEFAULT_TIMEOUT,
        "docs_url": preset.docs_url,
        "icon": preset.icon,
        "order": preset.order,
        "builtin": preset.builtin,
        "runnable": not reason,
        "reason": reason,
    }
    if choices is None:
        data["arguments"] = [spec.as_json() for spec in specs]
    else:
        data["arguments"] = [arguments.schema(spec, choices) for spec in specs]
    return data


def _target(key: Any) -> targets.Target:
    try:
        return targets.resolve(key)
    except targets.TargetError as exc:
        raise ApiError(400, {"target": [str(exc)]}) from exc


def target_key(target: Any, workspace: Any) -> Any:
    """``{"workspace": slug}`` is a shorthand for ``{"target": "workspace:<slug>"}``."""
    if (target in (None, "")) and isinstance(workspace, str) and workspace:
        return targets.workspace_key(workspace)
    return target


def list_presets(key: str | None = None) -> dict[str, Any]:
    """Every enabled preset with its argument schema; choices filled in for ``key``."""
    target = _target(key) if key else None
    choices = targets.choices(target) if target else None
    presets = [preset_json(p, choices) for p in Preset.objects.filter(enabled=True)]
    categories: list[str] = []
    for preset in presets:
        if preset["category"] not in categories:
            categories.append(preset["category"])
    return {
        "target": target.as_json() if target else None,
        "choices_source": choices.source if choices else "",
        "targets": [t.as_json() for t in targets.available()],
        "categories": categories,
        "presets": presets,
    }


# -- runs --------------------------------------------------------------------------


def run_urls(run_id: int) -> dict[str, str]:
    return {
        "self": reverse("djdesk_presets:api-run", args=[run_id]),
        "log": reverse("djdesk_presets:api-run-log", args=[run_id]),
        "cancel": reverse("djdesk_presets:api-run-cancel", args=[run_id]),
    }


def summary_json(row: dict[str, Any]) -> dict[str, Any]:
    """A run as the status payload and history show it (from ``SUMMARY_FIELDS`` values)."""
    return {
        "id": row["id"],
        "preset": row["preset_key"],
        "preset_label": row["preset_label"],
        "target": row["target"],
        "status": row["status"],
        "done": row["status"] not in RunStatus.active(),
        "progress": row["progress"],
        "cancel_requested": row["cancel_requested"],
        "cancelled": row["status"] == RunStatus.CANCELLED,
        "timed_out": row["timed_out"],
        "exit_code": row["exit_code"],
        "created_at": row["created_at"],
        "started_at": row["started_at"],
        "finished_at": row["finished_at"],
        "duration_ms": row["duration_ms"],
        "line_count": row["line_count"],
        "truncated": row["truncated"],
    }


def run_json(run: TaskRun) -> dict[str, Any]:
    row = {name: getattr(run, name) for name in SUMMARY_FIELDS}
    return summary_json(row) | {
        "argv": ["manage.py", *run.argv],
        "arguments": run.arguments,
        "project_path": run.project_path,
        "interpreter": run.interpreter,
        "settings_module": run.settings_module,
        "timeout": run.timeout,
        "error": run.error,
        "urls": run_urls(run.pk),
    }


def recent_runs(key: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """The latest runs (of one target), newest first, in one query."""
    rows = TaskRun.objects.order_by("-id")
    if key:
        rows = rows.filter(target=key)
    limit = limit or conf.get().HISTORY_LIMIT
    return [summary_json(row) for row in rows.values(*SUMMARY_FIELDS)[:limit]]


def get_run(run_id: int) -> TaskRun:
    try:
        return TaskRun.objects.get(pk=run_id)
    except TaskRun.DoesNotExist as exc:
        raise not_found("task run") from exc


def _preset(key: Any) -> Preset:
    if not isinstance(key, str) or not key:
        raise ApiError(400, {"preset": ["Choose a preset."]})
    try:
        preset = Preset.objects.get(key=key)
    except Preset.DoesNotExist as exc:
        raise ApiError(400, {"preset": [f"Unknown preset {key[:64]!r}."]}) from exc
    reason = unavailable_reason(preset)
    if reason:
        raise ApiError(400, {"preset": [f"{preset.key} cannot run: {reason}"]})
    return preset


def request_run(*, target: Any, preset: Any, args: Any = None, confirm: Any = False) -> TaskRun:
    """Validate everything, store the run as requested; the kernel enqueues it after commit."""
    chosen = _preset(preset)
    where = _target(target)
    if where.disabled:  # an untrusted workspace: its code may not run
        raise ApiError(409, {"target": [where.disabled]})
    specs, _problems = arguments.parse_specs(chosen.arguments)
    try:
        tokens, cleaned = arguments.bind(specs, args, targets.choices(where))
    except arguments.ArgumentErrors as exc:
        raise ApiError(
            400, {(k if k == "args" else f"args.{k}"): v for k, v in exc.errors.items()}
        ) from exc
    if chosen.requires_confirmation and confirm is not True:
        raise ApiError(400, {"confirm": [f"{chosen.label} needs your confirmation."]})
    argv = [chosen.command, *chosen.fixed_args, *tokens]
    problems = validation.argv_problems(argv, chosen.allowed_options)
    if problems:  # defence in depth: bind() cannot produce these
        raise ApiError(400, {"args": problems})
    settings = conf.get()
    run: TaskRun = jobs.request(
        RUN,
        preset=chosen,
        preset_key=chosen.key,
        preset_label=chosen.label,
        target=where.key,
        project_path=str(where.project_path),
        interpreter=where.interpreter,
        settings_module=where.settings_module,
        argv=argv,
        arguments=cleaned,
        timeout=min(chosen.timeout or settings.DEFAULT_TIMEOUT, settings.MAX_TIMEOUT),
    )
    return run


def cancel_run(run_id: int) -> TaskRun:
    """Stop a run: a requested one is cancelled at once, a running one by its runner.

    Waits briefly for the runner to kill the tree, so the answer is usually final.
    A finished run cannot be cancelled (409); cancelling twice is harmless.
    """
    run = get_run(run_id)
    if run.done:
        if run.status == RunStatus.CANCELLED:
            return run
        raise ApiError(409, {"__all__": [f"The run already {run.status}."]})
    jobs.cancel(RUN, run_id)
    active = TaskRun.objects.filter(pk=run_id, status__in=RunStatus.active())
    deadline = time.monotonic() + CANCEL_WAIT_SECONDS
    while active.exists() and time.monotonic() < deadline:
        time.sleep(CANCEL_POLL_SECONDS)
    run.refresh_from_db()
    return run


def _int(value: Any, name: str, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ApiError(400, {name: ["Enter a whole number."]}) from exc
    if not low <= number <= high:
        raise ApiError(400, {name: [f"Enter a number from {low} to {high}."]})
    return number


def log_delta(run_id: int, after: Any = None, limit: Any = None) -> dict[str, Any]:
    """Lines with ``seq > after``; ``done`` once the run finished and nothing is left.

    The status is read before the lines, and the runner writes its last lines and its
    final status in one transaction, so ``done`` never hides a line.
    """
    page = conf.get().LOG_PAGE_LINES
    after_seq = _int(after, "after", 0, 0, 2**31)
    count = _int(limit, "limit", page, 1, page)
    state = TaskRun.objects.filter(pk=run_id).values("status", "progress", "truncated").first()
    if state is None:
        raise not_found("task run")
    lines = list(
        TaskRunLogLine.objects.filter(run_id=run_id, seq__gt=after_seq)
        .order_by("seq")
        .only("seq", "stream", "text", "t_ms")[: count + 1]
    )
    more = len(lines) > count
    lines = lines[:count]
    return {
        "id": run_id,
        "status": state["status"],
        "progress": state["progress"],
        "truncated": state["truncated"],
        "lines": [line.as_json() for line in lines],
        "next_after": lines[-1].seq if lines else after_seq,
        "done": state["status"] not in RunStatus.active() and not more,
    }
