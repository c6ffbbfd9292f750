"""Hostile input against every POST endpoint: a JSON 4xx every time, never a 5xx.

The endpoints come from the OpenAPI document (so a new endpoint is covered the day it
is declared); the bodies are the three that once answered 500 (nesting past the
recursion limit, an integer past Python's 4,300-digit limit, a lone surrogate), their
relatives, Django's own request-parsing failures, and hypothesis-generated bodies.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from djdesk_inspector import api_root
from djdesk_inspector.kernel import jsonapi, openapi
from djdesk_inspector.models import Workspace
from tests.hostile.bodies import HOSTILE_BODIES, ODD_BODIES

pytestmark = pytest.mark.django_db

JSON = "application/json"


def post_operations() -> list[str]:
    """Every POST path of the OpenAPI document, as a template."""
    document = openapi.document()
    return sorted(path for path, item in document["paths"].items() if "post" in item)


def reads_a_body(template: str) -> bool:
    """Whether the operation declares a request body (the others must ignore one)."""
    return "requestBody" in openapi.document()["paths"][template]["post"]


@pytest.fixture
def api(client: Client, django_user_model: Any) -> Client:
    """A signed-in superuser: every action allowed, so the body parsing is what answers."""
    user = django_user_model.objects.create_superuser("root", "root@example.com", None)
    client.force_login(user)
    return client


@pytest.fixture
def workspace(minimal_project: Path) -> Workspace:
    return Workspace.objects.create(name="Mini", project_path=str(minimal_project))


def concrete(template: str, workspace: Workspace) -> str:
    """A real URL for an operation template: an existing workspace, a run id."""
    path = template.replace("{slug}", workspace.slug)
    return re.sub(r"\{[a-z_]+\}", "1", path)


def assert_json_4xx(response: Any, what: str) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (what, response.status_code, response.content[:300])
    assert response["Content-Type"] == JSON, (what, response["Content-Type"])
    body = json.loads(response.content)
    assert isinstance(body.get("errors"), dict) and body["errors"], (what, body)
    return body


def test_the_document_declares_the_four_body_endpoints():
    operations = post_operations()
    for expected in (
        "/djdesk/api/workspaces/",
        "/djdesk/api/workspaces/{slug}/scans/",
        "/djdesk/api/workspaces/{slug}/exports/",
        "/djdesk/api/task-runs/",
    ):
        assert expected in operations


@pytest.mark.parametrize("template", post_operations())
def test_hostile_json_is_a_json_4xx(api, workspace, template):
    url = concrete(template, workspace)
    for name, body in HOSTILE_BODIES.items():
        response = api.post(url, body, content_type=JSON)
        if reads_a_body(template):
            assert_json_4xx(response, f"{name} -> {url}")
        else:  # the body is ignored: whatever the answer, it is JSON and no server error
            assert response.status_code < 500, (name, url, response.content[:300])
            assert response["Content-Type"] == JSON, (name, url, response.status_code)


@pytest.mark.parametrize("template", post_operations())
def test_odd_json_never_answers_5xx(api, workspace, template):
    url = concrete(template, workspace)
    for name, body in ODD_BODIES.items():
        response = api.post(url, body, content_type=JSON)
        assert response.status_code < 500, (name, url, response.content[:300])
        assert response["Content-Type"] == JSON, (name, url, response.status_code)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nested-arrays", "nest deeper than 32 levels"),
        ("nested-objects", "nest deeper than 32 levels"),
        ("nested-just-over", "nest deeper than 32 levels"),
        ("huge-integer", "longer than 64 characters"),
        ("long-float", "longer than 64 characters"),
        ("huge-exponent", "too large to represent"),
        ("nan", "NaN is not JSON"),
        ("infinity", "-Infinity is not JSON"),
        ("lone-surrogate", "lone surrogate"),
        ("surrogate-key", "lone surrogate"),
        ("surrogate-in-args", "lone surrogate"),
        ("nul-character", "NUL character"),
    ],
)
def test_each_refusal_says_why(api, name, message):
    response = api.post("/djdesk/api/task-runs/", HOSTILE_BODIES[name], content_type=JSON)
    body = assert_json_4xx(response, name)
    assert response.status_code == 400
    assert any(message in text for text in body["errors"]["__all__"]), body


def test_nesting_up_to_the_limit_is_still_parsed():
    inner = jsonapi.MAX_DEPTH - 1  # inside the one outer object
    deep = "[" * inner + "]" * inner
    assert jsonapi.parse_json(f'{{"a": "[[[[", "b": {deep}}}'.encode())["a"] == "[[[["
    assert jsonapi.parse_json(b'{"n": -12345678901234567890, "f": 1.5e300}') == {
        "n": -12345678901234567890,
        "f": 1.5e300,
    }
    assert jsonapi.parse_json('{"emoji": "\\ud83d\\ude00 \u00e9"}'.encode()) == {
        "emoji": "\U0001f600 é"
    }


def test_a_body_over_the_upload_limit_is_413_json(api, workspace, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"preset": "x" * 4096}).encode()
    for template in filter(reads_a_body, post_operations()):
        response = api.post(concrete(template, workspace), body, content_type=JSON)
        assert_json_4xx(response, template)
        assert response.status_code == 413, template
    form = api.post("/djdesk/api/task-runs/", {"preset": "x" * 4096})
    assert form.status_code == 413
    assert_json_4xx(form, "form body")


def test_too_many_form_fields_is_400_json(api, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = api.post(
        "/djdesk/api/task-runs/",
        "&".join(f"f{i}=1" for i in range(50)),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert_json_4xx(response, "too many fields")


@pytest.mark.parametrize(
    "content_type",
    [
        "multipart/form-data",  # no boundary at all
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=\x00",
        "multipart/form-data; boundary=" + "b" * 300,
    ],
)
def test_broken_multipart_is_400_json(api, content_type):
    response = api.post("/djdesk/api/task-runs/", b"--x\r\n\r\n", content_type=content_type)
    assert response.status_code == 400, response.content
    assert_json_4xx(response, content_type)


def test_broken_multipart_is_json_with_csrf_enforced(django_user_model):
    """The CSRF check reads request.POST first: it must run where the error is ours."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("r", "r@example.com", None))
    secret = "a" * 32
    client.cookies["csrftoken"] = secret
    response = client.post(
        "/djdesk/api/task-runs/",
        b"--x\r\n\r\n",
        content_type="multipart/form-data",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 400, response.content
    assert_json_4xx(response, "multipart under CSRF")
    response = client.post(
        "/djdesk/api/task-runs/", b"x" * 64, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 403
    assert_json_4xx(response, "form post without the CSRF token")
    body = json.loads(response.content)
    assert "CSRF" in body["errors"]["__all__"][0]


def test_csrf_still_protects_every_post_endpoint(workspace, django_user_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("c", "c@example.com", None))
    for template in post_operations():
        response = client.post(concrete(template, workspace), b"{}", content_type=JSON)
        body = assert_json_4xx(response, template)
        assert response.status_code == 403, template
        assert "CSRF" in body["errors"]["__all__"][0], template


@pytest.mark.parametrize(
    "path",
    [
        "/djdesk/api/a%0Ab/",
        "/djdesk/api/%0A",
        "/djdesk/api/workspaces/%0A/status/",
        "/djdesk/api/workspaces/x/%0D%0A",
        "/djdesk/api/task-runs/1%0A/log/",
        "/djdesk/api/task-runs/99999999999999999999999999/",
        "/djdesk/api/task-runs/" + "9" * 5000 + "/",
        "/djdesk/api/%ED%A0%80/",
        "/djdesk/api/%00/",
        "/djdesk/api/",
    ],
)
def test_every_path_under_the_api_prefix_answers_json(api, path):
    for method in ("get", "post", "delete"):
        response = getattr(api, method)(path)
        assert response["Content-Type"] == JSON, (method, path, response.status_code)
        assert 400 <= response.status_code < 500, (method, path, response.status_code)


@pytest.fixture
def host_urls(settings) -> None:
    settings.ROOT_URLCONF = "tests.hostile.urls"


def test_the_catch_all_stays_inside_djdesks_prefix(api, host_urls):
    assert api.get("/tools/djdesk/api/nope%0A/")["Content-Type"] == JSON
    host = api.get("/api/nope/")
    assert host.status_code == 404
    assert host["Content-Type"] != JSON
    assert api.get("/api/things/").json() == {"host": True}


def test_csrf_failures_are_json_only_under_djdesks_own_prefix(host_urls):
    factory = RequestFactory()
    assert api_root.api_prefix() == "/tools/djdesk/api/"
    ours = api_root.csrf_failure(factory.post("/tools/djdesk/api/task-runs/"), "no cookie")
    assert ours.status_code == 403
    assert ours["Content-Type"] == JSON
    for foreign in ("/api/things/", "/other/api/x/", "/djdesk/api/task-runs/"):
        page = api_root.csrf_failure(factory.post(foreign), "no cookie")
        assert page.status_code == 403
        assert page["Content-Type"].startswith("text/html"), foreign


def test_a_host_api_csrf_failure_gets_the_hosts_own_page(host_urls, settings):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/things/", b"{}", content_type=JSON)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


# -- generated bodies ---------------------------------------------------------------

FIELDS = (
    "preset",
    "template",
    "kind",
    "project_path",
    "name",
    "args",
    "confirm",
    "execute",
    "target",
    "workspace",
    "interpreter_path",
)
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**80), max_value=10**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(alphabet=st.characters(exclude_categories=()), max_size=30)
    | st.sampled_from(["check", "auto", "static", "host", "workspace:mini", "url-map", "", "\x00"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
bodies = (
    st.fixed_dictionaries({}, optional={field: json_values for field in FIELDS}).map(
        lambda body: json.dumps(body).encode("utf-8", "surrogatepass")
    )
    | json_values.map(lambda value: json.dumps(value).encode("utf-8", "surrogatepass"))
    | st.binary(max_size=200)
    | st.integers(min_value=1, max_value=3000).map(lambda depth: b'{"args": ' + b"[" * depth)
)


@hypothesis_settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies, index=st.integers(min_value=0, max_value=10))
def test_generated_bodies_never_answer_5xx(api, workspace, body, index):
    operations = post_operations()
    url = concrete(operations[index % len(operations)], workspace)
    response = api.post(url, body, content_type=JSON)
    assert response.status_code < 500, (url, body[:200], response.content[:300])
    assert response["Content-Type"] == JSON, (url, response.status_code)
