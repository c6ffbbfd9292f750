"""What this process knows about its launch: the token, the bound port, the worker.

The launcher fills :data:`STATE` once the server is bound; the middleware and the
health view read it. The token is taken out of ``os.environ`` at that point so child
processes (the worker, scans, task runs) never inherit it. Under plain ``runserver``
nothing fills the state and :func:`expected_token` falls back to the environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

TOKEN_ENV = "DJDESK_TOKEN"  # noqa: S105 (a variable name, not a secret)
DATA_DIR_ENV = "DJDESK_DATA_DIR"
LOG_DIR_ENV = "DJDESK_LOG_DIR"
# "server" or "worker": picks the log file, so two processes never rotate one file.
ROLE_ENV = "DJDESK_ROLE"

TOKEN_HEADER = "X-DJDesk-Token"  # noqa: S105
TOKEN_COOKIE_PREFIX = "djdesk_token"  # noqa: S105
# A shell makes ``secrets.token_urlsafe(32)`` (43 characters); anything this short is a bug.
MIN_TOKEN_LENGTH = 32
LOOPBACK = "127.0.0.1"
LOCAL_NAMES = ("127.0.0.1", "localhost")


@dataclass
class Runtime:
    token: str = ""
    port: int = 0
    worker_pid: int | None = None
    worker_restarts: int = 0


STATE = Runtime()


def expected_token() -> str:
    """The token requests must carry; empty means "not launched: step aside"."""
    return STATE.token or os.environ.get(TOKEN_ENV, "")


def token_problem(token: str) -> str:
    """Why ``token`` cannot be used, or ``""`` when it is fine."""
    if not token:
        return f"{TOKEN_ENV} is not set; the desktop shell passes a fresh random token."
    if len(token) < MIN_TOKEN_LENGTH:
        return f"{TOKEN_ENV} is shorter than {MIN_TOKEN_LENGTH} characters."
    if not token.isascii() or not token.isprintable() or " " in token:
        return f"{TOKEN_ENV} must be printable ASCII without spaces."
    return ""


def cookie_name() -> str:
    """Per-port: cookies ignore ports, and two local apps must not overwrite each other."""
    return f"{TOKEN_COOKIE_PREFIX}_{STATE.port}" if STATE.port else TOKEN_COOKIE_PREFIX


def allowed_hosts() -> frozenset[str] | None:
    """Exact ``Host`` values accepted, or None (any port on a local name) before binding."""
    if not STATE.port:
        return None
    return frozenset(f"{name}:{STATE.port}" for name in LOCAL_NAMES)


def process_role() -> str:
    return os.environ.get(ROLE_ENV, "server")
