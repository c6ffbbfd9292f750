"""Run an export's notebook in a fresh kernel subprocess, so its outputs are real.

nbclient starts the kernel through jupyter_client, which hands the kernel whatever
``env`` it is given and ``os.environ`` otherwise; here it is always given
:func:`djdesk_inspector.kernel.environment.clean_env`, so the host's secrets, settings
module and ``PYTHONPATH`` never reach notebook code. The kernel's environment also
carries a run mark (:mod:`djdesk_inspector.kernel.proctree`): anything the notebook
left running after the kernel shut down is killed with it. The kernel gets a throwaway
``IPYTHONDIR`` (no user startup scripts, nothing written to the home folder) and
runs in the export's folder, where the notebook's data files are.

nbclient runs in its own thread: its event loop never meets one already running in
the caller, and it cannot replace the caller's SIGINT/SIGTERM handlers (it installs
its own only in the main thread). Progress comes back through a queue, so database
writes stay in the calling thread.
"""

from __future__ import annotations

import copy
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from djdesk_inspector.datalab.models import Execution
from djdesk_inspector.inspection import children
from djdesk_inspector.kernel import proctree

if TYPE_CHECKING:
    from nbformat import NotebookNode

KERNEL_NAME = "python3"
REQUIREMENTS = ("nbclient", "ipykernel")
STDERR_TAIL = 2000
# Set for the kernel only: debugpy's warning about frozen modules is noise here.
KERNEL_EXTRA = {"PYDEVD_DISABLE_FILE_VALIDATION": "1"}

Progress = Callable[[int, int], None]  # (cells done, cells total)


@dataclass(frozen=True)
class Outcome:
    execution: str  # an Execution value
    note: str
    notebook: NotebookNode  # with outputs (partial when a cell failed)
    ms: int


def missing_requirements() -> str:
    """What keeps notebooks from running here, for messages; "" when nothing does."""
    missing = [name for name in REQUIREMENTS if find_spec(name) is None]
    return (
        f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed"
        if missing
        else ""
    )


def kernel_env(ipython_dir: Path, workspace_env: dict[str, str] | None = None) -> dict[str, str]:
    """The kernel's whole environment: allowlisted host variables, the workspace's own
    (its env file and pass-through names), plus the kernel's."""
    return children.project_env(
        {**KERNEL_EXTRA, "IPYTHONDIR": str(ipython_dir)}, workspace_env=workspace_env
    )


def _describe(exc: BaseException, timeout: int) -> str:
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    if isinstance(exc, CellExecutionError):
        return f"A cell raised {exc.ename}: {exc.evalue}"
    if isinstance(exc, CellTimeoutError):
        return f"A cell ran longer than {timeout} s and was stopped."
    if isinstance(exc, DeadKernelError):
        return "The kernel died while running a cell."
    return f"The kernel could not run the notebook: {type(exc).__name__}: {exc}"


def _tail(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-STDERR_TAIL:].strip()


def run(
    notebook: NotebookNode,
    cwd: Path,
    *,
    timeout: int,
    progress: Progress | None = None,
    workspace_env: dict[str, str] | None = None,
) -> Outcome:
    """Execute a copy of ``notebook`` in ``cwd``; never raises for a notebook's failure."""
    started = time.monotonic()
    missing = missing_requirements()
    if missing:
        return Outcome(Execution.UNAVAILABLE, f"Not executed: {missing}.", notebook, 0)
    from nbclient import NotebookClient

    work = copy.deepcopy(notebook)
    total = sum(1 for cell in work.cells if cell.cell_type == "code")
    events: queue.Queue[int] = queue.Queue()
    failure: list[BaseException] = []

    def on_cell_executed(**kwargs: Any) -> None:
        events.put(1)

    # jupyter_client owns the kernel's process; whatever notebook code left behind
    # (a detached server, a double fork) carries this mark and is swept at the end.
    mark = proctree.new_mark()
    with tempfile.TemporaryDirectory(prefix="djdesk-kernel-") as scratch:
        stderr_path = Path(scratch) / "kernel-stderr.log"

        def target() -> None:
            try:
                with stderr_path.open("wb") as stderr:
                    client = NotebookClient(
                        work,
                        timeout=timeout,
                        startup_timeout=timeout,
                        kernel_name=KERNEL_NAME,
                        resources={"metadata": {"path": str(cwd)}},
                        on_cell_executed=on_cell_executed,
                    )
                    client.execute(
                        cwd=str(cwd),
                        env={
                            **kernel_env(Path(scratch) / "ipython", workspace_env),
                            proctree.MARKER_VARIABLE: proctree.chain(mark),
                        },
                        stderr=stderr,
                    )
            except BaseException as exc:  # reported to the caller's thread
                failure.append(exc)

        thread = threading.Thread(target=target, name="djdesk-datalab-kernel", daemon=True)
        thread.start()
        done = 0
        while thread.is_alive() or not events.empty():
            try:
                done += events.get(timeout=0.1)
            except queue.Empty:
                continue
            if progress is not None:
                progress(done, total)
        thread.join()
        proctree.sweep(mark)
        ms = int((time.monotonic() - started) * 1000)
        if failure:
            note = _describe(failure[0], timeout)
            tail = _tail(stderr_path)
            if tail and not done:
                note += f"\n\nKernel output:\n{tail}"
            return Outcome(Execution.FAILED, note, work, ms)
    return Outcome(
        Execution.SUCCEEDED, f"Executed {total} code cells in a python3 kernel.", work, ms
    )
