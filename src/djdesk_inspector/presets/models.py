"""Presets (a vetted command and its typed arguments), their runs, and the runs' logs.

No foreign key to the inspector's models: a run names its target by key
(``host`` or ``workspace:<slug>``) and copies the resolved folder, interpreter and
settings module, so the app works without the inspector and history survives a
workspace being forgotten.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Preset(models.Model):
    """A management command with fixed arguments and the arguments a user may supply."""

    key = models.SlugField(_("key"), max_length=64, unique=True)
    label = models.CharField(_("label"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=60, default="General")
    command = models.CharField(
        _("command"),
        max_length=100,
        help_text=_("Exact management command name; it must be in DJDESK_PRESETS['ALLOWLIST']."),
    )
    fixed_args = models.JSONField(
        _("fixed arguments"), default=list, blank=True, help_text=_("A JSON list of strings.")
    )
    arguments = models.JSONField(
        _("user arguments"),
        default=list,
        blank=True,
        help_text=_("A JSON list of argument declarations (name, type, option, ...)."),
    )
    allowed_options = models.JSONField(
        _("allowed restricted options"),
        default=list,
        blank=True,
        help_text=_(
            "Options refused by default (--settings, --pythonpath, --output, -o) that this "
            "preset may use anyway."
        ),
    )
    requires_confirmation = models.BooleanField(_("requires confirmation"), default=False)
    timeout = models.PositiveIntegerField(
        _("timeout (seconds)"), null=True, blank=True, help_text=_("Empty: the default timeout.")
    )
    docs_url = models.URLField(_("docs URL"), blank=True)
    icon = models.CharField(_("icon"), max_length=40, blank=True)
    order = models.IntegerField(_("order"), default=0)
    enabled = models.BooleanField(_("enabled"), default=True)
    builtin = models.BooleanField(
        _("shipped default"),
        default=False,
        help_text=_("Managed by djdesk_presets_sync; editing a preset detaches it."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("category", "order", "key")

    def __str__(self) -> str:
        return self.label or self.key

    def clean(self) -> None:
        from djdesk_inspector.presets import validation

        errors = validation.preset_errors(self)
        if errors:
            raise ValidationError(errors)


class RunStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def active(cls) -> tuple[str, ...]:
        return (cls.REQUESTED, cls.RUNNING)


class TaskRun(models.Model):
    """One request to run a preset against a target, with what was resolved at that time."""

    preset = models.ForeignKey(
        Preset, on_delete=models.SET_NULL, null=True, blank=True, related_name="runs"
    )
    preset_key = models.CharField(max_length=64)
    preset_label = models.CharField(max_length=120, blank=True)
    target = models.CharField(max_length=200, help_text=_("host or workspace:<slug>"))
    project_path = models.CharField(max_length=1024)
    interpreter = models.CharField(max_length=1024)
    settings_module = models.CharField(max_length=255, blank=True)
    argv = models.JSONField(
        default=list, help_text=_("Everything after manage.py: command, fixed, then user args.")
    )
    arguments = models.JSONField(default=dict, blank=True, help_text=_("The user's values."))
    timeout = models.PositiveIntegerField(default=120)
    status = models.CharField(
        max_length=10, choices=RunStatus.choices, default=RunStatus.REQUESTED, db_index=True
    )
    cancel_requested = models.BooleanField(default=False)
    timed_out = models.BooleanField(default=False)
    exit_code = models.IntegerField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Percent, estimated from earlier runs; empty: unknown.")
    )
    expected_ms = models.PositiveIntegerField(null=True, blank=True)
    line_count = models.PositiveIntegerField(default=0)
    byte_count = models.PositiveBigIntegerField(default=0)
    truncated = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    runner_pid = models.IntegerField(null=True, blank=True)
    child_pid = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("-id",)
        indexes = [models.Index(fields=("target", "-id"), name="djdesk_run_target_recent")]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__lte=100),
                name="djdesk_run_progress_le_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.preset_key} on {self.target} #{self.pk} ({self.status})"

    @property
    def done(self) -> bool:
        return self.status not in RunStatus.active()

    @property
    def cancelled(self) -> bool:
        return self.status == RunStatus.CANCELLED


class Stream(models.TextChoices):
    STDOUT = "o", _("stdout")
    STDERR = "e", _("stderr")
    SYSTEM = "s", _("djdesk")


class TaskRunLogLine(models.Model):
    """One stored (redacted) output line; append-only, ordered by ``seq`` within a run."""

    run = models.ForeignKey(
        TaskRun, on_delete=models.CASCADE, related_name="log_lines", db_index=False
    )
    seq = models.PositiveIntegerField()
    stream = models.CharField(max_length=1, choices=Stream.choices, default=Stream.STDOUT)
    text = models.TextField(blank=True)
    t_ms = models.PositiveIntegerField(default=0, help_text=_("Milliseconds since the start."))

    class Meta:
        ordering = ("run", "seq")
        constraints = [
            models.UniqueConstraint(fields=("run", "seq"), name="djdesk_logline_run_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.run_id}:{self.seq}"

    def as_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "stream": self.stream, "text": self.text, "t_ms": self.t_ms}
