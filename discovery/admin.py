"""The admin of discovery: decisions on discovered applications with history; what imports
wrote (measured use, imports, school populations, uploads) read-only, because only an import
writes it and a hand edit would make the counts say something no log said."""

from django.contrib import admin

from portfolio.admin import RegisterAdmin

from .models import DiscoveredApplication, IdentityImport, IdentityUpload, MeasuredUsage, SchoolPopulation


@admin.register(DiscoveredApplication)
class DiscoveredApplicationAdmin(RegisterAdmin):
    search_text_fields = ()
    plain_search_fields = ("name", "key", "publisher")
    list_display = ("name", "directory", "sign_on_mode", "match", "decision", "service", "last_seen")
    list_filter = ("directory", "match", "decision", "sign_on_mode", "first_party")
    list_select_related = ("service",)
    autocomplete_fields = ("service",)
    filter_horizontal = ("suggested_services",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows only an import writes: listed and opened, never added or edited by hand."""

    list_per_page = 50

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting is how an administrator withdraws a wrong import; counts only, no history.
        return request.user.is_superuser


@admin.register(MeasuredUsage)
class MeasuredUsageAdmin(ReadOnlyAdmin):
    list_display = (
        "service",
        "application",
        "organisation",
        "user_group",
        "period_start",
        "period_end",
        "users",
    )
    list_filter = ("directory", "user_group", "period_end")
    list_select_related = ("service", "application", "organisation")
    search_fields = ("service__name", "application__name", "organisation__name")


@admin.register(IdentityImport)
class IdentityImportAdmin(ReadOnlyAdmin):
    list_display = (
        "source",
        "file_name",
        "period_start",
        "period_end",
        "records",
        "imported_at",
        "imported_by",
    )
    list_filter = ("source",)
    list_select_related = ("imported_by",)
    search_fields = ("file_name",)


@admin.register(SchoolPopulation)
class SchoolPopulationAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "user_group", "people", "identity_import")
    list_select_related = ("organisation", "identity_import")


@admin.register(IdentityUpload)
class IdentityUploadAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "source", "status", "user", "created", "finished")
    list_filter = ("status", "source")
    list_select_related = ("user",)
