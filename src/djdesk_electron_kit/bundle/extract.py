"""Unpack a runtime archive without letting any member land outside the target.

Every member is checked *before* anything is written, so a hostile archive leaves
nothing behind: names must be relative, free of ``..`` and under the archive's
``python/`` root; symlinks and hardlinks must resolve inside it (never to the
root itself); devices and FIFOs are refused. On Pythons that have it (3.12, and
3.8.17+/3.9.17+/3.10.12+/3.11.4+ backports), the ``data`` extraction filter of
PEP 706 then applies the same rules again and drops unsafe permission bits.
"""

from __future__ import annotations

import posixpath
import tarfile
from pathlib import Path

from djdesk_electron_kit.bundle.errors import BundleError

ROOT = "python"


def _normalized(name: str) -> str:
    return posixpath.normpath(name.replace("\\", "/"))


def _inside(path: str) -> bool:
    """True when ``path`` (normalized, relative to the extraction folder) is under ROOT."""
    return path == ROOT or path.startswith(ROOT + "/")


def member_problem(member: tarfile.TarInfo) -> str:
    """Why ``member`` must not be extracted, or ``""``."""
    raw = member.name.replace("\\", "/")
    if raw.startswith("/") or (len(raw) > 1 and raw[1] == ":"):
        return "absolute path"
    if ".." in raw.split("/"):
        return "'..' in its path"
    name = _normalized(raw)
    if not _inside(name):
        return f"outside the {ROOT}/ folder"
    if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
        return "not a regular file, folder or link"
    if member.issym() or member.islnk():
        target = member.linkname.replace("\\", "/")
        if target.startswith("/") or (len(target) > 1 and target[1] == ":"):
            return f"link to an absolute path ({member.linkname})"
        # Symlinks resolve from their folder, hardlinks from the archive root.
        base = posixpath.dirname(name) if member.issym() else ""
        resolved = _normalized(posixpath.join(base, target))
        if not _inside(resolved) or resolved == ROOT:
            return f"link leaving the {ROOT}/ folder ({member.linkname})"
    return ""


def check(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Every member, or BundleError naming the first unsafe one."""
    members = archive.getmembers()
    if not members:
        raise BundleError("the runtime archive is empty")
    for member in members:
        problem = member_problem(member)
        if problem:
            raise BundleError(f"refusing the runtime archive: member {member.name!r}: {problem}")
    return members


def extract(archive_path: Path, target: Path) -> Path:
    """Extract ``archive_path`` (a ``python/...`` tarball) into ``target``; return target/python."""
    try:
        with tarfile.open(archive_path, "r:*") as archive:
            members = check(archive)
            if hasattr(tarfile, "data_filter"):
                archive.extractall(target, members=members, filter="data")
            else:
                archive.extractall(target, members=members)  # noqa: S202 (members checked above)
    except tarfile.TarError as exc:
        raise BundleError(f"cannot read the runtime archive {archive_path.name}: {exc}") from exc
    return target / ROOT
