"""Exports: one versioned notebook (and its data) built from one snapshot of a workspace.

The inspector's models are named by string, never imported, so a project that lists
the data lab without the inspector gets system-check errors instead of a crash.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")

    @classmethod
    def active(cls) -> tuple[str, ...]:
        return (cls.QUEUED, cls.RUNNING)


class Execution(models.TextChoices):
    """What happened to the notebook's code: its outputs are real only when ``succeeded``."""

    PENDING = "pending", _("Not run yet")
    SKIPPED = "skipped", _("Not requested")
    UNAVAILABLE = "unavailable", _("nbclient or ipykernel missing")
    SUCCEEDED = "succeeded", _("Executed")
    FAILED = "failed", _("Execution failed")


class Export(models.Model):
    """A notebook export; its files live in ``<EXPORT_ROOT>/<workspace slug>/<id hex>/``."""

    # Random, so a reset database never hands out the id of a folder still on disk.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(
        "djdesk_inspector.Workspace", on_delete=models.CASCADE, related_name="exports"
    )
    template = models.SlugField(_("template"), max_length=64)
    version = models.PositiveIntegerField(
        _("version"), help_text=_("1, 2, 3 ... per workspace and template.")
    )
    snapshot = models.ForeignKey(
        "djdesk_inspector.Snapshot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exports",
    )
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    execute = models.BooleanField(_("execute requested"), default=True)
    execution = models.CharField(
        max_length=12, choices=Execution.choices, default=Execution.PENDING
    )
    execution_note = models.TextField(blank=True)
    error = models.TextField(blank=True)
    files = models.JSONField(default=list, help_text=_("[{name, bytes}] of the written files."))
    size_bytes = models.PositiveBigIntegerField(default=0)
    timings = models.JSONField(default=dict, help_text=_("Milliseconds per stage."))
    task_id = models.CharField(max_length=64, blank=True)
    cancel_requested = models.BooleanField(default=False)
    worker_pid = models.IntegerField(
        null=True, blank=True, help_text=_("The process that claimed the export.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-version")
        indexes = [
            models.Index(fields=("workspace", "-created_at"), name="djdesk_export_ws_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=("workspace", "template", "version"), name="djdesk_export_version"
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="djdesk_export_progress_le_100"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="djdesk_export_version_ge_1"),
        ]

    def __str__(self) -> str:
        return f"{self.template} v{self.version} ({self.status})"

    @property
    def key(self) -> str:
        """The id as it appears in URLs and folder names: 32 lowercase hex digits."""
        return self.id.hex

    @property
    def duration_ms(self) -> int | None:
        if self.started_at and self.finished_at:
            return int((self.finished_at - self.started_at).total_seconds() * 1000)
        return None
