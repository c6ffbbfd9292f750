"""Lay out a real open-source Django project for ``bench/real_projects.py``.

The projects are never part of this repository. Each run exports a snapshot (a git
directory, e.g. one brought by the workplace's ``fetch`` into ``.mirror/OWNER+NAME/repo``)
into ``DEST/NAME``, applies the few edits its README asks of a developer (a
configuration file, never a change to its code), creates ``DEST/venv-NAME`` with
``--python`` and installs the project's own pinned requirements, then prints the
bench command. The projects measured so far are the table below.

Run: .venv/bin/python bench/real_setup.py NAME --git-dir DIR [--dest /tmp/real]
     [--python python3.12] [--migrate]
"""

from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RealProject:
    repo: str
    requirements: str  # relative to the snapshot root
    root: str = "."  # the folder holding manage.py, relative to the snapshot root
    # (copy from, copy to, [(text, replacement)]) relative to ``root``: README steps.
    configure: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = ()
    notes: str = ""


PROJECTS: dict[str, RealProject] = {
    "bakerydemo": RealProject(
        repo="wagtail/bakerydemo",
        requirements="requirements/base.txt",
        notes="Wagtail site, 122 models, SQLite; --migrate for the usual working state",
    ),
    "netbox": RealProject(
        repo="netbox-community/netbox",
        requirements="requirements.txt",
        root="netbox",
        configure=(
            (
                "netbox/configuration_example.py",
                "netbox/configuration.py",
                (
                    ("ALLOWED_HOSTS = []", "ALLOWED_HOSTS = ['*']"),
                    ("SECRET_KEY = ''", "SECRET_KEY = 'x' * 60 + 'abcdefghij'"),
                ),
            ),
        ),
        notes="network app, 200+ models, PostgreSQL and Redis (a database that is down)",
    ),
    "djangoproject.com": RealProject(
        repo="django/djangoproject.com",
        requirements="requirements/dev.txt",
        notes="12-factor settings reading a secrets file; PostgreSQL (down)",
    ),
}


def export(git_dir: Path, into: Path) -> None:
    """``git archive HEAD`` unpacked into ``into`` (replaced), without a shell."""
    archive = subprocess.run(
        ["git", f"--git-dir={git_dir}", "archive", "--format=tar", "HEAD"],
        check=True,
        capture_output=True,
    ).stdout
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def configure(project: RealProject, root: Path) -> None:
    for source, target, edits in project.configure:
        text = (root / source).read_text(encoding="utf-8")
        for old, new in edits:
            if old not in text:
                raise SystemExit(f"{source}: {old!r} not found; update PROJECTS in {__file__}")
            text = text.replace(old, new, 1)
        (root / target).write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(PROJECTS))
    parser.add_argument("--git-dir", type=Path, required=True)
    parser.add_argument("--dest", type=Path, default=Path("/tmp/real"))
    parser.add_argument("--python", default="python3.12", help="interpreter for the venv")
    parser.add_argument("--migrate", action="store_true", help="run manage.py migrate after")
    args = parser.parse_args()
    project = PROJECTS[args.name]
    snapshot = args.dest / args.name
    export(args.git_dir, snapshot)
    root = snapshot / project.root
    configure(project, root)
    venv = args.dest / f"venv-{args.name}"
    subprocess.run([args.python, "-m", "venv", "--clear", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    requirements = snapshot / project.requirements
    subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(requirements)], check=True)
    if args.migrate:
        subprocess.run([str(python), "manage.py", "migrate", "-v", "0"], cwd=root, check=True)
    print(
        f"{args.name}: {project.notes}\n"
        f".venv/bin/python bench/real_projects.py {root} --python {python} --vs-check"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
