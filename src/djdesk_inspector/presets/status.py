"""The task-runs section of the dashboard status payload: one query, no log lines."""

from __future__ import annotations

from typing import Any

from djdesk_inspector.presets import runs, targets


def section(workspace: Any) -> dict[str, Any]:
    """Recent runs against ``workspace`` (status, progress, timings) for the dashboard."""
    return {"runs": runs.recent_runs(targets.workspace_key(workspace.slug))}
