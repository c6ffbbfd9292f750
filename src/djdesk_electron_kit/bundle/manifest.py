"""Step 7: ``manifest.json``, what the bundle is and how it was made.

Same inputs give the same manifest but for ``built_at``: keys are sorted, paths are
POSIX and relative to the bundle, and no host path appears except where it is an
input (the system runtime's interpreter). ``files`` maps every file to its sha256
and size (a symlink to its target), so :mod:`.verify` can re-check a bundle and the
next build can trust the site-packages it reuses.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from djdesk_electron_kit.bundle import layout

FORMAT = 1
CHUNK = 1 << 20
#: Keys that change between two builds of the same inputs.
VOLATILE_KEYS: tuple[str, ...] = ("built_at",)

Entry = dict[str, Any]


def file_entry(path: Path) -> Entry:
    if path.is_symlink():
        return {"symlink": os.readlink(path)}
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def scan(root: Path, *, under: str = "") -> dict[str, Entry]:
    """Every file below ``root`` (or ``root/under``) but the manifest, by POSIX path."""
    start = root / under if under else root
    files: dict[str, Entry] = {}
    if start.is_symlink() or start.is_file():
        return {start.relative_to(root).as_posix(): file_entry(start)}
    if not start.exists():
        return files
    for folder, dirs, names in os.walk(start):
        base = Path(folder)
        # A symlinked folder is recorded as a link, never walked into.
        links = [d for d in dirs if (base / d).is_symlink()]
        dirs[:] = sorted(d for d in dirs if d not in links)
        for name in sorted([*names, *links]):
            path = base / name
            relative = path.relative_to(root).as_posix()
            if relative == layout.MANIFEST:
                continue
            files[relative] = file_entry(path)
    return files


def sizes(files: dict[str, Entry]) -> dict[str, int]:
    """Bytes per top-level part, plus ``total``."""
    totals = {part: 0 for part in layout.PARTS}
    for relative, entry in files.items():
        top = relative.split("/", 1)[0]
        totals[top] = totals.get(top, 0) + int(entry.get("size", 0))
    totals["total"] = sum(totals.values())
    return totals


def build(
    files: dict[str, Entry],
    *,
    versions: dict[str, str],
    runtime: dict[str, Any],
    inputs: dict[str, Any],
    dependencies: dict[str, Any],
    git: str | None,
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "versions": versions,
        "runtime": runtime,
        "inputs": inputs,
        "dependencies": dependencies,
        "git_sha": git,
        "sizes": sizes(files),
        "files": files,
    }


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write(root: Path, data: dict[str, Any]) -> None:
    (root / layout.MANIFEST).write_text(dumps(data), encoding="utf-8")


def read(root: Path) -> dict[str, Any] | None:
    """The manifest of the bundle at ``root``; None when missing or unreadable."""
    try:
        data = json.loads((root / layout.MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return None
    return data


def stable(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the keys that differ between identical builds."""
    return {key: value for key, value in data.items() if key not in VOLATILE_KEYS}
