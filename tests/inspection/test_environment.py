"""Child environments: an allowlist of the host's variables, never its secrets."""

from __future__ import annotations

import pytest
from django.test import override_settings

from djdesk_inspector.inspection import children
from djdesk_inspector.kernel.environment import FIXED, clean_env, is_forbidden

HOST = {
    "PATH": "/usr/bin",
    "HOME": "/home/me",
    "LANG": "en_US.UTF-8",
    "LC_ALL": "C.UTF-8",
    "TZ": "UTC",
    "TMPDIR": "/tmp",
    "DJANGO_SETTINGS_MODULE": "host.settings",
    "PYTHONPATH": "/host/src",
    "PYTHONHOME": "/host",
    "VIRTUAL_ENV": "/host/.venv",
    "DJDESK_TOKEN": "t",
    "AWS_SECRET_ACCESS_KEY": "k",
    "DATABASE_PASSWORD": "p",
    "GITHUB_TOKEN": "g",
    "EDITOR": "vim",
    "MY_APP_MODE": "dev",
}


def test_only_allowlisted_variables_pass() -> None:
    env = clean_env(source=HOST, allow=())
    assert env == {
        "PATH": "/usr/bin",
        "HOME": "/home/me",
        "LANG": "en_US.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "TMPDIR": "/tmp",
        **FIXED,
    }
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PYTHONIOENCODING"] == "utf-8"


def test_extras_are_applied_last() -> None:
    env = clean_env({"DJANGO_SETTINGS_MODULE": "target.settings"}, source=HOST, allow=())
    assert env["DJANGO_SETTINGS_MODULE"] == "target.settings"


def test_allow_adds_names_but_never_forbidden_ones() -> None:
    env = clean_env(
        source=HOST, allow=("MY_APP_MODE", "PYTHONPATH", "DJDESK_TOKEN", "GITHUB_TOKEN")
    )
    assert env["MY_APP_MODE"] == "dev"
    assert not {"PYTHONPATH", "DJDESK_TOKEN", "GITHUB_TOKEN"} & set(env)


@override_settings(DJDESK_INSPECTOR={"ENV_ALLOWLIST": ["EDITOR"]})
def test_setting_extends_the_allowlist() -> None:
    env = children.project_env(source=HOST)
    assert env["EDITOR"] == "vim"
    assert "MY_APP_MODE" not in env


@pytest.mark.parametrize(
    ("name", "forbidden"),
    [
        ("DJANGO_SETTINGS_MODULE", True),
        ("PYTHONPATH", True),
        ("PYTHONSTARTUP", True),
        ("DJDESK_ANYTHING", True),
        ("STRIPE_SECRET", True),
        ("db_password", True),
        ("SLACK_TOKEN", True),
        ("PATH", False),
        ("LC_MESSAGES", False),
    ],
)
def test_forbidden_names(name: str, forbidden: bool) -> None:
    assert is_forbidden(name) is forbidden
