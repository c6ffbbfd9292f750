from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from djdesk_inspector import workspaces
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

    def clean_project_path(self) -> Any:
        return workspaces.validate_project_path(self.cleaned_data.get("project_path", ""))

    def clean_interpreter_path(self) -> str:
        return workspaces.validate_interpreter(self.cleaned_data.get("interpreter_path", ""))

    def save(self) -> Workspace:
        try:
            return workspaces.register(
                self.cleaned_data["name"],
                self.cleaned_data["project_path"],
                self.cleaned_data["interpreter_path"],
            )
        except forms.ValidationError as exc:
            self.add_error("project_path", exc)
            raise
