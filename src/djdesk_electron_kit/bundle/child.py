"""Run the build's tools (pip, collectstatic, the compiler, the launcher) as children.

Every child leads its own process group, so a timeout or an interrupt stops its
whole tree (:func:`djdesk_inspector.kernel.processes.kill_tree`). On Linux a child also
dies with the build (``PR_SET_PDEATHSIG``): a build killed with SIGKILL must not
leave a pip behind that keeps writing into the folder the next build cleans up.
Never a shell: ``argv`` is a list.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from djdesk_electron_kit.bundle.errors import BundleError
from djdesk_inspector.kernel import processes

TAIL_LINES = 200
MESSAGE_LIMIT = 300
PR_SET_PDEATHSIG = 1
# pip prints these in front of the line that explains a failure.
ERROR_LINE = re.compile(r"^(ERROR|error|Error|CommandError|[A-Za-z]+Error)\b")

# Variables a child may inherit: what an interpreter, pip (proxies, its config and
# caches) and the OS need. Never DJANGO_SETTINGS_MODULE, PYTHONPATH or secrets.
ENV_ALLOWLIST = frozenset(
    {
        "PATH",
        "HOME",
        "USERPROFILE",
        "SYSTEMROOT",
        "SYSTEMDRIVE",
        "WINDIR",
        "COMSPEC",
        "PATHEXT",
        "TEMP",
        "TMP",
        "TMPDIR",
        "LANG",
        "APPDATA",
        "LOCALAPPDATA",
        "SSL_CERT_FILE",
        "SSL_CERT_DIR",
        "REQUESTS_CA_BUNDLE",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "NO_PROXY",
        "http_proxy",
        "https_proxy",
        "no_proxy",
    }
)
ENV_PREFIXES = ("LC_", "XDG_", "PIP_")


def clean_env(**extra: str) -> dict[str, str]:
    """An allowlisted copy of this process's environment plus ``extra``."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key.upper() in ENV_ALLOWLIST or key in ENV_ALLOWLIST or key.startswith(ENV_PREFIXES)
    }
    env["PYTHONNOUSERSITE"] = "1"
    env.update(extra)
    return env


def _die_with_parent() -> None:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def popen_kwargs() -> dict[str, Any]:
    kwargs = processes.popen_kwargs()
    if sys.platform.startswith("linux"):
        kwargs["preexec_fn"] = _die_with_parent
    return kwargs


def summary(lines: Sequence[str]) -> str:
    """The line that best explains a failure: the last error line, else the last line."""
    kept = [line.strip() for line in lines if line.strip()]
    chosen = next((line for line in reversed(kept) if ERROR_LINE.match(line)), None)
    line = chosen or (kept[-1] if kept else "no output")
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 1] + "…"


def _pump(stream: Any, lines: queue.Queue[str | None]) -> None:
    try:
        for raw in iter(stream.readline, b""):
            lines.put(raw.decode("utf-8", "replace").rstrip("\r\n"))
    except (OSError, ValueError):
        pass
    finally:
        lines.put(None)


def run(
    argv: Sequence[str | os.PathLike[str]],
    *,
    what: str,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    on_line: Callable[[str], None] | None = None,
) -> list[str]:
    """Run ``argv`` to completion with stdout and stderr merged; return the last lines.

    Raises BundleError with one line when it fails or outlives ``timeout``. Any
    exception in the calling thread (an interrupt) stops the child's tree first.
    """
    try:
        proc = subprocess.Popen(  # an argv list, never a shell
            [os.fspath(a) for a in argv],
            cwd=os.fspath(cwd),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            **popen_kwargs(),
        )
    except OSError as exc:
        raise BundleError(
            f"{what}: cannot start {os.fspath(argv[0])}: {exc.strerror or exc}"
        ) from exc
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
    reader.start()
    deadline = time.monotonic() + timeout
    open_stream = True
    try:
        while open_stream or proc.poll() is None:
            if time.monotonic() > deadline:
                processes.kill_tree(proc)
                raise BundleError(f"{what} did not finish within {timeout:.0f} s")
            try:
                line = lines.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                open_stream = False
                continue
            tail.append(line)
            if on_line is not None:
                on_line(line)
    except BaseException:
        processes.kill_tree(proc)
        raise
    finally:
        reader.join(processes.GRACE_SECONDS)
        if proc.stdout is not None:
            proc.stdout.close()
        proc.wait()
    if proc.returncode != 0:
        raise BundleError(f"{what} failed (exit {proc.returncode}): {summary(list(tail))}")
    return list(tail)
