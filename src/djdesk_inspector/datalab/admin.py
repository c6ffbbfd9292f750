from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from djdesk_inspector.datalab.models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Read-only history; deleting here removes the export's files too.

    The services are imported on use: they need the inspector's models, and without
    the inspector this module must still import so ``djdesk_datalab.E010`` can be shown.
    """

    list_display = ("template", "version", "workspace", "status", "execution", "created_at")
    list_filter = ("status", "execution", "template")
    list_select_related = ("workspace",)
    search_fields = ("template", "workspace__name", "workspace__slug")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: Export) -> None:
        from djdesk_inspector.datalab import exports

        exports.delete_export(obj.workspace, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Export]) -> None:
        from djdesk_inspector.datalab import exports

        for export in queryset.select_related("workspace"):
            exports.delete_export(export.workspace, export)
