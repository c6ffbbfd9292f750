"""Registering workspaces: the rules a folder must pass before the inspector touches it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from djdesk_inspector import conf, detection, scans, trust
from djdesk_inspector.kernel import environment, paths
from djdesk_inspector.models import ScanKind, Workspace


def validate_project_path(raw: str) -> Path:
    """The normalised project folder, or a ValidationError that says what is wrong."""
    raw = (raw or "").strip()
    if not raw:
        raise ValidationError(_("Enter the folder that holds manage.py."), code="required")
    if "\x00" in raw:
        raise ValidationError(_("The path contains a NUL character."), code="invalid")
    if not Path(raw).expanduser().is_absolute():
        raise ValidationError(_("Enter an absolute path."), code="relative")
    try:
        path = paths.normalize(raw)
    except (OSError, RuntimeError) as exc:
        raise ValidationError(_("The path cannot be resolved: %s") % exc, code="invalid") from exc
    if paths.is_protected(path, conf.get().PROTECTED_PATHS):
        raise ValidationError(
            _("%(path)s is a protected system folder.") % {"path": path}, code="protected"
        )
    if not path.exists():
        raise ValidationError(_("%(path)s does not exist.") % {"path": path}, code="missing")
    if not path.is_dir():
        raise ValidationError(_("%(path)s is not a folder.") % {"path": path}, code="not_dir")
    if not (path / "manage.py").is_file():
        raise ValidationError(
            _("%(path)s has no manage.py: pick the Django project's root folder.") % {"path": path},
            code="no_manage",
        )
    key = paths.same_path_key(path)
    for existing in Workspace.objects.values_list("project_path", flat=True):
        if paths.same_path_key(existing) == key:
            raise ValidationError(
                _("%(path)s is already registered.") % {"path": path}, code="duplicate"
            )
    return path


def validate_interpreter(raw: str) -> str:
    raw = (raw or "").strip()
    if not raw:
        return ""
    path = Path(raw).expanduser()
    if not path.is_absolute() or not path.is_file():
        raise ValidationError(_("The interpreter must be an existing file, by absolute path."))
    return str(path)


def validate_env_file(project: Path, raw: str) -> str:
    """The env file as an absolute path (relative ones are in the project), or ``""``.

    Only the path is checked and stored: the values are read when a child starts.
    """
    raw = (raw or "").strip()
    if not raw:
        return ""
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = project / path
    if not path.is_file():
        raise ValidationError(
            _("%(path)s is not a file: name the project's env file.") % {"path": path}
        )
    return str(path)


MAX_PASS_ENV = 50


def validate_pass_env(names: Any) -> list[str]:
    """Variable names to pass through from djdesk's environment (names only, never values)."""
    if names in (None, ""):
        return []
    if not isinstance(names, list) or len(names) > MAX_PASS_ENV:
        raise ValidationError(_("Give at most %d variable names.") % MAX_PASS_ENV)
    problems = [environment.pass_through_problem(name) for name in names]
    problems = [p for p in problems if p]
    if problems:
        raise ValidationError(problems)
    return sorted(set(names))


def offered_env_file(project: Path) -> str:
    """The project's ``.env``, when it has one: what the wizard offers."""
    candidate = project / ".env"
    return str(candidate) if candidate.is_file() else ""


def register(
    name: str,
    project_path: Path,
    interpreter: str = "",
    *,
    env_file: str = "",
    pass_env: list[str] | None = None,
    trusted_by: str | None = None,
) -> Workspace:
    """Create the workspace with its detected settings and interpreter, or nothing at all,
    and queue its first scan.

    It is untrusted unless ``trusted_by`` says who trusted it in the wizard (or
    ``DJDESK_INSPECTOR["TRUST_NEW_WORKSPACES"]`` is on): see :mod:`djdesk_inspector.trust`.
    """
    found = detection.detect(project_path)
    try:
        with transaction.atomic():
            workspace = Workspace.objects.create(
                name=name.strip() or project_path.name,
                project_path=str(project_path),
                interpreter_path=interpreter or str(found.interpreter or ""),
                settings_module=found.settings_module,
                env_file=env_file,
                pass_env=list(pass_env or []),
                **trust.initial(trusted_by),
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(path)s is already registered.") % {"path": project_path}
        ) from exc
    # A new workspace is scanned at once, so the dashboard never opens empty. ``auto``
    # is a static scan unless the workspace is trusted (see inspection.engine).
    scans.request_scan(workspace, ScanKind.AUTO)
    return workspace


def switcher_entries() -> list[tuple[str, str]]:
    """``(slug, name)`` for the header's workspace switcher (:mod:`kernel.chrome`)."""
    return list(Workspace.objects.order_by("name", "id").values_list("slug", "name"))
