"""The audit trail in the admin: readable, never changed or deleted."""

import auditlog.admin  # noqa: F401 - registers its LogEntryAdmin, replaced below
from django.contrib import admin

from .models import AuditEntry

admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(auditlog.admin.LogEntryAdmin):
    list_display = ["created", "resource_url", "action", "msg_short", "user_url", "cid"]
    readonly_fields = [*auditlog.admin.LogEntryAdmin.readonly_fields, "reason"]
    fieldsets = [
        (None, {"fields": ["created", "user_url", "resource_url", "cid", "reason"]}),
        ("Changes", {"fields": ["action", "msg"]}),
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
