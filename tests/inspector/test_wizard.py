from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from djdesk_inspector import detection
from djdesk_inspector.models import Workspace

pytestmark = pytest.mark.django_db
WIZARD = "djdesk_inspector:wizard"


def post(client, **data):
    return client.post(reverse(WIZARD), {"name": "", "interpreter_path": "", **data})


def test_valid_folder_is_registered_with_detected_settings(client, minimal_project):
    venv_python = minimal_project / ".venv" / ("Scripts" if os.name == "nt" else "bin")
    venv_python.mkdir(parents=True)
    python = venv_python / ("python.exe" if os.name == "nt" else "python3")
    python.write_text("")
    response = post(client, project_path=str(minimal_project), name="Mini")
    workspace = Workspace.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("djdesk_inspector:workspace", args=[workspace.slug])
    assert workspace.settings_module == "mini.settings"
    assert Path(workspace.interpreter_path) == python
    assert workspace.project_path == str(minimal_project.resolve())


def test_name_defaults_to_the_folder_name(client, minimal_project):
    post(client, project_path=str(minimal_project))
    assert Workspace.objects.get().name == "mini"


@pytest.mark.parametrize(
    ("make_path", "message"),
    [
        (lambda p: "", "This field is required"),
        (lambda p: "relative/path", "absolute path"),
        (lambda p: str(p / "missing"), "does not exist"),
        (lambda p: str(p / "manage.py"), "is not a folder"),
        (lambda p: str(p / "mini"), "has no manage.py"),
        (lambda p: str(p) + "\x00", "Null characters are not allowed"),
        (lambda p: "/" if os.name != "nt" else "C:\\", "protected system folder"),
        (lambda p: str(Path.home()), "protected system folder"),
        (lambda p: "/etc" if os.name != "nt" else "C:\\Windows", "protected system folder"),
    ],
)
def test_bad_folders_show_inline_errors_and_create_nothing(
    client, minimal_project, make_path, message
):
    response = post(client, project_path=make_path(minimal_project))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert b'data-testid="error-project_path"' in response.content
    assert not Workspace.objects.exists()


def test_same_folder_spelled_differently_is_a_duplicate(client, minimal_project, tmp_path):
    post(client, project_path=str(minimal_project))
    alias = tmp_path / "alias"
    alias.symlink_to(minimal_project, target_is_directory=True)
    for spelling in (
        str(minimal_project) + os.sep,
        str(alias),
        str(minimal_project / ".." / "mini"),
    ):
        response = post(client, project_path=spelling)
        assert response.status_code == 200, spelling
        assert "already registered" in response.content.decode()
    assert Workspace.objects.count() == 1


def test_configured_protected_paths_are_refused(client, minimal_project, settings):
    settings.DJDESK_INSPECTOR = {"PROTECTED_PATHS": [str(minimal_project)]}
    response = post(client, project_path=str(minimal_project))
    assert response.status_code == 200  # the form again, with its error: no redirect
    assert b'data-testid="error-project_path"' in response.content
    assert not Workspace.objects.exists()


def test_interpreter_must_exist(client, minimal_project):
    response = post(client, project_path=str(minimal_project), interpreter_path="/no/python")
    assert response.status_code == 200
    assert "interpreter must be an existing file" in response.content.decode()


def test_settings_module_is_read_without_running_manage_py(tmp_path):
    manage = tmp_path / "manage.py"
    manage.write_text(
        "raise SystemExit('executed!')\n"
        "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'proj.settings.dev')\n"
    )
    assert detection.settings_module_from_manage(manage) == "proj.settings.dev"


def test_unparsable_manage_py_yields_no_settings(tmp_path):
    manage = tmp_path / "manage.py"
    manage.write_text("def (:\n")
    assert detection.settings_module_from_manage(manage) == ""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX venv layout")
def test_interpreter_detection_order(tmp_path):
    for venv in ("env", "venv"):
        (tmp_path / venv / "bin").mkdir(parents=True)
        (tmp_path / venv / "bin" / "python").write_text("")
    assert detection.find_interpreter(tmp_path) == tmp_path / "venv" / "bin" / "python"
