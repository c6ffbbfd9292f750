"""Step 2, inputs: what the host project needs, and what the kit itself needs.

The project's requirements come from ``--requirements FILE``, else the
``[project].dependencies`` of its ``pyproject.toml``, else its ``requirements.txt``.
``djdesk-inspector`` is taken out of them (the kit is copied from the host, see
:mod:`.kit`) and replaced by the kit's own dependencies, with the extras the
project asked for. Unpinned lines are reported: the versions pip resolves for them
are what the manifest records.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from djdesk_electron_kit.bundle.errors import BundleError

KIT_DISTRIBUTION = "djdesk-inspector"
PYPROJECT = "pyproject.toml"
REQUIREMENTS_TXT = "requirements.txt"

NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[([^\]]*)\])?")
EXTRA_MARKER = re.compile(r"""extra\s*==\s*['"]([^'"]+)['"]""")
# Option lines a requirements file may carry that pip accepts again in ours.
PASSTHROUGH_OPTIONS = (
    "-i",
    "--index-url",
    "--extra-index-url",
    "--no-index",
    "-f",
    "--find-links",
    "--trusted-host",
    "--pre",
    "--prefer-binary",
    "--only-binary",
    "--no-binary",
)
# These take a path that must stay valid once our own file lives elsewhere.
PATH_OPTIONS = ("-c", "--constraint", "-f", "--find-links")
INCLUDE_OPTIONS = ("-r", "--requirement")


def canonical(name: str) -> str:
    """PEP 503 normalized project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Requirement:
    line: str
    name: str
    extras: tuple[str, ...]
    marker: str

    @property
    def pinned(self) -> bool:
        """``==`` to one exact version (or ``===``), or a direct reference."""
        spec = self.line.split(";", 1)[0]
        if "@" in spec:
            return True
        spec = NAME.sub("", spec, count=1).strip()
        clauses = [c.strip() for c in spec.split(",") if c.strip()]
        if len(clauses) != 1:
            return False
        clause = clauses[0]
        return clause.startswith("===") or (clause.startswith("==") and "*" not in clause)


def parse(line: str) -> Requirement:
    requirement, _, marker = line.partition(";")
    match = NAME.match(requirement)
    if not match:
        raise BundleError(f"cannot read the requirement {line!r}")
    extras = tuple(canonical(e.strip()) for e in (match.group(3) or "").split(",") if e.strip())
    return Requirement(
        line=line.strip(), name=canonical(match.group(1)), extras=extras, marker=marker.strip()
    )


@dataclass(frozen=True)
class RequirementSet:
    """The project's requirements without the kit, ready for one pip invocation."""

    # Where they came from, relative to the project ("" when nothing was found).
    source: str
    requirements: tuple[Requirement, ...]
    options: tuple[str, ...]
    kit_extras: tuple[str, ...]

    def unpinned(self) -> list[str]:
        return [r.line for r in self.requirements if not r.pinned]

    def recorded(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "lines": [r.line for r in self.requirements],
            "options": list(self.options),
            "kit_extras": list(self.kit_extras),
        }


def _logical_lines(text: str) -> Iterable[str]:
    """Lines with comments dropped and backslash continuations joined."""
    pending = ""
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        line = (pending + line).strip()
        pending = ""
        if line:
            yield line
    if pending.strip():
        yield pending.strip()


def _option(line: str) -> tuple[str, str]:
    """``--name value``, ``--name=value`` or ``-xvalue`` as (name, value)."""
    if line.startswith("--"):
        name, sep, value = line.partition("=")
        if not sep:
            name, _, value = line.partition(" ")
        return name.strip(), value.strip()
    name, value = line[:2], line[2:].strip()
    return name, value


def read_requirements_file(
    path: Path, *, seen: frozenset[Path] = frozenset()
) -> tuple[list[Requirement], list[str]]:
    """Requirements and pip option lines of ``path``, following ``-r`` includes."""
    path = path.resolve()
    if path in seen:
        raise BundleError(f"{path.name} includes itself")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BundleError(f"cannot read {path}: {exc.strerror or exc}") from exc
    requirements: list[Requirement] = []
    options: list[str] = []
    for line in _logical_lines(text):
        if not line.startswith("-"):
            requirements.append(parse(line))
            continue
        name, value = _option(line)
        if name in INCLUDE_OPTIONS:
            more, more_options = read_requirements_file(path.parent / value, seen=seen | {path})
            requirements += more
            options += more_options
        elif name in ("-e", "--editable"):
            raise BundleError(f"{path.name}: editable requirement {value!r} cannot be bundled")
        elif name in PATH_OPTIONS:
            local = (path.parent / value).resolve()
            options.append(f"{name} {local if local.exists() else value}")
        elif name in PASSTHROUGH_OPTIONS:
            options.append(line)
        else:
            raise BundleError(f"{path.name}: unsupported option line {line!r}")
    return requirements, options


def _load_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise BundleError(
                f"reading {path.name} needs Python 3.11+ or tomli; pass --requirements FILE"
            ) from None
    try:
        loaded: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return loaded
    except (OSError, ValueError) as exc:
        raise BundleError(f"cannot read {path}: {exc}") from exc


def pyproject_dependencies(path: Path) -> list[str] | None:
    """``[project].dependencies`` of ``path``, or None when it declares none."""
    project = _load_toml(path).get("project")
    if not isinstance(project, dict) or "dependencies" not in project:
        return None
    dependencies = project["dependencies"]
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        raise BundleError(f"{path}: [project].dependencies must be a list of strings")
    return dependencies


def _split_kit(requirements: list[Requirement]) -> tuple[tuple[Requirement, ...], tuple[str, ...]]:
    kept: list[Requirement] = []
    extras: set[str] = set()
    for requirement in requirements:
        if requirement.name == KIT_DISTRIBUTION:
            extras.update(requirement.extras)
        else:
            kept.append(requirement)
    return tuple(kept), tuple(sorted(extras))


def find(project_dir: Path, explicit: Path | None = None) -> RequirementSet:
    """The project's requirements (see the module docstring for the order)."""
    options: list[str] = []
    if explicit is not None:
        path = explicit if explicit.is_absolute() else project_dir / explicit
        requirements, options = read_requirements_file(path)
        source = _relative(path, project_dir)
    elif (project_dir / PYPROJECT).is_file() and (
        declared := pyproject_dependencies(project_dir / PYPROJECT)
    ) is not None:
        requirements = [parse(line) for line in declared]
        source = PYPROJECT
    elif (project_dir / REQUIREMENTS_TXT).is_file():
        requirements, options = read_requirements_file(project_dir / REQUIREMENTS_TXT)
        source = REQUIREMENTS_TXT
    else:
        requirements, source = [], ""
    kept, extras = _split_kit(requirements)
    return RequirementSet(
        source=source, requirements=kept, options=tuple(options), kit_extras=extras
    )


def _relative(path: Path, base: Path) -> str:
    try:
        return path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return path.name


def _strip_extra(marker: str, extras: tuple[str, ...]) -> str | None:
    """The marker without its ``extra == ...`` clause; None when the extra is not wanted."""
    match = EXTRA_MARKER.search(marker)
    if match is None:
        return marker
    if canonical(match.group(1)) not in extras:
        return None
    rest = EXTRA_MARKER.sub("", marker)
    rest = re.sub(r"^\s*(and|or)\s+|\s+(and|or)\s*$", "", rest.strip())
    rest = re.sub(r"\(\s*\)", "", rest).strip()
    return rest


def _declared_kit_requirements() -> list[str]:
    """Requires-Dist of the installed kit, else the checkout's pyproject (run from src/)."""
    try:
        return list(metadata.requires(KIT_DISTRIBUTION) or [])
    except metadata.PackageNotFoundError:
        pass
    import djdesk_electron_kit

    pyproject = Path(djdesk_electron_kit.__file__).resolve().parents[2] / PYPROJECT
    if not pyproject.is_file():
        raise BundleError(f"{KIT_DISTRIBUTION} is neither installed nor in a checkout")
    data = _load_toml(pyproject).get("project", {})
    lines = list(data.get("dependencies", []))
    for extra, more in data.get("optional-dependencies", {}).items():
        lines += [f"{line}; extra == '{extra}'" for line in more]
    return lines


def kit_requirements(extras: tuple[str, ...]) -> list[str]:
    """The kit's dependencies as requirement lines, extras resolved."""
    lines: list[str] = []
    for declared in _declared_kit_requirements():
        requirement, _, marker = declared.partition(";")
        kept = _strip_extra(marker.strip(), extras)
        if kept is None:
            continue
        lines.append(f"{requirement.strip()}; {kept}" if kept else requirement.strip())
    return lines


def requirements_text(project: RequirementSet) -> str:
    """One requirements file for pip: options, the project's lines, the kit's."""
    lines = [*project.options, *(r.line for r in project.requirements)]
    lines += kit_requirements(project.kit_extras)
    return "\n".join(lines) + "\n"
