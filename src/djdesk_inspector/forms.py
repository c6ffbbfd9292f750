from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from djdesk_inspector import trust, workspaces
from djdesk_inspector.models import Workspace


class WorkspaceForm(forms.Form):
    """The wizard: validate a folder, then register it with what detection found."""

    project_path = forms.CharField(
        label=_("Project folder"),
        max_length=1024,
        help_text=_("The folder that holds manage.py. Drop it here, or type its path."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    interpreter_path = forms.CharField(
        label=_("Python interpreter"),
        max_length=1024,
        required=False,
        help_text=_("Leave empty to use the project's .venv, venv or env, else this Python."),
    )
    env_file = forms.CharField(
        label=_("Env file"),
        max_length=1024,
        required=False,
        help_text=_(
            "A dotenv file (e.g. .env, relative to the project) whose variables the "
            "project's processes get. Its values are never stored or shown."
        ),
    )
    pass_env = forms.CharField(
        label=_("Variables to pass through"),
        max_length=2000,
        required=False,
        help_text=_(
            "Names of djdesk's own environment variables the project gets, e.g. DATABASE_URL."
        ),
    )
    trust = forms.BooleanField(
        label=_("Trust this project"),
        required=False,
        initial=False,
        help_text=trust.WHAT_RUNS
        + " "
        + str(_("Untrusted projects are only read (static scans); you can trust it later.")),
    )

    def clean_project_path(self) -> Any:
        return workspaces.validate_project_path(self.cleaned_data.get("project_path", ""))

    def clean_interpreter_path(self) -> str:
        return workspaces.validate_interpreter(self.cleaned_data.get("interpreter_path", ""))

    def clean_pass_env(self) -> list[str]:
        raw = self.data.get("pass_env") if hasattr(self.data, "get") else None
        names = raw if isinstance(raw, list) else re.split(r"[\s,]+", str(raw or "").strip())
        return workspaces.validate_pass_env([n for n in names if n])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        project = cleaned.get("project_path")
        if project is not None and "env_file" not in self.errors:
            try:
                cleaned["env_file"] = workspaces.validate_env_file(
                    project, cleaned.get("env_file", "")
                )
            except forms.ValidationError as exc:
                self.add_error("env_file", exc)
        return cleaned

    def save(self, trusted_by: str | None = None) -> Workspace:
        """Register the workspace; ``trusted_by`` (who ticked "trust") trusts it."""
        try:
            return workspaces.register(
                self.cleaned_data["name"],
                self.cleaned_data["project_path"],
                self.cleaned_data["interpreter_path"],
                env_file=self.cleaned_data.get("env_file", ""),
                pass_env=self.cleaned_data.get("pass_env") or [],
                trusted_by=trusted_by if self.cleaned_data.get("trust") else None,
            )
        except forms.ValidationError as exc:
            self.add_error("project_path", exc)
            raise
