"""Saving a preset validates its command, fixed arguments and declarations."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from djdesk_inspector.presets import registry, validation
from djdesk_inspector.presets.models import Preset

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("token", "found"),
    [
        ("--settings", "--settings"),
        ("--settings=x", "--settings"),
        ("--sett=x", "--settings"),  # argparse accepts unambiguous prefixes
        ("--se", "--settings"),
        ("--pythonpath=/tmp", "--pythonpath"),
        ("--py", "--pythonpath"),
        ("--output=f.json", "--output"),
        ("--out", "--output"),
        ("-o", "-o"),
        ("-ofile.json", "-o"),
        ("-ao", "-o"),  # a cluster of short flags ending in -o
        ("--deploy", None),
        ("--check", None),
        ("--", None),
        ("-5", None),
        ("-v", None),
        ("shop", None),
        ("--database=default", None),
    ],
)
def test_restricted_options_are_recognised_as_argparse_reads_them(token, found):
    assert validation.restricted_option(token) == found


def preset(**fields) -> Preset:
    base = {"key": "p", "label": "P", "command": "check", "fixed_args": [], "arguments": []}
    return Preset(**(base | fields))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"command": "flush"}, "command"),  # not in the allowlist
        ({"command": "check; rm -rf /"}, "command"),
        ({"command": "chec"}, "command"),  # no prefix matching
        ({"command": "Check"}, "command"),
        ({"command": ""}, "command"),
        ({"fixed_args": ["--settings=evil"]}, "fixed_args"),
        ({"fixed_args": ["--pythonpath", "/tmp"]}, "fixed_args"),
        ({"fixed_args": ["-o", "out.json"]}, "fixed_args"),
        ({"fixed_args": ["--outp=out.json"]}, "fixed_args"),
        ({"fixed_args": ["a\nb"]}, "fixed_args"),
        ({"fixed_args": ["a\x00"]}, "fixed_args"),
        ({"fixed_args": "--deploy"}, "fixed_args"),
        ({"fixed_args": [3]}, "fixed_args"),
        ({"fixed_args": [""]}, "fixed_args"),
        ({"fixed_args": ["x"] * 51}, "fixed_args"),
        (
            {
                "arguments": [
                    {"name": "s", "type": "choice", "option": "--settings", "choices": ["a"]}
                ]
            },
            "arguments",
        ),
        (
            {"arguments": [{"name": "o", "type": "choice", "option": "--out", "choices": ["a"]}]},
            "arguments",
        ),
        ({"arguments": [{"name": "x", "type": "nope"}]}, "arguments"),
        ({"allowed_options": ["--database"]}, "allowed_options"),
        ({"timeout": 0}, "timeout"),
        ({"timeout": 10**6}, "timeout"),
    ],
)
def test_invalid_presets_are_refused(fields, field):
    errors = validation.preset_errors(preset(**fields))
    assert field in errors, errors
    with pytest.raises(ValidationError):
        preset(**fields).full_clean()


def test_a_preset_may_allow_a_restricted_option_explicitly():
    allowed = preset(
        fixed_args=["--output=hash"], allowed_options=["--output"], command="diffsettings"
    )
    assert validation.preset_errors(allowed) == {}
    assert "fixed_args" in validation.preset_errors(
        preset(fixed_args=["--settings=x"], allowed_options=["--output"])
    )


def test_dumpdata_is_opt_in(settings):
    dump = preset(command="dumpdata")
    assert "command" in validation.preset_errors(dump)
    settings.DJDESK_PRESETS = {"ALLOWLIST": ["dumpdata"]}
    assert validation.preset_errors(dump) == {}


def test_the_default_allowlist_is_the_documented_one(settings):
    from djdesk_inspector.presets import conf

    settings.DJDESK_PRESETS = {}
    assert conf.get().ALLOWLIST == (
        "check",
        "showmigrations",
        "makemigrations",
        "sqlmigrate",
        "diffsettings",
        "inspectdb",
    )
    assert "dumpdata" not in conf.get().ALLOWLIST


@pytest.mark.parametrize("definition", registry.DEFAULTS, ids=lambda d: d.key)
def test_every_shipped_preset_is_valid(definition, settings):
    settings.DJDESK_PRESETS = {"ALLOWLIST": [d.command for d in registry.DEFAULTS]}
    shipped = Preset(key=definition.key, **definition.fields())
    assert validation.preset_errors(shipped) == {}


def test_the_registry_ships_the_documented_presets():
    assert set(registry.BY_KEY) == {
        "check",
        "check-deploy",
        "showmigrations",
        "makemigrations-check",
        "sqlmigrate",
        "diffsettings",
        "inspectdb",
        "dumpdata",
    }
    assert registry.BY_KEY["check-deploy"].fixed_args == ("--deploy",)
    assert registry.BY_KEY["makemigrations-check"].fixed_args == ("--check", "--dry-run")
    assert registry.BY_KEY["dumpdata"].requires_confirmation


def test_argv_is_checked_again_before_spawning():
    assert validation.argv_problems(["check", "--deploy"]) == []
    assert validation.argv_problems(["flush", "--no-input"])
    assert validation.argv_problems(["check", "--settings=evil"])
    assert validation.argv_problems([])
