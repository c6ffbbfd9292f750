"""Step 4: ``collectstatic`` into the bundle's ``static/``, run by the bundle itself.

It runs in a child with the bundle's interpreter and ``PYTHONPATH`` (app, then
site-packages), so the files collected are those of the exact packages shipped,
with the desktop settings' storage (WhiteNoise compression included). The data dir
points at a throw-away folder: importing desktop settings creates folders and a
secret key there, never in the user's profile or the bundle. STATIC_ROOT is set
after ``django.setup()``, before the storage is first used.

``python -m djdesk_electron_kit.bundle.collect --settings M --static-root DIR``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

COLLECT_TIMEOUT = 900
MODULE = "djdesk_electron_kit.bundle.collect"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}")
    parser.add_argument("--settings", required=True)
    parser.add_argument("--static-root", required=True, type=Path)
    args = parser.parse_args(argv)
    os.environ["DJANGO_SETTINGS_MODULE"] = args.settings
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.STATIC_ROOT = args.static_root
    call_command("collectstatic", interactive=False, verbosity=1)
    return 0


def run(
    *,
    python: Path,
    root: Path,
    settings_module: str,
    python_path: str,
    on_line: Callable[[str], None] | None = None,
) -> None:
    """Collect into ``root/static`` with ``python`` (host-side helper)."""
    from djdesk_electron_kit import runtime as desktop_runtime
    from djdesk_electron_kit.bundle import child, layout

    static = root / layout.STATIC
    static.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="djdesk-bundle-data-") as data_dir:
        env = child.clean_env(
            PYTHONPATH=python_path,
            PYTHONDONTWRITEBYTECODE="1",
            **{desktop_runtime.DATA_DIR_ENV: data_dir},
        )
        child.run(
            [python, "-m", MODULE, "--settings", settings_module, "--static-root", str(static)],
            what="collectstatic",
            cwd=root / layout.APP,
            env=env,
            timeout=COLLECT_TIMEOUT,
            on_line=on_line,
        )


if __name__ == "__main__":
    sys.exit(main())
