"""Upsert the shipped presets from :mod:`registry` without touching the user's own.

A preset is managed by sync while ``builtin`` is true. Creating a user preset with a
shipped key, or editing a shipped preset in the admin, turns ``builtin`` off, and sync
leaves it alone from then on. Sync never deletes anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, router, transaction

from djdesk_inspector.presets import registry, validation


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # user presets holding a shipped key


def sync_defaults(using: str = DEFAULT_DB_ALIAS) -> SyncReport:
    from djdesk_inspector.presets.models import Preset

    report = SyncReport()
    with transaction.atomic(using=using):
        existing = {p.key: p for p in Preset.objects.using(using).filter(key__in=registry.BY_KEY)}
        for definition in registry.DEFAULTS:
            wanted = definition.fields()
            preset = existing.get(definition.key)
            if preset is None:
                preset = Preset(key=definition.key, builtin=True, **wanted)
                _validate(preset)
                preset.save(using=using)
                report.created.append(definition.key)
            elif not preset.builtin:
                report.skipped.append(definition.key)
            elif _differs(preset, wanted):
                for name, value in wanted.items():
                    setattr(preset, name, value)
                _validate(preset)
                preset.save(using=using)
                report.updated.append(definition.key)
            else:
                report.unchanged.append(definition.key)
    return report


def _differs(preset: Any, wanted: dict[str, Any]) -> bool:
    return any(getattr(preset, name) != value for name, value in wanted.items())


def _validate(preset: Any) -> None:
    # Shipped presets may name commands outside the allowlist (dumpdata): they are stored
    # and shown as disabled; everything else must hold.
    errors = validation.preset_errors(preset, require_allowlisted=False)
    if errors:
        raise ValueError(f"Shipped preset {preset.key!r} is invalid: {errors}")


def after_migrate(sender: Any, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """``post_migrate`` handler: new installs get the shipped presets without a command."""
    from djdesk_inspector.presets.models import Preset

    if not router.allow_migrate_model(using, Preset):
        return
    if Preset._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated backwards past the app's first migration
    sync_defaults(using)
