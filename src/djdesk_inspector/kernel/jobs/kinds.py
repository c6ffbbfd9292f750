"""Job kinds: what the lifecycle needs to know about one model, declared as data.

Every app keeps its own model and status names; a :class:`JobKind` maps them onto the
lifecycle's states (queued, running, succeeded, failed, cancelled) and names the
fields the lifecycle writes. Models and tasks are named by dotted path and resolved
when used, so declaring a kind imports no model, and the backend alias is a callable
read at every use, so a changed setting applies without a re-import.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.module_loading import import_string

from djdesk_inspector.kernel import registry

# Seconds after which a queued job whose task the backend cannot vouch for counts as
# lost (and, for kinds whose worker beats, a running job with a silent heartbeat).
DEFAULT_STALE_AFTER = 60.0


def _default_stale_after() -> float:
    return DEFAULT_STALE_AFTER


@dataclass(frozen=True)
class Statuses:
    """The model's values for each lifecycle state.

    ``cancelled`` is empty for models without such a status: a job cancelled before it
    ran then ends ``failed`` with the reason "Cancelled before it started.".
    """

    queued: str
    running: str
    succeeded: str
    failed: str
    cancelled: str = ""

    def active(self) -> tuple[str, str]:
        return (self.queued, self.running)

    @property
    def cancelled_or_failed(self) -> str:
        return self.cancelled or self.failed

    def of(self, ending: str) -> str:
        """The model's status for a lifecycle ending (succeeded, failed, cancelled)."""
        return {
            "succeeded": self.succeeded,
            "failed": self.failed,
            "cancelled": self.cancelled_or_failed,
        }[ending]


@dataclass(frozen=True)
class JobKind:
    """One kind of job: a model whose rows go through the lifecycle, and its task.

    ``task`` is the dotted path of a django-tasks task taking the row's key (an
    integer primary key as is, a UUID as 32 hex digits). ``backend`` returns the
    ``TASKS`` alias. ``beats`` says the worker refreshes ``heartbeat_field`` while it
    runs, so a heartbeat older than ``stale_after()`` seconds means a dead worker.
    ``on_reaped`` is an optional dotted path to ``f(keys)`` that cleans up after rows
    the reaper failed (staging folders ...). Empty field names mean "no such field".
    """

    name: str
    noun: str
    model: str
    task: str
    backend: Callable[[], str]
    statuses: Statuses
    error_field: str = "error"
    progress_field: str = "progress"
    message_field: str = ""
    task_id_field: str = "task_id"
    worker_pid_field: str = "worker_pid"
    heartbeat_field: str = "heartbeat_at"
    cancel_field: str = "cancel_requested"
    created_field: str = "created_at"
    started_field: str = "started_at"
    finished_field: str = "finished_at"
    beats: bool = False
    stale_after: Callable[[], float] = _default_stale_after
    on_reaped: str = ""

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)

    def rows(self) -> models.QuerySet[Any]:
        rows: models.QuerySet[Any] = self.model_class()._default_manager.all()
        return rows

    def task_object(self) -> Any:
        """The task bound to the alias the settings name now."""
        return import_string(self.task).using(backend=self.backend())

    def messages(self, text: str) -> dict[str, str]:
        """``{message_field: text}`` for models that keep a progress message."""
        if not self.message_field:
            return {}
        field = self.model_class()._meta.get_field(self.message_field)
        length = getattr(field, "max_length", None) or 200
        return {self.message_field: text[:length]}


def task_argument(key: Any) -> Any:
    """How a row's key travels to its task: JSON-safe (UUIDs as hex)."""
    return key.hex if isinstance(key, uuid.UUID) else key


def kinds() -> list[JobKind]:
    """The job kinds the installed apps declare, in ``INSTALLED_APPS`` order."""
    return [_load(path) for path in registry.job_kind_paths()]


def _load(path: str) -> JobKind:
    """The kind at ``path``; ImportError, or TypeError when it is not a JobKind."""
    kind = import_string(path)
    if not isinstance(kind, JobKind):
        raise TypeError(f"{path} is a {type(kind).__name__}, not a JobKind")
    return kind


def kind_named(name: str) -> JobKind:
    for kind in kinds():
        if kind.name == name:
            return kind
    raise LookupError(f"No installed app declares the job kind {name!r}.")


def check_job_kinds(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    """``djdesk_inspector.E902``: a declared job kind that cannot be loaded.

    Without it, requests of that kind fail and its jobs are never reaped.
    """
    from django.core import checks

    messages: list[Any] = []
    for path in registry.job_kind_paths():
        try:
            _load(path)
        except ImportError as exc:
            problem = f"{type(exc).__name__}: {exc}"
        except TypeError as exc:
            problem = str(exc)
        else:
            continue
        messages.append(
            checks.Error(
                f"The job kind {path} cannot be loaded ({problem}).",
                hint="Fix the import, or remove it from the app's Contributions.",
                id="djdesk_inspector.E902",
            )
        )
    return messages
