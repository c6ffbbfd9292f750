"""System checks: every misconfiguration of the data lab has a stable id."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from djdesk_inspector.datalab import checks, execution

ROOT = Path(__file__).resolve().parents[2]
CUSTOM = "tests.datalab.custom_templates."


def ids(messages) -> list[str]:
    return sorted(m.id for m in messages)


def all_messages() -> list:
    return checks.check_inspector() + checks.check_settings() + checks.check_execution()


def test_a_valid_configuration_is_quiet(settings, tmp_path):
    settings.DJDESK_DATALAB = {
        "EXPORT_ROOT": str(tmp_path),
        "TEMPLATES": [CUSTOM + "MODEL_NAMES"],
        "EXECUTE": False,
        "EXECUTION_TIMEOUT": 10,
        "HISTORY_LIMIT": 5,
    }
    assert all_messages() == []


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("not a dict", ["djdesk_datalab.E001"]),
        ({"EXECUTE": "yes"}, ["djdesk_datalab.E002"]),
        ({"EXECUTION_TIMEOUT": True}, ["djdesk_datalab.E002"]),
        ({"TEMPLATES": "a.b"}, ["djdesk_datalab.E002"]),
        ({"EXPORT_ROOOT": "/tmp"}, ["djdesk_datalab.W001"]),
        ({"TEMPLATES": ["tests.datalab.nowhere.THING"]}, ["djdesk_datalab.E011"]),
        ({"TEMPLATES": ["no_dots"]}, ["djdesk_datalab.E011"]),
        ({"TEMPLATES": [CUSTOM + "NOT_A_TEMPLATE"]}, ["djdesk_datalab.E012"]),
        ({"TEMPLATES": [CUSTOM + "BAD_SLUG"]}, ["djdesk_datalab.E012"]),
        ({"TEMPLATES": [CUSTOM + "MISSING_BUILDER"]}, ["djdesk_datalab.E012"]),
        ({"TEMPLATES": [CUSTOM + "DUPLICATE"]}, ["djdesk_datalab.E013"]),
        ({"TEMPLATES": [CUSTOM + "SLOW", CUSTOM + "SLOW"]}, ["djdesk_datalab.E013"]),
        ({"EXPORT_ROOT": "relative/exports"}, ["djdesk_datalab.E004"]),
        ({"EXECUTION_TIMEOUT": 0}, ["djdesk_datalab.E003"]),
        ({"HISTORY_LIMIT": -1}, ["djdesk_datalab.E003"]),
    ],
)
def test_each_mistake_has_its_id(settings, tmp_path, value, expected):
    if isinstance(value, dict) and "EXPORT_ROOT" not in value:
        value = {"EXPORT_ROOT": str(tmp_path), **value}
    settings.DJDESK_DATALAB = value
    assert ids(checks.check_settings()) == expected


def test_bad_templates_are_left_out_of_the_registry(settings):
    from djdesk_inspector.datalab import registry

    settings.DJDESK_DATALAB = {
        "TEMPLATES": [CUSTOM + "NOT_A_TEMPLATE", CUSTOM + "DUPLICATE", CUSTOM + "SLOW"]
    }
    slugs = [t.slug for t in registry.all_templates()]
    assert slugs.count("schema-audit") == 1
    assert slugs[-1] == "slow"
    assert registry.get("schema-audit").builder.endswith("schema_audit.build")


def test_explicit_execute_without_nbclient_warns(settings, monkeypatch):
    monkeypatch.setattr(execution, "missing_requirements", lambda: "nbclient is not installed")
    settings.DJDESK_DATALAB = {"EXECUTE": True}
    assert ids(checks.check_execution()) == ["djdesk_datalab.W010"]
    settings.DJDESK_DATALAB = {}  # the default: run when possible, quietly
    assert checks.check_execution() == []


def test_the_default_export_root_is_absolute(settings):
    settings.DJDESK_DATALAB = {}
    assert "djdesk_datalab.E004" not in ids(checks.check_settings())


@pytest.mark.slow
def test_missing_inspector_is_a_check_error_not_a_crash(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "tests.datalab.no_inspector_settings",
        "DJDESK_TEST_VAR": str(tmp_path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "django", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode != 0
    assert "djdesk_datalab.E010" in done.stderr
    assert "Traceback" not in done.stderr
