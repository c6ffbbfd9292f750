"""Where a run happens: the host project itself, or a workspace of the inspector.

One declared table of resolvers, keyed by the target key's kind (``host``,
``workspace:<slug>``). Each resolver says whether it is available, lists its targets,
resolves a key to a folder, interpreter and settings module, and offers the app labels
and migrations the typed arguments choose from. The inspector's models are imported
only inside the workspace resolver, and only when the inspector app is installed.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from django.conf import settings

from djdesk_inspector.kernel.registry import installed_label
from djdesk_inspector.presets import conf
from djdesk_inspector.presets.arguments import TargetChoices

HOST = "host"
WORKSPACE_PREFIX = "workspace:"


class TargetError(Exception):
    """A target key that names nothing runnable; the message is shown to the user."""


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    project_path: Path
    interpreter: str
    settings_module: str
    # Why presets cannot run here (an untrusted workspace), shown in the listing.
    disabled: str = ""

    @property
    def manage_py(self) -> Path:
        return self.project_path / "manage.py"

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "project_path": str(self.project_path),
            "interpreter": self.interpreter,
            "settings_module": self.settings_module,
            "disabled": self.disabled,
        }


# -- host --------------------------------------------------------------------------


def _host_problem() -> str:
    if not conf.get().ALLOW_HOST_TARGET:
        return f"The host target is off ({conf.SETTING}['ALLOW_HOST_TARGET'])."
    base = getattr(settings, "BASE_DIR", None)
    if not isinstance(base, (str, PurePath)) or not str(base):
        return "settings.BASE_DIR is not set, so the host's manage.py cannot be found."
    if not (Path(base) / "manage.py").is_file():
        return f"{base} has no manage.py."
    return ""


def _host_listing() -> list[Target]:
    try:
        return [_resolve_host(HOST)]
    except TargetError:
        return []


def _resolve_host(key: str) -> Target:
    if key != HOST:
        raise TargetError(f"Unknown target {key[:80]!r}.")
    problem = _host_problem()
    if problem:
        raise TargetError(problem)
    # The host project is trusted by definition: it is the code already running here.
    return Target(
        key=HOST,
        label="This project",
        project_path=Path(settings.BASE_DIR),
        interpreter=sys.executable,
        settings_module=getattr(settings, "SETTINGS_MODULE", "") or "",
    )


def _host_choices(target: Target) -> TargetChoices:
    """The host is this process: its app registry and migration files are at hand."""
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    labels = [config.label for config in apps.get_app_configs()]
    migrations: dict[str, list[str]] = {}
    try:
        loader = MigrationLoader(None, ignore_no_migrations=True)
    except Exception:  # a broken migration file must not break the listing
        loader = None
    if loader is not None:
        for app_label, name in loader.disk_migrations:
            migrations.setdefault(app_label, []).append(name)
    return TargetChoices.safe(labels, migrations, "host app registry")


# -- workspaces --------------------------------------------------------------------


def _inspector() -> bool:
    return installed_label("djdesk_inspector")


def _workspace_target(workspace: Any) -> Target:
    from djdesk_inspector import detection, trust

    project = Path(workspace.project_path)
    interpreter = workspace.interpreter_path or str(
        detection.find_interpreter(project) or sys.executable
    )
    settings_module = workspace.settings_module or detection.settings_module_from_manage(
        project / "manage.py"
    )
    return Target(
        key=WORKSPACE_PREFIX + workspace.slug,
        label=workspace.name,
        project_path=project,
        interpreter=interpreter,
        settings_module=settings_module,
        disabled=trust.refusal(workspace, "Presets"),
    )


def _workspace_listing() -> list[Target]:
    if not _inspector():
        return []
    from djdesk_inspector.models import Workspace

    return [_workspace_target(w) for w in Workspace.objects.all()]


def _resolve_workspace(key: str) -> Target:
    if not _inspector():
        raise TargetError("Workspaces need the djdesk_inspector app.")
    from djdesk_inspector.models import Workspace

    slug = key.removeprefix(WORKSPACE_PREFIX)
    try:
        workspace = Workspace.objects.get(slug=slug)
    except Workspace.DoesNotExist as exc:
        raise TargetError(f"No workspace {slug[:80]!r}.") from exc
    # An untrusted workspace still resolves (its presets are listed with the reason
    # in ``disabled``); requesting or starting a run refuses it (see run_refusal).
    return _workspace_target(workspace)


def _workspace_choices(target: Target) -> TargetChoices:
    """From the latest snapshot: the inspector never imports a workspace's code."""
    from djdesk_inspector.models import Snapshot

    slug = target.key.removeprefix(WORKSPACE_PREFIX)
    snapshot = (
        Snapshot.objects.filter(workspace__slug=slug).order_by("-id").only("id", "data").first()
    )
    if snapshot is None or not isinstance(snapshot.data, dict):
        return TargetChoices(source="no snapshot yet: scan the workspace first")
    data = snapshot.data
    labels = [str(a.get("label")) for a in data.get("apps") or () if isinstance(a, dict)]
    graph = (data.get("migrations") or {}).get("apps") or {}
    migrations = {
        str(label): [str(n.get("name")) for n in info.get("nodes") or () if isinstance(n, dict)]
        for label, info in graph.items()
        if isinstance(info, dict)
    }
    return TargetChoices.safe(labels, migrations, f"snapshot #{snapshot.pk}")


# -- the table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Resolver:
    kind: str
    matches: Callable[[str], bool]
    resolve: Callable[[str], Target]
    listing: Callable[[], list[Target]]
    choices: Callable[[Target], TargetChoices]


RESOLVERS: tuple[Resolver, ...] = (
    Resolver("host", lambda key: key == HOST, _resolve_host, _host_listing, _host_choices),
    Resolver(
        "workspace",
        lambda key: key.startswith(WORKSPACE_PREFIX),
        _resolve_workspace,
        _workspace_listing,
        _workspace_choices,
    ),
)


def _resolver(key: str) -> Resolver:
    for resolver in RESOLVERS:
        if resolver.matches(key):
            return resolver
    raise TargetError(f"Unknown target {key[:80]!r}: use 'host' or 'workspace:<slug>'.")


def resolve(key: Any) -> Target:
    if not isinstance(key, str) or not key:
        raise TargetError("Choose a target: 'host' or 'workspace:<slug>'.")
    return _resolver(key).resolve(key)


def choices(target: Target) -> TargetChoices:
    return _resolver(target.key).choices(target)


def available() -> list[Target]:
    return [target for resolver in RESOLVERS for target in resolver.listing()]


def run_environment(key: str) -> dict[str, str]:
    """The variables the target's own project supplies (its env file, pass-through
    names), resolved when the run starts and never stored; ``{}`` for the host.

    Raises :class:`TargetError` when the workspace is gone, no longer trusted, or its
    env file cannot be read: the run is then refused.
    """
    if not key.startswith(WORKSPACE_PREFIX):
        return {}
    from djdesk_inspector.kernel import environment
    from djdesk_inspector.models import Workspace

    target = _resolve_workspace(key)  # gone since the request: TargetError
    if target.disabled:  # untrusted (revoked since the request): refuse
        raise TargetError(target.disabled)
    workspace = Workspace.objects.get(slug=key.removeprefix(WORKSPACE_PREFIX))
    try:
        return environment.workspace_values(workspace.env_file or None, workspace.pass_env or ())
    except environment.EnvFileError as exc:
        raise TargetError(str(exc)) from exc


def workspace_key(slug: str) -> str:
    return WORKSPACE_PREFIX + slug
