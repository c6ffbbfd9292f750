"""Path rules for workspaces: normalisation and the folders that may never be inspected.

Registering ``/`` or ``C:\\Windows`` as a "project" would let a scan walk the whole
system, so those folders are refused whatever the user types.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path, PurePath, PureWindowsPath

POSIX_PROTECTED = (
    "/",
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib64",
    "/proc",
    "/root",
    "/sbin",
    "/sys",
    "/usr",
    "/usr/bin",
    "/usr/lib",
    "/usr/local",
    "/var",
    "/System",
    "/Library",
    "/Applications",
    "/private",
    "/private/etc",
    "/Users",
    "/home",
)
WINDOWS_PROTECTED = (
    "C:\\",
    "C:\\Windows",
    "C:\\Windows\\System32",
    "C:\\Program Files",
    "C:\\Program Files (x86)",
    "C:\\ProgramData",
    "C:\\Users",
)


def normalize(raw: str | os.PathLike[str]) -> Path:
    """Absolute, user-expanded and symlink-resolved: one spelling per folder."""
    return Path(raw).expanduser().resolve()


def same_path_key(path: str | os.PathLike[str]) -> str:
    """A comparison key: case-folded where the file system is (Windows, macOS)."""
    return os.path.normcase(str(path)).rstrip("\\/") or os.sep


def protected_paths(extra: tuple[str, ...] = ()) -> tuple[PurePath, ...]:
    """The protected folders for this OS, plus the user's home itself and ``extra``."""
    if sys.platform == "win32":
        system_root = os.environ.get("SYSTEMROOT", "C:\\Windows")
        base: tuple[PurePath, ...] = tuple(PureWindowsPath(p) for p in WINDOWS_PROTECTED)
        base += (PureWindowsPath(system_root),)
    else:
        base = tuple(Path(p) for p in POSIX_PROTECTED)
    return (*base, Path.home(), *(Path(p) for p in extra))


def is_protected(path: Path, extra: tuple[str, ...] = ()) -> bool:
    """True when ``path`` *is* a protected folder (its subfolders stay usable)."""
    key = same_path_key(path)
    return any(key == same_path_key(p) for p in protected_paths(extra))
