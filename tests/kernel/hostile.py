"""Hostile children: programs (and a Django project) that try to outlive their runner.

Each program records the pid of every process it starts in ``<pids>/<role>-<pid>.pid``
so a test (or ``bench/hostile.py``) can check afterwards that none survived. Shared by
``tests/kernel`` and ``bench/hostile.py``; no pytest here.
"""

from __future__ import annotations

import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

# Every script gets the pid folder as argv[1].
_PRELUDE = textwrap.dedent(
    """
    import os, signal, subprocess, sys, time
    PIDS = sys.argv[1]

    def note(role):
        path = os.path.join(PIDS, f"{role}-{os.getpid()}.pid")
        with open(path + ".tmp", "w") as f:
            f.write(str(os.getpid()))
        os.replace(path + ".tmp", path)

    def wait_for(role, timeout=20):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(n.startswith(role + "-") and n.endswith(".pid") for n in os.listdir(PIDS)):
                return
            time.sleep(0.01)
    """
)

# A grandchild that ignores SIGTERM and sleeps, holding the stdout/stderr it inherited.
SLEEPER = (
    "import os, signal, sys, time\n"
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    "open(os.path.join(sys.argv[1], f'{sys.argv[2]}-{os.getpid()}.pid'), 'w')"
    ".write(str(os.getpid()))\n"
    "print('sleeper holding the pipes', flush=True)\n"
    "time.sleep(300)\n"
)

# setsid + double fork: the sleeper is re-parented away from the child at once and is
# in neither its process group nor its session.
_DOUBLE_FORK = """
def double_fork(role):
    first = os.fork()
    if first == 0:
        os.setsid()
        if os.fork() == 0:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
            note(role)
            print("orphan holding the pipes", flush=True)
            time.sleep(300)
        os._exit(0)
    os.waitpid(first, 0)
    wait_for(role)
"""


@dataclass(frozen=True)
class Fixture:
    name: str
    body: str
    times_out: bool  # the child itself outlives the timeout
    what: str


FIXTURES: tuple[Fixture, ...] = (
    Fixture(
        "setsid_grandchild",
        """
        note("child")
        subprocess.Popen([sys.executable, "-c", SLEEPER, PIDS, "grandchild"],
                         start_new_session=True)
        wait_for("grandchild")
        print("child waiting", flush=True)
        time.sleep(300)
        """,
        True,
        "a grandchild in a new session (setsid) keeps stdout open; the child sleeps",
    ),
    Fixture(
        "double_fork",
        """
        note("child")
        double_fork("grandchild")
        time.sleep(300)
        """,
        True,
        "setsid + double fork: the grandchild is re-parented away, holding stdout",
    ),
    Fixture(
        "ignores_sigterm",
        """
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        note("child")
        subprocess.Popen([sys.executable, "-c", SLEEPER, PIDS, "grandchild"])
        wait_for("grandchild")
        time.sleep(300)
        """,
        True,
        "the child and its grandchild ignore SIGTERM",
    ),
    Fixture(
        "endless_output",
        """
        note("child")
        while True:
            print("x" * 200, flush=True)
        """,
        True,
        "the child prints without end",
    ),
    Fixture(
        "exits_leaving_holder",
        """
        note("child")
        double_fork("grandchild")
        print("child done", flush=True)
        """,
        False,
        "the child exits at once; its double-forked grandchild holds stdout",
    ),
)
BY_NAME = {fixture.name: fixture for fixture in FIXTURES}


def write_script(folder: Path, fixture: Fixture) -> tuple[Path, Path]:
    """Write ``fixture`` as a script; returns (script, pid folder)."""
    pids = folder / f"{fixture.name}-pids"
    pids.mkdir(parents=True, exist_ok=True)
    script = folder / f"{fixture.name}.py"
    script.write_text(
        _PRELUDE + f"SLEEPER = {SLEEPER!r}\n" + _DOUBLE_FORK + textwrap.dedent(fixture.body),
        encoding="utf-8",
    )
    return script, pids


def argv(script: Path, pids: Path) -> list[str]:
    return [sys.executable, str(script), str(pids)]


def recorded(pids: Path) -> dict[str, int]:
    """``{"child-123": 123, ...}`` for every process a fixture recorded."""
    found = {}
    for path in pids.glob("*.pid"):
        try:
            found[path.stem] = int(path.read_text())
        except (OSError, ValueError):
            continue
    return found


def alive(pid: int) -> bool:
    """A live process (a zombie awaiting its reaper counts as dead: it holds nothing)."""
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def survivors(pids: Path, *, settle: float = 0.0) -> dict[str, int]:
    """Recorded processes still alive (after up to ``settle`` seconds for them to go)."""
    end = time.monotonic() + settle
    while True:
        left = {role: pid for role, pid in recorded(pids).items() if alive(pid)}
        if not left or time.monotonic() >= end:
            return left
        time.sleep(0.05)


def kill_survivors(pids: Path) -> None:
    """Clean up after a failed run so a broken runner does not leak sleepers."""
    for pid in recorded(pids).values():
        try:
            psutil.Process(pid).kill()
        except psutil.Error:
            continue


# -- a Django project that fights back ---------------------------------------------

_SETTINGS = """
import os, signal, sys, time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = "hostile"
INSTALLED_APPS = ["hostile"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
USE_TZ = True

# At import (every manage.py command, every probe): a setsid + double-forked sleeper
# that ignores SIGTERM and keeps this process's stdout and stderr open.
_pids = BASE_DIR / "pids"
_pids.mkdir(exist_ok=True)
_first = os.fork()
if _first == 0:
    os.setsid()
    if os.fork() == 0:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        (_pids / f"settings-sleeper-{os.getpid()}.pid").write_text(str(os.getpid()))
        print("settings sleeper holding the pipes", flush=True)
        time.sleep(300)
    os._exit(0)
os.waitpid(_first, 0)
if (BASE_DIR / "HANG").exists():
    time.sleep(300)
"""

_MANAGE = """
import os, sys
if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hostileproj.settings")
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
"""

_HANG_COMMAND = """
import os, subprocess, sys, time
from django.core.management.base import BaseCommand

SLEEPER = {sleeper!r}

class Command(BaseCommand):
    def handle(self, *args, **options):
        pids = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.dirname(os.path.abspath(__file__))))), "pids")
        subprocess.Popen([sys.executable, "-c", SLEEPER, pids, "command-grandchild"],
                         start_new_session=True)
        print("hanging", flush=True)
        time.sleep(300)
"""

SETTINGS_MODULE = "hostileproj.settings"


def write_project(root: Path, *, hang_at_import: bool = False) -> Path:
    """A Django project whose settings leave a detached sleeper behind at import.

    ``hang_at_import`` also makes the settings sleep (a probe or command that never
    gets going); its ``hang`` command starts a setsid grandchild and sleeps.
    """
    files = {
        "manage.py": _MANAGE,
        "hostileproj/__init__.py": "",
        "hostileproj/settings.py": _SETTINGS,
        "hostile/__init__.py": "",
        "hostile/management/__init__.py": "",
        "hostile/management/commands/__init__.py": "",
        "hostile/management/commands/hang.py": _HANG_COMMAND.format(sleeper=SLEEPER),
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip("\n"), encoding="utf-8")
    (root / "pids").mkdir(exist_ok=True)
    if hang_at_import:
        (root / "HANG").write_text("", encoding="utf-8")
    return root


def project_pids(root: Path) -> Path:
    return root / "pids"
