"""Every way the launcher is asked to stop, funnelled into one :class:`StopRequest`.

SIGTERM and SIGINT everywhere, SIGHUP on POSIX, SIGBREAK (Ctrl+Break, what a
Windows parent can send a process group) on Windows, and the shell's end of stdin
closing: the portable signal that the parent is gone, even after ``kill -9``.
The first request wins and carries the exit code.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType

from djdesk_electron_kit.exitcodes import ExitCode

SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP", "SIGBREAK")


class StopRequest:
    def __init__(self) -> None:
        self._event = threading.Event()
        self._requested = False
        self.code = ExitCode.OK
        self.reason = ""

    def request(self, code: ExitCode, reason: str) -> None:
        # A plain flag first: a second signal handler running on top of the first
        # must never block on the Event's lock.
        if self._requested:
            return
        self._requested = True
        self.code = code
        self.reason = reason
        self._event.set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._event.wait(timeout)

    @property
    def requested(self) -> bool:
        return self._requested


def install_signal_handlers(stop: StopRequest) -> list[str]:
    """Route the stop signals this OS has to ``stop``; returns their names."""

    def handle(signum: int, frame: FrameType | None) -> None:
        stop.request(ExitCode.OK, signal.Signals(signum).name)

    installed = []
    for name in SIGNALS:
        signum = getattr(signal, name, None)
        if signum is not None:
            signal.signal(signum, handle)
            installed.append(name)
    return installed


def watch_stdin(stop: StopRequest) -> threading.Thread | None:
    """Stop when stdin reaches EOF (the shell closed it, or died)."""
    try:
        fd = sys.stdin.fileno() if sys.stdin is not None else -1
    except (OSError, ValueError):
        fd = -1
    if fd < 0:
        return None

    def read_until_eof() -> None:
        # os.read on the descriptor: a blocked read on sys.stdin.buffer would hold
        # its lock and abort the interpreter at exit.
        try:
            while os.read(fd, 4096):
                pass
        except OSError:
            pass
        stop.request(ExitCode.OK, "stdin closed")

    thread = threading.Thread(target=read_until_eof, name="djdesk-stdin-watch", daemon=True)
    thread.start()
    return thread
