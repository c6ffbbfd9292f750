"""Registering workspaces: the rules a folder must pass before the inspector touches it."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from djdesk_inspector import conf, detection
from djdesk_inspector.kernel import paths
from djdesk_inspector.models import Workspace


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


def register(name: str, project_path: Path, interpreter: str = "") -> Workspace:
    """Create the workspace with its detected settings and interpreter, or nothing at all."""
    found = detection.detect(project_path)
    try:
        with transaction.atomic():
            return Workspace.objects.create(
                name=name.strip() or project_path.name,
                project_path=str(project_path),
                interpreter_path=interpreter or str(found.interpreter or ""),
                settings_module=found.settings_module,
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("%(path)s is already registered.") % {"path": project_path}
        ) from exc
