"""The READY line: its format, and what it promises (a port bound on loopback only)."""

from __future__ import annotations

import socket
import sys

import pytest

from djdesk_electron_kit import __version__
from djdesk_electron_kit.handshake import PREFIX, Ready, format_line, parse_line
from tests.desktop.launching import Launched

pytestmark = pytest.mark.slow


def test_format_and_parse_round_trip() -> None:
    ready = Ready(port=8123, pid=42, token_header="X-DJDesk-Token", version="1.2.3")
    line = format_line(ready)
    assert line == (
        'DJDESK_READY {"port": 8123, "pid": 42, "token_header": "X-DJDesk-Token", '
        '"version": "1.2.3"}'
    )
    assert parse_line(line + "\n") == ready


@pytest.mark.parametrize(
    "line",
    [
        "",
        "Watching for file changes",
        PREFIX + "[]",
        PREFIX + '{"port": 0, "pid": 1, "token_header": "h", "version": "v"}',
        PREFIX + '{"port": 80, "pid": 1, "token_header": 3, "version": "v"}',
        PREFIX + "{not json",
    ],
)
def test_parse_refuses_anything_else(line: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 (json errors are ValueErrors too)
        parse_line(line)


def test_ready_line_describes_the_running_launcher(shared: Launched) -> None:
    assert shared.ready.pid == shared.proc.pid
    assert shared.ready.token_header == "X-DJDesk-Token"
    assert shared.ready.version == __version__
    health = shared.health()
    assert health["pid"] == shared.ready.pid
    assert health["status"] == "ok"


def test_nothing_but_the_ready_line_on_stdout(shared: Launched) -> None:
    shared.get("/djdesk/")  # work that logs
    shared.get("/djdesk/desktop/health/", token=False)  # a refusal, which logs a warning
    assert shared.proc.stdout is not None
    # The launcher is still running: stdout must hold no further bytes.
    import selectors

    selector = selectors.DefaultSelector()
    selector.register(shared.proc.stdout, selectors.EVENT_READ)
    assert selector.select(timeout=0.5) == []


def connects(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=5):
            return True
    except OSError:
        return False


def test_port_is_bound_on_loopback_127_0_0_1_only(shared: Launched) -> None:
    with socket.create_connection(("127.0.0.1", shared.port), timeout=10) as sock:
        assert sock.getpeername() == ("127.0.0.1", shared.port)
    other = ["127.0.0.2"] if sys.platform.startswith("linux") else []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: nothing is sent for UDP connect
            address = probe.getsockname()[0]
        except OSError:
            address = ""
    if address and not address.startswith("127."):
        other.append(address)
    if socket.has_ipv6:
        other.append("::1")
    for host in other:
        assert not connects(host, shared.port), host
