"""Bundler figures for ``example_project`` (``--runtime system``): a cold build into a
fresh folder, a warm one (pip and OS caches filled), a rebuild with nothing changed
(the previous bundle's dependencies are taken over), and the size of each part.
Targets: app + site-packages + static <= 40 MB, the unchanged rebuild <= 15 s.
Prints JSON. Run: .venv/bin/python bench/bundle.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example_project"
MB = 1024 * 1024
SIZE_TARGET_MB = 40
REBUILD_TARGET_S = 15
PASSTHROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT", "USERPROFILE", "TEMP")


def build(output: Path) -> tuple[float, str]:
    env = {key: os.environ[key] for key in PASSTHROUGH if key in os.environ}
    env.update({k: v for k, v in os.environ.items() if k.startswith("PIP_")})
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "djdesk_bundle",
            "--runtime",
            "system",
            "--output",
            str(output),
        ],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"djdesk_bundle failed:\n{done.stdout}\n{done.stderr}")
    return elapsed, done.stdout


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="djdesk-bench-bundle-"))
    try:
        cold, _ = build(work / "cold" / "django-bundle")
        warm_output = work / "warm" / "django-bundle"
        warm, _ = build(warm_output)
        rebuild, log = build(warm_output)
        data = json.loads((warm_output / "manifest.json").read_text())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sizes = data["sizes"]
    shipped = sizes["app"] + sizes["site-packages"] + sizes["static"]
    print(
        json.dumps(
            {
                "project": "example_project",
                "runtime": "system",
                "cold_build_s": round(cold, 1),
                "warm_build_s": round(warm, 1),
                "rebuild_unchanged_s": round(rebuild, 1),
                "rebuild_took_over_dependencies": "taken over from the previous bundle" in log,
                "size_mb": {
                    part: round(sizes[part] / MB, 2)
                    for part in ("app", "site-packages", "static", "docs", "python")
                },
                "app_site_packages_static_mb": round(shipped / MB, 2),
                "files": len(data["files"]),
                "packages": len(data["dependencies"]["packages"]),
                "targets": {
                    "app_site_packages_static_mb_max": SIZE_TARGET_MB,
                    "size_ok": shipped <= SIZE_TARGET_MB * MB,
                    "rebuild_unchanged_s_max": REBUILD_TARGET_S,
                    "rebuild_ok": rebuild <= REBUILD_TARGET_S,
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
