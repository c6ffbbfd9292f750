"""Typed user arguments: each declared argument turns one user value into argv tokens.

A preset declares its arguments as JSON (stored on the model); :func:`parse_specs`
turns them into :class:`ArgumentSpec` objects and :data:`TYPES` says, per type, how a
value is validated and which choices the UI offers. Positional values are always
members of a declared or discovered choice list whose members match
:data:`SAFE_VALUE`, so a positional token can never start with ``-`` and be read as
an option. Options are emitted as one ``--name=value`` token, so a value can never
become a separate argument either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# Values that may reach argv from a choice list: a word, never starting with "-".
SAFE_VALUE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.:]{0,99}$", re.ASCII)
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$", re.ASCII)
OPTION = re.compile(r"^--[a-z][a-z0-9-]{0,39}$", re.ASCII)
INTEGER_TEXT = re.compile(r"^-?[0-9]{1,12}$", re.ASCII)


class ArgumentErrors(Exception):
    """Bad user values, keyed by argument name (``__all__`` for unknown names)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class TargetChoices:
    """What a target offers for discovered choices: its app labels and migrations."""

    app_labels: tuple[str, ...] = ()
    migrations: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""  # where they came from ("host registry", "snapshot #3", "")

    @classmethod
    def safe(
        cls, labels: Sequence[str], migrations: Mapping[str, Sequence[str]], source: str
    ) -> TargetChoices:
        """Keep only values that are safe as argv tokens (a target's data is untrusted)."""
        keep = tuple(sorted({label for label in labels if _safe(label)}))
        return cls(
            app_labels=keep,
            migrations={
                label: tuple(sorted({name for name in migrations.get(label, ()) if _safe(name)}))
                for label in keep
            },
            source=source,
        )


def _safe(value: object) -> bool:
    return isinstance(value, str) and bool(SAFE_VALUE.match(value))


@dataclass(frozen=True)
class ArgumentSpec:
    """One declared argument: ``option`` empty means positional."""

    name: str
    type: str
    label: str = ""
    help: str = ""
    option: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    app_argument: str = ""  # for "migration": the argument holding the app label

    @property
    def positional(self) -> bool:
        return not self.option

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "type": self.type}
        for key in ("label", "help", "option", "app_argument"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.required:
            data["required"] = True
        if self.choices:
            data["choices"] = list(self.choices)
        if self.minimum is not None:
            data["minimum"] = self.minimum
        if self.maximum is not None:
            data["maximum"] = self.maximum
        return data


# -- per-type behaviour ------------------------------------------------------------

Context = Mapping[str, Any]  # already-validated values of earlier arguments
Parse = Callable[[ArgumentSpec, Any, Context, TargetChoices], "str | bool | int"]
Offer = Callable[[ArgumentSpec, TargetChoices], Any]


def _member(value: Any, options: Sequence[str], what: str) -> str:
    if not isinstance(value, str) or value not in options:
        shown = ", ".join(options[:20]) + (" ..." if len(options) > 20 else "")
        raise ValueError(f"Choose one of the {what}: {shown}." if options else f"No {what} known.")
    return value


def _parse_app_label(spec: ArgumentSpec, value: Any, ctx: Context, tc: TargetChoices) -> str:
    return _member(value, tc.app_labels, "target's app labels")


def _parse_migration(spec: ArgumentSpec, value: Any, ctx: Context, tc: TargetChoices) -> str:
    app = ctx.get(spec.app_argument)
    if not isinstance(app, str):
        raise ValueError(f"Choose {spec.app_argument!r} first.")
    return _member(value, tc.migrations.get(app, ()), f"migrations of {app}")


def _parse_choice(spec: ArgumentSpec, value: Any, ctx: Context, tc: TargetChoices) -> str:
    return _member(value, spec.choices, "declared choices")


def _parse_integer(spec: ArgumentSpec, value: Any, ctx: Context, tc: TargetChoices) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError("Enter a whole number.")
    if isinstance(value, str):
        if not INTEGER_TEXT.match(value):
            raise ValueError("Enter a whole number.")
        value = int(value)
    number: int = value
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError(f"Enter a number of at least {spec.minimum}.")
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError(f"Enter a number of at most {spec.maximum}.")
    return number


def _parse_flag(spec: ArgumentSpec, value: Any, ctx: Context, tc: TargetChoices) -> bool:
    if not isinstance(value, bool):
        raise ValueError("Enter true or false.")
    return value


def _offer_none(spec: ArgumentSpec, tc: TargetChoices) -> None:
    return None


@dataclass(frozen=True)
class ArgumentType:
    key: str
    label: str
    parse: Parse
    offer: Offer  # the choices shown by the UI for a target
    positional: bool  # may be declared without an option


TYPES: dict[str, ArgumentType] = {
    t.key: t
    for t in (
        ArgumentType(
            "app_label",
            "App label (from the target)",
            _parse_app_label,
            lambda spec, tc: list(tc.app_labels),
            positional=True,
        ),
        ArgumentType(
            "migration",
            "Migration name (of the chosen app)",
            _parse_migration,
            lambda spec, tc: {label: list(names) for label, names in tc.migrations.items()},
            positional=True,
        ),
        ArgumentType(
            "choice",
            "One of the declared choices",
            _parse_choice,
            lambda spec, tc: list(spec.choices),
            positional=True,
        ),
        ArgumentType("integer", "Whole number within bounds", _parse_integer, _offer_none, True),
        ArgumentType("flag", "On/off switch", _parse_flag, _offer_none, positional=False),
    )
}


# -- declarations ------------------------------------------------------------------

SPEC_KEYS = frozenset(
    (
        "name",
        "type",
        "label",
        "help",
        "option",
        "required",
        "choices",
        "minimum",
        "maximum",
        "app_argument",
    )
)


def _spec_problems(raw: Mapping[str, Any], earlier: Mapping[str, ArgumentSpec]) -> list[str]:
    problems: list[str] = []
    unknown = set(raw) - SPEC_KEYS
    if unknown:
        problems.append(f"unknown keys {sorted(unknown)}")
    name, kind, option = raw.get("name"), raw.get("type"), raw.get("option", "")
    if not isinstance(name, str) or not NAME.match(name):
        problems.append("name must be lowercase letters, digits and _ (starting with a letter)")
    elif name in earlier:
        problems.append(f"duplicate name {name!r}")
    if kind not in TYPES:
        problems.append(f"type must be one of {', '.join(TYPES)}")
    if not isinstance(option, str) or (option and not OPTION.match(option)):
        problems.append("option must look like --long-name (or be empty for positional)")
    elif not option and kind in TYPES and not TYPES[kind].positional:
        problems.append(f"a {kind} argument needs an option")
    for key in ("label", "help", "app_argument"):
        if not isinstance(raw.get(key, ""), str):
            problems.append(f"{key} must be a string")
    if not isinstance(raw.get("required", False), bool):
        problems.append("required must be true or false")
    choices = raw.get("choices", [])
    if not isinstance(choices, (list, tuple)) or not all(_safe(c) for c in choices):
        problems.append("choices must be words (letters, digits, _ . :), not starting with -")
    elif kind == "choice" and not choices:
        problems.append("a choice argument needs choices")
    bounds = [raw.get("minimum"), raw.get("maximum")]
    if any(b is not None and (isinstance(b, bool) or not isinstance(b, int)) for b in bounds):
        problems.append("minimum and maximum must be whole numbers")
    elif None not in bounds and bounds[0] > bounds[1]:  # type: ignore[operator]
        problems.append("minimum is above maximum")
    elif kind == "integer" and not option and (bounds[0] is None or bounds[0] < 0):
        problems.append("a positional integer needs a minimum of 0 or more (no leading -)")
    if kind == "migration":
        app = raw.get("app_argument", "")
        if not (app in earlier and earlier[app].type == "app_label"):
            problems.append("app_argument must name an earlier app_label argument")
    return problems


def parse_specs(raw: Any) -> tuple[list[ArgumentSpec], dict[str, list[str]]]:
    """Declarations from JSON, plus problems keyed by position (``"0"``, ``"1"`` ...)."""
    if not isinstance(raw, (list, tuple)):
        return [], {"__all__": ["Arguments must be a JSON list."]}
    specs: dict[str, ArgumentSpec] = {}
    problems: dict[str, list[str]] = {}
    for index, item in enumerate(raw):
        if not isinstance(item, Mapping):
            problems[str(index)] = ["each argument must be a JSON object"]
            continue
        found = _spec_problems(item, specs)
        if found:
            problems[str(index)] = found
            continue
        spec = ArgumentSpec(
            name=item["name"],
            type=item["type"],
            label=item.get("label", ""),
            help=item.get("help", ""),
            option=item.get("option", ""),
            required=item.get("required", False),
            choices=tuple(item.get("choices", ())),
            minimum=item.get("minimum"),
            maximum=item.get("maximum"),
            app_argument=item.get("app_argument", ""),
        )
        specs[spec.name] = spec
    return list(specs.values()), problems


# -- binding user values -----------------------------------------------------------


def _tokens(spec: ArgumentSpec, value: str | bool | int) -> list[str]:
    if spec.type == "flag":
        return [spec.option] if value else []
    return [f"{spec.option}={value}"] if spec.option else [str(value)]


def bind(
    specs: Sequence[ArgumentSpec], values: Any, choices: TargetChoices
) -> tuple[list[str], dict[str, Any]]:
    """The argv tokens and cleaned values for ``values``, or :class:`ArgumentErrors`.

    Tokens follow the declaration order, never the order of the user's object.
    """
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise ArgumentErrors({"args": ["Arguments must be a JSON object."]})
    errors: dict[str, list[str]] = {}
    known = {spec.name for spec in specs}
    unknown = sorted(str(k)[:40] for k in values if k not in known)
    if unknown:
        errors["__all__"] = [f"Unknown arguments: {', '.join(unknown)}."]
    cleaned: dict[str, Any] = {}
    tokens: list[str] = []
    for spec in specs:
        value = values.get(spec.name)
        if value is None or value == "" or (spec.type == "flag" and value is False):
            if spec.required:
                errors[spec.name] = ["This argument is required."]
            continue
        try:
            parsed = TYPES[spec.type].parse(spec, value, cleaned, choices)
        except ValueError as exc:
            errors[spec.name] = [str(exc)]
            continue
        cleaned[spec.name] = parsed
        tokens.extend(_tokens(spec, parsed))
    if errors:
        raise ArgumentErrors(errors)
    return tokens, cleaned


def schema(spec: ArgumentSpec, choices: TargetChoices) -> dict[str, Any]:
    """What the UI needs to build an input for ``spec`` on one target."""
    kind = TYPES[spec.type]
    data = spec.as_json() | {"label": spec.label or spec.name.replace("_", " ")}
    offered = kind.offer(spec, choices)
    if offered is not None:
        data["choices"] = offered
    return data
