"""A SECRET_KEY generated once per install and kept in the data dir.

Shipping a key inside the app would give every user the same one; generating one per
launch would log everybody out and invalidate signed data at each start. So the first
launch writes a random key to ``<data>/secret_key`` and later launches read it back.

POSIX: the file is created with mode 0600 (and the data dir with 0700). Windows
ignores POSIX modes; the file inherits the ACL of the per-user data dir
(``%LOCALAPPDATA%``), which by default grants access only to the user, SYSTEM and
Administrators. A custom ``--data-dir`` elsewhere must be protected the same way.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
from pathlib import Path

FILE_NAME = "secret_key"
KEY_BYTES = 50
_WINDOWS = sys.platform == "win32"


def key_path(data_dir: Path) -> Path:
    return data_dir / FILE_NAME


def load_or_create(data_dir: Path) -> str:
    """The install's key; created atomically so two processes agree on one key."""
    path = key_path(data_dir)
    with contextlib.suppress(FileNotFoundError):
        existing = path.read_text(encoding="ascii").strip()
        if existing:
            return existing
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = secrets.token_urlsafe(KEY_BYTES)
    temp = path.with_name(f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        # A hard link never replaces: if another process won the race, keep its key.
        os.link(temp, path)
    except FileExistsError:
        pass
    except OSError:
        # File systems without hard links (some FAT/network drives).
        if not path.exists():
            os.replace(temp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return path.read_text(encoding="ascii").strip()


def too_open(data_dir: Path) -> bool:
    """True when group or others may read the key file (POSIX only)."""
    if _WINDOWS:
        return False
    try:
        mode = key_path(data_dir).stat().st_mode
    except FileNotFoundError:
        return False
    return bool(mode & (stat.S_IRWXG | stat.S_IRWXO))
