"""Validity: every template builds a valid notebook from real scans of the demo projects."""

from __future__ import annotations

import json

import nbformat
import pytest

from djdesk_inspector.datalab import exports, registry, storage
from djdesk_inspector.datalab.models import Execution, ExportStatus
from djdesk_inspector.models import Snapshot, Workspace
from djdesk_inspector.presets.models import RunStatus, Stream, TaskRun, TaskRunLogLine
from tests.datalab.conftest import TEMPLATES, demo_samples

pytestmark = pytest.mark.django_db

SAMPLES = [s.folder for s in demo_samples()]


def source_for(document: dict, name: str = "Fleet Ops") -> registry.Source:
    workspace = Workspace(name=name, slug="fleet-ops", project_path="/nowhere")
    snapshot = Snapshot(pk=7, workspace=workspace, mode=document["mode"], data=document)
    return registry.Source(workspace, snapshot)


def test_the_registry_ships_the_five_templates():
    assert [t.slug for t in registry.all_templates()] == list(TEMPLATES)
    for template in registry.all_templates():
        assert template.title and template.description and template.tags
        assert registry.template_problem(template) == ""


@pytest.mark.parametrize("mode", ["live", "static"])
@pytest.mark.parametrize("sample", SAMPLES)
@pytest.mark.parametrize("slug", TEMPLATES)
def test_every_template_builds_a_valid_notebook(demo_documents, sample, mode, slug):
    document = demo_documents[sample][mode]
    built = registry.get(slug).load_builder()(source_for(document))
    nbformat.validate(built.notebook)
    assert built.notebook.nbformat == 4
    assert built.notebook.metadata["kernelspec"]["name"] == "python3"
    assert built.notebook.metadata["djdesk"]["template"] == slug
    assert built.files, "every template writes its data next to the notebook"
    code = "\n".join(c.source for c in built.notebook.cells if c.cell_type == "code")
    for name, data in built.files.items():
        assert storage.valid_file_name(name)
        json.dumps(data)  # plain JSON
        assert repr(name) in code  # the notebook reads what was written
    compile(code, slug, "exec")  # the code cells are valid Python


def test_notebooks_are_deterministic(demo_documents):
    document = demo_documents["fleet-ops"]["live"]
    builder = registry.get("schema-audit").load_builder()
    first, second = builder(source_for(document)), builder(source_for(document))
    assert nbformat.writes(first.notebook) == nbformat.writes(second.notebook)


def test_data_files_are_the_snapshot(demo_documents):
    document = demo_documents["fleet-ops"]["live"]
    schema = registry.get("schema-audit").load_builder()(source_for(document)).files
    assert schema["schema.json"]["models"] == document["models"]
    assert schema["schema.json"]["apps"] == document["apps"]
    migrations = registry.get("migrations-review").load_builder()(source_for(document)).files
    assert migrations["migrations.json"]["unapplied"] == document["migrations"]["unapplied"]
    assert document["migrations"]["unapplied"], "the fleet sample has an unapplied migration"
    urls = registry.get("url-map").load_builder()(source_for(document)).files["urls.json"]
    assert urls == {"known": True, "urls": document["urls"]}


def test_static_snapshots_say_what_is_unknown(demo_documents):
    document = demo_documents["fleet-ops"]["static"]
    built = registry.get("checks-report").load_builder()(source_for(document))
    assert built.files["checks.json"]["known"] is False
    assert "static scan" in built.notebook.cells[1].source
    urls = registry.get("url-map").load_builder()(source_for(document)).files["urls.json"]
    assert urls["known"] is False


def test_snapshot_text_cannot_inject_markup_into_markdown(demo_documents):
    document = {
        **demo_documents["polls-mini"]["static"],
        "fallback_reason": "<img src=x onerror=alert(1)>",
    }
    built = registry.get("schema-audit").load_builder()(
        source_for(document, name="<script>alert(1)</script> *bold*")
    )
    markdown = "\n".join(c.source for c in built.notebook.cells if c.cell_type == "markdown")
    assert "<script>" not in markdown and "<img" not in markdown
    assert "&lt;script&gt;" in markdown and "\\*bold\\*" in markdown


def test_an_export_writes_notebook_data_and_manifest(committed, fleet, export_root):
    with committed():
        export = exports.request_export(fleet, "schema-audit")
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED, export.error
    assert export.version == 1
    assert export.execution == Execution.SKIPPED  # EXECUTE is off in these tests
    folder = export_root / fleet.slug / export.key
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["export.json", "schema.json", "fleet-ops-schema-audit-v1.ipynb"])
    assert sorted(f["name"] for f in export.files) == names
    assert export.size_bytes == sum(p.stat().st_size for p in folder.iterdir())
    notebook = nbformat.read(folder / "fleet-ops-schema-audit-v1.ipynb", as_version=4)
    nbformat.validate(notebook)
    manifest = json.loads((folder / "export.json").read_text())
    assert manifest["snapshot"]["id"] == export.snapshot_id
    assert manifest["data_files"] == ["schema.json"]
    assert not [p for p in (export_root / fleet.slug).iterdir() if p.name.startswith(".")]


def test_exports_are_versioned_and_never_overwritten(committed, fleet, export_root):
    with committed():
        first = exports.request_export(fleet, "url-map")
        second = exports.request_export(fleet, "url-map")
        other = exports.request_export(fleet, "checks-report")
    first.refresh_from_db()
    second.refresh_from_db()
    other.refresh_from_db()
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert first.key != second.key
    for export in (first, second):
        assert (
            export_root / fleet.slug / export.key / f"fleet-ops-url-map-v{export.version}.ipynb"
        ).is_file()


def test_publishing_onto_an_existing_folder_fails_instead_of_overwriting(
    committed, fleet, export_root, queued_only
):
    with committed():
        export = exports.request_export(fleet, "url-map")
    export.refresh_from_db()
    squatter = export_root / fleet.slug / export.key
    squatter.mkdir(parents=True)
    (squatter / "keep.txt").write_text("mine")
    exports.execute(export.key)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert "never overwritten" in export.error
    assert (squatter / "keep.txt").read_text() == "mine"
    assert not list(storage.leftovers(fleet.slug, export.key))


def test_log_study_reads_the_workspace_task_logs(committed, fleet, export_root):
    run = TaskRun.objects.create(
        preset_key="check",
        preset_label="Check",
        target=f"workspace:{fleet.slug}",
        project_path="/p",
        interpreter="/py",
        status=RunStatus.FAILED,
        exit_code=1,
        duration_ms=1500,
        line_count=3,
    )
    TaskRun.objects.create(
        preset_key="check", target="workspace:someone-else", project_path="/p", interpreter="/py"
    )
    for seq, (stream, text) in enumerate(
        [
            (Stream.STDOUT, "System check identified 1 issue"),
            (Stream.STDERR, "ERROR: boom 12"),
            (Stream.STDERR, "ERROR: boom 13"),
        ],
        start=1,
    ):
        TaskRunLogLine.objects.create(run=run, seq=seq, stream=stream, text=text, t_ms=seq)
    with committed():
        export = exports.request_export(fleet, "log-study")
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED, export.error
    logs = json.loads((export_root / fleet.slug / export.key / "logs.json").read_text())
    assert [r["id"] for r in logs["runs"]] == [run.pk]
    assert [line[4] for line in logs["lines"]] == [
        "System check identified 1 issue",
        "ERROR: boom 12",
        "ERROR: boom 13",
    ]


def test_log_study_is_unavailable_without_the_presets_app(fleet, monkeypatch):
    monkeypatch.setattr(registry, "installed_label", lambda label: label != "djdesk_presets")
    template = registry.get("log-study")
    assert "djdesk_inspector.presets" in template.unavailable_reason()
    assert template.as_json()["available"] is False
    with pytest.raises(exports.ApiError) as caught:
        exports.request_export(fleet, "log-study")
    assert caught.value.status == 400
    assert "unavailable" in caught.value.errors["template"][0]


def test_project_templates_come_from_the_setting(committed, fleet, settings, export_root):
    settings.DJDESK_DATALAB = {
        **settings.DJDESK_DATALAB,
        "TEMPLATES": ["tests.datalab.custom_templates.MODEL_NAMES"],
    }
    assert registry.all_templates()[-1].slug == "model-names"
    with committed():
        export = exports.request_export(fleet, "model-names")
    export.refresh_from_db()
    assert export.status == ExportStatus.SUCCEEDED, export.error
    assert (export_root / fleet.slug / export.key / "names.json").is_file()


def test_a_broken_project_builder_fails_the_export_not_the_worker(
    committed, fleet, settings, export_root
):
    settings.DJDESK_DATALAB = {
        **settings.DJDESK_DATALAB,
        "TEMPLATES": ["tests.datalab.custom_templates.BROKEN"],
    }
    with committed():
        export = exports.request_export(fleet, "broken")
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert "could not be built: RuntimeError: builder bug" in export.error
    assert not (export_root / fleet.slug / export.key).exists()
    assert not list(storage.leftovers(fleet.slug, export.key))
