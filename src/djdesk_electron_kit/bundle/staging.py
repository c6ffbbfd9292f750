"""Atomic builds: everything happens in a hidden sibling of the output, renamed at the end.

``.<name>.build-<pid>-<random>``  the bundle being built (removed on any failure)
``.<name>.old-<random>``          the previous bundle for the instant of the swap

A failure or SIGINT/SIGTERM removes the staging folder and leaves the previous bundle
as it was. A build killed outright (SIGKILL, power loss) leaves its staging folder:
the next build removes it when the pid in its name is gone, and puts back a previous
bundle that a swap left aside. Siblings of a build still running are left alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from djdesk_electron_kit.bundle import layout
from djdesk_electron_kit.bundle.errors import BuildInterrupted, BundleError
from djdesk_inspector.processes import pid_alive

STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK")


def _build_prefix(output: Path) -> str:
    return f".{output.name}.build-"


def _old_prefix(output: Path) -> str:
    return f".{output.name}.old-"


def siblings(output: Path) -> list[Path]:
    """Staging and swap leftovers next to ``output``."""
    if not output.parent.is_dir():
        return []
    prefixes = (_build_prefix(output), _old_prefix(output))
    return sorted(p for p in output.parent.iterdir() if p.name.startswith(prefixes))


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _owner(path: Path, output: Path) -> int | None:
    match = re.match(r"(\d+)-", path.name[len(_build_prefix(output)) :])
    return int(match.group(1)) if match else None


def clean_stale(output: Path) -> list[str]:
    """Remove what killed builds left next to ``output``; returns the names removed."""
    removed: list[str] = []
    olds = sorted(
        (p for p in siblings(output) if p.name.startswith(_old_prefix(output))),
        key=lambda p: p.stat().st_mtime,
    )
    if olds and not output.exists():
        # A swap was cut between its two renames: the newest old tree is the bundle.
        os.replace(olds.pop(), output)
    for path in siblings(output):
        if path.name.startswith(_build_prefix(output)):
            owner = _owner(path, output)
            if owner is not None and owner != os.getpid() and pid_alive(owner):
                continue  # another build is running
        _remove(path)
        removed.append(path.name)
    return removed


def check_output(output: Path, project: Path) -> None:
    """Refuse outputs whose replacement would destroy something that is not a bundle."""
    resolved = output.resolve()
    project = project.resolve()
    if resolved == project or project.is_relative_to(resolved):
        raise BundleError(f"--output {output} would replace the project itself")
    if output.exists() and not output.is_dir():
        raise BundleError(f"--output {output} exists and is not a folder")
    if output.is_dir() and any(output.iterdir()) and not (output / layout.MANIFEST).is_file():
        raise BundleError(
            f"--output {output} is a non-empty folder without {layout.MANIFEST}: "
            "not a bundle, refusing to replace it"
        )


@contextlib.contextmanager
def signals_ignored() -> Iterator[None]:
    """Cleanups and the swap must finish even if the user presses Ctrl+C again."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous: dict[int, Any] = {}
    for name in STOP_SIGNALS:
        signum = getattr(signal, name, None)
        if signum is not None:
            previous[signum] = signal.signal(signum, signal.SIG_IGN)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGINT/SIGTERM (SIGHUP, SIGBREAK) into BuildInterrupted in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        raise BuildInterrupted(f"interrupted by {signal.Signals(signum).name}")

    previous: dict[int, Any] = {}
    for name in STOP_SIGNALS:
        signum = getattr(signal, name, None)
        if signum is not None:
            previous[signum] = signal.signal(signum, handle)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


class Stage:
    """The staging folder of one build; :meth:`commit` swaps it in, else it is removed."""

    def __init__(self, output: Path) -> None:
        self.output = output.absolute()
        self.path = (
            self.output.parent / f"{_build_prefix(self.output)}{os.getpid()}-{secrets.token_hex(4)}"
        )
        self.committed = False

    def __enter__(self) -> Stage:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.path.mkdir()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if not self.committed:
            with signals_ignored():
                _remove(self.path)

    def commit(self) -> None:
        """Put the staging folder at ``output``; the previous bundle goes only after."""
        with signals_ignored():
            old: Path | None = None
            if self.output.exists() or self.output.is_symlink():
                old = self.output.with_name(f"{_old_prefix(self.output)}{secrets.token_hex(4)}")
                os.replace(self.output, old)
            try:
                os.replace(self.path, self.output)
            except OSError as exc:
                if old is not None:
                    os.replace(old, self.output)
                raise BundleError(f"cannot move the new bundle into {self.output}: {exc}") from exc
            self.committed = True
            if old is not None:
                _remove(old)
