"""``manage.py djdesk_inspect``: no UI, no database, one clear line on failure."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from telemetry import samples

pytestmark = pytest.mark.slow


def _run(*args: str) -> str:
    out = StringIO()
    call_command("djdesk_inspect", *args, stdout=out)
    return out.getvalue()


def test_human_summary(showcase: samples.SampleProject) -> None:
    text = _run(str(showcase.root))
    assert text.splitlines()[0].startswith(f"{showcase.root} (sampleproj.settings): live scan")
    assert "!! System check errors: 1" in text
    assert "conflict in app01: 0003_branch, 0003_extra3" in text
    assert "no migration for app01: Add field note to record00" in text
    assert "error showcase.E001: Sample projects ship one deliberate error." in text


def test_json_static(showcase: samples.SampleProject) -> None:
    document = json.loads(_run(str(showcase.root), "--json", "--static"))
    assert document["mode"] == "static"
    assert {"apps", "models", "migrations", "checks", "urls", "settings"} <= set(document)


def test_json_live_with_an_explicit_python(clean_sample: samples.SampleProject) -> None:
    import sys

    document = json.loads(_run(str(clean_sample.root), "--json", "--python", sys.executable))
    assert document["mode"] == "live"
    assert document["interpreter_origin"] == "explicit"


def test_failures_are_one_line(tmp_path: Path) -> None:
    sample = samples.write_project(tmp_path / "broken", apps=0, broken_settings=True)
    with pytest.raises(CommandError) as caught:
        _run(str(sample.root))
    assert str(caught.value) == (
        "Importing the settings module 'sampleproj.settings' failed: RuntimeError: "
        "sample settings refuse to load (SAMPLE_BROKEN) "
        f"({sample.root / 'sampleproj' / 'settings.py'}:31)."
    )
    with pytest.raises(CommandError, match=r"has no manage\.py"):
        _run(str(tmp_path))
    with pytest.raises(CommandError, match="does not exist"):
        _run(str(sample.root), "--python", str(tmp_path / "nope"))
    with pytest.raises(CommandError, match="exclude each other"):
        _run(str(sample.root), "--python", "x", "--static")
