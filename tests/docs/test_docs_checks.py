"""System checks of the docs app: each mistake has its own stable id."""

from __future__ import annotations

from pathlib import Path

import pytest

from djdesk_inspector.docs import checks as docs_checks
from djdesk_inspector.docs import conf


def ids(messages) -> set[str]:
    return {m.id for m in messages}


def test_good_configuration_is_clean(settings, bundle):
    assert ids(docs_checks.check_settings()) == set()
    assert ids(docs_checks.check_bundle()) == set()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("not a dict", "djdesk_docs.E001"),
        ({"BUNDLE_DIR": 3}, "djdesk_docs.E002"),
        ({"ONLINE_BASE_URL": ["x"]}, "djdesk_docs.E002"),
        ({"BUILD_TIMEOUT": True}, "djdesk_docs.E002"),
        ({"BUNDLE_DIR": "relative/docs"}, "djdesk_docs.E004"),
        ({"ONLINE_BASE_URL": "javascript:alert(1)"}, "djdesk_docs.E010"),
        ({"ONLINE_BASE_URL": "/docs/"}, "djdesk_docs.E010"),
        ({"BUILD_TIMEOUT": 0}, "djdesk_docs.E003"),
        ({"SOURCE_DIR": "docs"}, "djdesk_docs.E004"),
        ({"BUNDEL_DIR": "/tmp/x"}, "djdesk_docs.W001"),
    ],
)
def test_misconfiguration_ids(settings, value, expected):
    settings.DJDESK_DOCS = value
    assert expected in ids(docs_checks.check_settings())


def test_wrong_types_fall_back_to_defaults(settings):
    settings.DJDESK_DOCS = {"BUILD_TIMEOUT": "soon", "ONLINE_BASE_URL": 1}
    current = conf.get()
    assert current.BUILD_TIMEOUT == conf.DocsSettings().BUILD_TIMEOUT
    assert current.ONLINE_BASE_URL == conf.DocsSettings().ONLINE_BASE_URL


def test_unbuilt_bundle_is_a_warning_with_the_command(settings, tmp_path):
    settings.DJDESK_DOCS = {"BUNDLE_DIR": tmp_path / "not-built"}
    (message,) = docs_checks.check_bundle()
    assert message.id == "djdesk_docs.W010"
    assert "djdesk_docs_bundle" in message.hint


def test_registered_checks_run_with_django(settings, tmp_path):
    from django.core import checks

    settings.DJDESK_DOCS = {"BUNDLE_DIR": str(tmp_path)}
    assert "djdesk_docs.W010" in ids(checks.run_checks())


def test_default_bundle_dir_follows_base_dir(settings, tmp_path):
    settings.DJDESK_DOCS = {}
    settings.BASE_DIR = tmp_path
    assert conf.bundle_dir() == tmp_path / "var" / "docs-bundle"
    assert conf.source_dir() == tmp_path / "docs"


def test_default_bundle_dir_without_base_dir_is_a_user_data_dir(settings):
    settings.DJDESK_DOCS = {}
    del settings.BASE_DIR
    bundle = conf.bundle_dir()
    assert bundle.is_absolute()
    assert bundle.name == "docs-bundle"
    assert conf.source_dir() is None


def test_paths_may_be_given_as_path_objects(settings, tmp_path):
    settings.DJDESK_DOCS = {"BUNDLE_DIR": tmp_path, "SOURCE_DIR": Path(tmp_path, "src")}
    assert ids(docs_checks.check_settings()) == set()
    assert conf.bundle_dir() == tmp_path
