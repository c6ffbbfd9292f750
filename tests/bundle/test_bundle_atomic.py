"""Atomic and repeatable builds: same inputs, same manifest; kills and signals leave
the previous bundle as it was, and the next build cleans up after a killed one."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from djdesk_electron_kit.bundle import manifest
from tests.bundle import running

pytestmark = pytest.mark.slow


def _stable(bundle: Path) -> dict[str, object]:
    return manifest.stable(json.loads((bundle / "manifest.json").read_text()))


def _same(first: Path, second: Path) -> None:
    """Equal manifests; on failure, name the paths that differ."""
    one, two = _stable(first), _stable(second)
    files_one, files_two = one.pop("files"), two.pop("files")
    assert isinstance(files_one, dict) and isinstance(files_two, dict)
    differing = sorted(
        p for p in files_one.keys() | files_two.keys() if files_one.get(p) != files_two.get(p)
    )
    assert differing == []
    assert one == two


def test_same_inputs_give_the_same_manifest(tmp_path: Path) -> None:
    first = tmp_path / "first" / "django-bundle"
    second = tmp_path / "second" / "django-bundle"
    running.build(first)
    running.build(second)
    _same(first, second)
    # A rebuild with nothing changed takes the dependencies over instead of reinstalling.
    again = running.build(second)
    assert "taken over from the previous bundle" in again.stdout
    _same(first, second)
    assert running.siblings(second) == []
    assert (second / "site-packages" / "django").is_dir()


def _start(output: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        running.command_argv("--output", str(output), "--runtime", "system"),
        cwd=running.EXAMPLE,
        env=running.base_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _gone(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "\nState:\tZ" in status.read_text()
    except OSError:
        return True


def _wait_for_pip(proc: subprocess.Popen[str], timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pips = [
            pid
            for pid in _children(proc.pid)
            if b"pip" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
        if pips:
            return pips
        time.sleep(0.05)
    raise AssertionError("pip never started")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_sigkill_during_pip_keeps_the_previous_bundle(example_bundle: Path) -> None:
    before = (example_bundle / "manifest.json").read_bytes()
    proc = _start(example_bundle)
    running.wait_for_line(proc, "[2/8]")
    pips = _wait_for_pip(proc)
    proc.kill()
    proc.wait()
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    proc.stderr.close()
    assert (example_bundle / "manifest.json").read_bytes() == before
    stale = running.siblings(example_bundle)
    assert [name.startswith(f".django-bundle.build-{proc.pid}-") for name in stale] == [True, True]
    assert stale[1] == stale[0] + ".work"
    # pip dies with the build: nothing keeps writing into the stale folder.
    deadline = time.monotonic() + 10
    while not all(_gone(pid) for pid in pips) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(_gone(pid) for pid in pips)

    done = running.build(example_bundle)
    assert f"Removed what an interrupted build left: {', '.join(stale)}" in done.stdout
    assert running.siblings(example_bundle) == []
    assert manifest.stable(json.loads(before)) == _stable(example_bundle)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_build_cleanly(example_bundle: Path, sig: signal.Signals) -> None:
    before = (example_bundle / "manifest.json").read_bytes()
    proc = _start(example_bundle)
    running.wait_for_line(proc, "[2/8]")
    time.sleep(0.5)
    proc.send_signal(sig)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    lines = err.strip().splitlines()
    assert lines == [
        f"CommandError: interrupted by {sig.name}: nothing was changed, "
        "the previous bundle is untouched"
    ]
    assert running.siblings(example_bundle) == []
    assert (example_bundle / "manifest.json").read_bytes() == before


def test_a_bad_option_fails_before_anything_is_written(tmp_path: Path) -> None:
    output = tmp_path / "django-bundle"
    done = running.build(output, "--desktop-settings", "atlas.no_such_settings", check=False)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "CommandError: the desktop settings module 'atlas.no_such_settings' cannot be found"
    ]
    assert not output.exists()
    assert running.siblings(output) == []


def test_a_failing_last_step_keeps_the_previous_bundle(example_bundle: Path) -> None:
    """Development settings are not desktop settings: the launch check (step 8) fails."""
    before = (example_bundle / "manifest.json").read_bytes()
    done = running.build(example_bundle, "--desktop-settings", "atlas.settings", check=False)
    assert done.returncode == 1
    assert "[8/8] Launching the bundle" in done.stdout
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("CommandError: the bundle ")
    assert running.siblings(example_bundle) == []
    assert (example_bundle / "manifest.json").read_bytes() == before
