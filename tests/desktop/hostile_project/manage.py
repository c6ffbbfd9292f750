#!/usr/bin/env python
"""The host project of ``tests.desktop.hostile_settings``: this checkout, made importable."""

import os
import sys
from pathlib import Path


def main() -> None:
    root = Path(__file__).resolve().parents[3]
    for folder in (root / "src", root / "example_project", root):
        if str(folder) not in sys.path:
            sys.path.insert(1, str(folder))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.desktop.hostile_settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
