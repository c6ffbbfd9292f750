"""Requesting, running, listing and deleting exports (the services behind the API).

An export is a job of the kind :data:`~djdesk_inspector.datalab.tasks.EXPORT`: a row
(:class:`~djdesk_inspector.datalab.models.Export`) going through the kernel's lifecycle
(:mod:`djdesk_inspector.kernel.jobs`) and a task that runs :func:`execute` on the
inspector's task backend. The task claims its row (queued -> running) before doing
anything, builds the notebook from the snapshot the row names, writes it with its data
files into a staging folder, optionally executes it there, and publishes the folder with
one rename. Versions are numbered per workspace and template by the INSERT itself, so
simultaneous requests never share one, and a unique constraint backs that up.
"""

from __future__ import annotations

import logging
import time
import traceback
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from djdesk_inspector import trust
from djdesk_inspector.datalab import conf, execution, registry, storage
from djdesk_inspector.datalab.models import Execution, Export, ExportStatus
from djdesk_inspector.datalab.tasks import EXPORT
from djdesk_inspector.kernel import environment, jobs
from djdesk_inspector.kernel.jsonapi import ApiError, not_found
from djdesk_inspector.kernel.redaction import redact
from djdesk_inspector.models import Snapshot, Workspace

logger = logging.getLogger(__name__)

CREATE_ATTEMPTS = 5
NOT_READY = "This export has no files: it is {status}."


class ExportError(Exception):
    """A build that cannot finish; the message is shown to the user."""


# -- reading -----------------------------------------------------------------------


def notebook_name(export: Export, workspace_slug: str) -> str:
    return f"{workspace_slug}-{export.template}-v{export.version}.ipynb"


def folder_name(export: Export, workspace_slug: str) -> str:
    return f"{workspace_slug}-{export.template}-v{export.version}"


def urls(export: Export, workspace_slug: str) -> dict[str, str | None]:
    args = [workspace_slug, export.key]
    ready = export.status == ExportStatus.SUCCEEDED
    return {
        "self": reverse("djdesk_datalab:api-export", args=args),
        "notebook": reverse("djdesk_datalab:api-export-notebook", args=args) if ready else None,
        "zip": reverse("djdesk_datalab:api-export-zip", args=args) if ready else None,
        "preview": reverse("djdesk_datalab:api-export-preview", args=args) if ready else None,
    }


def export_json(
    export: Export, workspace_slug: str, titles: dict[str, str] | None = None
) -> dict[str, Any]:
    """The API shape of an export; touches no relation, so listing costs one query."""
    titles = titles if titles is not None else {}
    return {
        "id": export.key,
        "workspace": workspace_slug,
        "template": export.template,
        "template_title": titles.get(export.template) or registry.title_of(export.template),
        "version": export.version,
        "snapshot": export.snapshot_id,
        "status": export.status,
        "progress": export.progress,
        "progress_message": export.progress_message,
        "execute": export.execute,
        "execution": export.execution,
        "execution_note": export.execution_note,
        "error": export.error,
        "notebook_name": notebook_name(export, workspace_slug),
        "files": export.files,
        "size_bytes": export.size_bytes,
        "timings": export.timings,
        "created_at": export.created_at,
        "started_at": export.started_at,
        "finished_at": export.finished_at,
        "duration_ms": export.duration_ms,
        "urls": urls(export, workspace_slug),
    }


def recent(workspace: Workspace, limit: int | None = None) -> list[dict[str, Any]]:
    """The workspace's latest exports, newest first, in one query."""
    limit = limit or conf.get().HISTORY_LIMIT
    titles = {t.slug: t.title for t in registry.all_templates()}
    rows = Export.objects.filter(workspace=workspace).order_by("-created_at", "-version")
    return [export_json(row, workspace.slug, titles) for row in rows[:limit]]


def get_workspace(slug: str) -> Workspace:
    if not storage.valid_slug(slug):
        raise not_found("workspace")
    try:
        return Workspace.objects.get(slug=slug)
    except Workspace.DoesNotExist as exc:
        raise not_found("workspace") from exc


def get_export(workspace: Workspace, export_id: str) -> Export:
    """The workspace's export with this id (32 hex digits); a JSON 404 for anything else."""
    if not storage.valid_export_id(export_id):
        raise not_found("export")
    try:
        return Export.objects.get(pk=export_id, workspace=workspace)
    except Export.DoesNotExist as exc:
        raise not_found("export") from exc


def ready_file(workspace: Workspace, export: Export, name: str) -> Any:
    """The real path of one published file: 409 while the export has none, else 404."""
    if export.status != ExportStatus.SUCCEEDED:
        raise ApiError(409, {"__all__": [NOT_READY.format(status=export.status)]})
    try:
        return storage.locate(workspace.slug, export.key, name)
    except storage.NotFound as exc:
        raise not_found("export file") from exc


def zip_bytes(workspace: Workspace, export: Export) -> bytes:
    if export.status != ExportStatus.SUCCEEDED:
        raise ApiError(409, {"__all__": [NOT_READY.format(status=export.status)]})
    try:
        return storage.zip_bytes(workspace.slug, export.key, folder_name(export, workspace.slug))
    except storage.NotFound as exc:
        raise not_found("export file") from exc


# -- requesting ----------------------------------------------------------------------


def request_export(workspace: Workspace, template: Any, execute: Any = None) -> Export:
    """Queue an export of the workspace's latest snapshot with ``template``.

    ``execute=False`` skips running the notebook; it never turns execution on when
    ``DJDESK_DATALAB["EXECUTE"]`` is off. With ``ImmediateBackend`` the export has
    finished by the time this returns.
    """
    chosen = registry.get(template)
    if chosen is None:
        known = ", ".join(t.slug for t in registry.all_templates())
        raise ApiError(
            400, {"template": [f"Unknown template {str(template)[:64]!r}; choose one of {known}."]}
        )
    reason = chosen.unavailable_reason()
    if reason:
        raise ApiError(400, {"template": [f"{chosen.title} is unavailable: {reason}"]})
    if execute is not None and not isinstance(execute, bool):
        raise ApiError(400, {"execute": ["Must be true or false."]})
    untrusted = trust.refusal(workspace, "Notebook runs")
    if execute is True and untrusted:
        raise ApiError(409, {"execute": [untrusted]})
    snapshot = Snapshot.objects.filter(workspace=workspace).order_by("-id").only("id").first()
    if snapshot is None:
        raise ApiError(409, {"__all__": ["This workspace has no snapshot yet: scan it first."]})
    wanted = conf.get().EXECUTE and execute is not False and not untrusted
    export = _create(workspace, chosen.slug, snapshot, wanted)
    submitted: Export = jobs.submit(EXPORT, export)
    return submitted


def execution_refusal(workspace: Workspace) -> str:
    """Why "run the notebook" is unavailable for ``workspace`` now, or ``""``: the panel
    disables the box and shows this instead of letting a request fail."""
    untrusted = trust.refusal(workspace, "Notebook runs")
    if untrusted:
        return untrusted
    if not conf.get().EXECUTE:
        return f"{conf.SETTING}['EXECUTE'] is off."
    missing = execution.missing_requirements()
    if missing:
        return f"{missing} (pip install 'djdesk-inspector[datalab]')."
    return ""


def _create(workspace: Workspace, template: str, snapshot: Snapshot, execute: bool) -> Export:
    """A new queued row whose version the INSERT computes (one statement, no race window)."""
    latest = (
        Export.objects.filter(workspace=workspace, template=template)
        .order_by()
        .values("workspace")
        .annotate(top=Max("version"))
        .values("top")
    )
    for attempt in range(CREATE_ATTEMPTS):
        try:
            with transaction.atomic():
                export = Export.objects.create(
                    workspace=workspace,
                    template=template,
                    snapshot=snapshot,
                    execute=execute,
                    version=Coalesce(Subquery(latest), Value(0)) + 1,
                    status=ExportStatus.QUEUED,
                    progress_message=jobs.lifecycle.QUEUED_MESSAGE,
                )
        except IntegrityError:
            # Another database let a simultaneous INSERT compute the same version.
            if attempt == CREATE_ATTEMPTS - 1:
                raise
            continue
        export.refresh_from_db(fields=["version"])
        return export
    raise AssertionError("unreachable")


# -- running -------------------------------------------------------------------------


def _ms(since: float) -> int:
    return int((time.monotonic() - since) * 1000)


def execute(export_id: str) -> dict[str, Any]:
    """Run export ``export_id`` to completion (the body of the task).

    Claims the export (queued -> running) or does nothing. On success the folder is
    published and the row says which files it holds; on any failure the row ends
    ``failed`` with a one-line reason, no folder is published, and nothing is left in
    staging.
    """
    if not jobs.claim(EXPORT, export_id, progress=1):
        return {"export": export_id, "status": "skipped"}
    export = Export.objects.select_related("workspace", "snapshot").get(pk=export_id)
    slug = export.workspace.slug
    progress = jobs.Progress(EXPORT, export.pk)
    staging = None
    try:
        staging = storage.staging_dir(slug, export.key)
        outcome = _build_and_write(export, staging, progress)
        progress(98, "Publishing")
        storage.publish(staging, slug, export.key)
        staging = None
        if not jobs.finish(EXPORT, export.pk, **outcome):  # deleted or reaped while it ran
            storage.remove_tree(storage.export_dir(slug, export.key))
            return {"export": export_id, "status": "deleted"}
    except (ExportError, storage.PublishError, OSError, ValueError) as exc:
        jobs.fail(EXPORT, export.pk, str(exc) or type(exc).__name__)
        return {"export": export_id, "status": ExportStatus.FAILED}
    except BaseException as exc:
        # Unexpected (or the worker is stopping): record it, then let the backend see it.
        detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        jobs.fail(EXPORT, export.pk, f"Unexpected {type(exc).__name__}: {exc}\n\n{detail[-4000:]}")
        raise
    finally:
        if staging is not None:
            storage.remove_tree(staging)
    return {"export": export_id, "status": ExportStatus.SUCCEEDED}


def _build_and_write(export: Export, staging: Any, progress: jobs.Progress) -> dict[str, Any]:
    """Build, write and maybe execute into ``staging``; returns the row's new fields."""
    # Imported here: nbformat pulls in jsonschema (~0.15 s), and this module is
    # imported by every process at start-up (app ready, status section).
    import nbformat

    template = registry.get(export.template)
    if template is None:
        raise ExportError(f"The template {export.template!r} is no longer configured.")
    reason = template.unavailable_reason()
    if reason:
        raise ExportError(f"{template.title} is unavailable: {reason}")
    if export.snapshot is None:
        raise ExportError("The snapshot this export was requested from has been deleted.")
    timings: dict[str, int] = {}
    progress(5, "Building the notebook")
    started = time.monotonic()
    try:
        built = template.load_builder()(registry.Source(export.workspace, export.snapshot))
        nbformat.validate(built.notebook)
    except nbformat.ValidationError as exc:
        raise ExportError(f"{template.title} built an invalid notebook: {exc.message}") from exc
    except Exception as exc:
        # A project's own builder may fail in any way; the export fails, the worker lives.
        logger.exception("Building %s failed", export.template)
        raise ExportError(
            f"{template.title} could not be built: {type(exc).__name__}: {exc}"
        ) from exc
    timings["build_ms"] = _ms(started)
    name = notebook_name(export, export.workspace.slug)
    clashes = sorted({name, storage.MANIFEST} & set(built.files))
    if clashes:
        raise ExportError(f"{template.title} wrote data files named like its own: {clashes}")
    progress(30, "Writing the data files")
    started = time.monotonic()
    written = {
        w.name: w for w in (storage.write_json(staging, n, d) for n, d in built.files.items())
    }
    written[storage.MANIFEST] = storage.write_json(
        staging, storage.MANIFEST, _manifest(export, name, built)
    )
    notebook = built.notebook
    written[name] = storage.write_text(staging, name, nbformat.writes(notebook))
    timings["write_ms"] = _ms(started)
    state, note = _execution_plan(export)
    if state == Execution.PENDING:
        progress(40, "Starting a kernel")

        def cells(done: int, total: int) -> None:
            progress(40 + int(55 * done / max(total, 1)), f"Ran {done} of {total} cells")

        outcome = execution.run(
            notebook,
            staging,
            timeout=conf.get().EXECUTION_TIMEOUT,
            progress=cells,
            workspace_env=_workspace_env(export),
        )
        state, note = outcome.execution, redact(outcome.note)
        timings["execute_ms"] = outcome.ms
        if outcome.execution in (Execution.SUCCEEDED, Execution.FAILED):
            written[name] = storage.write_text(staging, name, nbformat.writes(outcome.notebook))
    files = [w.as_json() for w in sorted(written.values(), key=lambda w: w.name)]
    return {
        "execution": state,
        "execution_note": note,
        "files": files,
        "size_bytes": sum(w.bytes for w in written.values()),
        "timings": timings,
    }


def _workspace_env(export: Export) -> dict[str, str]:
    """The workspace's own variables for the kernel (read now, never stored)."""
    workspace = export.workspace
    return environment.workspace_values(workspace.env_file or None, workspace.pass_env or ())


def _execution_plan(export: Export) -> tuple[str, str]:
    untrusted = trust.refusal(export.workspace, "Notebook runs")
    if untrusted:  # revoked since the request
        return Execution.SKIPPED, f"Not executed: {untrusted}"
    if not export.execute:
        return Execution.SKIPPED, "Not executed: execution was not requested."
    if not conf.get().EXECUTE:
        return Execution.SKIPPED, f"Not executed: {conf.SETTING}['EXECUTE'] is off."
    missing = execution.missing_requirements()
    if missing:
        return (
            Execution.UNAVAILABLE,
            f"Not executed: {missing} (pip install 'djdesk-inspector[datalab]').",
        )
    return Execution.PENDING, ""


def _manifest(export: Export, notebook: str, built: registry.Built) -> dict[str, Any]:
    from djdesk_inspector import __version__

    snapshot = export.snapshot
    return {
        "format": 1,
        "export": export.key,
        "workspace": export.workspace.slug,
        "template": export.template,
        "version": export.version,
        "snapshot": {
            "id": snapshot.pk if snapshot else None,
            "mode": snapshot.mode if snapshot else None,
            "created_at": snapshot.created_at.isoformat() if snapshot else None,
        },
        "notebook": notebook,
        "data_files": sorted(built.files),
        "djdesk": __version__,
    }


# -- deleting and reaping --------------------------------------------------------------


def delete_export(workspace: Workspace, export: Export) -> None:
    """Remove the export's folder and its row; 409 while it runs.

    The folder is first renamed aside (so it vanishes for readers at once, and a
    failed row deletion can put it back), then the row goes, then the files.
    """
    if export.status == ExportStatus.RUNNING:
        raise ApiError(
            409, {"__all__": ["This export is running; delete it once it has finished."]}
        )
    try:
        trash = storage.detach(workspace.slug, export.key)
    except OSError as exc:
        raise ApiError(409, {"__all__": [f"The export's files cannot be moved: {exc}"]}) from exc
    try:
        deleted, _ = (
            Export.objects.filter(pk=export.pk).exclude(status=ExportStatus.RUNNING).delete()
        )
    except BaseException:
        if trash is not None:
            storage.restore(trash, workspace.slug, export.key)
        raise
    if not deleted:  # a worker claimed it in between
        if trash is not None:
            storage.restore(trash, workspace.slug, export.key)
        raise ApiError(
            409, {"__all__": ["This export is running; delete it once it has finished."]}
        )
    for leftover in [*([trash] if trash else []), *storage.leftovers(workspace.slug, export.key)]:
        storage.remove_tree(leftover)


def forget_workspace(sender: Any, instance: Workspace, **kwargs: Any) -> None:
    """``pre_delete`` of a workspace: its exports folder goes once the deletion commits.

    The rows go by cascade; without this their folders would stay on disk for good.
    """
    if not storage.valid_slug(instance.slug):
        return
    slug, root = instance.slug, conf.export_root()
    transaction.on_commit(lambda: storage.remove_workspace_dir(slug, root), robust=True)


def remove_leftovers(keys: list[Any]) -> None:
    """Staging folders of exports the reaper failed (``JobKind.on_reaped``)."""
    rows = Export.objects.filter(pk__in=keys).values_list("pk", "workspace__slug")
    for pk, slug in rows:
        for leftover in storage.leftovers(slug, pk.hex):
            storage.remove_tree(leftover)
