"""``--verify DIR``: does a bundle still hold exactly what its manifest lists?

Also run after the launch check of every build: the launch must not have written
anything into the bundle (a shipped app folder is often read-only).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from djdesk_electron_kit.bundle import layout, manifest
from djdesk_electron_kit.bundle.errors import BundleError

SHOWN = 3


def differences(expected: dict[str, manifest.Entry], found: dict[str, manifest.Entry]) -> list[str]:
    """What differs between two ``files`` maps, one short string per path."""
    issues = [f"missing {path}" for path in sorted(expected.keys() - found.keys())]
    issues += [f"unexpected {path}" for path in sorted(found.keys() - expected.keys())]
    issues += [
        f"changed {path}"
        for path in sorted(expected.keys() & found.keys())
        if expected[path] != found[path]
    ]
    return issues


def problems(root: Path, data: dict[str, Any]) -> list[str]:
    """Differences between ``root`` and ``data['files']``."""
    return differences(data["files"], manifest.scan(root))


def verify(root: Path) -> int:
    """Number of files checked; BundleError (one line) when anything differs."""
    if not root.is_dir():
        raise BundleError(f"{root} is not a folder")
    data = manifest.read(root)
    if data is None:
        raise BundleError(f"{root} has no readable {layout.MANIFEST}")
    issues = problems(root, data)
    if issues:
        shown = "; ".join(issues[:SHOWN]) + (
            f"; and {len(issues) - SHOWN} more" if len(issues) > SHOWN else ""
        )
        raise BundleError(f"{root} does not match its manifest ({len(issues)} problems): {shown}")
    return len(data["files"])
