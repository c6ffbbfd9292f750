"""The one job lifecycle: request, enqueue after commit, claim, progress, end, cancel.

Every state change is a conditional ``UPDATE`` on the row's current status, so two
workers (or a worker and the reaper) never both win: a job is claimed once, and a job
that ended (finished, failed, cancelled, reaped) never changes again.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from functools import partial
from typing import Any, Literal

from django.db import IntegrityError, models, router, transaction
from django.db.models import F
from django.utils import timezone

from djdesk_inspector.kernel.jobs.kinds import JobKind, task_argument
from djdesk_inspector.kernel.redaction import redact

logger = logging.getLogger(__name__)

Ending = Literal["succeeded", "failed", "cancelled"]

QUEUED_MESSAGE = "Queued"
STARTING_MESSAGE = "Starting"
FAILED_MESSAGE = "Failed"
CANCELLED_MESSAGE = "Cancelled"
CANCELLED_BEFORE_START = "Cancelled before it started."
ERROR_LENGTH = 20_000


def _alias(kind: JobKind) -> str:
    return router.db_for_write(kind.model_class())


# -- request and enqueue ----------------------------------------------------------------


def request(kind: JobKind, /, **fields: Any) -> Any:
    """Create a queued row of ``kind`` and enqueue its task once the transaction commits."""
    return submit(kind, _create_queued(kind, fields))


def request_once(
    kind: JobKind, owner: models.Model, active: Callable[[], Any], /, **fields: Any
) -> Any:
    """``active()`` (``owner``'s job of ``kind`` still queued or running), or a new one
    as :func:`request` makes it: one job per owner however many requests race.

    The check-then-create runs in a transaction whose first statement is a no-op
    ``UPDATE`` of ``owner``'s row: it takes the row lock on PostgreSQL/MySQL and the
    write lock on SQLite *before* anything is read (``select_for_update`` is a no-op
    on SQLite, where two deferred readers would both see "none"), so simultaneous
    requests queue up and get the same job. If a uniqueness constraint on active jobs
    still rejects the new row, the job that won is returned.
    """
    alias = _alias(kind)
    with transaction.atomic(using=alias):
        key = owner._meta.pk.name
        type(owner)._default_manager.using(alias).filter(pk=owner.pk).update(**{key: F(key)})
        existing = active()
        if existing is not None:
            return existing
        try:
            with transaction.atomic(using=alias):
                row = _create_queued(kind, fields)
        except IntegrityError:
            existing = active()
            if existing is None:
                raise
            return existing
    return submit(kind, row)


def _create_queued(kind: JobKind, fields: dict[str, Any]) -> models.Model:
    fields = {"status": kind.statuses.queued, **kind.messages(QUEUED_MESSAGE), **fields}
    row: models.Model = kind.rows().create(**fields)
    return row


def submit(kind: JobKind, row: models.Model) -> Any:
    """Enqueue ``row``'s task after the outermost transaction commits; return it refreshed.

    A rollback enqueues nothing (no task ever names a row that does not exist). Outside
    a transaction the task is enqueued at once, so with ``ImmediateBackend`` the
    returned row already shows the outcome.
    """
    transaction.on_commit(partial(enqueue, kind, row.pk), using=_alias(kind))
    row.refresh_from_db()
    return row


def enqueue(kind: JobKind, key: Any) -> None:
    """Hand the job to its backend now; a backend failure fails the job, visibly."""
    try:
        result = kind.task_object().enqueue(task_argument(key))
    except Exception as exc:
        logger.exception("Could not enqueue %s %s", kind.noun, key)
        fail(kind, key, f"The {kind.noun} could not be queued: {type(exc).__name__}: {exc}")
        return
    if kind.task_id_field:
        kind.rows().filter(pk=key, **{kind.task_id_field: ""}).update(
            **{kind.task_id_field: str(result.id)[:64]}
        )


# -- claim and progress -----------------------------------------------------------------


def claim(kind: JobKind, key: Any, /, **fields: Any) -> bool:
    """queued -> running, exactly once; records this process as the worker.

    False when the job is not queued any more (claimed by another worker, cancelled,
    reaped). A job cancelled while queued is closed here, where nothing has started.
    """
    now = timezone.now()
    values: dict[str, Any] = {
        "status": kind.statuses.running,
        kind.started_field: now,
        **kind.messages(STARTING_MESSAGE),
        **fields,
    }
    if kind.heartbeat_field:
        values[kind.heartbeat_field] = now
    if kind.worker_pid_field:
        values[kind.worker_pid_field] = os.getpid()
    queued = kind.rows().filter(pk=key, status=kind.statuses.queued)
    if kind.cancel_field:
        if queued.filter(**{kind.cancel_field: False}).update(**values):
            return True
        _end_queued_cancelled(kind, key, flagged_only=True)
        return False
    return bool(queued.update(**values))


class Progress:
    """Writes a running job's progress (and heartbeat) only when it changes."""

    def __init__(self, kind: JobKind, key: Any, *, ceiling: int = 99) -> None:
        self.kind = kind
        self.key = key
        self.ceiling = ceiling
        self.last: tuple[int | None, str] | None = None

    def __call__(self, percent: int | None, message: str = "") -> None:
        """Store the new value, unless it is the one stored last."""
        kind = self.kind
        value = None if percent is None else max(0, min(self.ceiling, int(percent)))
        current = (value, message)
        if current == self.last:
            return
        self.last = current
        fields: dict[str, Any] = {kind.progress_field: value, **kind.messages(message)}
        if kind.heartbeat_field:
            fields[kind.heartbeat_field] = timezone.now()
        kind.rows().filter(pk=self.key, status=kind.statuses.running).update(**fields)


def cancel_requested(kind: JobKind, key: Any) -> bool:
    if not kind.cancel_field:
        return False
    flag = kind.rows().filter(pk=key).values_list(kind.cancel_field, flat=True).first()
    return bool(flag)


# -- ending ---------------------------------------------------------------------------


def ending_fields(
    kind: JobKind, ending: Ending, *, error: str = "", message: str = ""
) -> dict[str, Any]:
    """The columns a job ending this way gets (status, reason, end time, message)."""
    status = kind.statuses.of(ending)
    if ending == "cancelled" and not kind.statuses.cancelled and not error:
        error = "Cancelled."
    default_message = {
        "succeeded": "Done",
        "failed": FAILED_MESSAGE,
        "cancelled": CANCELLED_MESSAGE,
    }[ending]
    fields: dict[str, Any] = {
        "status": status,
        kind.finished_field: timezone.now(),
        kind.error_field: redact(error)[:ERROR_LENGTH] if error else "",
        **kind.messages(message or default_message),
    }
    if ending == "succeeded":
        fields[kind.progress_field] = 100
    return fields


def end(
    kind: JobKind,
    key: Any,
    ending: Ending,
    /,
    *,
    error: str = "",
    message: str = "",
    only_running: bool = True,
    **fields: Any,
) -> bool:
    """Move a running (or, with ``only_running=False``, a queued) job to its end state.

    The reason is redacted before it is stored. False when the job had already ended
    (reaped, cancelled, deleted): an ended job never changes again.
    """
    values = ending_fields(kind, ending, error=error, message=message) | fields
    statuses = (kind.statuses.running,) if only_running else kind.statuses.active()
    return bool(kind.rows().filter(pk=key, status__in=statuses).update(**values))


def finish(kind: JobKind, key: Any, /, *, message: str = "", **fields: Any) -> bool:
    return end(kind, key, "succeeded", message=message, **fields)


def fail(kind: JobKind, key: Any, reason: str, /, **fields: Any) -> bool:
    """Fail a queued or running job with ``reason`` (redacted)."""
    return end(kind, key, "failed", error=reason, only_running=False, **fields)


def _end_queued_cancelled(kind: JobKind, key: Any, *, flagged_only: bool = False) -> int:
    queued = kind.rows().filter(pk=key, status=kind.statuses.queued)
    if flagged_only:
        queued = queued.filter(**{kind.cancel_field: True})
    values = ending_fields(kind, "cancelled", error=CANCELLED_BEFORE_START)
    if kind.statuses.cancelled:
        values[kind.error_field] = ""
    if kind.cancel_field:
        values[kind.cancel_field] = True
    count: int = queued.update(**values)
    return count


Cancelled = Literal["cancelled", "requested", "ended", "missing"]


def cancel(kind: JobKind, key: Any) -> Cancelled:
    """Cancel a job: a queued one ends at once, a running one is flagged for its worker.

    Returns ``cancelled`` (ended now), ``requested`` (running; the worker decides),
    ``ended`` (it had already ended) or ``missing``.
    """
    if _end_queued_cancelled(kind, key):
        return "cancelled"
    running = kind.rows().filter(pk=key, status=kind.statuses.running)
    flagged = running.update(**{kind.cancel_field: True}) if kind.cancel_field else 0
    if flagged or running.exists():
        return "requested"
    # Neither queued nor running: a job never goes back, so it has ended (or never was).
    return "ended" if kind.rows().filter(pk=key).exists() else "missing"
