"""Settings of the presets app: ``settings.DJDESK_PRESETS`` merged over these defaults."""

from __future__ import annotations

from dataclasses import dataclass

from djdesk_inspector.kernel.appsettings import load, typed

SETTING = "DJDESK_PRESETS"

DEFAULT_ALLOWLIST: tuple[str, ...] = (
    "check",
    "showmigrations",
    "makemigrations",
    "sqlmigrate",
    "diffsettings",
    "inspectdb",
)


@dataclass(frozen=True)
class PresetsSettings:
    ALLOWLIST: tuple[str, ...] = typed(
        DEFAULT_ALLOWLIST,
        tuple,
        help=(
            "Management commands a preset may run, by exact name. ``dumpdata`` is "
            "shipped as a preset but stays disabled until it is added here."
        ),
    )
    OUTPUT_MAX_LINES: int = typed(10_000, int, help="Most log lines stored per run.")
    OUTPUT_MAX_BYTES: int = typed(2_000_000, int, help="Most bytes of log text stored per run.")
    MAX_LINE_CHARS: int = typed(4_000, int, help="Longer lines are cut (and marked) when stored.")
    DEFAULT_TIMEOUT: int = typed(
        120,
        int,
        help="Seconds before a run's whole process tree is killed, unless its preset says.",
    )
    MAX_TIMEOUT: int = typed(3_600, int, help="Upper bound for any preset's timeout.")
    ALLOW_HOST_TARGET: bool = typed(
        True, bool, help="Offer the host project itself (settings.BASE_DIR) as a target."
    )
    TASK_BACKEND: str = typed("default", str, help="The TASKS alias runs are enqueued on.")
    BATCH_LINES: int = typed(500, int, help="Log lines inserted per batch at most.")
    BATCH_MS: int = typed(
        100, int, help="Longest wait before buffered log lines are inserted (and cancel polled)."
    )
    LOG_PAGE_LINES: int = typed(2_000, int, help="Most log lines one log request returns.")
    HISTORY_LIMIT: int = typed(10, int, help="Runs listed in the status payload and history.")
    STALE_AFTER: int = typed(
        60, int, help="Seconds without a heartbeat after which a running run counts as dead."
    )
    ENV_ALLOWLIST: tuple[str, ...] = typed(
        (), tuple, help="Extra host environment variables passed to runs (secrets never are)."
    )


def get() -> PresetsSettings:
    return load(PresetsSettings, SETTING)
