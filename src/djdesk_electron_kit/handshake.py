"""The one line the launcher prints on stdout once it is ready for requests.

``DJDESK_READY {"port": N, "pid": P, "token_header": "X-DJDesk-Token", "version": "..."}``

The shell reads the port from it: no port guessing, no race. Nothing else is ever
written to stdout, so the shell may treat any other line as a protocol error.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

PREFIX = "DJDESK_READY "


@dataclass(frozen=True)
class Ready:
    port: int
    pid: int
    token_header: str
    version: str


def format_line(ready: Ready) -> str:
    return PREFIX + json.dumps(asdict(ready))


def parse_line(line: str) -> Ready:
    """The :class:`Ready` in ``line``; ValueError when it is not a READY line."""
    text = line.rstrip("\r\n")
    if not text.startswith(PREFIX):
        raise ValueError(f"not a READY line: {text[:80]!r}")
    data = json.loads(text[len(PREFIX) :])
    if not isinstance(data, dict):
        raise ValueError("READY payload is not a JSON object")
    port, pid = data.get("port"), data.get("pid")
    header, version = data.get("token_header"), data.get("version")
    if not (isinstance(port, int) and 0 < port < 65536 and isinstance(pid, int) and pid > 0):
        raise ValueError("READY payload needs a port and a pid")
    if not (isinstance(header, str) and isinstance(version, str)):
        raise ValueError("READY payload needs token_header and version strings")
    return Ready(port=port, pid=pid, token_header=header, version=version)
