"""Fail work that a dead process left ``running``, app by app.

Each app owns the meaning of "running" for its own models and declares a reaper on
its ``AppConfig`` (:mod:`.registry`). The desktop launcher calls :func:`reap_all`
before its worker starts, and again when the worker dies. A reaper that cannot be
imported is never skipped in silence: it is logged as an error here and reported by
the ``djdesk_inspector.E901`` system check (:func:`check_reapers`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core import checks

from djdesk_inspector.kernel import registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resolved:
    app_label: str
    reaper: registry.Reaper
    function: Callable[..., Any] | None
    problem: str = ""


def resolve_all() -> list[Resolved]:
    """Every applicable reaper, imported; a broken one carries its problem."""
    resolved: list[Resolved] = []
    for label, reaper in registry.reapers():
        try:
            function = registry.resolve_callable(reaper.function)
        except (ImportError, TypeError) as exc:
            resolved.append(Resolved(label, reaper, None, f"{type(exc).__name__}: {exc}"))
        else:
            resolved.append(Resolved(label, reaper, function))
    return resolved


def reap_all(**kwargs: Any) -> dict[str, int]:
    """Run every reaper; one failing never stops the others. Returns counts by path.

    ``kwargs`` (``reason=``, ``worker_pid=``) go to every reaper: the contract of
    :class:`~djdesk_inspector.kernel.registry.Reaper` is that each accepts them.
    """
    counts: dict[str, int] = {}
    for item in resolve_all():
        path = item.reaper.function
        if item.function is None:
            logger.error("Reaper %s of %s cannot be loaded: %s", path, item.app_label, item.problem)
            continue
        try:
            result = item.function(**kwargs)
        except Exception:
            logger.exception("Reaper %s failed", path)
            continue
        counts[path] = result if isinstance(result, int) else 0
        if counts[path]:
            logger.warning("%s marked %d interrupted run(s) as failed", path, counts[path])
    return counts


def check_reapers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """``djdesk_inspector.E901``: crash recovery must not switch itself off."""
    return [
        checks.Error(
            f"The reaper {item.reaper.function} declared by {item.app_label} cannot be "
            f"loaded ({item.problem}); work a crashed worker leaves running would never "
            "be marked failed.",
            hint="Fix the import, or remove the reaper from the app's Contributions.",
            id="djdesk_inspector.E901",
        )
        for item in resolve_all()
        if item.function is None
    ]
