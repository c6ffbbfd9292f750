"""Atomic builds: everything happens in a hidden sibling of the output, renamed at the end.

``.<name>.build-<pid>-<random>``  the bundle being built (removed on any failure)
``.<name>.build-<pid>-<random>.work``  pip's scratch files for that build
``.<name>.old-<random>``          the previous bundle for the instant of the swap
``.<name>.adopt-<random>.json``   the journal of a commit that adopts entries of the
                                  previous bundle's site-packages (:class:`Adoption`)

A failure or SIGINT/SIGTERM removes the staging folder and leaves the previous bundle
as it was. A build killed outright (SIGKILL, power loss) leaves its staging folder:
the next build removes it when the pid in its name is gone, puts back a previous
bundle that a swap left aside, and moves adopted entries back where a journal says a
commit was cut short. Siblings of a build still running are left alone.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from djdesk_electron_kit.bundle import layout
from djdesk_electron_kit.bundle.errors import BuildInterrupted, BundleError
from djdesk_inspector.kernel.processes import pid_alive

STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK")


@dataclass(frozen=True)
class Adoption:
    """Top-level entries of the previous bundle's site-packages the new bundle takes over."""

    source: Path
    names: tuple[str, ...]
    # Their files, as the previous manifest lists them (verified before adoption).
    entries: dict[str, Any] = field(default_factory=dict)


def _prefix(output: Path, kind: str) -> str:
    return f".{output.name}.{kind}-"


def siblings(output: Path) -> list[Path]:
    """Staging, swap and journal leftovers next to ``output``."""
    if not output.parent.is_dir():
        return []
    prefixes = tuple(_prefix(output, kind) for kind in ("build", "old", "adopt"))
    return sorted(p for p in output.parent.iterdir() if p.name.startswith(prefixes))


def _remove(path: Path) -> None:
    if path.is_symlink() or path.is_file():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def _owner(path: Path, output: Path) -> int | None:
    match = re.match(r"(\d+)-", path.name[len(_prefix(output, "build")) :])
    return int(match.group(1)) if match else None


def _running(path: Path, output: Path) -> bool:
    owner = _owner(path, output)
    return owner is not None and owner != os.getpid() and pid_alive(owner)


def _move_all(names: tuple[str, ...], source: Path, target: Path) -> None:
    """Move ``names`` from ``source`` to ``target`` where they are still missing there."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (source / name).exists() and not (target / name).exists():
            os.replace(source / name, target / name)


def _replay(journal: Path, output: Path) -> None:
    """Undo what a cut-short adopting commit moved out of the bundle at ``output``."""
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        stage = output.parent / str(data["stage"])
        names = tuple(str(n) for n in data["names"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if stage.is_dir() and output.is_dir():
        _move_all(names, stage / layout.SITE_PACKAGES, output / layout.SITE_PACKAGES)


def clean_stale(output: Path) -> list[str]:
    """Repair and remove what killed builds left next to ``output``; returns names removed."""
    removed: list[str] = []
    leftovers = siblings(output)
    olds = sorted(
        (p for p in leftovers if p.name.startswith(_prefix(output, "old"))),
        key=lambda p: p.stat().st_mtime,
    )
    if olds and not output.exists():
        # A swap was cut between its two renames: the newest old tree is the bundle.
        os.replace(olds.pop(), output)
    for journal in (p for p in leftovers if p.name.startswith(_prefix(output, "adopt"))):
        _replay(journal, output)
    for path in siblings(output):
        if path.name.startswith(_prefix(output, "build")) and _running(path, output):
            continue
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


def _set_handlers(handler: Any) -> dict[int, Any]:
    previous: dict[int, Any] = {}
    for name in STOP_SIGNALS:
        signum = getattr(signal, name, None)
        if signum is not None:
            previous[signum] = signal.signal(signum, handler)
    return previous


def _restore(previous: dict[int, Any]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


@contextlib.contextmanager
def signals_ignored() -> Iterator[None]:
    """Cleanups and the swap must finish even if the user presses Ctrl+C again."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = _set_handlers(signal.SIG_IGN)
    try:
        yield
    finally:
        _restore(previous)


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGINT/SIGTERM (SIGHUP, SIGBREAK) into BuildInterrupted in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handle(signum: int, frame: FrameType | None) -> None:
        raise BuildInterrupted(f"interrupted by {signal.Signals(signum).name}")

    previous = _set_handlers(handle)
    try:
        yield
    finally:
        _restore(previous)


class Stage:
    """The staging folder of one build; :meth:`commit` swaps it in, else it is removed."""

    def __init__(self, output: Path) -> None:
        self.output = output.absolute()
        name = f"{_prefix(self.output, 'build')}{os.getpid()}-{secrets.token_hex(4)}"
        self.path = self.output.parent / name
        # Next to the stage (not in /tmp) so the cleanup after a killed build finds it.
        self.work = self.output.parent / f"{name}.work"
        self.committed = False

    def __enter__(self) -> Stage:
        self.output.parent.mkdir(parents=True, exist_ok=True)
        self.path.mkdir()
        self.work.mkdir()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with signals_ignored():
            _remove(self.work)
            if not self.committed:
                _remove(self.path)

    def _journal(self, adoption: Adoption) -> Path:
        journal = self.output.with_name(
            f"{_prefix(self.output, 'adopt')}{secrets.token_hex(4)}.json"
        )
        journal.write_text(
            json.dumps({"stage": self.path.name, "names": list(adoption.names)}), encoding="utf-8"
        )
        return journal

    def commit(self, adoption: Adoption | None = None) -> None:
        """Put the staging folder at ``output``; the previous bundle goes only after.

        With an ``adoption``, its entries move from the previous bundle into the new
        one first; a journal next to the output lets :func:`clean_stale` move them
        back if the process dies before the swap is complete.
        """
        with signals_ignored():
            journal = self._journal(adoption) if adoption else None
            target = self.path / layout.SITE_PACKAGES
            old: Path | None = None
            try:
                if adoption is not None:
                    _move_all(adoption.names, adoption.source, target)
                if self.output.exists() or self.output.is_symlink():
                    old = self.output.with_name(
                        f"{_prefix(self.output, 'old')}{secrets.token_hex(4)}"
                    )
                    os.replace(self.output, old)
                os.replace(self.path, self.output)
            except OSError as exc:
                if old is not None and not self.output.exists():
                    os.replace(old, self.output)
                if adoption is not None:
                    _move_all(adoption.names, target, adoption.source)
                if journal is not None:
                    journal.unlink(missing_ok=True)
                raise BundleError(f"cannot move the new bundle into {self.output}: {exc}") from exc
            self.committed = True
            if journal is not None:
                journal.unlink(missing_ok=True)
            if old is not None:
                _remove(old)
