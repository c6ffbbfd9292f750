"""Entry point in the target interpreter: ``python -B -m reader --project DIR
--settings MODULE --nonce HEX``; prints the document between marker lines."""

from __future__ import annotations

import argparse
import json
import sys
import sysconfig
from pathlib import Path

from .document import build

BEGIN, END = "DJDESK-STATIC-BEGIN", "DJDESK-STATIC-END"


def stdlib_names() -> set[str]:
    names = set(getattr(sys, "stdlib_module_names", ())) | set(sys.builtin_module_names)
    if len(names) < 100:  # Python < 3.10: list the stdlib folder
        folder = Path(sysconfig.get_paths()["stdlib"])
        for child in folder.iterdir():
            if child.name != "site-packages":
                names.add(child.name[:-3] if child.name.endswith(".py") else child.name)
    names.discard("")
    return names


def site_folders() -> list[Path]:
    """The interpreter's site-packages; under ``-S`` a venv is found by its pyvenv.cfg."""
    venv = Path(sys.executable).parent.parent
    config = venv / "pyvenv.cfg"
    schemes = [sysconfig.get_paths()]
    if config.is_file():
        venv_paths = sysconfig.get_paths(vars={"base": str(venv), "platbase": str(venv)})
        text = config.read_text(encoding="utf-8", errors="replace").lower().replace(" ", "")
        shared = "include-system-site-packages=true" in text
        schemes = [venv_paths] + (schemes if shared else [])
    folders: list[Path] = []
    for paths in schemes:
        for key in ("purelib", "platlib"):
            if Path(paths[key]) not in folders:
                folders.append(Path(paths[key]))
    return folders


def search_path(own: Path) -> list[str]:
    """The target's ``sys.path`` without the reader's own folder, plus its site-packages.

    The reader runs with ``-S`` (no ``site``: no ``.pth`` code runs), so site-packages
    are added here, with the plain folder lines of their ``.pth`` files (editable
    installs, ``src/`` layouts); ``import`` lines are never executed.
    """
    found = [p for p in sys.path if p and Path(p).resolve() != own]
    for folder in site_folders():
        if str(folder) in found or not folder.is_dir():
            continue
        found.append(str(folder))
        for pth in sorted(folder.glob("*.pth")):
            try:
                lines = pth.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            for line in lines:
                line = line.strip()
                if not line or line.startswith(("#", "import ", "import\t")):
                    continue
                extra = (folder / line).resolve()
                if extra.is_dir() and str(extra) not in found:
                    found.append(str(extra))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="reader")
    parser.add_argument("--project", required=True)
    parser.add_argument("--settings", default="")
    parser.add_argument("--nonce", default="")
    args = parser.parse_args(argv)
    own = Path(__file__).resolve().parent.parent
    document = build(Path(args.project).resolve(), args.settings, search_path(own),
                     stdlib_names(), in_target=True)  # fmt: skip
    out = sys.stdout
    out.write(f"{BEGIN} {args.nonce}\n{json.dumps(document)}\n{END} {args.nonce}\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
