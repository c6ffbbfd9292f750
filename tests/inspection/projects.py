"""Helpers for inspection tests: tiny hand-written projects, venvs, file-tree snapshots.

Sample projects with real apps and migrations come from
:mod:`telemetry.samples` (shared with bench/ and the demo).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import django

MANAGE = textwrap.dedent(
    """\
    import os
    import sys

    if __name__ == "__main__":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{module}")
        from django.core.management import execute_from_command_line

        execute_from_command_line(sys.argv)
    """
)


def tiny_project(root: Path, settings: str, *, name: str = "tiny") -> Path:
    """manage.py plus a settings module with ``settings`` as its body; no apps."""
    (root / name).mkdir(parents=True)
    (root / "manage.py").write_text(MANAGE.format(module=f"{name}.settings"))
    (root / name / "__init__.py").write_text("")
    (root / name / "urls.py").write_text("urlpatterns = []\n")
    base = (
        'SECRET_KEY = "tiny-not-secret"\nINSTALLED_APPS = []\nDATABASES = {}\n'
        f'ROOT_URLCONF = "{name}.urls"\n'
    )
    (root / name / "settings.py").write_text(base + textwrap.dedent(settings))
    return root


def tree_state(root: Path) -> dict[str, str]:
    """Every file and folder under ``root`` with a content hash: equal means untouched."""
    state = {}
    for path in sorted(root.rglob("*")):
        key = path.relative_to(root).as_posix()
        if path.is_dir():
            state[key] = "<dir>"
        else:
            state[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return state


def make_venv(folder: Path, *, with_django: bool) -> Path:
    """A new virtualenv (no pip); ``with_django`` links the host's site-packages in.

    A ``.pth`` file is used instead of ``--system-site-packages`` because the host
    interpreter may itself be a venv, whose packages the base Python does not see.
    """
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120
    )
    bin_dir = folder / ("Scripts" if sys.platform == "win32" else "bin")
    python = next(p for p in (bin_dir / "python.exe", bin_dir / "python") if p.exists())
    if with_django:
        purelib = subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
        host = {
            str(Path(django.__file__).resolve().parent.parent),
            sysconfig.get_paths()["purelib"],
        }
        Path(purelib).mkdir(parents=True, exist_ok=True)
        (Path(purelib) / "djdesk_host.pth").write_text("\n".join(sorted(host)) + "\n")
    return python


def process_gone(pid: int) -> bool:
    """True when ``pid`` no longer runs (a zombie nobody reaped counts as gone)."""
    status = Path(f"/proc/{pid}/status")
    if status.parent.parent.is_dir() and Path("/proc/self").exists():
        try:
            text = status.read_text()
        except OSError:
            return True
        return "\nState:\tZ" in text or "\nState:\tX" in text
    from djdesk_inspector.kernel import processes

    return not processes.pid_alive(pid)
