"""What each installed djdesk app contributes, collected from its ``AppConfig``.

An app declares its URL mount, status sections, OpenAPI operations, reapers and job
kinds once, as ``djdesk = Contributions(...)`` on its ``AppConfig`` (the way
debug-toolbar collects panels from a setting). The kernel asks the installed apps,
in ``INSTALLED_APPS`` order, so no central table names a sibling app and an app that
is not installed contributes nothing. Everything here is a dotted path, resolved
when it is used, so declaring never imports an app's models.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import AppConfig, apps
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mount:
    """``include(urlconf)`` at ``prefix`` under the djdesk mount."""

    prefix: str
    urlconf: str


@dataclass(frozen=True)
class StatusSection:
    """A part of the status payload: ``key`` -> ``builder(workspace) -> dict``."""

    key: str
    builder: str


@dataclass(frozen=True)
class Reaper:
    """A callable returning a count that fails work a dead process left.

    Called with keyword options only, which it must accept (and may ignore):
    ``reason`` (stored as the error) and ``worker_pid`` (the worker seen dying). Job
    kinds get one from :func:`djdesk_inspector.kernel.jobs.reaper`.

    ``requires`` names an app label that must also be installed (e.g. the task
    database whose rows the reaper touches).
    """

    function: str
    requires: str = ""


@dataclass(frozen=True)
class Contributions:
    """What one app adds to djdesk; every field is optional."""

    mount: Mount | None = None
    status_sections: tuple[StatusSection, ...] = ()
    operations: str = ""  # dotted path to a tuple of kernel.openapi.Operation
    reapers: tuple[Reaper, ...] = ()
    job_kinds: tuple[str, ...] = ()  # dotted paths to kernel.jobs.JobKind instances
    extra: dict[str, Any] = field(default_factory=dict)


ATTRIBUTE = "djdesk"


def installed_label(label: str) -> bool:
    return any(config.label == label for config in apps.get_app_configs())


def contributing_apps() -> Iterator[tuple[AppConfig, Contributions]]:
    """Installed apps that declare contributions, in ``INSTALLED_APPS`` order."""
    for config in apps.get_app_configs():
        declared = getattr(config, ATTRIBUTE, None)
        if isinstance(declared, Contributions):
            yield config, declared


def mounts() -> list[Mount]:
    return [c.mount for _config, c in contributing_apps() if c.mount is not None]


def status_sections() -> list[tuple[str, StatusSection]]:
    """(app label, section) pairs of the installed apps."""
    return [
        (config.label, section)
        for config, c in contributing_apps()
        for section in c.status_sections
    ]


def operation_tables() -> list[str]:
    return [c.operations for _config, c in contributing_apps() if c.operations]


def reapers() -> list[tuple[str, Reaper]]:
    """(app label, reaper) pairs whose required app is installed too."""
    return [
        (config.label, reaper)
        for config, c in contributing_apps()
        for reaper in c.reapers
        if not reaper.requires or installed_label(reaper.requires)
    ]


def extras(key: str) -> list[Any]:
    """What the installed apps declare under ``Contributions.extra[key]``, in order."""
    return [c.extra[key] for _config, c in contributing_apps() if key in c.extra]


def job_kind_paths() -> list[str]:
    return [path for _config, c in contributing_apps() for path in c.job_kinds]


def resolve_callable(dotted: str) -> Callable[..., Any]:
    """Import ``dotted``; ImportError when it is missing, TypeError when not callable."""
    target = import_string(dotted)
    if not callable(target):
        raise TypeError(f"{dotted} is not callable")
    return target  # type: ignore[no-any-return]
