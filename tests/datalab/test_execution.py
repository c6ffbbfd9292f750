"""Execution: notebooks run in a real python3 kernel subprocess, with a clean environment."""

from __future__ import annotations

import json
import os
from importlib.util import find_spec

import nbformat
import pytest

from djdesk_inspector.datalab import execution, exports
from djdesk_inspector.datalab.models import Execution, ExportStatus
from tests.conftest import require
from tests.datalab.conftest import TEMPLATES

# Exports are enqueued once their transaction commits, so tests commit for real.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

CUSTOM = "tests.datalab.custom_templates."


@pytest.fixture(autouse=True)
def _kernel(settings) -> None:
    require(
        find_spec("nbclient") is not None and find_spec("ipykernel") is not None,
        "nbclient and ipykernel are not installed (pip install 'djdesk-inspector[datalab]')",
    )
    settings.DJDESK_DATALAB = {
        **settings.DJDESK_DATALAB,
        "EXECUTE": True,
        "EXECUTION_TIMEOUT": 30,
        "TEMPLATES": [CUSTOM + name for name in ("ENV_PROBE", "FAILING", "SLOW")],
    }


def executed_notebook(export_root, workspace, export) -> nbformat.NotebookNode:
    path = export_root / workspace.slug / export.key / exports.notebook_name(export, workspace.slug)
    return nbformat.read(path, as_version=4)


@pytest.mark.parametrize("slug", TEMPLATES)
def test_every_template_executes_without_errors(fleet, export_root, slug):
    export = exports.request_export(fleet, slug)
    assert export.status == ExportStatus.SUCCEEDED, export.error
    assert export.execution == Execution.SUCCEEDED, export.execution_note
    notebook = executed_notebook(export_root, fleet, export)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code)
    outputs = [o for c in code for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"]
    tables = [o for o in outputs if "<table>" in o.get("data", {}).get("text/html", "")]
    assert tables, "the preview shows real tables"
    assert "execute_ms" in export.timings


def test_the_kernel_gets_a_clean_environment_and_the_export_folder(fleet, export_root, monkeypatch):
    monkeypatch.setenv("DJDESK_FAKE_SECRET_TOKEN", "do-not-leak")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "do-not-leak")
    monkeypatch.setenv("PYTHONPATH", "/somewhere/else")
    export = exports.request_export(fleet, "env-probe")
    assert export.execution == Execution.SUCCEEDED, export.execution_note
    folder = export_root / fleet.slug / export.key
    probe = json.loads((folder / "env.json").read_text())
    env = probe["env"]
    assert "do-not-leak" not in json.dumps(env)
    for name in ("DJANGO_SETTINGS_MODULE", "PYTHONPATH", "VIRTUAL_ENV", "DJDESK_FAKE_SECRET_TOKEN"):
        assert name not in env
    assert env["PATH"] == os.environ["PATH"]
    assert env["IPYTHONDIR"] != os.environ.get("IPYTHONDIR")
    # It ran in the staging folder that was then renamed into place.
    assert os.path.basename(probe["cwd"]).startswith(".staging-" + export.key)
    assert os.path.dirname(probe["cwd"]) == str(folder.parent)


def test_a_failing_cell_keeps_the_export_and_says_why(fleet, export_root):
    export = exports.request_export(fleet, "failing")
    assert export.status == ExportStatus.SUCCEEDED
    assert export.execution == Execution.FAILED
    assert "ValueError: cell bug" in export.execution_note
    notebook = executed_notebook(export_root, fleet, export)
    errors = [
        o
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors and errors[0].ename == "ValueError"


def test_a_cell_over_the_timeout_is_stopped(fleet, settings):
    settings.DJDESK_DATALAB = {**settings.DJDESK_DATALAB, "EXECUTION_TIMEOUT": 3}
    export = exports.request_export(fleet, "slow")
    assert export.status == ExportStatus.SUCCEEDED
    assert export.execution == Execution.FAILED
    assert "longer than 3 s" in export.execution_note
    assert export.timings["execute_ms"] < 30_000


def test_execute_false_skips_the_kernel(fleet):
    export = exports.request_export(fleet, "schema-audit", execute=False)
    assert export.execution == Execution.SKIPPED
    assert "execute_ms" not in export.timings


def test_missing_requirements_are_reported(fleet, monkeypatch):
    monkeypatch.setattr(execution, "missing_requirements", lambda: "nbclient is not installed")
    export = exports.request_export(fleet, "schema-audit")
    assert export.status == ExportStatus.SUCCEEDED
    assert export.execution == Execution.UNAVAILABLE
    assert "nbclient is not installed" in export.execution_note
