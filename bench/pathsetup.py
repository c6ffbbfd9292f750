"""Imported first by every bench script: puts the repo's ``src/`` and root on sys.path and
the example project (its ``telemetry.samples`` generator), and
takes ``bench/`` itself off it, because ``bench/inspect.py`` would shadow the stdlib's
``inspect`` (which Django imports)."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent

sys.path[:] = [str(ROOT / "src"), str(ROOT), str(ROOT / "example_project")] + [
    p for p in sys.path if Path(p or ".").resolve() != BENCH
]
