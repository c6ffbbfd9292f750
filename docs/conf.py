"""Sphinx configuration for the djdesk docs (offline-safe: no CDN, no remote fonts)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE / "_ext"), str(HERE.parent / "src")]

from djdesk_inspector import __version__  # noqa: E402

project = "djdesk"
author = "djdesk contributors"
copyright = "djdesk contributors"
version = release = __version__

# djdesk_settings: settings tables from the conf.py dataclasses; djdesk_openapi: the API
# reference from djdesk_inspector.kernel.openapi.document() (configures Django in-process).
extensions = ["djdesk_settings", "djdesk_openapi"]
exclude_patterns = ["_build", "requirements.txt"]
nitpicky = True

# furo ships its CSS, JS and icons inside the wheel and uses system fonts, so the
# built HTML loads nothing from the network.
html_theme = "furo"
html_title = f"djdesk {release}"
html_copy_source = False
