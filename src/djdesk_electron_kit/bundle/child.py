"""Run the build's tools (pip, collectstatic, the compiler, the launcher) as children.

Through the kernel's one runner (:func:`djdesk_inspector.kernel.processes.run`): a new
process group, a timeout or an interrupt that kills the whole tree (descendants that
left the group included), and on Linux a child that dies with the build
(``PR_SET_PDEATHSIG``): a build killed with SIGKILL must not leave a pip behind that
keeps writing into the folder the next build cleans up. The environment is the
kernel's ``"network"`` profile (pip's proxies, CA bundles and ``PIP_*`` config).
Never a shell: ``argv`` is a list.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from djdesk_electron_kit.bundle.errors import BundleError
from djdesk_inspector.kernel import environment, processes

TAIL_LINES = 200
MESSAGE_LIMIT = 300
# pip prints these in front of the line that explains a failure.
ERROR_LINE = re.compile(r"^(ERROR|error|Error|CommandError|[A-Za-z]+Error)\b")


def clean_env(**extra: str) -> dict[str, str]:
    """The ``"network"`` profile of this process's environment plus ``extra``.

    The build's settings never widen it (``allow=()``): a build is reproducible from
    the command line alone.
    """
    return environment.clean_env(extra, allow=(), profile="network")


def summary(lines: Sequence[str]) -> str:
    """The line that best explains a failure: the last error line, else the last line."""
    kept = [line.strip() for line in lines if line.strip()]
    chosen = next((line for line in reversed(kept) if ERROR_LINE.match(line)), None)
    line = chosen or (kept[-1] if kept else "no output")
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 1] + "…"


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
    tail: deque[str] = deque(maxlen=TAIL_LINES)

    def keep(stream: str, line: str) -> None:
        tail.append(line)
        if on_line is not None:
            on_line(line)

    try:
        done = processes.run(
            argv, cwd=cwd, env=env, timeout=timeout, collect=False, merge_stderr=True, on_line=keep
        )
    except OSError as exc:
        raise BundleError(
            f"{what}: cannot start {os.fspath(argv[0])}: {exc.strerror or exc}"
        ) from exc
    if done.timed_out:
        raise BundleError(f"{what} did not finish within {timeout:.0f} s")
    if done.returncode != 0:
        raise BundleError(f"{what} failed (exit {done.returncode}): {summary(list(tail))}")
    return list(tail)
