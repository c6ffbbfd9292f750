"""Where things live inside ``django-bundle/``; the Electron shell's ``backend.js``
(``bundleLayout``) expects exactly these names."""

from __future__ import annotations

import os
from pathlib import Path

from djdesk_electron_kit.dirs import BUNDLE_DOCS, BUNDLE_MANIFEST, BUNDLE_STATIC

PYTHON = "python"
SITE_PACKAGES = "site-packages"
APP = "app"
STATIC = BUNDLE_STATIC
DOCS = BUNDLE_DOCS
MANIFEST = BUNDLE_MANIFEST

#: Top-level parts, in the order the size report lists them.
PARTS: tuple[str, ...] = (PYTHON, SITE_PACKAGES, APP, STATIC, DOCS)


def interpreter(root: Path, *, windows: bool) -> Path:
    """The bundled interpreter, as the shell spawns it."""
    if windows:
        return root / PYTHON / "python.exe"
    return root / PYTHON / "bin" / "python3"


def python_path(root: Path) -> str:
    """``PYTHONPATH`` for the bundle: the project first, then its dependencies."""
    return os.pathsep.join([str(root / APP), str(root / SITE_PACKAGES)])
