"""Build the real wheel and sdist, and check what a user's pip would install."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return out


def test_twine_check_passes(dist: Path) -> None:
    files = sorted(str(p) for p in dist.iterdir())
    result = subprocess.run(
        [sys.executable, "-m", "twine", "check", "--strict", *files], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_wheel_contents_passes(dist: Path) -> None:
    wheel = next(dist.glob("*.whl"))
    result = subprocess.run(
        [sys.executable, "-m", "check_wheel_contents", str(wheel)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_wheel_holds_templates_static_migrations_and_the_electron_template(dist: Path) -> None:
    names = set(zipfile.ZipFile(next(dist.glob("*.whl"))).namelist())
    expected = {
        "djdesk_inspector/migrations/0001_initial.py",
        "djdesk_inspector/templates/djdesk_inspector/dashboard.html",
        "djdesk_inspector/static/djdesk_inspector/js/dashboard.js",
        "djdesk_inspector/static/djdesk_inspector/css/dashboard.css",
        "djdesk_inspector/py.typed",
        "djdesk_electron_kit/electron-template/package.json",
    }
    assert expected <= names, expected - names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert not any("node_modules" in n for n in names)


def test_source_files_match_the_wheel(dist: Path) -> None:
    """Every template, static file and migration in src/ is shipped."""
    names = set(zipfile.ZipFile(next(dist.glob("*.whl"))).namelist())
    src = ROOT / "src"
    wanted = [
        p.relative_to(src).as_posix()
        for pattern in (
            "*/templates/**/*",
            "*/static/**/*",
            "*/migrations/*.py",
            "*/**/templates/**/*",
        )
        for p in src.glob(pattern)
        if p.is_file() and "__pycache__" not in p.parts
    ]
    assert wanted
    missing = [name for name in wanted if name not in names]
    assert missing == []
