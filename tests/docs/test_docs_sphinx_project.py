"""The repository's own docs build warning-free, with the settings tables from the code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from djdesk_inspector.docs.conf import DocsSettings
from tests.docs.bundles import require_sphinx

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.slow
def test_docs_build_with_warnings_as_errors(tmp_path):
    require_sphinx()
    out = tmp_path / "html"
    argv = [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html"]
    done = subprocess.run(
        [*argv, "-d", str(tmp_path / "doctrees"), str(DOCS), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    settings_page = (out / "settings.html").read_text()
    for name in DocsSettings.__dataclass_fields__:
        assert f">{name}<" in settings_page
    assert "DJDESK_DOCS" in settings_page
    assert "DJDESK_INSPECTOR" in settings_page
