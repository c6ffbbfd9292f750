"""The rules a preset (and a stored argv) must pass before anything runs.

Checked when a preset is saved (model ``clean``, admin, sync) and again by the runner
just before it spawns, so a row edited directly in the database cannot run an unlisted
command or slip in ``--settings``. Commands are compared by exact name, never by
prefix, and option tokens are compared the way argparse reads them: a long option may
be abbreviated (``--sett=x`` is ``--settings``) and short options may be clustered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from djdesk_inspector.presets import arguments, conf

if TYPE_CHECKING:
    from djdesk_inspector.presets.models import Preset

COMMAND = re.compile(r"^[a-z0-9_]{1,100}$", re.ASCII)

# Options that make the child load other settings or code, or write files.
RESTRICTED_LONG: tuple[str, ...] = ("--settings", "--pythonpath", "--output")
RESTRICTED_SHORT: tuple[str, ...] = ("-o",)
RESTRICTED: tuple[str, ...] = RESTRICTED_LONG + RESTRICTED_SHORT

MAX_FIXED_ARGS = 50
MAX_TOKEN_CHARS = 500
NEGATIVE_NUMBER = re.compile(r"^-[0-9]+(\.[0-9]+)?$")


def restricted_option(token: str) -> str | None:
    """Which restricted option ``token`` would turn on when argparse reads it, if any."""
    if token.startswith("--"):
        name = token.split("=", 1)[0]
        if len(name) <= 2:
            return None  # "--" ends options
        return next((opt for opt in RESTRICTED_LONG if opt.startswith(name)), None)
    if token.startswith("-") and len(token) > 1 and not NEGATIVE_NUMBER.match(token):
        # A short cluster such as "-ao file" turns on every letter until one takes a value.
        letters = token[1:]
        return next((opt for opt in RESTRICTED_SHORT if opt[1] in letters), None)
    return None


def allowlisted(command: str) -> bool:
    return command in conf.get().ALLOWLIST


def token_problems(tokens: Any, allowed_options: Iterable[str] = ()) -> list[str]:
    if not isinstance(tokens, (list, tuple)):
        return ["must be a JSON list of strings"]
    if len(tokens) > MAX_FIXED_ARGS:
        return [f"at most {MAX_FIXED_ARGS} arguments"]
    allowed = set(allowed_options)
    problems: list[str] = []
    for token in tokens:
        if not isinstance(token, str):
            problems.append(f"{token!r} is not a string")
        elif not token or len(token) > MAX_TOKEN_CHARS:
            problems.append(f"arguments must be 1 to {MAX_TOKEN_CHARS} characters")
        elif any(ch in token for ch in "\x00\r\n"):
            problems.append(f"{token[:40]!r} contains a NUL or line break")
        elif (found := restricted_option(token)) and found not in allowed:
            problems.append(
                f"{token[:40]!r} is the restricted option {found}; list it in allowed "
                "options to permit it"
            )
    return problems


def command_problems(command: Any, *, require_allowlisted: bool = True) -> list[str]:
    if not isinstance(command, str) or not COMMAND.match(command):
        return ["a command is a management command name: lowercase letters, digits and _"]
    if require_allowlisted and not allowlisted(command):
        return [f"{command!r} is not in {conf.SETTING}['ALLOWLIST']"]
    return []


def preset_errors(preset: Preset, *, require_allowlisted: bool = True) -> dict[str, list[str]]:
    """Field name -> problems; empty when the preset may be saved."""
    errors: dict[str, list[str]] = {}
    allowed: Any = preset.allowed_options
    if not isinstance(allowed, (list, tuple)) or not all(a in RESTRICTED for a in allowed):
        errors["allowed_options"] = [f"a JSON list drawn from {', '.join(RESTRICTED)}"]
        allowed = ()
    found = command_problems(preset.command, require_allowlisted=require_allowlisted)
    if found:
        errors["command"] = found
    found = token_problems(preset.fixed_args, allowed)
    if found:
        errors["fixed_args"] = found
    specs, spec_problems = arguments.parse_specs(preset.arguments)
    messages = [f"argument {where}: {'; '.join(what)}" for where, what in spec_problems.items()]
    for spec in specs:
        if spec.option and (opt := restricted_option(spec.option)) and opt not in allowed:
            messages.append(f"argument {spec.name}: {spec.option} is the restricted option {opt}")
    if messages:
        errors["arguments"] = messages
    limit = conf.get().MAX_TIMEOUT
    if preset.timeout is not None and not 0 < preset.timeout <= limit:
        errors["timeout"] = [f"between 1 and {limit} seconds"]
    return errors


def argv_problems(argv: Sequence[Any], allowed_options: Iterable[str] = ()) -> list[str]:
    """Problems with a stored ``[command, *args]`` (re-checked just before spawning)."""
    if not argv:
        return ["empty command line"]
    return command_problems(argv[0]) + token_problems(list(argv[1:]), allowed_options)
