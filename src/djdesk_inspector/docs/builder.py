"""Build a docs bundle next to the live one, then swap it in atomically.

Readers of the bundle (the docs view, ``djdesk_bundle``) must never see half a
build: everything happens in a hidden sibling folder, and the live folder is only
replaced by two renames once the new tree and its ``bundle.json`` are complete. On
any failure the previous bundle is untouched and the sibling is removed.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from djdesk_inspector.docs import manifest, serving
from djdesk_inspector.kernel import gitinfo

SPHINX = "sphinx"
HTML = "html"
BUILT_MARKERS = (serving.INDEX, "searchindex.js")
ERROR_MARKERS = ("WARNING:", "ERROR:", "CRITICAL:", "Exception", "Error:")
MESSAGE_LIMIT = 300


class BuildError(Exception):
    """A build that could not finish; the message is one line for the user."""


def source_kind(source: Path) -> str:
    """``html`` for a built tree, ``sphinx`` for a Sphinx project; else BuildError."""
    if not source.is_dir():
        raise BuildError(f"Docs source {source} is not a folder.")
    if all((source / name).is_file() for name in BUILT_MARKERS):
        return HTML
    if (source / "conf.py").is_file():
        return SPHINX
    raise BuildError(
        f"{source} is neither a Sphinx project (conf.py) nor a built HTML tree "
        "(index.html + searchindex.js)."
    )


def _one_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    chosen = next((line for line in lines if any(m in line for m in ERROR_MARKERS)), None)
    line = chosen or (lines[-1] if lines else "no output")
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 1] + "…"


def _run_sphinx(source: Path, target: Path, timeout: int) -> None:
    if find_spec("sphinx") is None:
        raise BuildError(
            "Sphinx is not installed: pip install 'djdesk-inspector[docs]', or pass "
            "--source a built HTML folder (index.html + searchindex.js)."
        )
    with tempfile.TemporaryDirectory(prefix="djdesk-doctrees-") as doctrees:
        argv = [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "html",
            "-W",
            "--keep-going",
            "-q",
            "-d",
            doctrees,
            str(source),
            str(target),
        ]
        try:
            done = subprocess.run(
                argv, cwd=source, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise BuildError(f"sphinx-build did not finish within {timeout} s.") from exc
    if done.returncode != 0:
        detail = _one_line(done.stderr + "\n" + done.stdout)
        raise BuildError(f"sphinx-build failed (exit {done.returncode}): {detail}")


def _copy_ignore(source: Path) -> Callable[[str, list[str]], set[str]]:
    """Skip dotfiles (.doctrees, .buildinfo), a stale manifest, and links leaving the tree."""
    real_source = source.resolve()

    def ignore(folder: str, names: list[str]) -> set[str]:
        skipped = set()
        for name in names:
            path = Path(folder) / name
            hidden = name.startswith(".") or (Path(folder) == source and name == manifest.NAME)
            escapes = path.is_symlink() and not path.resolve().is_relative_to(real_source)
            if hidden or escapes:
                skipped.add(name)
        return skipped

    return ignore


def _copy_tree(source: Path, target: Path) -> None:
    target.rmdir()  # copytree creates it
    shutil.copytree(source, target, ignore=_copy_ignore(source))


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _swap(new: Path, output: Path) -> None:
    """Put ``new`` at ``output``; on failure ``output`` is what it was before."""
    old: Path | None = None
    if output.exists() or output.is_symlink():
        old = output.with_name(f".{output.name}.old-{secrets.token_hex(6)}")
        os.replace(output, old)
    try:
        os.replace(new, output)
    except OSError:
        if old is not None:
            os.replace(old, output)
        raise
    if old is not None:
        _remove(old)


def _check_paths(source: Path, output: Path, kind: str) -> None:
    if output.exists() and not output.is_dir():
        raise BuildError(f"Docs output {output} exists and is not a folder.")
    if output == source or source.is_relative_to(output):
        raise BuildError(f"Docs output {output} would replace the source {source}.")
    if kind == HTML and output.is_relative_to(source):
        raise BuildError(f"Docs output {output} is inside the HTML source {source}.")


def build(source: Path, output: Path, *, timeout: int) -> dict[str, Any]:
    """Build or copy ``source`` into ``output`` atomically; return the new manifest."""
    source = source.resolve()
    output = output.absolute()
    kind = source_kind(source)
    _check_paths(source, output.resolve(), kind)
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
    except OSError as exc:
        raise BuildError(f"Cannot write next to {output}: {exc.strerror or exc}.") from exc
    try:
        if kind == SPHINX:
            _run_sphinx(source, staging, timeout)
        else:
            _copy_tree(source, staging)
        if not (staging / serving.INDEX).is_file():
            raise BuildError(f"The build of {source} produced no {serving.INDEX}.")
        data = manifest.describe(staging, builder=kind, git_sha=gitinfo.git_sha(source))
        manifest.write(staging, data)
        _swap(staging, output)
    except OSError as exc:
        _remove(staging)
        raise BuildError(f"Writing the docs bundle failed: {exc}.") from exc
    except BaseException:
        _remove(staging)
        raise
    return data
