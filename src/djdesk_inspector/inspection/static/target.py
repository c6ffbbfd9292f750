"""Run the static reader in the target's interpreter, or in-process when there is none.

In the target: ``python -I -S -B -c <boot> <this folder> --project ...`` in a clean
environment (:func:`~djdesk_inspector.kernel.environment.clean_env`), with a timeout:
``-I`` ignores ``PYTHON*`` variables and the user site, ``-S`` skips ``site`` so no
``.pth`` code of the target runs; the reader adds site-packages itself. Only the
interpreter is run, never the project's code. An interpreter whose real file lies
inside the project (a copied binary rather than a venv link) is not run.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

from djdesk_inspector import detection
from djdesk_inspector.inspection import children
from djdesk_inspector.inspection.errors import ScanError
from djdesk_inspector.inspection.static.reader import document as reader_document
from djdesk_inspector.inspection.static.reader.__main__ import BEGIN, END, stdlib_names
from djdesk_inspector.kernel import processes
from djdesk_inspector.kernel.redaction import redact_mapping, redact_values

FOLDER = Path(__file__).resolve().parent
BOOT = (
    "import sys, runpy; sys.path.insert(0, sys.argv.pop(1)); "
    "runpy.run_module('reader', run_name='__main__', alter_sys=True)"
)
DEFAULT_TIMEOUT = 60.0


def choose_interpreter(project: Path, explicit: str | Path | None) -> tuple[Path | None, str]:
    """The interpreter to read with and why (``explicit``/``project``/a reason for none)."""
    if explicit:
        path = Path(explicit).expanduser()
        path = path if path.is_absolute() else project / path
        if not path.is_file():
            raise ScanError(f"Interpreter {path} does not exist.", kind="interpreter")
        return path, "explicit"
    found = detection.find_interpreter(project)
    if found is None:
        return None, "the workspace has no interpreter"
    real = found.resolve()
    if real == project.resolve() or project.resolve() in real.parents:
        return None, f"{found} is a binary inside the project, not a link to an installed Python"
    return found, "project"


def scan(
    project: str | Path,
    *,
    settings_module: str | None = None,
    fallback_reason: str | None = None,
    interpreter: str | Path | None = None,
    in_process: bool = False,
    timeout: float | None = None,
) -> dict[str, Any]:
    """The static document for ``project`` (never runs any of its code)."""
    project = Path(project)
    if not (project / "manage.py").is_file():
        raise ScanError(f"{project} has no manage.py.", kind="project")
    module = settings_module or detection.settings_module_from_manage(project / "manage.py")
    python, origin = (
        (None, "in-process on request") if in_process else choose_interpreter(project, interpreter)
    )
    document = None
    problems: list[dict[str, Any]] = []
    if python is not None:
        try:
            document = _in_target(project, module, python, timeout or DEFAULT_TIMEOUT)
        except ScanError as error:
            problems.append({"stage": "reader", "type": error.kind, "message": str(error),
                             "traceback": error.detail or None})  # fmt: skip
            origin = f"in-process: {error}"
    if document is None:
        document = reader_document.build(project.resolve(), module, [], stdlib_names(),
                                         in_target=False)  # fmt: skip
    document["fallback_reason"] = fallback_reason
    document["interpreter_origin"] = origin if python is not None and not problems else None
    document["static_reader"]["why"] = origin
    document["errors"] = redact_values(problems + document["errors"])
    document["settings"] = redact_mapping(document["settings"])
    return document


def _in_target(project: Path, module: str, python: Path, timeout: float) -> dict[str, Any]:
    nonce = secrets.token_hex(8)
    argv: list[str | Path] = [python, "-I", "-S", "-B", "-c", BOOT, FOLDER, "--project",
                              project.resolve(), "--settings", module, "--nonce", nonce]  # fmt: skip
    try:
        done = processes.run(argv, cwd=project, env=children.project_env(), timeout=timeout)
    except OSError as exc:
        raise ScanError(f"Cannot run {python}: {exc.strerror or exc}.", kind="interpreter") from exc
    if done.timed_out:
        raise ScanError(f"The static reader took longer than {timeout:g}s.", kind="timeout")
    begin, end = f"{BEGIN} {nonce}\n", f"\n{END} {nonce}"
    start = done.stdout.find(begin)
    stop = done.stdout.find(end, start + len(begin)) if start >= 0 else -1
    if start < 0 or stop < 0:
        last = (done.stderr or "").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise ScanError(f"{python} could not run the static reader ({last[0]}).",
                        kind="interpreter", detail=done.stderr)  # fmt: skip
    try:
        result: dict[str, Any] = json.loads(done.stdout[start + len(begin) : stop])
    except ValueError as exc:
        raise ScanError(f"The static reader's output is not JSON: {exc}.", kind="output") from exc
    return result
