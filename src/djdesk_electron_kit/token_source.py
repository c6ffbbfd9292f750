"""Where the launch token comes from: the first line of stdin, or ``DJDESK_TOKEN``.

A variable set for a child sits in its initial environment block for the whole life
of the process (``/proc/<pid>/environ`` on Linux, readable by the same user), even
after ``os.environ.pop``. With ``--token-stdin`` the shell writes the token and a
newline to the launcher's stdin instead, so it is never in that block.

The line is read from the descriptor one byte at a time: nothing after the newline is
consumed, and the stdin watcher (:func:`.shutdown.watch_stdin`) goes on reading the
same stream to notice when the shell closes it.
"""

from __future__ import annotations

import os

from djdesk_electron_kit import runtime

STDIN_FD = 0
STDIN_FLAG = "--token-stdin"
# A token is 43 characters; a line this long is not a token (and must not fill memory).
MAX_LINE = 1024
STDIN_NAME = "the token line on stdin"


def read_first_line(fd: int = STDIN_FD, limit: int = MAX_LINE) -> str:
    """The first line of ``fd`` without its line ending (``""`` at once-closed input)."""
    data = bytearray()
    while len(data) <= limit:
        try:
            byte = os.read(fd, 1)
        except OSError:
            break
        if not byte or byte == b"\n":
            break
        data += byte
    return data.decode("ascii", errors="replace").removesuffix("\r")


def read_token(from_stdin: bool) -> str:
    """The token the launch was given: stdin's first line when asked, else the variable."""
    if from_stdin:
        return read_first_line()
    return os.environ.get(runtime.TOKEN_ENV, "")


def token_problem(token: str, from_stdin: bool) -> str:
    """Why ``token`` cannot be used (naming where it came from), or ``""``."""
    if from_stdin and not token:
        return f"{STDIN_FLAG}: stdin closed or sent an empty line before the token."
    if from_stdin and len(token) > MAX_LINE:
        return f"{STDIN_FLAG}: the first line of stdin is longer than {MAX_LINE} characters."
    problem = runtime.token_problem(token)
    return problem.replace(runtime.TOKEN_ENV, STDIN_NAME) if from_stdin else problem
