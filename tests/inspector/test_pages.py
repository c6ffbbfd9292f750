"""Pages answer HEAD like GET, share one header, and a new workspace is scanned at once."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from djdesk_electron_kit import middleware
from djdesk_inspector.kernel import chrome
from djdesk_inspector.models import Scan, Workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace(minimal_project):
    return Workspace.objects.create(name="Mini", project_path=str(minimal_project))


PAGES = (
    ("djdesk_inspector:workspace", True),
    ("djdesk_inspector:wizard", False),
    ("djdesk_presets:runs", False),
    ("djdesk_datalab:workspace", True),
    ("djdesk_docs:index", False),
)


@pytest.mark.parametrize(("name", "per_workspace"), PAGES)
def test_head_answers_like_get(client, workspace, name, per_workspace):
    url = reverse(name, args=[workspace.slug] if per_workspace else [])
    got = client.get(url)
    head = client.head(url)
    assert head.status_code == got.status_code
    assert head.status_code != 405
    assert head.content == b""


@pytest.mark.parametrize(("name", "per_workspace"), PAGES)
def test_every_page_has_the_same_header(client, workspace, name, per_workspace):
    html = client.get(reverse(name, args=[workspace.slug] if per_workspace else [])).content
    assert b'data-testid="chrome"' in html
    for target in ("djdesk_inspector:dashboard", "djdesk_presets:runs", "djdesk_datalab:index"):
        assert f'href="{reverse(target)}"'.encode() in html, target
    assert b">Mini</a>" in html  # the workspace switcher
    assert b'href="data:,"' not in html


def test_header_marks_where_you_are_and_escapes_names(rf, workspace):
    Workspace.objects.create(name="<b>x</b>", project_path=str(workspace.project_path) + "2")
    html = str(chrome.header(rf.get(reverse("djdesk_presets:runs")), current=workspace.slug))
    assert (
        f'href="{reverse("djdesk_presets:runs")}" data-testid="nav-runs" aria-current="page"'
        in html
    )
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert 'aria-current="page" class="current">Mini</a>' in html
    docs_page = str(chrome.header(rf.get(reverse("djdesk_docs:index") + "guide/page.html")))
    assert 'data-testid="nav-index" aria-current="page"' in docs_page


def test_wizard_queues_the_first_scan_static_until_trusted(
    client, minimal_project, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("djdesk_inspector:wizard"), {"project_path": str(minimal_project)})
    scan = Scan.objects.get()
    assert scan.status == "succeeded"  # ImmediateBackend: it has run
    assert scan.workspace.snapshots.get().mode == "static"


def test_api_create_queues_the_first_scan(client, minimal_project):
    response = client.post(
        reverse("djdesk_inspector:api-workspaces"),
        json.dumps({"project_path": str(minimal_project)}),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert Scan.objects.filter(workspace__slug=response.json()["slug"]).count() == 1


def test_scan_button_says_scan_until_a_snapshot_exists(client, workspace):
    html = client.get(reverse("djdesk_inspector:workspace", args=[workspace.slug])).content
    assert b'data-testid="rescan">Scan</button>' in html


def test_permissions_policy_names_only_features_chromium_knows():
    policy = dict(middleware.HEADERS)["Permissions-Policy"]
    assert "bluetooth" not in policy and "interest-cohort" not in policy
    assert "camera=()" in policy and "microphone=()" in policy
