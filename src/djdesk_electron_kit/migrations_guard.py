"""Migrate at launch without ever leaving a half-migrated database behind.

Fast path first: when every migration file on disk is already recorded in
``django_migrations``, nothing can be pending, and no migration module is imported
(building the full :class:`MigrationExecutor` graph costs more than the rest of a
warm start). Only when that cheap test is inconclusive is the real plan computed.

When migrations are pending, the SQLite file is checkpointed (so the main file holds
every committed page), copied aside, and migrated. If migrating raises, the WAL and
shared-memory files are dropped and the copy is put back byte for byte.

Backing up and restoring replace the database file, which is only safe when no other
process has it open: both require the data dir lock (:mod:`.datalock`) that only one
launcher at a time can hold, and raise :class:`~.datalock.LockNotHeld` without it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import logging
import os
import pkgutil
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

from djdesk_electron_kit.datalock import DataDirLock

logger = logging.getLogger(__name__)

BACKUP_SUFFIX = ".pre-migrate.bak"
SIDE_FILES = ("-wal", "-shm", "-journal")


class MigrationFailed(Exception):
    """Migrating raised; the database is back to its state before the attempt."""

    def __init__(self, cause: BaseException, backup: Path | None) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause
        self.backup = backup


@dataclass(frozen=True)
class Outcome:
    migrated: bool
    backup: Path | None = None


def _disk_migrations() -> set[tuple[str, str]] | None:
    """(app label, name) of every migration file, found without importing any; None
    when a layout is unusual enough that only the real loader can tell."""
    from django.db.migrations.loader import MigrationLoader

    found: set[tuple[str, str]] = set()
    for config in apps.get_app_configs():
        module_name, _explicit = MigrationLoader.migrations_module(config.label)
        if module_name is None:
            continue
        try:
            spec = importlib.util.find_spec(module_name)
        except (ImportError, ValueError):
            return None
        if spec is None:
            continue  # an app without migrations
        if spec.origin is None or not spec.submodule_search_locations:
            return None  # namespace package or plain module: let the loader decide
        for info in pkgutil.iter_modules(spec.submodule_search_locations):
            if not info.ispkg and info.name[0] not in "_~":
                found.add((config.label, info.name))
    return found


def _recorded(connection: Any) -> set[tuple[str, str]] | None:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return None
    return set(recorder.applied_migrations())


def pending(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """True when ``migrate`` would apply something."""
    connection = connections[alias]
    recorded = _recorded(connection)
    if recorded is None:
        return True
    on_disk = _disk_migrations()
    if on_disk is not None and on_disk <= recorded:
        return False
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def database_file(alias: str = DEFAULT_DB_ALIAS) -> Path | None:
    from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

    connection = connections[alias]
    if not isinstance(connection, SQLiteWrapper) or connection.is_in_memory_db():
        return None
    return Path(connection.settings_dict["NAME"])


def _checkpoint(alias: str) -> None:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()


def _copy_atomically(source: Path, target: Path) -> None:
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, temp)
    os.replace(temp, target)


def backup(lock: DataDirLock, alias: str = DEFAULT_DB_ALIAS) -> Path | None:
    """Copy the database file aside; None when there is no file."""
    lock.require("backing up the database")
    path = database_file(alias)
    if path is None or not path.is_file():
        return None
    _checkpoint(alias)
    target = path.with_name(path.name + BACKUP_SUFFIX)
    _copy_atomically(path, target)
    return target


def restore(lock: DataDirLock, path: Path, copy: Path | None) -> None:
    """Put ``copy`` back over ``path`` (or remove ``path`` when there was no file)."""
    lock.require("restoring the database")
    connections.close_all()
    for suffix in SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()
    if copy is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    _copy_atomically(copy, path)


def migrate_if_needed(lock: DataDirLock, alias: str = DEFAULT_DB_ALIAS) -> Outcome:
    """Migrate when something is pending; :class:`MigrationFailed` after a restore."""
    lock.require("migrating at launch")
    path = database_file(alias)
    # Looked at before the pending check, whose connection creates an empty file.
    existed = path is not None and path.is_file() and path.stat().st_size > 0
    if not pending(alias):
        return Outcome(migrated=False)
    from django.core.management import call_command

    copy = backup(lock, alias) if existed else None
    logger.info("Applying migrations (backup: %s)", copy)
    output = io.StringIO()
    try:
        call_command(
            "migrate",
            database=alias,
            interactive=False,
            verbosity=1,
            skip_checks=True,
            stdout=output,
            stderr=output,
        )
    except Exception as exc:
        logger.error("Migrating failed; restoring %s\n%s", copy, output.getvalue(), exc_info=True)
        if path is not None:
            restore(lock, path, copy)
        raise MigrationFailed(exc, copy) from exc
    logger.info("Migrations applied:\n%s", output.getvalue())
    return Outcome(migrated=True, backup=copy)
