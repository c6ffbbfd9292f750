"""Settings of the data lab: ``settings.DJDESK_DATALAB`` merged over these defaults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings

from djdesk_inspector.kernel.appsettings import folder, load, typed

SETTING = "DJDESK_DATALAB"
FOLDER = "datalab-exports"


@dataclass(frozen=True)
class DatalabSettings:
    TEMPLATES: tuple[str, ...] = typed(
        (),
        tuple,
        help=(
            "Dotted paths to project-specific "
            ":class:`~djdesk_inspector.datalab.registry.NotebookTemplate` objects, "
            "offered after the built-in templates."
        ),
    )
    EXPORT_ROOT: str | PurePath = typed(  # noqa: RUF009 (PurePath is immutable)
        "",
        str,
        PurePath,
        help=(
            "Absolute folder exports are written to, one sub-folder per workspace. Empty: "
            "``<BASE_DIR>/var/datalab-exports`` when the project defines ``BASE_DIR``, "
            "else ``datalab-exports`` in the user data folder (platformdirs)."
        ),
    )
    EXECUTE: bool = typed(
        True,
        bool,
        help=(
            "Run each export's notebook in a kernel so previews show real outputs; only "
            "when nbclient and ipykernel are installed (``djdesk-inspector[datalab]``)."
        ),
    )
    EXECUTION_TIMEOUT: int = typed(
        60, int, help="Seconds a kernel may take to start, and each cell to run."
    )
    HISTORY_LIMIT: int = typed(10, int, help="Exports listed in the status payload.")


def get() -> DatalabSettings:
    return load(DatalabSettings, SETTING)


def raw() -> Any:
    """The dict as the project wrote it (the checks tell explicit choices from defaults)."""
    return getattr(settings, SETTING, {})


def export_root() -> Path:
    """The folder holding every workspace's exports (may not exist yet)."""
    return folder(get().EXPORT_ROOT, FOLDER)
