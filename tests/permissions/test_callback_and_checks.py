"""The callback setting: the deploy check (W910), a broken callback (E910), the desktop
kit's own views, and the ready-made public-docs callback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import checks
from django.test import Client, RequestFactory

from djdesk_inspector.kernel import permissions

CALLBACKS = "tests.permissions.callbacks"


def deploy_ids() -> set[str]:
    return {m.id for m in checks.run_checks(include_deployment_checks=True) if m.id}


def use_callback(settings: Any, dotted: str) -> None:
    current = getattr(settings, "DJDESK_INSPECTOR", None)
    settings.DJDESK_INSPECTOR = {**(current or {}), "PERMISSION_CALLBACK": dotted}


def test_the_default_callback_passes_the_deploy_check(settings: Any) -> None:
    assert permissions.callback_path() == permissions.DEFAULT_CALLBACK
    assert permissions.anonymous_actions() == []
    assert permissions.ANONYMOUS_CHECK_ID not in deploy_ids()


def test_an_allow_anonymous_callback_fires_the_deploy_check(settings: Any) -> None:
    use_callback(settings, f"{CALLBACKS}.allow_everyone")
    found = [
        m
        for m in checks.run_checks(include_deployment_checks=True)
        if m.id == permissions.ANONYMOUS_CHECK_ID
    ]
    assert len(found) == 1
    assert found[0].level == checks.WARNING
    # Every action but the docs, which may be public on purpose, is named.
    for action in set(permissions.ACTIONS) - {"docs"}:
        assert action in found[0].msg
    # Only a deploy check: plain `manage.py check` stays quiet about it.
    assert permissions.ANONYMOUS_CHECK_ID not in {m.id for m in checks.run_checks()}


def test_the_deploy_check_is_quiet_in_desktop_mode(settings: Any) -> None:
    use_callback(settings, f"{CALLBACKS}.allow_everyone")
    settings.MIDDLEWARE = [permissions.DESKTOP_MIDDLEWARE, *settings.MIDDLEWARE]
    assert permissions.ANONYMOUS_CHECK_ID not in deploy_ids()


def test_public_docs_are_public_and_nothing_else_is(settings: Any, db: None) -> None:
    use_callback(settings, "djdesk_inspector.kernel.permissions.public_docs")
    assert permissions.anonymous_actions() == ["docs"]
    assert permissions.ANONYMOUS_CHECK_ID not in deploy_ids()
    anonymous = Client()
    assert anonymous.get("/djdesk/docs/").status_code == 404  # served: no bundle built here
    assert anonymous.get("/djdesk/api/workspaces/").status_code == 403


@pytest.mark.parametrize(
    "dotted", [f"{CALLBACKS}.NOT_CALLABLE", f"{CALLBACKS}.no_such_function", "no.such.module.f"]
)
def test_a_broken_callback_is_an_error_and_refuses_everyone(
    settings: Any, dotted: str, djdesk_user: Any
) -> None:
    use_callback(settings, dotted)
    assert permissions.CALLBACK_CHECK_ID in {m.id for m in checks.run_checks()}
    client = Client()
    client.force_login(djdesk_user)
    assert client.get("/djdesk/api/workspaces/").status_code == 403


def test_only_true_itself_allows(settings: Any) -> None:
    use_callback(settings, f"{CALLBACKS}.truthy_but_not_true")
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert permissions.allowed(request, "view") is False


def test_an_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        permissions.api("vieww")
    request = RequestFactory().get("/")
    with pytest.raises(KeyError):
        permissions.allowed(request, "vieww")


def test_the_desktop_kits_pages_ask_too(db: None) -> None:
    from djdesk_electron_kit import views

    factory = RequestFactory()
    anonymous = factory.get("/djdesk/desktop/health/")
    anonymous.user = AnonymousUser()
    refused = views.health(anonymous)
    assert refused.status_code == 403
    assert "__all__" in json.loads(refused.content)["errors"]
    about = factory.get("/djdesk/desktop/about/")
    about.user = AnonymousUser()
    assert views.about(about).status_code == 302
    shell = factory.get("/djdesk/desktop/health/")
    shell.user = AnonymousUser()
    setattr(shell, permissions.DESKTOP_MARKER, True)
    assert views.health(shell).status_code == 200
