"""The supervised tasks worker: ``db_worker`` that also dies with its launcher.

``python -m djdesk_electron_kit.worker --settings <module> [db_worker options]``

The launcher keeps the write end of this process's stdin. If the launcher is killed
outright (``kill -9``, a crash), the pipe closes, and the worker shuts down the way
SIGTERM would make it (finishing nothing new), instead of polling forever as an
orphan. On Linux the worker is a child subreaper: a task's double-forked grandchild
is re-parented to the worker rather than to init, so it stays among the worker's
descendants, which the launcher's supervisor records and kills if the worker dies.
Everything else is django-tasks-db's own ``db_worker`` command.
"""

from __future__ import annotations

import _thread
import os
import signal
import sys
import threading
import time

from djdesk_electron_kit.runtime import ROLE_ENV
from djdesk_inspector.kernel import proctree

# After the polite stop, how long a task may keep running before the process exits.
ORPHAN_GRACE_SECONDS = 10.0


def _watch_parent(fd: int) -> None:
    # os.read, not sys.stdin: a blocked buffered read would abort the interpreter at exit.
    try:
        while os.read(fd, 4096):
            pass
    except OSError:
        pass
    _thread.interrupt_main(signal.SIGTERM)
    time.sleep(ORPHAN_GRACE_SECONDS)
    os._exit(1)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault(ROLE_ENV, "worker")
    proctree.become_subreaper()
    if sys.stdin is not None and not sys.stdin.isatty():
        threading.Thread(
            target=_watch_parent,
            args=(sys.stdin.fileno(),),
            name="djdesk-parent-watch",
            daemon=True,
        ).start()
    from django.core.management import execute_from_command_line

    args = sys.argv[1:] if argv is None else argv
    execute_from_command_line(["djdesk-worker", "db_worker", *args])


if __name__ == "__main__":
    main()
