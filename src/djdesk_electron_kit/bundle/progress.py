"""Step-by-step progress on the command's output: ``[n/N] title`` then what it produced.

A build takes from seconds to minutes; one line per step start and end, with sizes,
tells the user where the time and the megabytes go without flooding the terminal.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

Write = Callable[[str], None]


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def tree_size(path: Path) -> int:
    """Bytes of the regular files under ``path`` (links are not followed)."""
    if path.is_symlink() or not path.exists():
        return 0
    if path.is_file():
        return path.stat().st_size
    total = 0
    for folder, _dirs, files in os.walk(path):
        for name in files:
            file = Path(folder, name)
            if not file.is_symlink():
                total += file.stat().st_size
    return total


class Step:
    def __init__(self, write: Write) -> None:
        self._write = write
        self.summary = ""

    def done(self, summary: str) -> None:
        self.summary = summary

    def note(self, message: str) -> None:
        self._write(f"      {message}")


class Progress:
    def __init__(self, write: Write, total: int, *, warn: Write | None = None) -> None:
        self._write = write
        self._warn = warn or write
        self.total = total
        self.current = 0
        self.warnings: list[str] = []

    def info(self, message: str) -> None:
        self._write(message)

    def warning(self, message: str) -> None:
        self.warnings.append(message)
        self._warn(f"      warning: {message}")

    @contextmanager
    def step(self, title: str) -> Iterator[Step]:
        self.current += 1
        self._write(f"[{self.current}/{self.total}] {title}")
        started = time.monotonic()
        step = Step(self._write)
        yield step
        elapsed = time.monotonic() - started
        detail = f": {step.summary}" if step.summary else ""
        self._write(f"      done in {elapsed:.1f} s{detail}")

    def skip(self, title: str, reason: str) -> None:
        self.current += 1
        self._write(f"[{self.current}/{self.total}] {title}: skipped ({reason})")
