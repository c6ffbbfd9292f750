"""Where a desktop install keeps its data, logs and static files.

Order of precedence, so a packaged app never writes inside its own (often read-only,
signed) bundle: the launcher's ``--data-dir`` (passed in-process as ``DJDESK_DATA_DIR``),
then ``DJDESK_DESKTOP['DATA_DIR']``, then platformdirs' per-user folder for the app.

:func:`ensure` creates the writable folders and proves they are writable (one probe
file, created and removed), so a read-only or impossible data dir is one
:class:`UnwritableDir` naming the folder, not a traceback from whatever writes first.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from djdesk_electron_kit.conf import DesktopSettings
from djdesk_electron_kit.runtime import DATA_DIR_ENV, LOG_DIR_ENV

# Written by ``djdesk_bundle`` next to ``app/`` and ``static/``.
BUNDLE_MANIFEST = "manifest.json"
BUNDLE_DOCS = "docs"
BUNDLE_STATIC = "static"


class UnwritableDir(OSError):
    """A folder the desktop runtime must write to cannot be created or written."""

    def __init__(self, folder: Path, cause: OSError) -> None:
        reason = cause.strerror or str(cause)
        super().__init__(cause.errno, reason, str(folder))
        self.folder = folder
        self.reason = reason

    def __str__(self) -> str:
        return f"cannot write to the folder {self.folder} ({self.reason})"


@dataclass(frozen=True)
class DesktopPaths:
    data_dir: Path
    log_dir: Path
    static_root: Path
    # True when STATIC_ROOT holds collected files (a bundle): no finders needed.
    static_collected: bool


def app_name(options: DesktopSettings, settings_module: str) -> str:
    return options.APP_NAME or settings_module.partition(".")[0] or "djdesk-app"


def project_dir(settings_file: str | None, settings_module: str, base_dir: object) -> Path | None:
    """The folder holding the settings package (``BASE_DIR`` when the project sets one)."""
    if isinstance(base_dir, (str, os.PathLike)) and str(base_dir):
        return Path(base_dir).resolve()
    if not settings_file:
        return None
    depth = settings_module.count(".")
    return Path(settings_file).resolve().parents[depth]


def bundled_static(project: Path | None) -> Path | None:
    """``<bundle>/static`` when the project runs from a djdesk bundle's ``app/``."""
    if project is None:
        return None
    root = project.parent
    static = root / BUNDLE_STATIC
    if (root / BUNDLE_MANIFEST).is_file() and static.is_dir():
        return static
    return None


def bundled_docs(project: Path | None) -> Path | None:
    """``<bundle>/docs`` when the project runs from a bundle built with ``--include-docs``."""
    if project is None:
        return None
    docs = project.parent / BUNDLE_DOCS
    if (project.parent / BUNDLE_MANIFEST).is_file() and (docs / "index.html").is_file():
        return docs
    return None


def _platform_dirs(name: str, author: str) -> tuple[Path, Path]:
    from platformdirs import user_data_path, user_log_path

    vendor: str | Literal[False] = author or False
    return user_data_path(name, vendor), user_log_path(name, vendor)


def resolve(
    options: DesktopSettings,
    *,
    settings_module: str,
    project: Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> DesktopPaths:
    """Compute (without creating) every folder the desktop settings point at."""
    env = os.environ if environ is None else environ
    explicit_data = env.get(DATA_DIR_ENV) or str(options.DATA_DIR)
    explicit_log = env.get(LOG_DIR_ENV) or str(options.LOG_DIR)
    if explicit_data:
        data_dir = Path(explicit_data).expanduser().resolve()
        log_dir = Path(explicit_log).expanduser().resolve() if explicit_log else data_dir / "logs"
    else:
        default_data, default_log = _platform_dirs(
            app_name(options, settings_module), options.APP_AUTHOR
        )
        data_dir = default_data
        log_dir = Path(explicit_log).expanduser().resolve() if explicit_log else default_log
    if str(options.STATIC_ROOT):
        configured = Path(options.STATIC_ROOT)
        collected = configured.is_dir() and any(configured.iterdir())
        return DesktopPaths(data_dir, log_dir, configured, collected)
    bundle = bundled_static(project)
    if bundle is not None:
        return DesktopPaths(data_dir, log_dir, bundle, True)
    return DesktopPaths(data_dir, log_dir, data_dir / "static", False)


def check_writable(folder: Path) -> None:
    """Create ``folder`` if needed and write a probe file in it; :class:`UnwritableDir`
    when either fails (read-only mount, immutable folder, a file in the way, no rights)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        probe = folder / f".djdesk-probe-{os.getpid()}-{secrets.token_hex(4)}"
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise UnwritableDir(folder, exc) from exc
    os.close(fd)
    with contextlib.suppress(OSError):
        probe.unlink()


def ensure(paths: DesktopPaths) -> None:
    """Create the writable folders, private to the user where the OS allows it."""
    for folder in (paths.data_dir, paths.log_dir):
        check_writable(folder)
    if not paths.static_collected and paths.static_root.parent == paths.data_dir:
        paths.static_root.mkdir(exist_ok=True)  # WhiteNoise warns about a missing root
