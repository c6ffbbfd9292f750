"""Settings of the inspector app: ``settings.DJDESK_INSPECTOR`` merged over these defaults."""

from __future__ import annotations

from dataclasses import dataclass

from djdesk_inspector.kernel.appsettings import load, typed

SETTING = "DJDESK_INSPECTOR"


@dataclass(frozen=True)
class InspectorSettings:
    PROTECTED_PATHS: tuple[str, ...] = typed(
        (), tuple, help="Extra folders that may never be registered as a workspace."
    )
    SCAN_TIMEOUT: int = typed(60, int, help="Seconds before a live scan's process tree is killed.")
    OUTPUT_LIMIT_BYTES: int = typed(
        4_000_000, int, help="Most bytes read from a probe's output before it is cut."
    )
    HISTORY_LIMIT: int = typed(10, int, help="Scans and task runs listed in the status payload.")
    POLL_INTERVAL_MS: int = typed(3000, int, help="How often the dashboard polls the status API.")
    TASK_BACKEND: str = typed("default", str, help="The TASKS alias that runs scans.")
    ENV_ALLOWLIST: tuple[str, ...] = typed(
        (), tuple, help="Extra environment variables passed to probes and task runs."
    )
    PERMISSION_CALLBACK: str = typed(
        "djdesk_inspector.kernel.permissions.default_callback",
        str,
        help="Dotted path to f(request, action) -> bool, asked by every djdesk view.",
    )
    TRUST_NEW_WORKSPACES: bool = typed(
        False,
        bool,
        help="Trust new workspaces when they are added (trusted ones run the project's code).",
    )


def get() -> InspectorSettings:
    return load(InspectorSettings, SETTING)
