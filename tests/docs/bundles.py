"""Bundles for the docs tests: a hand-made one with traps around it, and a tiny Sphinx project."""

from __future__ import annotations

import os
from importlib.util import find_spec
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

SECRET = b"TOP-SECRET outside the bundle root\n"

# name -> bytes; every file the hand-made bundle serves.
FILES: dict[str, bytes] = {
    "index.html": b"<!doctype html><title>Home</title><p>home</p>",
    "page.html": b"<!doctype html><title>Page</title><p>page</p>",
    "_static/style.css": b"body { color: black; }",
    "_static/app.js": b"console.log('docs');",
    "_static/app.js.map": b'{"version": 3}',
    "data.json": b'{"ok": true}',
    "_static/logo.svg": b'<svg xmlns="http://www.w3.org/2000/svg"/>',
    "_static/font.woff": b"wOFF fake",
    "_static/font.woff2": b"wOF2 fake",
    "_static/logo.png": b"\x89PNG fake",
    "_sources/page.rst.txt": b"Page\n====\n",
    "objects.inv": b"# Sphinx inventory",
    "sub/index.html": b"<!doctype html><title>Sub</title>",
    "sub/deeper/note.txt": b"deep note",
    ".buildinfo": b"config: hidden",
    "empty/.keep": b"",
}


def _symlink(link: Path, target: str) -> None:
    try:
        link.symlink_to(target)
    except (OSError, NotImplementedError):
        pytest.skip("this platform cannot create symlinks")


def make_bundle(base: Path) -> Path:
    """A bundle root at ``base/bundle``, with a secret beside it and symlinks that try to escape."""
    (base / "secret.txt").write_bytes(SECRET)
    (base / "secret-dir").mkdir()
    (base / "secret-dir" / "index.html").write_bytes(SECRET)
    root = base / "bundle"
    for name, content in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    _symlink(root / "inside-link.html", "page.html")
    _symlink(root / "escape.html", "../secret.txt")
    _symlink(root / "escape-abs.html", str(base / "secret.txt"))
    _symlink(root / "escape-dir", "../secret-dir")
    _symlink(root / "up", "..")
    _symlink(root / "loop", "loop")
    _symlink(root / "dangling.html", "nowhere.html")
    (root / "linked-index").mkdir()
    _symlink(root / "linked-index" / "index.html", "../../secret.txt")
    return root


SPHINX_CONF = 'project = "Zoo"\nversion = release = "1.2"\nhtml_theme = "furo"\n'
# A captioned toctree and a code block wider than the page, as real docs have: the
# shapes whose theme markup the docs view repairs for accessibility.
SPHINX_INDEX = "Zoo\n===\n\n.. toctree::\n   :caption: Guide\n\n   animals\n\nWelcome to the zoo.\n"
SPHINX_ANIMALS = (
    "Animals\n=======\n\nThe quokka smiles at visitors.\n\n.. code-block:: python\n\n"
    "   feeding = {" + ", ".join(f"'animal_{i}': 'food_{i}'" for i in range(30)) + "}\n"
)


def write_sphinx_project(folder: Path, *, broken: bool = False) -> Path:
    """A tiny furo project; ``broken`` adds a toctree entry that makes ``-W`` fail."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "conf.py").write_text(SPHINX_CONF)
    index = SPHINX_INDEX + ("\n.. toctree::\n\n   missing-page\n" if broken else "")
    (folder / "index.rst").write_text(index)
    (folder / "animals.rst").write_text(SPHINX_ANIMALS)
    return folder


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` by relative path: compares bundles byte for byte."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def entries(folder: Path) -> set[str]:
    return set(os.listdir(folder))


def require_sphinx() -> None:
    """Skip without Sphinx and furo locally; in CI, where they must be installed, fail."""
    missing = [name for name in ("sphinx", "furo") if find_spec(name) is None]
    if not missing:
        return
    reason = f"{' and '.join(missing)} not installed (pip install 'djdesk-inspector[docs]')"
    if IN_CI:
        pytest.fail(f"{reason} (CI must install it)")
    pytest.skip(reason)
