"""Workspaces (projects on disk), the scans run against them, and their snapshots."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from djdesk_inspector.kernel.slugs import MAX_LENGTH, base_slug, unique_slug


class WorkspaceManager(models.Manager["Workspace"]):
    # Kept in migrations so data migrations get slugs too.
    use_in_migrations = True

    def taken_slugs(self, name: str, exclude_pk: int | None = None) -> set[str]:
        """Slugs that could clash with ``name``'s (one indexed prefix query)."""
        found = self.filter(slug__startswith=base_slug(name))
        if exclude_pk is not None:
            found = found.exclude(pk=exclude_pk)
        return set(found.values_list("slug", flat=True))

    def create(self, **kwargs: Any) -> Workspace:
        if not kwargs.get("slug"):
            kwargs["slug"] = unique_slug(
                kwargs.get("name", ""), self.taken_slugs(kwargs.get("name", ""))
            )
        return super().create(**kwargs)

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Workspace]:
        objs = list(objs)
        batch: set[str] = set()
        for obj in objs:
            if not obj.slug:
                obj.slug = unique_slug(obj.name, self.taken_slugs(obj.name) | batch)
            batch.add(obj.slug)
        return super().bulk_create(objs, *args, **kwargs)


class Workspace(models.Model):
    """A Django project folder on disk that the inspector scans."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=MAX_LENGTH, unique=True, blank=True)
    project_path = models.CharField(
        _("project path"),
        max_length=1024,
        unique=True,
        help_text=_("Absolute, resolved path of the folder holding manage.py."),
    )
    interpreter_path = models.CharField(
        _("interpreter"),
        max_length=1024,
        blank=True,
        help_text=_("Python used for live scans; empty means detect it."),
    )
    settings_module = models.CharField(_("settings module"), max_length=255, blank=True)
    # Trust (see trust.py): only a trusted workspace's code is ever run.
    trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_("Live scans, presets and notebook runs execute this project's code."),
    )
    trusted_at = models.DateTimeField(_("trusted at"), null=True, blank=True)
    trusted_by = models.CharField(_("trusted by"), max_length=150, blank=True)
    # The project's environment: the file's path and variable *names* only; the
    # values are read when a child starts and never stored.
    env_file = models.CharField(
        _("env file"),
        max_length=1024,
        blank=True,
        help_text=_("A dotenv file whose variables the project's processes get."),
    )
    pass_env = models.JSONField(
        _("variables passed through"),
        default=list,
        blank=True,
        help_text=_("Names of djdesk's own environment variables the project's processes get."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkspaceManager()

    class Meta:
        ordering = ("name", "id")
        # The actions of djdesk_inspector.kernel.permissions.ACTIONS without a default one.
        permissions = [
            ("scan_workspace", _("Can register and scan workspaces")),
            ("trust_workspace", _("Can trust a workspace to run its code")),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="djdesk_workspace_slug_not_empty"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            taken = Workspace.objects.taken_slugs(self.name, exclude_pk=self.pk)
            self.slug = unique_slug(self.name, taken)
        super().save(*args, **kwargs)


class ScanKind(models.TextChoices):
    AUTO = "auto", _("Live when an interpreter works, else static")
    LIVE = "live", _("Live (runs the project's own Django)")
    STATIC = "static", _("Static (parses source, runs nothing)")


class ScanStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")

    @classmethod
    def active(cls) -> tuple[str, ...]:
        return (cls.QUEUED, cls.RUNNING)


class Scan(models.Model):
    """One request to inspect a workspace, with its progress and outcome."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="scans")
    kind = models.CharField(max_length=10, choices=ScanKind.choices, default=ScanKind.AUTO)
    status = models.CharField(
        max_length=10, choices=ScanStatus.choices, default=ScanStatus.QUEUED, db_index=True
    )
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    cancel_requested = models.BooleanField(default=False)
    worker_pid = models.IntegerField(
        null=True, blank=True, help_text=_("The process that claimed the scan.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ("-id",)
        indexes = [models.Index(fields=("workspace", "-id"), name="djdesk_scan_ws_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="djdesk_scan_progress_le_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workspace} scan #{self.pk} ({self.status})"

    @property
    def duration_ms(self) -> int | None:
        if self.started_at and self.finished_at:
            return int((self.finished_at - self.started_at).total_seconds() * 1000)
        return None


class Snapshot(models.Model):
    """What one scan found: the probe's JSON document, kept as history."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="snapshots")
    scan = models.OneToOneField(
        Scan, on_delete=models.SET_NULL, null=True, blank=True, related_name="snapshot"
    )
    mode = models.CharField(max_length=10, choices=ScanKind.choices[1:])
    probe_version = models.PositiveIntegerField(default=0)
    data = models.JSONField(default=dict)
    summary = models.JSONField(
        default=dict, help_text=_("Counts used for insights and deltas, so history stays cheap.")
    )
    view = models.JSONField(
        default=dict,
        help_text=_(
            "The dashboard's projection of data, so polls never decode the whole document."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-id",)
        indexes = [models.Index(fields=("workspace", "-id"), name="djdesk_snap_ws_recent")]

    def __str__(self) -> str:
        return f"{self.workspace} snapshot #{self.pk} ({self.mode})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.data and not self.view:
            from djdesk_inspector import projection

            self.view = projection.project(self.data)
        super().save(*args, **kwargs)

    @classmethod
    def for_document(
        cls, workspace: Workspace, document: dict[str, Any], scan: Scan | None = None
    ) -> Snapshot:
        """An unsaved snapshot with its summary and view derived from ``document``."""
        from djdesk_inspector import projection
        from djdesk_inspector.inspection import insights

        return cls(
            workspace=workspace,
            scan=scan,
            mode=document["mode"],
            probe_version=document.get("probe_version") or 0,
            data=document,
            summary=insights.summarize(document),
            view=projection.project(document),
        )


class RehearsalStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def active(cls) -> tuple[str, ...]:
        return (cls.QUEUED, cls.RUNNING)


class Rehearsal(models.Model):
    """Pending migrations applied and rolled back on a copy of a workspace's database.

    ``report`` is what :mod:`djdesk_inspector.inspection.rehearsal` returned (steps,
    timings, tracebacks, sha256 of the real file); a rehearsal that could not run ends
    ``failed`` with ``error`` saying why.
    """

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="rehearsals")
    database = models.CharField(max_length=100, default="default")
    status = models.CharField(
        max_length=10,
        choices=RehearsalStatus.choices,
        default=RehearsalStatus.QUEUED,
        db_index=True,
    )
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    cancel_requested = models.BooleanField(default=False)
    worker_pid = models.IntegerField(null=True, blank=True)
    report = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        indexes = [models.Index(fields=("workspace", "-id"), name="djdesk_rehearsal_ws_recent")]

    def __str__(self) -> str:
        return f"{self.workspace} rehearsal #{self.pk} ({self.status})"
