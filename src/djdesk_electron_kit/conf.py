"""Settings of the desktop runtime: ``settings.DJDESK_DESKTOP`` merged over these defaults.

The settings helper (:mod:`djdesk_electron_kit.desktop_settings`) reads the same dict
while the settings module is still executing, through :func:`from_mapping`; once
Django is configured, everything else uses :func:`get`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from djdesk_inspector.kernel.appsettings import load, load_mapping, typed

SETTING = "DJDESK_DESKTOP"


@dataclass(frozen=True)
class DesktopSettings:
    APP_NAME: str = typed(
        "",
        str,
        help="Folder name for platformdirs' per-user data and log dirs. Empty: the top "
        "package of the settings module (``atlas`` for ``atlas.settings_desktop``).",
    )
    APP_AUTHOR: str = typed("", str, help="Vendor folder on Windows; empty: none.")
    DATA_DIR: str | PurePath = typed(  # noqa: RUF009 (PurePath is immutable)
        "",
        str,
        PurePath,
        help="Absolute data folder. ``--data-dir`` (env ``DJDESK_DATA_DIR``) wins over it; "
        "empty: platformdirs' user data dir.",
    )
    LOG_DIR: str | PurePath = typed(  # noqa: RUF009 (PurePath is immutable)
        "",
        str,
        PurePath,
        help="Absolute log folder. Env ``DJDESK_LOG_DIR`` wins; empty: ``<data>/logs`` when "
        "the data dir was given explicitly, else platformdirs' user log dir.",
    )
    STATIC_ROOT: str | PurePath = typed(  # noqa: RUF009 (PurePath is immutable)
        "",
        str,
        PurePath,
        help="Collected static files. Empty: the bundle's ``static/`` when the project runs "
        "from a djdesk bundle, else ``<data>/static`` with WhiteNoise reading the finders.",
    )
    DATABASE_NAME: str = typed("db.sqlite3", str, help="SQLite file name inside the data dir.")
    BUSY_TIMEOUT: float = typed(
        20.0, float, help="Seconds SQLite waits for a lock before 'database is locked'."
    )
    LOG_LEVEL: str = typed("INFO", str, help="Level of the rotating log file.")
    LOG_MAX_BYTES: int = typed(5_000_000, int, help="Size at which a log file is rotated.")
    LOG_BACKUPS: int = typed(3, int, help="Rotated log files kept.")
    THREADS: int = typed(4, int, help="waitress worker threads.")
    WORKER: bool = typed(
        True,
        bool,
        help="Supervise a django-tasks-db worker when the default TASKS backend is the "
        "DatabaseBackend.",
    )
    WORKER_QUEUES: str = typed("*", str, help="``db_worker --queue-name`` ('*': every queue).")
    WORKER_POLL_INTERVAL: float = typed(
        0.1,
        float,
        help="Seconds between the worker's queue polls (``db_worker --interval``); short, "
        "so a run's first log line shows within a few hundred milliseconds.",
    )
    WORKER_STOP_TIMEOUT: float = typed(
        10.0, float, help="Seconds the worker gets to finish its task at shutdown."
    )
    WORKER_MAX_FAILURES: int = typed(
        5, int, help="Quick worker deaths in a row before the launcher gives up (exit 5)."
    )
    WORKER_BACKOFF_MAX: float = typed(
        30.0, float, help="Longest wait, in seconds, before restarting a dead worker."
    )
    OFFLINE_POLL_MS: int = typed(
        5000, int, help="How often the offline indicator asks the health endpoint."
    )


POSITIVE = (
    "BUSY_TIMEOUT",
    "LOG_MAX_BYTES",
    "THREADS",
    "WORKER_POLL_INTERVAL",
    "WORKER_STOP_TIMEOUT",
    "WORKER_MAX_FAILURES",
    "WORKER_BACKOFF_MAX",
    "OFFLINE_POLL_MS",
)
PATHS = ("DATA_DIR", "LOG_DIR", "STATIC_ROOT")


def get() -> DesktopSettings:
    return load(DesktopSettings, SETTING)


def from_mapping(namespace: Mapping[str, Any]) -> DesktopSettings:
    """The options of a settings module that has not finished executing yet."""
    return load_mapping(DesktopSettings, namespace.get(SETTING, {}))
