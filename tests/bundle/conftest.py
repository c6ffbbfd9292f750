"""Bundler fixtures: one example bundle per session, a fake pbs archive, the kit's wheel."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.bundle import running
from tests.conftest import require


@pytest.fixture(scope="session")
def example_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``example_project`` bundled once with ``--runtime system`` (a real build)."""
    output = tmp_path_factory.mktemp("example") / "django-bundle"
    running.build(output)
    return output


def _base_interpreter() -> Path:
    base = Path(getattr(sys, "_base_executable", "") or sys.executable)
    return base.resolve()


@pytest.fixture(scope="session")
def fake_runtime(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A ``python/``-layout tar.gz around a copy of the host interpreter, and its sha256.

    python-build-standalone cannot be downloaded here; a copied interpreter still
    finds its standard library through its compiled-in prefix. Dummy ``idlelib`` and
    ``include`` folders give the pruning step something to remove.
    """
    if sys.platform == "win32":
        pytest.skip("the fake runtime is built for the POSIX layout")
    work = tmp_path_factory.mktemp("fake-runtime")
    root = work / "python"
    (root / "bin").mkdir(parents=True)
    minor = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    binary = root / "bin" / minor
    shutil.copy2(_base_interpreter(), binary)
    (root / "bin" / "python3").symlink_to(minor)
    idle = root / "lib" / minor / "idlelib"
    idle.mkdir(parents=True)
    (idle / "__init__.py").write_text("")
    (root / "include").mkdir()
    (root / "include" / "Python.h").write_text("/* dummy */\n")
    probe = subprocess.run([str(root / "bin" / "python3"), "-c", "import json"], check=False)
    require(probe.returncode == 0, "a copy of the host interpreter does not run on its own")
    archive = work / "cpython-fake-x86_64-install_only_stripped.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(root, arcname="python")
    return archive, hashlib.sha256(archive.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def kit_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The kit's wheel, built once per session from this checkout."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(running.ROOT)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    return next(out.glob("djdesk_inspector-*.whl"))
