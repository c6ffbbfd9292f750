"""Access-control figure: URLs reachable anonymously outside desktop mode with the default
permission callback (target 0). Every URL pattern under ``/djdesk/`` is filled with real
arguments (a workspace with a real static scan, a task run, an export) and requested with
every method by an anonymous client; an answer other than 403 or a 302 to the login page
counts as reachable. Prints JSON. Run: .venv/bin/python bench/permissions.py
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pathsetup

ROOT = pathsetup.ROOT
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.shortcuts import resolve_url  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from telemetry import samples  # noqa: E402

from djdesk_inspector import scans  # noqa: E402
from djdesk_inspector.datalab.models import Export  # noqa: E402
from djdesk_inspector.kernel import permissions  # noqa: E402
from djdesk_inspector.models import ScanKind, Workspace  # noqa: E402
from djdesk_inspector.presets.models import TaskRun  # noqa: E402
from tests.permissions.urlwalk import Url, djdesk_urls  # noqa: E402

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
TARGET = 0
ALLOW_EVERYONE = "tests.permissions.callbacks.allow_everyone"


def world() -> dict[str, str]:
    project = Path(tempfile.mkdtemp(prefix="djdesk-bench-perm-")) / "polls"
    samples.write_project(project, name="pollsite", apps=["polls"])
    workspace = Workspace.objects.create(name="Bench", project_path=str(project))
    scans.request_scan(workspace, ScanKind.STATIC)
    run = TaskRun.objects.create(
        preset_key="check", target="host", project_path=str(project), interpreter="/x"
    )
    export = Export.objects.create(workspace=workspace, template="schema-audit", version=1)
    return {
        "slug": workspace.slug,
        "run_id": str(run.pk),
        "export_id": export.pk.hex,
        "label": "polls.Question",
        "path": "index.html",
        "rest": "no/such/endpoint/",
    }


def refused(status: int, location: str, login: str) -> bool:
    return status == 403 or (status == 302 and location.startswith(login))


def anonymous_answers(
    urls: list[Url], methods: tuple[str, ...], login: str
) -> dict[str, list[str]]:
    """URL name -> the answers that were not a refusal."""
    anonymous = Client()
    reachable: dict[str, list[str]] = {}
    for url in urls:
        for method in methods:
            response = anonymous.generic(method, url.path, "{}", content_type="application/json")
            if not refused(response.status_code, response.get("Location", ""), login):
                reachable.setdefault(url.name, []).append(f"{method} {response.status_code}")
    return reachable


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    login = resolve_url(settings.LOGIN_URL) + "?next="
    urls = djdesk_urls(world())
    reachable = anonymous_answers(urls, METHODS, login)
    requests = len(urls) * len(METHODS)
    # Control: the same walk with a callback that lets everyone in must find every URL,
    # or the figure above would prove nothing.
    with override_settings(DJDESK_INSPECTOR={"PERMISSION_CALLBACK": ALLOW_EVERYONE}):
        control = anonymous_answers(urls, ("GET",), login)
    print(
        json.dumps(
            {
                "callback": permissions.callback_path(),
                "url_patterns": len(urls),
                "requests": requests,
                "methods": list(METHODS),
                "anonymous_reachable_urls": len(reachable),
                "anonymous_reachable": reachable,
                "target": TARGET,
                "control_allow_everyone_reachable_urls": len(control),
                "met": len(reachable) <= TARGET,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
