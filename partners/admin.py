from django.contrib import admin

from cdmo_eval.admin import RecordAdmin, RecordStackedInline, RecordTabularInline

from .models import Candidate, Cdmo, Contact, Evaluation, Membership, Site, StageChange


class MembershipInline(RecordTabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "added_at", "added_by"]
    readonly_fields = ["added_at", "added_by"]


class CandidateInline(RecordTabularInline):
    model = Candidate
    extra = 0
    autocomplete_fields = ["cdmo", "bulk_site"]
    fields = ["cdmo", "bulk_site", "stage"]


@admin.register(Evaluation)
class EvaluationAdmin(RecordAdmin):
    list_display = [
        "name",
        "key",
        "program",
        "modality",
        "phase",
        "status",
        "created_at",
    ]
    list_filter = ["status", "modality", "phase"]
    search_fields = ["name", "key", "program"]
    date_hierarchy = "created_at"
    inlines = [MembershipInline, CandidateInline]
    readonly_fields = ["created_at", "created_by"]


@admin.register(Membership)
class MembershipAdmin(RecordAdmin):
    list_display = ["user", "evaluation", "role", "added_at"]
    list_filter = ["role", "evaluation"]
    search_fields = ["user__username", "user__email", "evaluation__name"]
    list_select_related = ["user", "evaluation"]
    autocomplete_fields = ["user", "evaluation"]
    readonly_fields = ["added_at", "added_by"]


class SiteInline(RecordStackedInline):
    model = Site
    extra = 0


class ContactInline(RecordTabularInline):
    model = Contact
    extra = 0
    fields = ["key", "name", "title", "level", "site", "email"]


@admin.register(Cdmo)
class CdmoAdmin(RecordAdmin):
    list_display = ["name", "key", "headquarters", "ownership"]
    search_fields = ["name", "key", "headquarters"]
    inlines = [SiteInline, ContactInline]


@admin.register(Site)
class SiteAdmin(RecordAdmin):
    list_display = ["name", "cdmo", "city", "country", "stage", "last_inspection_date"]
    list_filter = ["stage", "country"]
    search_fields = ["name", "key", "cdmo__name", "city"]
    list_select_related = ["cdmo"]


@admin.register(Contact)
class ContactAdmin(RecordAdmin):
    list_display = ["name", "cdmo", "title", "level", "site"]
    list_filter = ["level"]
    search_fields = ["name", "key", "cdmo__name", "email"]
    list_select_related = ["cdmo", "site"]


@admin.register(Candidate)
class CandidateAdmin(RecordAdmin):
    list_display = ["cdmo", "evaluation", "bulk_site", "stage"]
    list_filter = ["stage", "evaluation"]
    search_fields = ["cdmo__name", "evaluation__name"]
    list_select_related = ["cdmo", "evaluation", "bulk_site"]
    autocomplete_fields = ["cdmo", "bulk_site", "evaluation"]


@admin.register(StageChange)
class StageChangeAdmin(RecordAdmin):
    list_display = ["candidate", "from_stage", "to_stage", "changed_by", "changed_at"]
    list_select_related = ["candidate__cdmo", "changed_by"]
