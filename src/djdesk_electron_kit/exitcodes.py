"""Exit codes of the launcher (``python -m djdesk_electron_kit.launch``) and ``djdesk_serve``.

The shell maps them to its crash dialog, so they are part of the contract:

  0  clean shutdown (SIGTERM, SIGINT, Ctrl+Break, or stdin closed)
  1  unexpected error (traceback on stderr and in the log file)
  2  usage: bad arguments, missing or too short DJDESK_TOKEN, settings not importable
  3  migrating failed; the database was restored from the pre-migration backup
  4  the server could not bind its port or stopped with an error
  5  the tasks worker could not start, or kept dying right after starting
  6  another launcher holds the data dir's lock (its pid is named on stderr)
  7  the data dir (or log dir) cannot be created or written (the folder is named)
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1
    USAGE = 2
    MIGRATION_FAILED = 3
    SERVER_FAILED = 4
    WORKER_FAILED = 5
    DATA_DIR_LOCKED = 6
    DATA_DIR_UNWRITABLE = 7
