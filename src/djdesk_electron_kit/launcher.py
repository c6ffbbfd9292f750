"""The desktop launch sequence (steps 1-7 of the runtime contract).

1. resolve the data and log dirs (``--data-dir`` wins; see :mod:`.dirs`);
2. load the desktop settings (:mod:`.desktop_settings`), ``django.setup()``;
3. migrate when something is pending, with backup and restore (:mod:`.migrations_guard`);
4. mark runs left ``running`` by a crash as failed (:mod:`djdesk_inspector.kernel.reaping`);
5. bind waitress to ``127.0.0.1:0``, start the supervised worker, print the READY line;
6. serve, requiring the launch token on every request (:mod:`.middleware`);
7. on SIGTERM/SIGINT/stdin EOF: stop the worker tree and the server, exit 0.

:func:`main` is ``python -m djdesk_electron_kit.launch``; :func:`run` is steps 3-7,
shared with ``manage.py djdesk_serve``. Exit codes: :mod:`.exitcodes`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from djdesk_electron_kit import __version__, handshake, runtime
from djdesk_electron_kit.exitcodes import ExitCode
from djdesk_electron_kit.shutdown import StopRequest

if TYPE_CHECKING:
    from djdesk_electron_kit.supervisor import Supervisor

logger = logging.getLogger("djdesk_electron_kit.launcher")


@dataclass(frozen=True)
class LaunchOptions:
    settings: str
    project_dir: Path
    data_dir: Path | None = None
    log_dir: Path | None = None
    port: int = 0
    watch_stdin: bool = True


def say(message: str) -> None:
    """One clear line for whoever reads stderr (the shell's crash dialog, a terminal)."""
    print(f"djdesk: {message}", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m djdesk_electron_kit.launch",
        description="Run a Django project as the local backend of a desktop app.",
        epilog="Needs DJDESK_TOKEN in the environment. Exit codes: 0 clean, 1 error, "
        "2 usage, 3 migration failed (database restored), 4 server failure, "
        "5 worker could not start.",
    )
    parser.add_argument("--settings", required=True, help="Desktop settings module.")
    parser.add_argument(
        "--project-dir",
        type=Path,
        default=Path.cwd(),
        help="Folder holding the project's packages (default: the current folder).",
    )
    parser.add_argument("--data-dir", type=Path, help="Per-user data folder (Electron userData).")
    parser.add_argument("--log-dir", type=Path, help="Log folder (default: <data-dir>/logs).")
    parser.add_argument("--port", type=int, default=0, help="0 (default): the OS picks one.")
    parser.add_argument(
        "--no-watch-stdin",
        dest="watch_stdin",
        action="store_false",
        help="Do not stop when stdin closes.",
    )
    return parser


def parse(argv: Sequence[str] | None) -> LaunchOptions:
    args = build_parser().parse_args(argv)
    if not 0 <= args.port < 65536:
        build_parser().error("--port must be between 0 and 65535")
    return LaunchOptions(
        settings=args.settings,
        project_dir=args.project_dir.resolve(),
        data_dir=args.data_dir.expanduser().resolve() if args.data_dir else None,
        log_dir=args.log_dir.expanduser().resolve() if args.log_dir else None,
        port=args.port,
        watch_stdin=args.watch_stdin,
    )


def claim_stdout() -> TextIO:
    """Keep stdout for the READY line alone: file descriptor 1 now points at stderr,
    so a stray ``print`` (or a C library) cannot corrupt the protocol."""
    stream = sys.stdout
    try:
        stream.flush()
        ready_fd = os.dup(stream.fileno())
        os.dup2(sys.stderr.fileno(), stream.fileno())
    except (AttributeError, OSError, ValueError):
        return stream
    sys.stdout = sys.stderr
    return os.fdopen(ready_fd, "w", encoding="utf-8")


def prepare_environment(options: LaunchOptions) -> None:
    """Step 1: what the settings module reads before ``django.setup()``."""
    project = str(options.project_dir)
    if project not in sys.path:
        sys.path.insert(0, project)
    os.environ["DJANGO_SETTINGS_MODULE"] = options.settings
    if options.data_dir is not None:
        os.environ[runtime.DATA_DIR_ENV] = str(options.data_dir)
    if options.log_dir is not None:
        os.environ[runtime.LOG_DIR_ENV] = str(options.log_dir)
    os.environ.setdefault(runtime.ROLE_ENV, "server")


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    token = os.environ.get(runtime.TOKEN_ENV, "")
    problem = runtime.token_problem(token)
    if problem:
        say(f"refusing to start: {problem}")
        return ExitCode.USAGE
    ready_stream = claim_stdout()
    prepare_environment(options)
    import django

    try:
        django.setup()
    except ImportError as exc:
        say(f"cannot load settings {options.settings!r}: {exc}")
        return ExitCode.USAGE
    return run(options, token, ready_stream)


def _start_worker(options: LaunchOptions, stop: StopRequest) -> Supervisor | None:
    """The supervisor, or None when tasks run elsewhere (another backend, WORKER off)."""
    from django.conf import settings

    from djdesk_electron_kit import conf, supervisor
    from djdesk_inspector.kernel.compat import DATABASE_BACKEND

    desktop = conf.get()
    backend = (getattr(settings, "TASKS", None) or {}).get("default", {}).get("BACKEND")
    if not desktop.WORKER or backend != DATABASE_BACKEND:
        return None
    spec = supervisor.worker_spec(
        desktop,
        settings_module=options.settings,
        project_dir=options.project_dir,
        data_dir=Path(settings.DJDESK_DATA_DIR),
        log_dir=Path(settings.DJDESK_LOG_DIR),
    )
    worker = supervisor.Supervisor(
        spec,
        on_give_up=lambda: stop.request(ExitCode.WORKER_FAILED, "the tasks worker keeps dying"),
    )
    worker.start()
    return worker


def run(
    options: LaunchOptions,
    token: str,
    ready_stream: TextIO,
    *,
    announce: Callable[[int], None] | None = None,
) -> int:
    """Steps 3-7, once Django is set up. Returns the exit code."""
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    from djdesk_electron_kit import conf, migrations_guard
    from djdesk_electron_kit.server import Server
    from djdesk_electron_kit.shutdown import install_signal_handlers, watch_stdin
    from djdesk_inspector.kernel import reaping

    runtime.STATE.token = token
    # Children (worker, scans, task runs) must never inherit the token.
    os.environ.pop(runtime.TOKEN_ENV, None)
    try:
        migrations_guard.migrate_if_needed()
    except migrations_guard.MigrationFailed as exc:
        say(f"migrating failed ({exc}); the database was restored from {exc.backup}.")
        return ExitCode.MIGRATION_FAILED
    reaping.reap_all()
    connections.close_all()

    app = get_wsgi_application()
    try:
        server = Server(app, port=options.port, threads=conf.get().THREADS)
    except OSError as exc:
        say(f"cannot listen on 127.0.0.1:{options.port}: {exc}")
        return ExitCode.SERVER_FAILED
    runtime.STATE.port = server.port

    stop = StopRequest()
    try:
        worker = _start_worker(options, stop)
    except OSError as exc:
        server.stop()
        say(f"the tasks worker could not start: {exc}")
        return ExitCode.WORKER_FAILED

    install_signal_handlers(stop)
    if options.watch_stdin:
        watch_stdin(stop)
    ready = handshake.Ready(
        port=server.port,
        pid=os.getpid(),
        token_header=runtime.TOKEN_HEADER,
        version=__version__,
    )
    ready_stream.write(handshake.format_line(ready) + "\n")
    ready_stream.flush()
    logger.info("Serving on http://127.0.0.1:%d/ (pid %d)", server.port, os.getpid())
    if announce is not None:
        announce(server.port)

    def stop_server() -> None:
        stop.wait()
        logger.info("Stopping: %s", stop.reason)
        server.stop()

    threading.Thread(target=stop_server, name="djdesk-stopper", daemon=True).start()
    try:
        server.serve()
    except Exception:
        logger.exception("The server stopped with an error")
        stop.request(ExitCode.SERVER_FAILED, "server error")
    finally:
        if worker is not None:
            worker.stop()
        connections.close_all()
    if not stop.requested:
        stop.request(ExitCode.SERVER_FAILED, "the server stopped by itself")
    logger.info("Stopped (exit code %d)", stop.code)
    return int(stop.code)
