"""Where exports live on disk, how they get there atomically, and how reads stay inside.

Layout: ``<EXPORT_ROOT>/<workspace slug>/<export id hex>/`` holding the notebook, its
JSON data files and ``export.json``. An export is built in a hidden staging folder
next to its final place and renamed into it in one step, so a reader sees all of it
or nothing, and a rename onto an existing folder fails instead of overwriting it.

Reads trust a path only after two gates: the slug, export id and file name must match
strict patterns (no ``..``, separators, dots up front), and the resolved real path,
symlinks followed, must lie inside the workspace's exports folder as the data dir
holds it: the real path of the exports root's *parent* plus the root's and the slug's
own names. So a symlinked exports root, or a symlinked workspace folder, never turns a
read into a read elsewhere (only the folders above the root are the user's to link).
Every refusal is :class:`NotFound`, which views turn into a 404.
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from djdesk_inspector.datalab import conf

SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}", re.IGNORECASE)
EXPORT_ID = re.compile(r"[0-9a-f]{32}")
FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")
MANIFEST = "export.json"
STAGING_PREFIX = ".staging-"
TRASH_PREFIX = ".deleting-"
# Fixed timestamp for zip entries: the same export always zips to the same bytes.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


class NotFound(Exception):
    """A slug, id or file that is malformed, missing, or resolves outside the exports."""


class PublishError(Exception):
    """The finished folder could not be put in place (the message is for the user)."""


@dataclass(frozen=True)
class Written:
    name: str
    bytes: int

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "bytes": self.bytes}


def valid_slug(slug: object) -> bool:
    return isinstance(slug, str) and SLUG.fullmatch(slug) is not None


def valid_export_id(export_id: object) -> bool:
    return isinstance(export_id, str) and EXPORT_ID.fullmatch(export_id) is not None


def valid_file_name(name: object) -> bool:
    return isinstance(name, str) and FILE_NAME.fullmatch(name) is not None and ".." not in name


def workspace_dir(slug: str, root: Path | None = None) -> Path:
    if not valid_slug(slug):
        raise NotFound(slug)
    return (root or conf.export_root()) / slug


def export_dir(slug: str, export_id: str, root: Path | None = None) -> Path:
    """The folder an export is (or will be) published at; lexical checks only."""
    if not valid_export_id(export_id):
        raise NotFound(export_id)
    return workspace_dir(slug, root) / export_id


def anchored_root(root: Path | None = None) -> Path:
    """The exports root as trusted: its parent's real path plus its own name, unfollowed."""
    configured = Path(os.path.abspath(root or conf.export_root()))
    return configured.parent.resolve() / configured.name


def _real_inside(path: Path, container: Path) -> Path:
    """``path`` resolved (symlinks followed); NotFound unless inside ``container``.

    ``container`` is taken as it is spelled (see :func:`anchored_root`), never resolved:
    resolving it would follow a link planted in its place.
    """
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:  # missing, unreadable, or a symlink loop
        raise NotFound(str(path)) from exc
    if real == container or not real.is_relative_to(container):
        raise NotFound(str(path))
    return real


def locate_dir(slug: str, export_id: str, root: Path | None = None) -> Path:
    """The real folder of a published export, never outside the workspace's exports."""
    folder = export_dir(slug, export_id, root)
    real = _real_inside(folder, workspace_dir(slug, anchored_root(root)))
    if not real.is_dir():
        raise NotFound(str(folder))
    return real


def locate(slug: str, export_id: str, name: str, root: Path | None = None) -> Path:
    """The real path of one regular file of an export; NotFound for anything else."""
    if not valid_file_name(name):
        raise NotFound(name)
    folder = locate_dir(slug, export_id, root)
    real = _real_inside(folder / name, folder)
    if not real.is_file():
        raise NotFound(name)
    return real


def files_of(folder: Path) -> list[Path]:
    """The export's own regular files: well-named, not links, resolving inside ``folder``."""
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.is_symlink() or not valid_file_name(entry.name) or not entry.is_file():
            continue
        try:
            found.append(_real_inside(entry, folder))
        except NotFound:
            continue
    return found


# -- writing -----------------------------------------------------------------------


def staging_dir(slug: str, export_id: str, root: Path | None = None) -> Path:
    """A fresh hidden folder beside the final place (same file system, so rename is atomic)."""
    parent = workspace_dir(slug, root)
    parent.mkdir(parents=True, exist_ok=True)
    if parent.resolve() != workspace_dir(slug, anchored_root(root)):
        # Reads would refuse the result; writing there would be writing elsewhere.
        raise PublishError(f"{parent} is a link out of the exports folder; nothing written.")
    prefix = f"{STAGING_PREFIX}{export_id}-"
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


def write_json(folder: Path, name: str, data: Any) -> Written:
    if not valid_file_name(name):
        raise ValueError(f"Not a valid export file name: {name!r}")
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="\n")
    return Written(name, path.stat().st_size)


def write_text(folder: Path, name: str, text: str) -> Written:
    if not valid_file_name(name):
        raise ValueError(f"Not a valid export file name: {name!r}")
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="\n")
    return Written(name, path.stat().st_size)


def publish(staging: Path, slug: str, export_id: str, root: Path | None = None) -> Path:
    """Rename ``staging`` to the export's folder; never replaces an existing one."""
    final = export_dir(slug, export_id, root)
    if final.exists() or final.is_symlink():
        raise PublishError(f"{final} already exists; exports are never overwritten.")
    try:
        # os.rename refuses a non-empty target on POSIX and any target on Windows.
        os.rename(staging, final)
    except OSError as exc:
        raise PublishError(f"Could not publish the export to {final}: {exc}") from exc
    return final


def remove_tree(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    elif path.exists():
        shutil.rmtree(path, ignore_errors=True)


def remove_workspace_dir(slug: str, root: Path | None = None) -> None:
    """Delete a workspace's exports folder, never what a link leads to.

    A linked workspace folder loses the link only; a folder reached through a linked
    exports root is left alone (deleting it would delete elsewhere).
    """
    folder = workspace_dir(slug, anchored_root(root))
    if folder.is_symlink():
        folder.unlink(missing_ok=True)
    elif Path(os.path.realpath(folder)) == folder:
        remove_tree(folder)


def detach(slug: str, export_id: str, root: Path | None = None) -> Path | None:
    """Move a published export aside in one rename (readers 404 at once); None if absent.

    A symlink in the export's place is moved aside too (and later unlinked), never
    followed: deletion must not reach outside the exports.
    """
    final = export_dir(slug, export_id, root)
    if not (final.exists() or final.is_symlink()):
        return None
    trash = final.with_name(f"{TRASH_PREFIX}{export_id}-{secrets.token_hex(4)}")
    os.rename(final, trash)
    return trash


def restore(trash: Path, slug: str, export_id: str, root: Path | None = None) -> None:
    os.rename(trash, export_dir(slug, export_id, root))


def leftovers(slug: str, export_id: str, root: Path | None = None) -> Iterable[Path]:
    """Staging or trash folders an interrupted export or deletion left behind."""
    parent = workspace_dir(slug, root)
    if not parent.is_dir():
        return []
    return [
        *parent.glob(f"{STAGING_PREFIX}{export_id}-*"),
        *parent.glob(f"{TRASH_PREFIX}{export_id}-*"),
    ]


# -- reading -----------------------------------------------------------------------


def zip_bytes(slug: str, export_id: str, folder_name: str, root: Path | None = None) -> bytes:
    """The export's files in one zip, under ``folder_name/``; the same bytes every time."""
    folder = locate_dir(slug, export_id, root)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files_of(folder):
            info = zipfile.ZipInfo(f"{folder_name}/{path.name}", date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()
