"""System checks for the data lab: misconfiguration surfaces here, with a stable id.

Ids (the convention is in :mod:`djdesk_inspector.kernel.checks`):
  E001  DJDESK_DATALAB is not a dict
  E002  a DJDESK_DATALAB value has the wrong type
  E003  a numeric setting is not positive
  E004  EXPORT_ROOT is not an absolute path
  W001  DJDESK_DATALAB has an unknown key (a typo?)
  E010  djdesk_inspector is not installed (the data lab reads its snapshots)
  E011  a TEMPLATES entry cannot be imported
  E012  a TEMPLATES entry is not a usable NotebookTemplate (bad slug, title or builder)
  E013  two templates share a slug
  W010  EXECUTE is set to True, but nbclient or ipykernel is missing
"""

from __future__ import annotations

from typing import Any

from django.core import checks

from djdesk_inspector.datalab import conf, execution, registry
from djdesk_inspector.kernel import checks as kernel_checks
from djdesk_inspector.kernel.checks import not_absolute, settings_checks
from djdesk_inspector.kernel.registry import installed_label

APP = "djdesk_datalab"

POSITIVE_INTS = ("EXECUTION_TIMEOUT", "HISTORY_LIMIT")


def check_inspector(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    if installed_label("djdesk_inspector"):
        return []
    return [
        checks.Error(
            "djdesk_datalab builds notebooks from the inspector's snapshots, but "
            "'djdesk_inspector' is not in INSTALLED_APPS.",
            hint="Add 'djdesk_inspector' to INSTALLED_APPS (before 'djdesk_inspector.datalab').",
            id=f"{APP}.E010",
        )
    ]


def _template_messages() -> list[Any]:
    messages: list[Any] = []
    seen = {t.slug: "built-in" for t in registry.BUILTIN}
    for dotted in conf.get().TEMPLATES:
        try:
            template = registry.load_configured(str(dotted))
        except registry.TemplateError as exc:
            imported = isinstance(exc.__cause__, ImportError)
            messages.append(
                checks.Error(
                    f"{conf.SETTING}['TEMPLATES']: {exc}",
                    hint="Point each entry at a NotebookTemplate object (module.attribute).",
                    id=f"{APP}.{'E011' if imported else 'E012'}",
                )
            )
            continue
        if template.slug in seen:
            messages.append(
                checks.Error(
                    f"{conf.SETTING}['TEMPLATES']: {dotted!r} uses the slug "
                    f"{template.slug!r}, already taken by {seen[template.slug]}.",
                    id=f"{APP}.E013",
                )
            )
        seen.setdefault(template.slug, repr(dotted))
    return messages


def check_settings(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    messages = settings_checks(APP, conf.DatalabSettings, conf.SETTING, positive=POSITIVE_INTS)
    root = conf.export_root()
    if not root.is_absolute():
        messages.append(
            not_absolute(
                APP,
                f"The data lab export folder {str(root)!r} is not an absolute path.",
                hint=f"Set {conf.SETTING}['EXPORT_ROOT'] to an absolute path.",
            )
        )
    return messages + _template_messages()


def check_execution(app_configs: Any = None, **kwargs: Any) -> list[Any]:
    raw = conf.raw()
    explicit = isinstance(raw, dict) and raw.get("EXECUTE") is True
    missing = execution.missing_requirements()
    if not explicit or not missing:
        return []
    return [
        checks.Warning(
            f"{conf.SETTING}['EXECUTE'] is True, but {missing}: exports are written "
            "without outputs.",
            hint="pip install 'djdesk-inspector[datalab]'",
            id=f"{APP}.W010",
        )
    ]


def register() -> None:
    kernel_checks.register()
    checks.register(check_inspector)
    checks.register(check_settings)
    checks.register(check_execution)
