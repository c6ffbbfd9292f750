"""Runs the repository's own node tests (tests/js) with `node --test`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.conftest import require

JS_TESTS = Path(__file__).resolve().parent / "js"


def test_node_tests_pass() -> None:
    node = shutil.which("node")
    require(node is not None, "node is not installed")
    files = sorted(str(p) for p in JS_TESTS.glob("*.test.mjs"))
    assert files
    result = subprocess.run([node, "--test", *files], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
