"""Admin pieces shared by every app."""

from django.contrib import admin


class ReadOnlyMixin:
    """The admin shows a record but never writes it.

    Domain records (evaluations, candidates, evidence, ratings, negotiation
    records, the directory) change only through their app's services, in the app's
    own pages, so every change keeps its rules, its reason and its audit trail. The
    admin configures the criteria library; here it is a window onto the records.
    """

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RecordAdmin(ReadOnlyMixin, admin.ModelAdmin):
    pass


class RecordTabularInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0


class RecordStackedInline(ReadOnlyMixin, admin.StackedInline):
    extra = 0
