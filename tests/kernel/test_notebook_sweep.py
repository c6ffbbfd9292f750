"""A notebook kernel's leftovers (a setsid double-forked sleeper) die with the execution."""

from __future__ import annotations

import sys
from importlib.util import find_spec
from pathlib import Path

import nbformat
import pytest

from tests.conftest import require
from tests.kernel import hostile

CELL = """
import os, signal, time
first = os.fork()
if first == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        open({pid_file!r}, "w").write(str(os.getpid()))
        time.sleep(300)
    os._exit(0)
os.waitpid(first, 0)
while not os.path.exists({pid_file!r}):
    time.sleep(0.01)
print("left a sleeper behind")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="the cell forks")
@pytest.mark.slow
def test_what_a_notebook_leaves_running_is_killed(tmp_path: Path) -> None:
    require(
        find_spec("nbclient") is not None and find_spec("ipykernel") is not None,
        "nbclient and ipykernel are not installed",
    )
    from djdesk_inspector.datalab import execution
    from djdesk_inspector.datalab.models import Execution

    pids = tmp_path / "pids"
    pids.mkdir()
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(CELL.format(pid_file=str(pids / "orphan-1.pid")))]
    )
    try:
        outcome = execution.run(notebook, tmp_path, timeout=60)
        assert outcome.execution == Execution.SUCCEEDED, outcome.note
        assert "left a sleeper behind" in str(outcome.notebook.cells[0].outputs)
        assert list(hostile.recorded(pids)) == ["orphan-1"]
        assert hostile.survivors(pids, settle=5.0) == {}
    finally:
        hostile.kill_survivors(pids)
