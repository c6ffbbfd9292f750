"""Workspace trust: whether djdesk may run a project's code (modelled on VS Code's).

A live scan, a preset run and a notebook execution all run the project's settings,
models and management commands with its interpreter. A workspace is therefore
untrusted when added (unless ``DJDESK_INSPECTOR["TRUST_NEW_WORKSPACES"]``), and
untrusted means static scans only. Trusting is an explicit action, recorded with who
and when, and revocable. The host project is trusted by definition (it is already
running); on the command line, ``djdesk_inspect`` without ``--static`` is the user's
own choice.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from djdesk_inspector import conf
from djdesk_inspector.models import Workspace

WHAT_RUNS = (
    "Trusting runs this project's settings, models and management commands with its interpreter."
)
DESKTOP = "desktop"


def actor(request: HttpRequest | None) -> str:
    """Who is acting: the signed-in username, ``desktop`` for the desktop app, else ``""``."""
    if request is None:
        return ""
    from djdesk_inspector.kernel.permissions import is_desktop

    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return str(user.get_username())
    return DESKTOP if is_desktop(request) else ""


def initial(trusted_by: str | None) -> dict[str, Any]:
    """Trust fields for a new workspace: trusted when the user ticked the box
    (``trusted_by`` is who did) or when the setting trusts every new workspace."""
    if trusted_by is not None:
        return {"trusted": True, "trusted_at": timezone.now(), "trusted_by": trusted_by}
    if conf.get().TRUST_NEW_WORKSPACES:
        return {
            "trusted": True,
            "trusted_at": timezone.now(),
            "trusted_by": "setting TRUST_NEW_WORKSPACES",
        }
    return {"trusted": False, "trusted_at": None, "trusted_by": ""}


def grant(workspace: Workspace, by: str) -> Workspace:
    """Trust ``workspace`` from now on, recording who (``by``) and when."""
    workspace.trusted = True
    workspace.trusted_at = timezone.now()
    workspace.trusted_by = (by or "unknown")[:150]
    workspace.save(update_fields=["trusted", "trusted_at", "trusted_by", "updated_at"])
    return workspace


def revoke(workspace: Workspace) -> Workspace:
    """Stop running the workspace's code; scans are static from now on."""
    workspace.trusted = False
    workspace.trusted_at = None
    workspace.trusted_by = ""
    workspace.save(update_fields=["trusted", "trusted_at", "trusted_by", "updated_at"])
    return workspace


def refusal(workspace: Workspace, doing: str) -> str:
    """Why ``doing`` (e.g. "Presets") is disabled for ``workspace``, or ``""``."""
    if workspace.trusted:
        return ""
    return (
        f"{doing} run this project's code, and workspace {workspace.name!r} is not trusted. "
        "Trust it on the dashboard first."
    )


def as_json(workspace: Workspace) -> dict[str, Any]:
    return {
        "trusted": workspace.trusted,
        "trusted_at": workspace.trusted_at,
        "trusted_by": workspace.trusted_by,
        "what_runs": WHAT_RUNS,
    }
