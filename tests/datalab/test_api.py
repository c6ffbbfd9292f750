"""The data lab's JSON API, downloads, preview headers, deletion and the status section."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass

import nbformat
import pytest
from django.test import Client

from djdesk_inspector.datalab import exports, preview, storage, tasks
from djdesk_inspector.datalab.models import Export, ExportStatus
from djdesk_inspector.kernel import jobs
from djdesk_inspector.models import Workspace
from tests.permissions import SIGN_IN_QUERIES

pytestmark = pytest.mark.django_db

TEMPLATES_URL = "/djdesk/api/datalab/templates/"


def exports_url(workspace: Workspace) -> str:
    return f"/djdesk/api/workspaces/{workspace.slug}/exports/"


@dataclass
class Accepted:
    """A 202 answer, with the export re-read once the request's transaction committed."""

    status_code: int
    answer: dict
    export: dict

    def json(self) -> dict:
        return self.export


@pytest.fixture
def post(committed):
    """POST JSON, then commit the request's work as a real request would.

    The test's own transaction never commits, so the answer (built before the commit
    that enqueues the export) says ``queued``; a 202 is therefore re-read afterwards,
    as the dashboard's next poll would (with ImmediateBackend the export has run).
    """

    def send(client, url: str, body) -> object:
        with committed():
            response = client.post(url, json.dumps(body), content_type="application/json")
        if response.status_code != 202:
            return response
        answer = response.json()
        assert answer["status"] == "queued"
        return Accepted(202, answer, client.get(answer["urls"]["self"]).json())

    return send


def test_templates_list_says_what_each_does(client):
    templates = client.get(TEMPLATES_URL).json()["templates"]
    assert [t["slug"] for t in templates][:5] == [
        "schema-audit",
        "migrations-review",
        "checks-report",
        "url-map",
        "log-study",
    ]
    for template in templates:
        assert template["title"] and template["description"] and template["tags"]
        assert template["available"] is True and template["unavailable_reason"] is None


def test_create_list_get_and_download(post, client, fleet):
    response = post(client, exports_url(fleet), {"template": "schema-audit"})
    assert response.status_code == 202, response
    created = response.json()
    assert created["status"] == "succeeded"  # ImmediateBackend
    assert (created["template"], created["template_title"], created["version"]) == (
        "schema-audit",
        "Schema audit",
        1,
    )
    assert created["notebook_name"] == "fleet-ops-schema-audit-v1.ipynb"
    listed = client.get(exports_url(fleet)).json()["exports"]
    assert [e["id"] for e in listed] == [created["id"]]
    assert client.get(created["urls"]["self"]).json()["id"] == created["id"]

    notebook = client.get(created["urls"]["notebook"])
    assert notebook.status_code == 200
    assert notebook["Content-Type"] == "application/x-ipynb+json"
    assert 'filename="fleet-ops-schema-audit-v1.ipynb"' in notebook["Content-Disposition"]
    nbformat.validate(nbformat.reads(b"".join(notebook.streaming_content).decode(), as_version=4))

    archive = client.get(created["urls"]["zip"])
    assert archive["Content-Type"] == "application/zip"
    assert 'filename="fleet-ops-schema-audit-v1.zip"' in archive["Content-Disposition"]
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert sorted(names) == [
        "fleet-ops-schema-audit-v1/export.json",
        "fleet-ops-schema-audit-v1/fleet-ops-schema-audit-v1.ipynb",
        "fleet-ops-schema-audit-v1/schema.json",
    ]
    assert client.get(created["urls"]["zip"]).content == archive.content  # reproducible


def test_preview_is_sandbox_ready_html_under_a_no_script_policy(post, client, fleet):
    created = post(client, exports_url(fleet), {"template": "url-map"}).json()
    response = client.get(created["urls"]["preview"])
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    )
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"
    page = response.content.decode()
    assert "<script" not in page.lower()
    assert "URL map" in page
    if preview.nbconvert_available():
        assert "jp-Notebook" in page


def test_limit_is_validated(client, fleet):
    for bad in ("0", "-1", "abc", "501"):
        response = client.get(exports_url(fleet), {"limit": bad})
        assert response.status_code == 400
        assert "limit" in response.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "template"),
        ({"template": "nope"}, "template"),
        ({"template": ["schema-audit"]}, "template"),
        ({"template": "schema-audit", "execute": "yes"}, "execute"),
    ],
)
def test_bad_requests_are_json_400s(post, client, fleet, body, field):
    response = post(client, exports_url(fleet), body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Export.objects.exists()


def test_malformed_json_is_a_400(client, fleet):
    response = client.post(exports_url(fleet), b"{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_a_workspace_without_snapshot_is_a_409(post, client, tmp_path):
    bare = Workspace.objects.create(name="Bare", project_path=str(tmp_path / "bare"))
    response = post(client, exports_url(bare), {"template": "schema-audit"})
    assert response.status_code == 409
    assert "scan it first" in response.json()["errors"]["__all__"][0]


def test_unknown_workspace_is_a_json_404(post, client):
    response = post(client, "/djdesk/api/workspaces/nope/exports/", {"template": "schema-audit"})
    assert response.status_code == 404
    assert response.json()["errors"]


def test_wrong_methods_are_json_405s(client, fleet):
    assert client.put(exports_url(fleet)).status_code == 405
    assert client.post(TEMPLATES_URL).status_code == 405


def test_files_of_an_unfinished_export_are_409(post, client, fleet, queued_only):
    created = post(client, exports_url(fleet), {"template": "url-map"}).json()
    assert created["status"] == "queued"
    assert created["urls"]["notebook"] is None
    base = created["urls"]["self"]
    for suffix in ("notebook.ipynb", "export.zip", "preview/"):
        response = client.get(base + suffix)
        assert response.status_code == 409, suffix
        assert "queued" in response.json()["errors"]["__all__"][0]


def test_delete_removes_files_and_row(post, client, fleet, export_root):
    created = post(client, exports_url(fleet), {"template": "checks-report"}).json()
    folder = export_root / fleet.slug / created["id"]
    assert folder.is_dir()
    response = client.delete(created["urls"]["self"])
    assert response.status_code == 204
    assert not folder.exists()
    assert not Export.objects.filter(pk=created["id"]).exists()
    assert list((export_root / fleet.slug).iterdir()) == []  # no trash left behind
    assert client.delete(created["urls"]["self"]).status_code == 404
    assert client.get(created["urls"]["self"] + "notebook.ipynb").status_code == 404


def test_delete_of_a_queued_export_means_it_never_runs(
    post, client, fleet, export_root, queued_only
):
    created = post(client, exports_url(fleet), {"template": "checks-report"}).json()
    assert client.delete(created["urls"]["self"]).status_code == 204
    assert exports.execute(created["id"]) == {"export": created["id"], "status": "skipped"}
    assert not (export_root / fleet.slug / created["id"]).exists()


def test_a_running_export_cannot_be_deleted(post, client, fleet, queued_only):
    created = post(client, exports_url(fleet), {"template": "checks-report"}).json()
    Export.objects.filter(pk=created["id"]).update(status=ExportStatus.RUNNING)
    response = client.delete(created["urls"]["self"])
    assert response.status_code == 409
    assert Export.objects.filter(pk=created["id"]).exists()


def test_deleting_the_workspace_deletes_its_exports(
    post, client, fleet, export_root, django_capture_on_commit_callbacks
):
    post(client, exports_url(fleet), {"template": "checks-report"})
    assert (export_root / fleet.slug).is_dir()
    with django_capture_on_commit_callbacks(execute=True):
        fleet.delete()
    assert not Export.objects.exists()
    assert not (export_root / "fleet-ops").exists()


def test_the_api_enforces_csrf(post, fleet, djdesk_user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(djdesk_user)
    response = post(strict, exports_url(fleet), {"template": "schema-audit"})
    assert response.status_code == 403
    assert not Export.objects.exists()


def test_status_payload_lists_exports_within_the_query_budget(
    post, client, fleet, django_assert_max_num_queries
):
    for template in ("url-map", "url-map", "checks-report"):
        post(client, exports_url(fleet), {"template": template})
    with django_assert_max_num_queries(8 + SIGN_IN_QUERIES):
        payload = client.get(f"/djdesk/api/workspaces/{fleet.slug}/status/").json()
    section = payload["exports"]
    assert section["installed"] is True
    rows = section["exports"]
    assert [(e["template"], e["version"]) for e in rows] == [
        ("checks-report", 1),
        ("url-map", 2),
        ("url-map", 1),
    ]
    assert all(e["status"] == "succeeded" and e["progress"] == 100 for e in rows)
    assert all(e["urls"]["preview"] for e in rows)


def test_the_status_section_is_capped_by_history_limit(post, client, fleet, settings):
    settings.DJDESK_DATALAB = {**settings.DJDESK_DATALAB, "HISTORY_LIMIT": 2}
    for _ in range(3):
        post(client, exports_url(fleet), {"template": "url-map"})
    payload = client.get(f"/djdesk/api/workspaces/{fleet.slug}/status/").json()
    assert [e["version"] for e in payload["exports"]["exports"]] == [3, 2]


def test_failed_exports_show_their_error_and_can_be_deleted(
    post, client, fleet, export_root, monkeypatch
):
    monkeypatch.setattr(
        storage, "publish", lambda *a, **k: (_ for _ in ()).throw(storage.PublishError("disk full"))
    )
    created = post(client, exports_url(fleet), {"template": "url-map"}).json()
    assert created["status"] == "failed"
    assert created["error"] == "disk full"
    assert created["urls"]["preview"] is None
    assert not list(storage.leftovers(fleet.slug, created["id"]))
    assert client.delete(created["urls"]["self"]).status_code == 204


def test_stale_exports_are_reaped(fleet, export_root, queued_only):
    export = exports.request_export(fleet, "url-map")
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)
    staging = storage.staging_dir(fleet.slug, export.key)
    (staging / "half.json").write_text("{")
    assert tasks.reap_exports() == 1  # its worker (none claimed it) is gone
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert export.error == jobs.running_error(tasks.EXPORT)
    assert not staging.exists()
    assert tasks.reap_exports() == 0
