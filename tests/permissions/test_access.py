"""Every djdesk URL asks the permission callback: anonymous, unprivileged, one permission
at a time, and the desktop, all through the real default callback and real requests."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.http import HttpResponse
from django.test import Client

from djdesk_inspector.kernel import permissions
from djdesk_inspector.models import Workspace
from tests.permissions.conftest import World
from tests.permissions.urlwalk import Url, djdesk_urls

ANY = "any"  # the API's own index and its catch-all: whoever may do anything
LOGIN = "/admin/login/?next="

# What each URL asks, per method: the declared expectation every view must meet.
EXPECTED: dict[str, dict[str, str]] = {
    "djdesk-openapi": {"GET": ANY},
    "djdesk-api-unknown": {"GET": ANY, "POST": ANY},
    "djdesk_inspector:dashboard": {"GET": "view"},
    "djdesk_inspector:workspace": {"GET": "view"},
    "djdesk_inspector:wizard": {"GET": "scan", "POST": "scan"},
    "djdesk_inspector:rescan": {"POST": "scan"},
    "djdesk_inspector:trust": {"POST": "trust"},
    "djdesk_inspector:api-trust": {"POST": "trust", "DELETE": "trust"},
    "djdesk_inspector:api-workspaces": {"GET": "view", "POST": "scan"},
    "djdesk_inspector:api-workspace": {"GET": "view", "DELETE": "delete"},
    "djdesk_inspector:api-status": {"GET": "view"},
    "djdesk_inspector:api-scans": {"POST": "scan"},
    "djdesk_inspector:api-models": {"GET": "view"},
    "djdesk_inspector:api-plan": {"GET": "view"},
    "djdesk_inspector:api-diff": {"GET": "view"},
    "djdesk_inspector:api-mermaid": {"GET": "view"},
    "djdesk_inspector:api-rehearsals": {"GET": "view", "POST": "scan"},
    "djdesk_inspector:api-rehearsal": {"GET": "view"},
    "djdesk_inspector:api-rehearsal-cancel": {"POST": "scan"},
    "djdesk_presets:runs": {"GET": "run_preset"},
    "djdesk_presets:api-presets": {"GET": "run_preset"},
    "djdesk_presets:api-runs": {"GET": "run_preset", "POST": "run_preset"},
    "djdesk_presets:api-run": {"GET": "run_preset"},
    "djdesk_presets:api-run-log": {"GET": "run_preset"},
    "djdesk_presets:api-run-cancel": {"POST": "run_preset"},
    "djdesk_datalab:index": {"GET": "view"},
    "djdesk_datalab:workspace": {"GET": "view"},
    "djdesk_datalab:api-templates": {"GET": "view"},
    "djdesk_datalab:api-exports": {"GET": "view", "POST": "export"},
    "djdesk_datalab:api-export": {"GET": "view", "DELETE": "delete"},
    "djdesk_datalab:api-export-notebook": {"GET": "view"},
    "djdesk_datalab:api-export-zip": {"GET": "view"},
    "djdesk_datalab:api-export-preview": {"GET": "view"},
    "djdesk_docs:index": {"GET": "docs"},
    "djdesk_docs:page": {"GET": "docs"},
}
# DELETE last: it removes what later requests would otherwise find.
ORDER = ("GET", "POST", "DELETE")
EVERY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def is_api(url: Url) -> bool:
    return "/api/" in url.path


def send(client: Client, method: str, path: str, **extra: Any) -> HttpResponse:
    return client.generic(method, path, "{}", content_type="application/json", **extra)


def requests(world: World) -> list[tuple[Url, str, str]]:
    """(url, method, action) for every URL and every method it serves."""
    found = []
    for url in djdesk_urls(world.values()):
        for method, action in sorted(
            EXPECTED[url.name].items(), key=lambda item: ORDER.index(item[0])
        ):
            found.append((url, method, action))
    return sorted(found, key=lambda r: ORDER.index(r[1]))


def refusal(url: Url, response: HttpResponse, signed_in: bool) -> str | None:
    """Why ``response`` is not the refusal djdesk promises, or None when it is."""
    if is_api(url):
        if response.status_code != 403:
            return f"status {response.status_code}"
        if not response.content and response.request["REQUEST_METHOD"] == "HEAD":
            return None  # HEAD drops the body; the status is the refusal
        body = json.loads(response.content)
        if not isinstance(body.get("errors", {}).get("__all__"), list):
            return f"body {body}"
        return None
    if signed_in:
        return None if response.status_code == 403 else f"status {response.status_code}"
    if response.status_code != 302 or not response["Location"].startswith(LOGIN):
        return f"status {response.status_code} to {response.get('Location')}"
    return None


def granted(response: HttpResponse) -> bool:
    redirected_to_login = response.status_code == 302 and response["Location"].startswith(LOGIN)
    return response.status_code != 403 and not redirected_to_login


def user_with(django_user_model: Any, name: str, actions: list[str]) -> Any:
    user = django_user_model.objects.create_user(name)
    user.user_permissions.set(permissions.permissions(actions))
    return user


def test_every_url_of_the_urlconf_has_a_declared_expectation(world: World) -> None:
    names = {url.name for url in djdesk_urls(world.values())}
    assert names == set(EXPECTED)
    # Every action guards something: a URL, or a field of a request (``edit``).
    guarding = {a for methods in EXPECTED.values() for a in methods.values()}
    assert guarding | set(permissions.GUARDED_FIELDS.values()) == {*permissions.ACTIONS, ANY}


def test_anonymous_visitors_are_refused_everywhere_whatever_the_method(world: World) -> None:
    client = Client()
    wrong = {}
    for url in djdesk_urls(world.values()):
        for method in EVERY_METHOD:
            problem = refusal(url, send(client, method, url.path), signed_in=False)
            if problem and not (method == "HEAD" and not is_api(url)):
                wrong[(url.name, method)] = problem
    assert wrong == {}
    assert Workspace.objects.filter(pk=world.workspace.pk).exists()


def test_a_signed_in_user_without_permissions_gets_403_everywhere(
    world: World, django_user_model: Any
) -> None:
    client = Client()
    client.force_login(user_with(django_user_model, "nobody", []))
    wrong = {}
    for url, method, _action in requests(world):
        problem = refusal(url, send(client, method, url.path), signed_in=True)
        if problem:
            wrong[(url.name, method)] = problem
    assert wrong == {}


def test_staff_status_implies_nothing(world: World, django_user_model: Any) -> None:
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    client = Client()
    client.force_login(staff)
    assert client.get("/djdesk/").status_code == 403
    assert client.get("/djdesk/api/workspaces/").status_code == 403


def test_a_superuser_has_every_permission_as_django_says(
    world: World, django_user_model: Any
) -> None:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root"))
    assert client.get("/djdesk/api/workspaces/").status_code == 200


@pytest.mark.parametrize("action", list(permissions.ACTIONS))
def test_each_permission_opens_exactly_its_own_action(
    world: World, django_user_model: Any, action: str
) -> None:
    client = Client()
    client.force_login(user_with(django_user_model, f"only-{action}", [action]))
    wrong = {}
    for url, method, needed in requests(world):
        response = send(client, method, url.path)
        if needed in (action, ANY):
            if not granted(response):
                wrong[(url.name, method)] = f"refused ({response.status_code})"
        else:
            problem = refusal(url, response, signed_in=True)
            if problem:
                wrong[(url.name, method)] = problem
    assert wrong == {}


DESKTOP_TOKEN = "t" * 43


@pytest.fixture
def desktop(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Client:
    """The launch-token middleware in front, as in desktop mode, and a client that carries it."""
    settings.MIDDLEWARE = ["djdesk_electron_kit.middleware.DesktopMiddleware", *settings.MIDDLEWARE]
    monkeypatch.setenv("DJDESK_TOKEN", DESKTOP_TOKEN)
    return Client(HTTP_HOST="127.0.0.1", HTTP_X_DJDESK_TOKEN=DESKTOP_TOKEN)


def test_the_desktop_shell_may_do_everything(world: World, desktop: Client) -> None:
    refused = {}
    for url, method, _action in requests(world):
        response = send(desktop, method, url.path)
        if not granted(response):
            refused[(url.name, method)] = response.status_code
    assert refused == {}


def test_a_request_without_the_token_is_not_the_desktop(world: World, desktop: Client) -> None:
    stranger = Client(HTTP_HOST="127.0.0.1", HTTP_DJDESK_DESKTOP="1")
    assert stranger.get("/djdesk/").status_code == 403  # the middleware's own refusal


def test_without_a_launch_token_the_middleware_marks_nothing(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Plain ``runserver`` with the middleware installed: it steps aside, djdesk asks for a login."""
    settings.MIDDLEWARE = ["djdesk_electron_kit.middleware.DesktopMiddleware", *settings.MIDDLEWARE]
    monkeypatch.delenv("DJDESK_TOKEN", raising=False)
    response = Client(HTTP_HOST="127.0.0.1").get("/djdesk/")
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)


@pytest.mark.parametrize("granted_actions", [["scan"], ["view"], ["scan", "view"]])
def test_an_interpreter_needs_the_edit_permission(
    world: World, django_user_model: Any, minimal_project: Any, granted_actions: list[str]
) -> None:
    Workspace.objects.all().delete()
    client = Client()
    client.force_login(user_with(django_user_model, "scanner", granted_actions))
    body = {"project_path": str(minimal_project), "interpreter_path": "/usr/bin/python3"}
    response = client.post("/djdesk/api/workspaces/", body, content_type="application/json")
    assert response.status_code == 403
    refused = response.json()["errors"]
    # Without ``scan`` the request stops at the door; with it, at the interpreter field.
    assert set(refused) == ({"interpreter_path"} if "scan" in granted_actions else {"__all__"})
    wizard = client.post("/djdesk/workspaces/new/", body)
    assert wizard.status_code == 403
    assert not Workspace.objects.exists()


def test_scan_registers_without_an_interpreter_and_edit_allows_one(
    world: World, django_user_model: Any, minimal_project: Any, tmp_path: Any
) -> None:
    Workspace.objects.all().delete()
    scanner = Client()
    scanner.force_login(user_with(django_user_model, "scanner", ["scan"]))
    plain = {"project_path": str(minimal_project)}
    created = scanner.post("/djdesk/api/workspaces/", plain, content_type="application/json")
    assert created.status_code == 201, created.content
    Workspace.objects.all().delete()
    editor = Client()
    editor.force_login(user_with(django_user_model, "editor", ["scan", "edit"]))
    python = tmp_path / "python3"
    python.write_text("")
    body = {**plain, "interpreter_path": str(python)}
    response = editor.post("/djdesk/api/workspaces/", body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Workspace.objects.get().interpreter_path == str(python)


def test_the_permissions_exist_as_django_permissions(db: None) -> None:
    rows = {f"{p.content_type.app_label}.{p.codename}" for p in permissions.permissions()}
    assert rows == {action.permission for action in permissions.ACTIONS.values()}
    assert Permission.objects.filter(codename="view_docs").count() == 1
