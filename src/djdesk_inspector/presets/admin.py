from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from djdesk_inspector.presets.models import Preset, TaskRun, TaskRunLogLine


@admin.register(Preset)
class PresetAdmin(admin.ModelAdmin):
    list_display = ("key", "label", "command", "category", "order", "enabled", "builtin")
    list_filter = ("category", "enabled", "builtin")
    search_fields = ("key", "label", "command")
    readonly_fields = ("builtin", "created_at", "updated_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def save_model(self, request: HttpRequest, obj: Preset, form: Any, change: bool) -> None:
        # An edited shipped preset becomes the user's: djdesk_presets_sync leaves it alone.
        if change and form.changed_data:
            obj.builtin = False
        super().save_model(request, obj, form, change)


class LogLineInline(admin.TabularInline):
    model = TaskRunLogLine
    fields = ("seq", "stream", "text", "t_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    show_change_link = False


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    list_display = ("id", "preset_key", "target", "status", "exit_code", "created_at")
    list_filter = ("status", "timed_out")
    search_fields = ("preset_key", "target")
    inlines = (LogLineInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # runs are requested through the API, which validates them

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
