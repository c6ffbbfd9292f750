"""``bundle.json``: what a docs bundle contains and which inline scripts it may run.

Written by ``djdesk_docs_bundle`` as the last step of a build and read on every HTML
request (cached until the file changes), so the view never walks the tree.
"""

from __future__ import annotations

import json
import re
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from djdesk_inspector import __version__
from djdesk_inspector.docs import csp

NAME = "bundle.json"
FORMAT = 1
# Sphinx writes the project's version into this file of every HTML build.
DOCS_VERSION = re.compile(r"""\bVERSION:\s*['"]([^'"]*)['"]""")
HASH_SOURCE = re.compile(r"sha256-[A-Za-z0-9+/]+={0,2}")

_cache: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}
_lock = threading.Lock()


def _docs_version(tree: Path) -> str:
    options = tree / "_static" / "documentation_options.js"
    try:
        match = DOCS_VERSION.search(options.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return ""
    return match.group(1) if match else ""


def describe(tree: Path, *, builder: str, git_sha: str | None) -> dict[str, Any]:
    """The manifest of a finished build in ``tree`` (not yet containing bundle.json)."""
    files = 0
    total = 0
    hashes: set[str] = set()
    for path in sorted(tree.rglob("*")):
        if not path.is_file() or path.name == NAME:
            continue
        files += 1
        total += path.stat().st_size
        if path.suffix.lower() in csp.HTML_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            hashes |= csp.inline_script_hashes(text)
    return {
        "format": FORMAT,
        "version": __version__,
        "docs_version": _docs_version(tree),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "git_sha": git_sha,
        "builder": builder,
        "file_count": files,
        "total_bytes": total,
        "script_hashes": sorted(hashes),
    }


def write(tree: Path, data: dict[str, Any]) -> None:
    (tree / NAME).write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read(root: Path) -> dict[str, Any] | None:
    """The manifest of the bundle at ``root``, or None when there is none (or it is broken)."""
    path = root / NAME
    try:
        info = path.stat()
    except OSError:
        return None
    key = (info.st_mtime_ns, info.st_size)
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == key:
        return cached[1]
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    with _lock:
        _cache[str(path)] = (key, data)
    return data


def script_hashes(root: Path) -> tuple[str, ...]:
    """The well-formed CSP hash sources of the bundle; anything else in the file is ignored."""
    data = read(root) or {}
    hashes = data.get("script_hashes", [])
    if not isinstance(hashes, list):
        return ()
    return tuple(h for h in hashes if isinstance(h, str) and HASH_SOURCE.fullmatch(h))


def offline_bundle() -> tuple[Path, str]:
    """Where the built docs are and what marks them, for the desktop bundler."""
    from djdesk_inspector.docs import conf

    return conf.bundle_dir(), NAME
