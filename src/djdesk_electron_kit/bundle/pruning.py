"""Step 6: drop the parts of the runtime and the dependencies a desktop app never runs.

Glob patterns relative to ``python/`` (POSIX and Windows layouts differ) and to
``site-packages/``. The runtime's own pip goes too: step 2 was its last use.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from djdesk_electron_kit.bundle import layout
from djdesk_electron_kit.bundle.progress import tree_size

#: python-build-standalone on Linux and macOS.
RUNTIME_POSIX: tuple[str, ...] = (
    "bin/idle3*",
    "bin/pydoc3*",
    "bin/2to3*",
    "bin/pip*",
    "bin/python3*-config",
    "include",
    "share",
    "lib/pkgconfig",
    "lib/tcl*",
    "lib/tk*",
    "lib/libtcl*",
    "lib/libtk*",
    "lib/itcl*",
    "lib/thread*",
    "lib/Tix*",
    "lib/python3.*/config-3.*",
    "lib/python3.*/idlelib",
    "lib/python3.*/tkinter",
    "lib/python3.*/turtledemo",
    "lib/python3.*/turtle.py",
    "lib/python3.*/__pycache__/turtle.*",
    "lib/python3.*/ensurepip",
    "lib/python3.*/test",
    "lib/python3.*/unittest/test",
    "lib/python3.*/lib2to3/tests",
    "lib/python3.*/ctypes/test",
    "lib/python3.*/sqlite3/test",
    "lib/python3.*/tkinter/test",
    "lib/python3.*/distutils/tests",
    "lib/python3.*/lib-dynload/_tkinter*",
    "lib/python3.*/lib-dynload/_test*",
    "lib/python3.*/lib-dynload/xxlimited*",
    "lib/python3.*/site-packages/pip",
    "lib/python3.*/site-packages/pip-*.dist-info",
)
#: python-build-standalone on Windows.
RUNTIME_WINDOWS: tuple[str, ...] = (
    "include",
    "libs",
    "Scripts",
    "tcl",
    "Lib/idlelib",
    "Lib/tkinter",
    "Lib/turtledemo",
    "Lib/turtle.py",
    "Lib/__pycache__/turtle.*",
    "Lib/ensurepip",
    "Lib/test",
    "Lib/unittest/test",
    "Lib/lib2to3/tests",
    "Lib/ctypes/test",
    "Lib/sqlite3/test",
    "Lib/tkinter/test",
    "Lib/distutils/tests",
    "DLLs/_tkinter.pyd",
    "DLLs/tcl*.dll",
    "DLLs/tk*.dll",
    "DLLs/_test*.pyd",
    "DLLs/xxlimited*.pyd",
    "Lib/site-packages/pip",
    "Lib/site-packages/pip-*.dist-info",
)
#: In ``site-packages/``: console scripts ``pip --target`` writes (their shebang names the
#: build machine's python), and gettext catalogs' sources (only the ``.mo`` are read).
SITE_PACKAGES: tuple[str, ...] = ("bin", "**/locale/*/LC_MESSAGES/*.po")


def prune(root: Path, patterns: tuple[str, ...]) -> tuple[int, list[str]]:
    """Delete what ``patterns`` match under ``root``; returns (bytes freed, paths removed)."""
    freed = 0
    removed: list[str] = []
    if not root.is_dir():
        return freed, removed
    for pattern in patterns:
        for path in sorted(root.glob(pattern)):
            if not (path.exists() or path.is_symlink()):
                continue  # inside a folder an earlier pattern removed
            freed += tree_size(path)
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path.relative_to(root).as_posix())
    return freed, removed


def prune_runtime(bundle: Path, *, windows: bool) -> tuple[int, list[str]]:
    return prune(bundle / layout.PYTHON, RUNTIME_WINDOWS if windows else RUNTIME_POSIX)


def prune_site_packages(bundle: Path) -> tuple[int, list[str]]:
    return prune(bundle / layout.SITE_PACKAGES, SITE_PACKAGES)
