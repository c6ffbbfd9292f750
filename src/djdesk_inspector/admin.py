from django.contrib import admin

from djdesk_inspector.models import Scan, Snapshot, Workspace


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "project_path", "settings_module", "updated_at")
    search_fields = ("name", "slug", "project_path")
    readonly_fields = ("created_at", "updated_at")


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = ("id", "workspace", "kind", "status", "progress", "created_at", "finished_at")
    list_filter = ("status", "kind")
    list_select_related = ("workspace",)
    readonly_fields = ("created_at", "started_at", "finished_at")


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ("id", "workspace", "mode", "probe_version", "created_at")
    list_filter = ("mode",)
    list_select_related = ("workspace",)
    readonly_fields = ("created_at",)
