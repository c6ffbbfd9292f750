"""``djdesk_docs_bundle``: builds or copies, swaps atomically, and never half-replaces."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from djdesk_inspector import __version__
from djdesk_inspector.docs import builder, csp
from tests.docs.bundles import entries, tree_bytes, write_sphinx_project

FURO_THEME_SCRIPT = (
    '\n      document.body.dataset.theme = localStorage.getItem("theme") || "auto";\n    '
)


@pytest.fixture
def old_bundle(tmp_path: Path, sphinx_bundle: Path, settings) -> Path:
    """A previous, good bundle in its own folder, and the settings pointing at it."""
    output = tmp_path / "site" / "docs-bundle"
    shutil.copytree(sphinx_bundle, output)
    settings.DJDESK_DOCS = {"BUNDLE_DIR": str(output)}
    return output


def assert_untouched(output: Path, before: dict[str, bytes], siblings: set[str]) -> None:
    assert tree_bytes(output) == before
    assert entries(output.parent) == siblings  # no staging or old folders left behind


@pytest.mark.slow
def test_sphinx_build_writes_a_complete_manifest(sphinx_bundle):
    data = json.loads((sphinx_bundle / "bundle.json").read_text())
    files = [p for p in sphinx_bundle.rglob("*") if p.is_file() and p.name != "bundle.json"]
    assert data["format"] == 1
    assert data["version"] == __version__
    assert data["docs_version"] == "1.2"
    assert data["builder"] == "sphinx"
    assert data["file_count"] == len(files)
    assert data["total_bytes"] == sum(p.stat().st_size for p in files)
    assert datetime.fromisoformat(data["built_at"]).tzinfo is not None
    assert data["git_sha"] is None or re.fullmatch(r"[0-9a-f]{40}", data["git_sha"])
    assert (sphinx_bundle / "searchindex.js").is_file()
    assert not (sphinx_bundle / ".doctrees").exists()


@pytest.mark.slow
def test_manifest_allows_exactly_the_themes_inline_scripts(sphinx_bundle):
    data = json.loads((sphinx_bundle / "bundle.json").read_text())
    html = (sphinx_bundle / "index.html").read_text()
    assert FURO_THEME_SCRIPT in html  # if furo changes its markup, this test says so
    assert csp.script_hash(FURO_THEME_SCRIPT) in data["script_hashes"]


@pytest.mark.slow
def test_command_builds_a_sphinx_project(tmp_path, settings):
    source = write_sphinx_project(tmp_path / "docs")
    output = tmp_path / "var" / "docs-bundle"
    settings.DJDESK_DOCS = {"BUNDLE_DIR": str(output), "SOURCE_DIR": str(source)}
    out = []

    class Sink:
        def write(self, text: str) -> None:
            out.append(text)

        def flush(self) -> None:
            pass

    call_command("djdesk_docs_bundle", stdout=Sink())
    assert (output / "index.html").is_file()
    assert "Docs bundle written to" in "".join(out)
    assert entries(output.parent) == {"docs-bundle"}


@pytest.mark.slow
def test_failed_sphinx_build_keeps_the_old_bundle_byte_identical(tmp_path, old_bundle):
    before, siblings = tree_bytes(old_bundle), entries(old_bundle.parent)
    broken = write_sphinx_project(tmp_path / "broken", broken=True)
    with pytest.raises(CommandError) as failure:
        call_command("djdesk_docs_bundle", source=broken)
    message = str(failure.value)
    assert message.startswith("sphinx-build failed (exit 1):")
    assert "missing-page" in message
    assert "\n" not in message
    assert_untouched(old_bundle, before, siblings)


def test_copy_mode_takes_a_built_tree_and_drops_hidden_and_escaping_files(
    tmp_path, sphinx_bundle, settings
):
    source = tmp_path / "built"
    shutil.copytree(sphinx_bundle, source)
    (source / ".doctrees").mkdir()
    (source / ".doctrees" / "index.doctree").write_bytes(b"pickle")
    (tmp_path / "outside.txt").write_text("outside")
    try:
        (source / "leak.txt").symlink_to(tmp_path / "outside.txt")
        (source / "ok.html").symlink_to("index.html")
    except OSError:
        pytest.skip("no symlinks here")
    output = tmp_path / "out"
    call_command("djdesk_docs_bundle", source=source, output=output)
    data = json.loads((output / "bundle.json").read_text())
    assert data["builder"] == "html"
    assert not (output / ".doctrees").exists()
    assert not (output / "leak.txt").exists()
    assert (output / "ok.html").read_bytes() == (source / "index.html").read_bytes()
    assert (output / "searchindex.js").read_bytes() == (source / "searchindex.js").read_bytes()


def test_without_sphinx_a_sphinx_source_is_a_clear_error(tmp_path, old_bundle, monkeypatch):
    before, siblings = tree_bytes(old_bundle), entries(old_bundle.parent)
    monkeypatch.setattr(builder, "find_spec", lambda name: None)
    source = write_sphinx_project(tmp_path / "docs")
    with pytest.raises(CommandError, match=r"Sphinx is not installed: pip install"):
        call_command("djdesk_docs_bundle", source=source)
    assert_untouched(old_bundle, before, siblings)


def test_a_failed_swap_restores_the_old_bundle(tmp_path, old_bundle, sphinx_bundle, monkeypatch):
    before, siblings = tree_bytes(old_bundle), entries(old_bundle.parent)
    real_replace = os.replace
    calls = []

    def flaky_replace(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # moving the new tree in
            raise PermissionError("simulated: file in use")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", flaky_replace)
    with pytest.raises(CommandError, match="simulated: file in use"):
        call_command("djdesk_docs_bundle", source=sphinx_bundle)
    assert len(calls) == 3  # old aside, new in (failed), old back
    assert_untouched(old_bundle, before, siblings)


def test_a_timeout_is_reported_and_cleaned_up(tmp_path, old_bundle, monkeypatch):
    before, siblings = tree_bytes(old_bundle), entries(old_bundle.parent)

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(builder.subprocess, "run", slow)
    monkeypatch.setattr(builder.gitinfo, "git_sha", lambda folder: None)
    source = write_sphinx_project(tmp_path / "docs")
    with pytest.raises(CommandError, match=r"did not finish within 600 s"):
        call_command("djdesk_docs_bundle", source=source)
    assert_untouched(old_bundle, before, siblings)


def test_bad_sources_and_outputs_are_refused(tmp_path, old_bundle, settings):
    before, siblings = tree_bytes(old_bundle), entries(old_bundle.parent)
    (tmp_path / "plain").mkdir()
    (tmp_path / "a-file").write_text("x")
    cases = [
        ({"source": tmp_path / "plain"}, "neither a Sphinx project"),
        ({"source": tmp_path / "nope"}, "is not a folder"),
        ({"source": old_bundle, "output": old_bundle}, "would replace the source"),
        ({"source": old_bundle, "output": old_bundle / "inner"}, "inside the HTML source"),
        ({"source": old_bundle, "output": tmp_path / "a-file"}, "is not a folder"),
    ]
    for options, expected in cases:
        with pytest.raises(CommandError, match=expected):
            call_command("djdesk_docs_bundle", **options)
    assert_untouched(old_bundle, before, siblings)


def test_no_source_anywhere_is_a_clear_error(settings, tmp_path):
    settings.DJDESK_DOCS = {"BUNDLE_DIR": str(tmp_path / "out")}
    del settings.BASE_DIR
    with pytest.raises(CommandError, match="No docs source"):
        call_command("djdesk_docs_bundle")
