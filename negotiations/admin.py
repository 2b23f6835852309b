from django.contrib import admin

from cdmo_eval.admin import RecordAdmin, RecordTabularInline

from .models import (
    Agreement,
    AmendmentRound,
    Escalation,
    InformationRequest,
    Milestone,
    SteeringMeeting,
)


@admin.register(Milestone)
class MilestoneAdmin(RecordAdmin):
    list_display = ["candidate", "kind", "date"]
    list_filter = ["kind", "candidate__evaluation"]
    list_select_related = ["candidate__cdmo"]


@admin.register(InformationRequest)
class InformationRequestAdmin(RecordAdmin):
    list_display = ["subject", "candidate", "sent", "due", "answered", "complete"]
    list_filter = ["complete", "candidate__evaluation"]
    search_fields = ["subject", "candidate__cdmo__name"]
    list_select_related = ["candidate__cdmo"]
    readonly_fields = ["reminder_sent_at", "created_by", "created_at", "updated_at"]


class AmendmentRoundInline(RecordTabularInline):
    model = AmendmentRound
    extra = 0
    fields = [
        "number",
        "sent_by",
        "sent",
        "returned",
        "reviewers",
        "comments",
        "actionable_comments",
    ]
    readonly_fields = ["number"]


@admin.register(Agreement)
class AgreementAdmin(RecordAdmin):
    list_display = ["candidate", "kind", "created_at"]
    list_filter = ["kind", "candidate__evaluation"]
    list_select_related = ["candidate__cdmo"]
    inlines = [AmendmentRoundInline]


@admin.register(Escalation)
class EscalationAdmin(RecordAdmin):
    list_display = ["question", "candidate", "raised", "decided", "stakeholders"]
    list_filter = ["candidate__evaluation"]
    list_select_related = ["candidate__cdmo"]
    readonly_fields = ["created_by", "created_at", "updated_at"]


@admin.register(SteeringMeeting)
class SteeringMeetingAdmin(RecordAdmin):
    list_display = ["candidate", "planned", "held"]
    list_filter = ["candidate__evaluation"]
    list_select_related = ["candidate__cdmo"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
