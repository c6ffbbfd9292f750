"""The desktop launch sequence (steps 1-7 of the runtime contract).

1. resolve the data and log dirs (``--data-dir`` wins; see :mod:`.dirs`) and prove
   they are writable (else exit 7 with one line naming the folder);
2. load the desktop settings (:mod:`.desktop_settings`), ``django.setup()``;
3. lock the data dir (:mod:`.datalock`; a second launcher exits 6 naming the holder),
   then migrate when something is pending, with backup and restore
   (:mod:`.migrations_guard`, which needs that lock);
4. mark runs left ``running`` by a crash as failed (:mod:`djdesk_inspector.kernel.reaping`);
5. bind waitress to ``127.0.0.1:0``, start the supervised worker, print the READY line;
   when the worker dies, its leftover processes are killed and its jobs failed at
   once (:mod:`.supervisor`), then it is restarted;
6. serve, requiring the launch token on every request (:mod:`.middleware`);
7. on SIGTERM/SIGINT/stdin EOF: stop the worker tree and the server, exit 0.

:func:`main` is ``python -m djdesk_electron_kit.launch``; :func:`run` is steps 3-7,
shared with ``manage.py djdesk_serve``. Exit codes: :mod:`.exitcodes`.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from djdesk_electron_kit import __version__, datalock, dirs, handshake, runtime, token_source
from djdesk_electron_kit.exitcodes import ExitCode
from djdesk_electron_kit.shutdown import StopRequest

if TYPE_CHECKING:
    from djdesk_electron_kit.supervisor import Supervisor

logger = logging.getLogger("djdesk_electron_kit.launcher")

# What loading settings raises when a folder they create cannot be written.
WRITE_ERRNOS = frozenset(
    {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST, errno.ENOSPC}
)


@dataclass(frozen=True)
class LaunchOptions:
    settings: str
    project_dir: Path
    data_dir: Path | None = None
    log_dir: Path | None = None
    port: int = 0
    watch_stdin: bool = True
    token_stdin: bool = False


def say(message: str) -> None:
    """One clear line for whoever reads stderr (the shell's crash dialog, a terminal)."""
    print(f"djdesk: {message}", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m djdesk_electron_kit.launch",
        description="Run a Django project as the local backend of a desktop app.",
        epilog="Needs the token on stdin's first line (--token-stdin) or in DJDESK_TOKEN. "
        "Exit codes: 0 clean, 1 error, "
        "2 usage, 3 migration failed (database restored), 4 server failure, "
        "5 worker could not start, 6 data dir locked by another launcher, "
        "7 data dir not writable.",
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
    parser.add_argument(
        token_source.STDIN_FLAG,
        dest="token_stdin",
        action="store_true",
        help="Read the token from the first line of stdin (keeps it out of the "
        "environment block); without it, DJDESK_TOKEN.",
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
        token_stdin=args.token_stdin,
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


def unwritable_folder(options: LaunchOptions) -> dirs.UnwritableDir | None:
    """Checked before the settings load: a project's settings may write there first
    (a cache or var folder) and would fail with a raw traceback."""
    for folder in (options.data_dir, options.log_dir):
        if folder is None:
            continue
        try:
            dirs.check_writable(folder)
        except dirs.UnwritableDir as exc:
            return exc
    return None


def export_context(settings_module: str, data_dir: Path, log_dir: Path) -> None:
    """Make this process's settings module and folders part of its environment.

    Whatever runs the host project again (a "This project" preset, in the worker or
    in-process) passes exactly these names on (``kernel.environment.HOST_CONTEXT``),
    so the child opens the same settings, data dir and database as the launcher.
    """
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    os.environ[runtime.DATA_DIR_ENV] = str(data_dir)
    os.environ[runtime.LOG_DIR_ENV] = str(log_dir)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    token = token_source.read_token(options.token_stdin)
    problem = token_source.token_problem(token, options.token_stdin)
    if problem:
        say(f"refusing to start: {problem}")
        return ExitCode.USAGE
    ready_stream = claim_stdout()
    prepare_environment(options)
    unwritable = unwritable_folder(options)
    if unwritable is not None:
        say(str(unwritable))
        return ExitCode.DATA_DIR_UNWRITABLE
    lock = None
    if options.data_dir is not None:
        # Before the settings load: a second launcher leaves at once, touching nothing.
        lock, code = lock_data_dir(options.data_dir)
        if lock is None:
            return code
    failed = setup_django(options.settings)
    if failed is not None:
        if lock is not None:
            lock.release()
        return failed
    return run(options, token, ready_stream, lock=lock)


def setup_django(settings_module: str) -> ExitCode | None:
    """``django.setup()``; the exit code (after one clear line) when it cannot load."""
    import django

    try:
        django.setup()
    except ImportError as exc:
        say(f"cannot load settings {settings_module!r}: {exc}")
        return ExitCode.USAGE
    except dirs.UnwritableDir as exc:
        say(str(exc))
        return ExitCode.DATA_DIR_UNWRITABLE
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS or not exc.filename:
            raise
        # The project's own settings wrote into the (per-user) data dir before ours did.
        say(str(dirs.UnwritableDir(Path(os.fsdecode(exc.filename)), exc)))
        return ExitCode.DATA_DIR_UNWRITABLE
    return None


def desktop_dir(name: str) -> Path:
    """``DJDESK_DATA_DIR`` or ``DJDESK_LOG_DIR``: outputs of the desktop settings."""
    from django.conf import settings

    return Path(getattr(settings, name))


def _start_worker(
    options: LaunchOptions, stop: StopRequest, *, subreaper: bool
) -> Supervisor | None:
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
        data_dir=desktop_dir("DJDESK_DATA_DIR"),
        log_dir=desktop_dir("DJDESK_LOG_DIR"),
    )
    worker = supervisor.Supervisor(
        spec,
        on_give_up=lambda: stop.request(ExitCode.WORKER_FAILED, "the tasks worker keeps dying"),
        on_death=fail_dead_workers_jobs,
        # A subreaper finds a dead worker's orphans among its own children.
        snapshot=not subreaper,
    )
    worker.start()
    return worker


def fail_dead_workers_jobs(worker_pid: int, reason: str) -> None:
    """Called by the supervisor once a dead worker's processes are killed: every job
    that worker held is lost and is failed with ``reason`` (stored as the job's error)."""
    from django.db import connections

    from djdesk_inspector.kernel import reaping

    try:
        counts = reaping.reap_all(reason=reason, worker_pid=worker_pid)
    finally:
        connections.close_all()
    logger.warning("%s; failed: %s", reason, {k: v for k, v in counts.items() if v} or "nothing")


def lock_data_dir(folder: Path) -> tuple[datalock.DataDirLock | None, ExitCode]:
    """The data dir's lock for this launcher, or the exit code saying why not."""
    lock = datalock.DataDirLock(folder)
    try:
        lock.acquire()
    except datalock.DataDirLocked as exc:
        say(f"{exc}; quit it first.")
        return None, ExitCode.DATA_DIR_LOCKED
    except OSError as exc:
        say(str(dirs.UnwritableDir(folder, exc)))
        return None, ExitCode.DATA_DIR_UNWRITABLE
    return lock, ExitCode.OK


def run(
    options: LaunchOptions,
    token: str,
    ready_stream: TextIO,
    *,
    announce: Callable[[int], None] | None = None,
    lock: datalock.DataDirLock | None = None,
) -> int:
    """Steps 3-7, once Django is set up. Returns the exit code.

    ``lock`` is the data dir's lock when the caller already holds it (the launcher
    takes it before loading the settings); otherwise it is taken here.
    """
    from django.conf import settings

    runtime.STATE.token = token
    # Children (worker, scans, task runs) must never inherit the token.
    os.environ.pop(runtime.TOKEN_ENV, None)
    data_dir = desktop_dir("DJDESK_DATA_DIR")
    if lock is None or lock.folder.resolve() != data_dir.resolve():
        if lock is not None:
            lock.release()
        lock, code = lock_data_dir(data_dir)
        if lock is None:
            return code
    try:
        export_context(
            settings.SETTINGS_MODULE or options.settings,
            data_dir,
            desktop_dir("DJDESK_LOG_DIR"),
        )
        return _serve(options, ready_stream, lock, announce)
    finally:
        lock.release()


def _serve(
    options: LaunchOptions,
    ready_stream: TextIO,
    lock: datalock.DataDirLock,
    announce: Callable[[int], None] | None,
) -> int:
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    from djdesk_electron_kit import conf, migrations_guard
    from djdesk_electron_kit.server import Server
    from djdesk_electron_kit.shutdown import install_signal_handlers, watch_stdin
    from djdesk_inspector.kernel import proctree, reaping

    try:
        migrations_guard.migrate_if_needed(lock)
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
    # Orphans of a dead worker's tree re-parent to us, where the supervisor finds them.
    subreaper = proctree.become_subreaper()
    try:
        worker = _start_worker(options, stop, subreaper=subreaper)
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
