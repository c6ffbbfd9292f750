from __future__ import annotations

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from djdesk_inspector.kernel import openapi
from djdesk_inspector.models import (
    Rehearsal,
    RehearsalStatus,
    Scan,
    ScanStatus,
    Snapshot,
    Workspace,
)
from tests.permissions import SIGN_IN_QUERIES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def document(tmp_path_factory):
    """A real static scan of a real sample project (nothing is executed)."""
    from telemetry import samples

    from djdesk_inspector.inspection import static

    root = tmp_path_factory.mktemp("status") / "proj"
    samples.write_project(root, apps=["polls"], models_per_app=2, migrations_per_app=1)
    return static.scan(root)


def make_history(workspace: Workspace, rows: int, document: dict) -> None:
    scans = Scan.objects.bulk_create(
        [Scan(workspace=workspace, status=ScanStatus.SUCCEEDED, progress=100) for _ in range(rows)]
    )
    Snapshot.objects.bulk_create(
        [Snapshot.for_document(workspace, document, scan=scan) for scan in scans]
    )
    Rehearsal.objects.bulk_create(
        [Rehearsal(workspace=workspace, status=RehearsalStatus.SUCCEEDED) for _ in range(rows)]
    )


@pytest.fixture
def workspace(tmp_path):
    return Workspace.objects.create(name="Polls", project_path=str(tmp_path))


def status_url(slug: str) -> str:
    return reverse("djdesk_inspector:api-status", args=[slug])


@pytest.mark.parametrize("rows", [10, 1000])
def test_status_uses_a_constant_number_of_queries(
    client, workspace, rows, document, django_assert_max_num_queries
):
    make_history(workspace, rows, document)
    # The view's 8 (workspace, latest and previous snapshot, snapshot history, scans,
    # rehearsals, two sections), plus what signing in costs (a constant too).
    with django_assert_max_num_queries(8 + SIGN_IN_QUERIES):
        response = client.get(status_url(workspace.slug))
    payload = response.json()
    assert response.status_code == 200
    assert payload["workspace"]["slug"] == workspace.slug
    assert len(payload["scans"]) == 10
    assert payload["snapshot"]["mode"] == "static"
    expected = {m["label"] for m in document["models"] if not m.get("auto_created")}
    assert {n["id"] for n in payload["schema"]["nodes"]} >= expected
    models = next(i for i in payload["insights"] if i["key"] == "models")
    assert models["value"] > 0
    assert models["delta"] == 0  # compared with the previous snapshot


def test_unchanged_poll_answers_304_and_a_change_answers_200(client, workspace):
    first = client.get(status_url(workspace.slug))
    etag = first["ETag"]
    again = client.get(status_url(workspace.slug), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    Scan.objects.create(workspace=workspace)
    changed = client.get(status_url(workspace.slug), HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_empty_workspace_payload_is_honest(client, workspace):
    payload = client.get(status_url(workspace.slug)).json()
    assert payload["snapshot"] is None
    assert payload["insights"] == []
    assert payload["scans"] == []
    assert payload["schema"] == {"nodes": [], "edges": []}


def test_unknown_slug_is_a_json_404(client):
    response = client.get(status_url("nope"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "errors" in response.json()


def test_wrong_method_is_a_json_405(client, workspace):
    response = client.post(status_url(workspace.slug))
    assert response.status_code == 405
    assert response.json()["errors"]
    assert response["Allow"] == "GET"


def test_unknown_api_path_is_a_json_404(client):
    response = client.get("/djdesk/api/no/such/thing/")
    assert response.status_code == 404
    assert response.json()["errors"]


def test_create_workspace_through_the_api(client, minimal_project):
    url = reverse("djdesk_inspector:api-workspaces")
    response = client.post(
        url, {"project_path": str(minimal_project)}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["settings_module"] == "mini.settings"


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[1, 2]", b'{"project_path": "relative"}', b"\xff\xfe", b"{}"],
)
def test_malformed_create_requests_are_json_400s(client, body):
    url = reverse("djdesk_inspector:api-workspaces")
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert isinstance(response.json()["errors"], dict)
    assert not Workspace.objects.exists()


def test_api_enforces_csrf(minimal_project, djdesk_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(djdesk_user)
    response = strict.post(
        reverse("djdesk_inspector:api-workspaces"),
        json.dumps({"project_path": str(minimal_project)}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Workspace.objects.exists()


def _api_routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    routes: list[str] = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes.extend(_api_routes(pattern, route))
        elif (
            isinstance(pattern, URLPattern)
            and "api/" in route
            and pattern.name != "djdesk-api-unknown"  # the catch-all JSON 404
        ):
            routes.append(route)
    return routes


def _as_openapi(route: str) -> str:
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def test_openapi_document_matches_the_urlconf(client):
    document = client.get(reverse("djdesk-openapi")).json()
    assert document["openapi"].startswith("3.1")
    routed = {_as_openapi(r) for r in _api_routes(get_resolver())}
    assert routed == set(document["paths"])
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert method in {"get", "post", "put", "patch", "delete"}
            assert operation["responses"], (path, method)


def test_openapi_operation_ids_are_unique():
    ids = [op.operation_id for op in openapi.installed_operations()]
    assert len(ids) == len(set(ids))


def test_csrf_failures_on_the_api_are_json(djdesk_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(djdesk_user)
    response = strict.post(
        reverse("djdesk_inspector:api-workspaces"), "{}", content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["errors"]["__all__"][0].startswith("CSRF check failed")


def test_form_errors_are_lists_of_strings(client):
    response = client.post(
        reverse("djdesk_inspector:api-workspaces"),
        {"project_path": "relative"},
        content_type="application/json",
    )
    assert response.json() == {"errors": {"project_path": ["Enter an absolute path."]}}


def test_rescan_form_rejects_an_unknown_kind(client, workspace):
    response = client.post(reverse("djdesk_inspector:rescan", args=[workspace.slug]), {"kind": "x"})
    assert response.status_code == 400
    assert not workspace.scans.exists()
