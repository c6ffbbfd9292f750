"""End to end on a project that is not ours: ``django-admin startproject``, the kit
installed from its built wheel into a real venv, bundled with that venv's python."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bundle import running

pytestmark = pytest.mark.slow

SETTINGS_TAIL = """
from djdesk_inspector.kernel import compat

INSTALLED_APPS += [
    *([compat.TASKS_APP] if compat.TASKS_APP else []),
    "django_tasks_db",
    "djdesk_inspector",
    "djdesk_electron_kit",
]
"""
DESKTOP_SETTINGS = """from mysite.settings import *  # noqa: F403
from djdesk_electron_kit.desktop_settings import apply

DJDESK_DESKTOP = {"APP_NAME": "djdesk-fresh-project-test"}
apply(globals())
"""
URLS = """from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("djdesk/", include("djdesk_inspector.urls")),
]
"""


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def _run(argv: list[str | Path], cwd: Path) -> None:
    subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=running.base_env(), check=True, capture_output=True
    )


def test_startproject_with_the_wheel_bundles_and_launches(kit_wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path)
    python = _venv_python(venv)
    _run([python, "-m", "pip", "install", "--disable-pip-version-check", "-q", kit_wheel], tmp_path)
    project = tmp_path / "proj"
    project.mkdir()
    _run([python, "-m", "django", "startproject", "mysite", project], tmp_path)
    package = project / "mysite"
    settings = package / "settings.py"
    settings.write_text(settings.read_text() + SETTINGS_TAIL)
    (package / "settings_desktop.py").write_text(DESKTOP_SETTINGS)
    (package / "urls.py").write_text(URLS)
    (project / "requirements.txt").write_text("djdesk-inspector\nwhitenoise>=6\n")

    done = subprocess.run(
        [str(python), "manage.py", "djdesk_bundle", "--runtime", "system"],
        cwd=project,
        env=running.base_env(),
        capture_output=True,
        text=True,
        timeout=running.BUILD_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # The kit is copied from the venv, never resolved by pip; the rest is, and pinned.
    assert (
        "unpinned requirements (the resolved versions are recorded in the manifest): whitenoise>=6"
        in done.stdout
    )
    bundle = project / "electron" / "django-bundle"
    data = json.loads((bundle / "manifest.json").read_text())
    assert data["inputs"]["options"]["desktop_settings"] == "mysite.settings_desktop"
    assert data["inputs"]["requirements"]["source"] == "requirements.txt"
    assert "djdesk-inspector" not in data["dependencies"]["packages"]
    assert data["dependencies"]["packages"]["whitenoise"]["version"]
    assert (bundle / "site-packages" / "djdesk_inspector").is_dir()
    assert not (bundle / "app" / "db.sqlite3").exists()
    assert not (bundle / "app" / "electron").exists()

    with running.launch(bundle, tmp_path / "data", settings="mysite.settings_desktop") as app:
        status, _headers, _body = app.get("/djdesk/")
        assert status == 200
        assert app.get("/djdesk/desktop/health/")[0] == 200
