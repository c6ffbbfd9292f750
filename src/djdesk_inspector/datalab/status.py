"""The exports section of the dashboard status payload: one query."""

from __future__ import annotations

from typing import Any

from djdesk_inspector.datalab import exports


def section(workspace: Any) -> dict[str, Any]:
    """Recent exports of ``workspace``: status, progress, template, version and URLs."""
    reason = exports.execution_refusal(workspace)
    return {
        "exports": exports.recent(workspace),
        "execution": {"available": not reason, "reason": reason or None},
    }
