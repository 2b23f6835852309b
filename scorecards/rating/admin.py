"""Scorecards, conflicts and consensus in the admin: shown, never written there
(they change through the scoring pages and their services)."""

from django.contrib import admin

from cdmo_eval.admin import RecordAdmin

from ..models import ConflictDeclaration, ConsensusRating, Scorecard


@admin.register(Scorecard)
class ScorecardAdmin(RecordAdmin):
    list_display = ["candidate", "evaluator", "status", "submitted_at"]
    list_filter = ["status", "plan__evaluation"]
    list_select_related = ["candidate__cdmo", "evaluator"]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(RecordAdmin):
    list_display = [
        "evaluator",
        "plan",
        "candidate",
        "declared_at",
        "overridden_at",
    ]
    list_filter = ["plan__evaluation"]


@admin.register(ConsensusRating)
class ConsensusRatingAdmin(RecordAdmin):
    list_display = ["candidate", "criterion", "score", "by", "at"]
