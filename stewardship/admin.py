"""The operator's view of review rounds, their items and the e-mail log (with history)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from stewardship.models import Notification, ReviewItem, ReviewRound


@admin.register(ReviewRound)
class ReviewRoundAdmin(SimpleHistoryAdmin):
    list_display = ["name", "start", "deadline", "closed_on", "started_by"]
    list_select_related = ["started_by"]
    search_fields = ["name"]
    readonly_fields = ["unassigned", "started_by"]


@admin.register(ReviewItem)
class ReviewItemAdmin(SimpleHistoryAdmin):
    list_display = [
        "round",
        "person",
        "service",
        "management_object",
        "processing_activity",
        "status",
        "confirmed_at",
    ]
    list_filter = ["status", "round"]
    list_select_related = [
        "round",
        "person",
        "service",
        "management_object",
        "processing_activity",
    ]
    raw_id_fields = [
        "person",
        "service",
        "management_object",
        "processing_activity",
        "confirmed_by",
    ]
    readonly_fields = ["findings", "completeness_at_start"]


@admin.register(Notification)
class NotificationAdmin(SimpleHistoryAdmin):
    """The log is evidence that each message went once: read-only."""

    list_display = ["round", "person", "kind", "email", "sent_at"]
    list_filter = ["kind", "round"]
    list_select_related = ["round", "person"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
