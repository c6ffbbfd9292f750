from __future__ import annotations

import pytest
from django.core import checks
from django.test import override_settings

from djdesk_inspector import checks as inspector_checks


def ids(messages) -> set[str]:
    return {m.id for m in messages}


def run_all() -> set[str]:
    return {m.id for m in checks.run_checks() if m.id and m.id.startswith("djdesk_inspector.")}


def test_default_configuration_is_clean():
    assert run_all() == set()


def test_missing_staticfiles_is_e001(settings):
    settings.INSTALLED_APPS = [
        a for a in settings.INSTALLED_APPS if a != "django.contrib.staticfiles"
    ]
    assert "djdesk_inspector.E010" in ids(inspector_checks.check_required_apps())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("not a dict", "djdesk_inspector.E001"),
        ({"SCAN_TIMEOUT": "60"}, "djdesk_inspector.E002"),
        ({"SCAN_TIMEOUT": True}, "djdesk_inspector.E002"),
        ({"PROTECTED_PATHS": "/srv"}, "djdesk_inspector.E002"),
        ({"SCAN_TIMOUT": 60}, "djdesk_inspector.W001"),
        ({"SCAN_TIMEOUT": 0}, "djdesk_inspector.E003"),
        ({"ENV_ALLOWLIST": ["DJANGO_SETTINGS_MODULE"]}, "djdesk_inspector.W010"),
        ({"ENV_ALLOWLIST": ["DJDESK_TOKEN"]}, "djdesk_inspector.W010"),
    ],
)
def test_bad_settings_are_reported(value, expected):
    with override_settings(DJDESK_INSPECTOR=value):
        assert expected in ids(inspector_checks.check_settings())


def test_wrong_typed_value_falls_back_to_the_default_at_runtime():
    from djdesk_inspector import conf

    with override_settings(DJDESK_INSPECTOR={"SCAN_TIMEOUT": "soon", "HISTORY_LIMIT": 3}):
        current = conf.get()
    assert (current.SCAN_TIMEOUT, current.HISTORY_LIMIT) == (60, 3)


def test_unknown_task_backend_alias_is_e004():
    with override_settings(DJDESK_INSPECTOR={"TASK_BACKEND": "nope"}):
        assert "djdesk_inspector.E011" in ids(inspector_checks.check_tasks())
