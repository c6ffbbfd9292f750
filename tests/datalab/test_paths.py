"""Path safety: no slug, export id, encoding or symlink reaches outside the export root."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from djdesk_inspector.datalab import exports, storage

pytestmark = pytest.mark.django_db

SUFFIXES = ("", "notebook.ipynb", "export.zip", "preview/")


@pytest.fixture
def published(fleet, committed) -> tuple:
    with committed():
        export = exports.request_export(fleet, "url-map")
    export.refresh_from_db()
    assert export.status == "succeeded", export.error
    return fleet, export


def base(workspace) -> str:
    return f"/djdesk/api/workspaces/{workspace.slug}/exports/"


def assert_404(client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404, (url, response.status_code)
    assert response["Content-Type"] == "application/json"
    assert "errors" in response.json()


def test_the_published_files_are_served(client, published):
    workspace, export = published
    for suffix in SUFFIXES:
        assert client.get(f"{base(workspace)}{export.key}/{suffix}").status_code == 200, suffix


@pytest.mark.parametrize(
    "export_id",
    [
        "..",
        "%2e%2e",
        "%2E%2E%2F%2E%2E",
        "..%2f..%2fetc",
        "%2fetc%2fpasswd",
        "C:%5cWindows",
        "0" * 31,
        "0" * 33,
        "A" * 32,
        "g" * 32,
        "12345678-1234-1234-1234-123456789abc",
        "%00" + "0" * 31,
        ".staging-" + "0" * 32,
    ],
)
@pytest.mark.parametrize("suffix", SUFFIXES)
def test_bad_export_ids_are_404(client, published, export_id, suffix):
    workspace, _ = published
    assert_404(client, f"{base(workspace)}{export_id}/{suffix}")


@pytest.mark.parametrize("slug", ["..", "%2e%2e", ".hidden", "a%2fb", "%2fetc", "x" * 70])
def test_bad_workspace_slugs_are_404(client, published, slug):
    _, export = published
    assert_404(client, f"/djdesk/api/workspaces/{slug}/exports/{export.key}/notebook.ipynb")


def test_an_unknown_but_well_formed_id_is_404(client, published):
    workspace, _ = published
    assert_404(client, f"{base(workspace)}{uuid.uuid4().hex}/notebook.ipynb")


def test_an_export_of_another_workspace_is_404(client, published, make_workspace, demo_documents):
    _, export = published
    other = make_workspace(demo_documents["polls-mini"]["live"], "Polls")
    assert_404(client, f"{base(other)}{export.key}/")
    assert_404(client, f"{base(other)}{export.key}/notebook.ipynb")


def test_an_export_folder_symlinked_out_of_the_root_is_404(
    client, published, export_root, tmp_path
):
    workspace, export = published
    folder = export_root / workspace.slug / export.key
    outside = tmp_path / "outside"
    folder.rename(outside)
    folder.symlink_to(outside, target_is_directory=True)
    for suffix in ("notebook.ipynb", "export.zip", "preview/"):
        assert_404(client, f"{base(workspace)}{export.key}/{suffix}")


def test_a_notebook_symlinked_out_of_the_root_is_404(client, published, export_root, tmp_path):
    workspace, export = published
    notebook = (
        export_root / workspace.slug / export.key / exports.notebook_name(export, workspace.slug)
    )
    secret = tmp_path / "secret.ipynb"
    notebook.rename(secret)
    notebook.symlink_to(secret)
    assert_404(client, f"{base(workspace)}{export.key}/notebook.ipynb")
    assert_404(client, f"{base(workspace)}{export.key}/preview/")


def test_the_zip_leaves_out_links_to_outside(client, published, export_root, tmp_path):
    workspace, export = published
    folder = export_root / workspace.slug / export.key
    (tmp_path / "passwords.txt").write_text("hunter2")
    (folder / "passwords.txt").symlink_to(tmp_path / "passwords.txt")
    import io
    import zipfile

    body = client.get(f"{base(workspace)}{export.key}/export.zip").content
    names = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert not any("passwords" in name for name in names)
    assert len(names) == 3


def test_a_workspace_folder_symlinked_elsewhere_is_404(client, published, export_root, tmp_path):
    workspace, export = published
    workspace_dir = export_root / workspace.slug
    moved = tmp_path / "moved"
    workspace_dir.rename(moved)
    workspace_dir.symlink_to(moved, target_is_directory=True)
    # The link's target is outside the data dir's exports folder: nothing there is served.
    for suffix in ("notebook.ipynb", "export.zip", "preview/"):
        assert_404(client, f"{base(workspace)}{export.key}/{suffix}")
    (moved / export.key / "secret.txt").write_text("outside")
    assert b"outside" not in client.get(f"{base(workspace)}{export.key}/export.zip").content


def test_a_workspace_folder_symlinked_to_another_workspace_is_404(client, published, export_root):
    workspace, export = published
    workspace_dir = export_root / workspace.slug
    other = export_root / "someone-else"
    workspace_dir.rename(other)
    workspace_dir.symlink_to(other, target_is_directory=True)
    assert_404(client, f"{base(workspace)}{export.key}/notebook.ipynb")


def test_a_symlinked_exports_root_serves_nothing_outside(client, published, export_root, tmp_path):
    workspace, export = published
    outside = tmp_path / "outside-root"
    export_root.rename(outside)
    export_root.symlink_to(outside, target_is_directory=True)
    for suffix in ("notebook.ipynb", "export.zip", "preview/"):
        assert_404(client, f"{base(workspace)}{export.key}/{suffix}")
    # The JSON record is still there; only the files behind the link are refused.
    assert client.get(f"{base(workspace)}{export.key}/").status_code == 200


def test_no_export_is_written_through_a_symlinked_workspace_folder(
    committed, client, fleet, export_root, tmp_path
):
    outside = tmp_path / "written-outside"
    outside.mkdir()
    export_root.mkdir(parents=True, exist_ok=True)
    (export_root / fleet.slug).symlink_to(outside, target_is_directory=True)
    with committed():
        export = exports.request_export(fleet, "url-map")
    export.refresh_from_db()
    assert export.status == "failed"
    assert "link out of the exports folder" in export.error
    assert list(outside.iterdir()) == []


def test_deleting_a_workspace_never_deletes_through_a_linked_root(
    client, django_capture_on_commit_callbacks, published, export_root, tmp_path
):
    workspace, _ = published
    outside = tmp_path / "outside-root"
    export_root.rename(outside)
    export_root.symlink_to(outside, target_is_directory=True)
    kept = sorted(p.relative_to(outside) for p in outside.rglob("*"))
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/djdesk/api/workspaces/{workspace.slug}/").status_code == 204
    assert sorted(p.relative_to(outside) for p in outside.rglob("*")) == kept
    assert (outside / workspace.slug).is_dir()


def test_deleting_a_workspace_unlinks_a_linked_folder_only(
    client, django_capture_on_commit_callbacks, published, export_root, tmp_path
):
    workspace, _ = published
    folder = export_root / workspace.slug
    moved = tmp_path / "moved"
    folder.rename(moved)
    folder.symlink_to(moved, target_is_directory=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/djdesk/api/workspaces/{workspace.slug}/").status_code == 204
    assert not os.path.lexists(folder)
    assert any(moved.iterdir())


def test_deleting_a_workspace_removes_its_own_folder(
    client, django_capture_on_commit_callbacks, published, export_root
):
    workspace, _ = published
    assert (export_root / workspace.slug).is_dir()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/djdesk/api/workspaces/{workspace.slug}/").status_code == 204
    assert not (export_root / workspace.slug).exists()


def test_a_root_below_a_symlinked_parent_still_works(committed, client, fleet, settings, tmp_path):
    """Links *above* the exports root are the user's choice (e.g. /var -> /private/var)."""
    real_parent = tmp_path / "real-parent"
    real_parent.mkdir()
    (tmp_path / "linked-parent").symlink_to(real_parent, target_is_directory=True)
    settings.DJDESK_DATALAB = {
        "EXPORT_ROOT": str(tmp_path / "linked-parent" / "exports"),
        "EXECUTE": False,
    }
    with committed():
        export = exports.request_export(fleet, "url-map")
    export.refresh_from_db()
    assert export.status == "succeeded", export.error
    response = client.get(f"{base(fleet)}{export.key}/notebook.ipynb")
    assert response.status_code == 200


def test_delete_never_follows_a_symlink_out(client, published, export_root, tmp_path):
    workspace, export = published
    folder = export_root / workspace.slug / export.key
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "keep.txt").write_text("keep")
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)
    assert client.delete(f"{base(workspace)}{export.key}/").status_code == 204
    assert (outside / "keep.txt").read_text() == "keep"
    assert not os.path.lexists(folder)


@pytest.mark.parametrize(
    "name",
    ["", ".", "..", "../x", "a/b", "a\\b", ".hidden", "x\x00y", "/etc/passwd", "C:x", "a..b"],
)
def test_locate_refuses_bad_file_names(published, name):
    workspace, export = published
    with pytest.raises(storage.NotFound):
        storage.locate(workspace.slug, export.key, name)


@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(slug=st.text(max_size=40), export_id=st.text(max_size=40), name=st.text(max_size=40))
def test_locate_never_answers_outside_the_root(published, export_root, slug, export_id, name):
    try:
        found = storage.locate(slug, export_id, name)
    except storage.NotFound:
        return
    assert Path(found).is_relative_to(export_root.resolve())
