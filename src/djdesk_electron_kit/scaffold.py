"""Render the Electron shell template (``electron-template/``) for a host project.

Only the files listed in :data:`TEMPLATED_FILES` are rendered; every other file is
copied byte for byte. The output is staged in a temporary sibling directory and
renamed into place, so a failure never leaves a half-written shell behind.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import json
import keyword
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "PRESERVED_ENTRIES",
    "TEMPLATED_FILES",
    "ScaffoldError",
    "ScaffoldOptions",
    "build_options",
    "default_name",
    "desktop_sibling",
    "iter_template_files",
    "render_text",
    "scaffold",
    "template_dir",
]

#: Template files that contain ``{{djdesk.<key>}}`` placeholders (POSIX paths).
TEMPLATED_FILES: tuple[str, ...] = (
    "package.json",
    "src/app-config.json",
    "README.md",
)

#: Build artefacts that may sit in the target before scaffolding; kept, never overwritten.
PRESERVED_ENTRIES: frozenset[str] = frozenset({"node_modules", "django-bundle", "dist"})

#: Never copied out of the template (development leftovers in a repository checkout).
IGNORED_NAMES: frozenset[str] = frozenset(
    {"node_modules", "django-bundle", "dist", "__pycache__", ".DS_Store"}
)

PLACEHOLDER_RE = re.compile(r"\{\{\s*djdesk\.([a-z_]+)\s*\}\}")
NAME_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9 ._-]{0,62}[A-Za-z0-9])?$")
APP_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]*(?:\.[A-Za-z][A-Za-z0-9-]*)+$")
PLACEHOLDER_APP_ID_PREFIX = "com.example."


class ScaffoldError(ValueError):
    """A one-line, user-facing reason why the shell cannot be rendered."""


@dataclass(frozen=True)
class ScaffoldOptions:
    """Validated values substituted into the template."""

    name: str
    app_id: str
    settings_module: str

    @property
    def slug(self) -> str:
        """npm package name: lowercase, URL-safe."""
        return slugify(self.name)

    def context(self) -> dict[str, str]:
        return {
            "name": self.name,
            "app_id": self.app_id,
            "settings": self.settings_module,
            "slug": self.slug,
        }


def template_dir() -> Path:
    """The template inside an installed wheel, else the repository checkout's copy."""
    here = Path(__file__).resolve().parent
    candidates = (here / "electron-template", here.parents[1] / "electron-template")
    for candidate in candidates:
        if (candidate / "package.json").is_file():
            return candidate
    raise ScaffoldError(
        "electron template not found (looked in " + ", ".join(str(c) for c in candidates) + ")"
    )


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug or "djdesk-app"


def default_name(settings_module: str) -> str:
    """``atlas_telemetry.settings.desktop`` -> ``Atlas Telemetry``."""
    top = settings_module.split(".", 1)[0]
    words = [w for w in re.split(r"[_\-]+", top) if w]
    return " ".join(w[:1].upper() + w[1:] for w in words) or "Djdesk App"


def declared_app_name(settings_module: str) -> str | None:
    """``DJDESK_DESKTOP["APP_NAME"]`` as written in ``settings_module``'s source, or None.

    Read with ``ast`` (a literal dict assignment), never by importing the module: a
    desktop settings module computes data dirs on import.
    """
    try:
        spec = importlib.util.find_spec(settings_module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    try:
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    for node in tree.body:
        if not isinstance(node, ast.Assign) or not any(
            isinstance(t, ast.Name) and t.id == "DJDESK_DESKTOP" for t in node.targets
        ):
            continue
        try:
            value = ast.literal_eval(node.value)
        except ValueError:
            return None
        name = value.get("APP_NAME") if isinstance(value, dict) else None
        return name if isinstance(name, str) and name.strip() else None
    return None


def desktop_sibling(settings_module: str) -> str | None:
    """``pkg.settings_desktop`` next to ``pkg.settings``, if the project has one.

    That is the layout :mod:`djdesk_electron_kit.desktop_settings` documents; the
    development settings lack the desktop overrides the launcher needs.
    """
    if settings_module.endswith("_desktop"):
        return None
    candidate = f"{settings_module}_desktop"
    try:
        found = importlib.util.find_spec(candidate) is not None
    except (ImportError, ValueError):
        return None
    return candidate if found else None


def validate_name(name: str) -> str:
    if not NAME_RE.match(name):
        raise ScaffoldError(
            f"invalid --name {name!r}: use 1-64 letters, digits, spaces, '.', '_' or '-', "
            "starting and ending with a letter or digit"
        )
    return name


def validate_app_id(app_id: str) -> str:
    if not APP_ID_RE.match(app_id) or len(app_id) > 155:
        raise ScaffoldError(
            f"invalid --app-id {app_id!r}: expected reverse-DNS like com.example.atlas "
            "(letters, digits and '-', segments start with a letter)"
        )
    return app_id


def validate_settings_module(module: str) -> str:
    parts = module.split(".")
    if not module or not all(p.isidentifier() and not keyword.iskeyword(p) for p in parts):
        raise ScaffoldError(
            f"invalid settings module {module!r}: expected a dotted path like atlas.settings"
        )
    return module


def build_options(
    *, name: str | None, app_id: str | None, settings_module: str | None
) -> ScaffoldOptions:
    """Fill in defaults and validate; raises :class:`ScaffoldError`."""
    if not settings_module:
        raise ScaffoldError("no settings module: pass --settings or set DJANGO_SETTINGS_MODULE")
    settings_module = validate_settings_module(settings_module)
    name = validate_name(name if name is not None else default_name(settings_module))
    if app_id is None:
        app_id = PLACEHOLDER_APP_ID_PREFIX + (re.sub(r"[^a-z0-9]", "", name.lower()) or "app")
    return ScaffoldOptions(
        name=name, app_id=validate_app_id(app_id), settings_module=settings_module
    )


def _json_string_body(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)[1:-1]


def render_text(text: str, context: dict[str, str], *, relpath: str = "") -> str:
    """Substitute placeholders; JSON files get JSON string escaping. Unknown keys fail."""
    escape: Callable[[str], str] = _json_string_body if relpath.endswith(".json") else str

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in context:
            raise ScaffoldError(f"{relpath or 'template'}: unknown placeholder {match.group(0)}")
        return escape(context[key])

    return PLACEHOLDER_RE.sub(substitute, text)


def iter_template_files(root: Path) -> Iterator[tuple[Path, str]]:
    """Every file the render copies, with its POSIX path relative to ``root``."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in IGNORED_NAMES)
        for filename in sorted(filenames):
            if filename in IGNORED_NAMES or filename.endswith((".pyc", ".pyo")):
                continue
            path = Path(dirpath) / filename
            yield path, path.relative_to(root).as_posix()


def _render_into(stage: Path, template: Path, options: ScaffoldOptions) -> list[str]:
    context = options.context()
    missing = [rel for rel in TEMPLATED_FILES if not (template / rel).is_file()]
    if missing:
        raise ScaffoldError(f"template is incomplete: missing {', '.join(missing)}")
    written: list[str] = []
    for source, rel in iter_template_files(template):
        target = stage / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel in TEMPLATED_FILES:
            text = source.read_bytes().decode("utf-8")
            target.write_bytes(render_text(text, context, relpath=rel).encode("utf-8"))
            shutil.copymode(source, target)
        else:
            shutil.copyfile(source, target)
            shutil.copymode(source, target)
        written.append(rel)
    return written


def _conflicts(target: Path) -> list[str]:
    """Entries of an existing target that scaffolding would overwrite or delete."""
    if not target.exists():
        return []
    if not target.is_dir():
        return [target.name]
    return sorted(e.name for e in target.iterdir() if e.name not in PRESERVED_ENTRIES)


def _carry_over(old: Path, new: Path, moved: list[tuple[Path, Path]]) -> None:
    """Move entries of ``old`` that the fresh render does not provide into ``new``.

    Keeps build artefacts (node_modules, django-bundle, dist) and the user's own
    additions (icons in build/ ...); template-owned files are the fresh ones.
    """
    for entry in sorted(old.iterdir()):
        destination = new / entry.name
        if not destination.exists():
            os.replace(entry, destination)
            moved.append((entry, destination))
        elif entry.is_dir() and not entry.is_symlink() and destination.is_dir():
            _carry_over(entry, destination, moved)


def _roll_back(moved: list[tuple[Path, Path]], backup: Path, target: Path) -> None:
    """Undo a failed swap: carried-over entries go home, the old tree returns."""
    with contextlib.suppress(OSError):
        for source, destination in reversed(moved):
            os.replace(destination, source)
        if backup.exists() and not target.exists():
            os.replace(backup, target)


def scaffold(target: Path, options: ScaffoldOptions, *, force: bool = False) -> list[str]:
    """Render the shell into ``target``; returns the template-relative paths written.

    Refuses a non-empty ``target`` unless ``force``. Build artefacts in ``target``
    (and, with ``force``, any file the template does not provide) are kept.
    """
    template = template_dir()
    target = Path(target).absolute()
    if target.exists() and not target.is_dir():
        raise ScaffoldError(f"{target} exists and is not a directory")
    conflicts = _conflicts(target)
    if conflicts and not force:
        shown = ", ".join(conflicts[:5]) + (" ..." if len(conflicts) > 5 else "")
        raise ScaffoldError(
            f"{target} is not empty ({shown}); use --force to overwrite the template files"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    # One hidden sibling holds the staged render and the previous tree, so both
    # renames stay on one filesystem and a single rmtree cleans up.
    holder = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".djdesk", dir=target.parent))
    stage = holder / "new"
    backup = holder / "old"
    stage.mkdir()  # unlike mkdtemp, honours the umask
    moved: list[tuple[Path, Path]] = []
    try:
        written = _render_into(stage, template, options)
        if target.exists():
            os.replace(target, backup)
            _carry_over(backup, stage, moved)
        os.replace(stage, target)
    except BaseException:
        _roll_back(moved, backup, target)
        raise
    finally:
        # Never delete the user's previous tree if it could not be put back.
        if target.exists() or not backup.exists():
            shutil.rmtree(holder, ignore_errors=True)
    return written
