"""Per-app settings dicts merged over typed defaults.

Each djdesk app declares a frozen dataclass of defaults in its ``conf.py`` and reads
``settings.DJDESK_<APP>`` through :func:`load`. Invalid values never crash a request:
:func:`load` falls back to the default, and :func:`problems` lets the app's system
checks report the mistake at startup instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path, PurePath
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Problem:
    """One thing wrong with a settings dict, ready to become a check message."""

    kind: str  # "not-a-dict" | "wrong-type" | "unknown-key" | "invalid"
    key: str
    message: str


def typed(default: Any, *types: type, help: str = "") -> Any:
    """Declare a setting with the types it accepts (defaults to the default's type)."""
    accepted = types or (type(default),)
    if isinstance(default, (list, dict, tuple)):
        return dataclasses.field(
            default_factory=lambda: default, metadata={"types": accepted, "help": help}
        )
    return dataclasses.field(default=default, metadata={"types": accepted, "help": help})


def _accepts(field: dataclasses.Field[Any], value: Any) -> bool:
    types: tuple[type, ...] = field.metadata.get("types", ())
    if not types:
        return True
    if isinstance(value, bool) and bool not in types:
        return False  # bool is an int subclass; True is never a valid timeout.
    if tuple in types and isinstance(value, list):
        value = tuple(value)
    if isinstance(value, (tuple, list)) and isinstance(value, types):
        return all(isinstance(item, (str, dict)) for item in value)
    if float in types and isinstance(value, int):
        return True
    return isinstance(value, types)


def _raw(setting: str) -> Any:
    return getattr(settings, setting, {})


def problems(cls: type[Any], setting: str) -> Iterator[Problem]:
    """Yield every mistake in ``settings.<setting>`` against the dataclass ``cls``."""
    raw = _raw(setting)
    if not isinstance(raw, dict):
        yield Problem("not-a-dict", "", f"{setting} must be a dict, not {type(raw).__name__}.")
        return
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key, value in raw.items():
        field = fields.get(key)
        if field is None:
            known = ", ".join(sorted(fields))
            yield Problem("unknown-key", key, f"{setting}[{key!r}] is not a known key ({known}).")
        elif not _accepts(field, value):
            names = " or ".join(t.__name__ for t in field.metadata["types"])
            yield Problem(
                "wrong-type",
                key,
                f"{setting}[{key!r}] must be {names}, not {type(value).__name__}.",
            )


def load(cls: type[T], setting: str) -> T:
    """Build ``cls`` from ``settings.<setting>``, keeping defaults for invalid values."""
    return load_mapping(cls, _raw(setting))


def load_mapping(cls: type[T], raw: Any) -> T:
    """Build ``cls`` from a dict at hand (e.g. inside a settings module still running)."""
    if not isinstance(raw, dict):
        return cls()
    valid: dict[str, Any] = {}
    for field in dataclasses.fields(cls):  # type: ignore[arg-type]
        if field.name in raw and _accepts(field, raw[field.name]):
            value = raw[field.name]
            valid[field.name] = tuple(value) if isinstance(value, list) else value
    return cls(**valid)


DATA_DIR_NAME = "djdesk-inspector"


def base_dir() -> Path | None:
    """``settings.BASE_DIR`` as a path, when the project defines one."""
    base = getattr(settings, "BASE_DIR", None)
    return Path(base) if isinstance(base, (str, PurePath)) and str(base) else None


def folder(configured: str | PurePath, name: str) -> Path:
    """A folder setting: as configured, else ``<BASE_DIR>/var/<name>``, else ``<name>`` in
    the user data folder (platformdirs), so apps never guess a location of their own."""
    if str(configured):
        return Path(configured)
    base = base_dir()
    if base is not None:
        return base / "var" / name
    from platformdirs import user_data_path

    return user_data_path(DATA_DIR_NAME, appauthor=False) / name
