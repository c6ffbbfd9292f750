"""Step 5: bytecode for ``app/`` and ``site-packages/``, the same bytes every build.

Each ``.pyc`` is *unchecked-hash* based (PEP 552): it carries a hash of its source
instead of a time stamp, so two builds of the same files give identical bytes and
Python never rewrites them (a signed, read-only app bundle must not be written to).
Code objects name files relative to the bundle (``site-packages/django/...``), not
the staging folder; Python rewrites ``co_filename`` to the real path on import.

A ``.pyc`` that already matches its source (reused site-packages) is kept, so a
rebuild compiles only what changed. It runs inside the bundle's interpreter, so the
magic number and cache tag are those of the Python that will load them:
``python -m djdesk_electron_kit.bundle.compiling --root BUNDLE DIR...``
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import py_compile
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

MODULE = "djdesk_electron_kit.bundle.compiling"
COMPILE_TIMEOUT = 1800
# Flags word of an unchecked-hash pyc: bit 0 "hash based", bit 1 "check source" off.
UNCHECKED_HASH_FLAGS = (1).to_bytes(4, "little")
# Below this many files a process pool costs more than it saves.
POOL_THRESHOLD = 200


def sources(folder: Path) -> Iterator[Path]:
    for base, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                yield Path(base, name)


def up_to_date(source: Path) -> bool:
    """True when the pyc next to ``source`` is an unchecked-hash pyc of these bytes."""
    cached = Path(importlib.util.cache_from_source(str(source)))
    try:
        header = cached.read_bytes()[:16]
    except OSError:
        return False
    expected = (
        importlib.util.MAGIC_NUMBER
        + UNCHECKED_HASH_FLAGS
        + importlib.util.source_hash(source.read_bytes())
    )
    return header == expected


def compile_one(job: tuple[str, str]) -> str:
    """Compile one file; returns ``""`` or an error line (syntax errors do not stop a build)."""
    source, display = job
    try:
        py_compile.compile(
            source,
            dfile=display,
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
    except py_compile.PyCompileError as exc:
        return f"{display}: {exc.exc_type_name}"
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=f"python -m {MODULE}")
    parser.add_argument("--root", required=True, type=Path)
    parser.add_argument("folders", nargs="+", type=Path)
    args = parser.parse_args(argv)
    root = args.root.resolve()
    jobs = [
        (str(source), source.relative_to(root).as_posix())
        for folder in args.folders
        for source in sources(folder.resolve())
        if not up_to_date(source)
    ]
    if len(jobs) >= POOL_THRESHOLD and (os.cpu_count() or 1) > 1:
        with ProcessPoolExecutor() as pool:
            errors = [e for e in pool.map(compile_one, jobs, chunksize=32) if e]
    else:
        errors = [e for e in map(compile_one, jobs) if e]
    for error in errors:
        print(f"not compiled: {error}")
    print(f"compiled {len(jobs) - len(errors)} files, {len(errors)} errors")
    return 0


def run(
    *,
    python: Path,
    root: Path,
    folders: Sequence[Path],
    python_path: str,
    on_line: Callable[[str], None] | None = None,
) -> list[str]:
    """Compile ``folders`` with ``python`` (host-side helper); returns the child's last lines."""
    from djdesk_electron_kit.bundle import child

    env = child.clean_env(PYTHONPATH=python_path, PYTHONDONTWRITEBYTECODE="1")
    return child.run(
        [python, "-m", MODULE, "--root", str(root), *(str(f) for f in folders)],
        what="compiling bytecode",
        cwd=root,
        env=env,
        timeout=COMPILE_TIMEOUT,
        on_line=on_line,
    )


if __name__ == "__main__":
    sys.exit(main())
