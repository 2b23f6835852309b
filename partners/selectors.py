"""Reads that span relations, scoped by membership."""

from django.db.models import Count, OuterRef, QuerySet, Subquery

from .models import Candidate, Evaluation, Membership


def evaluations_for_user(user) -> QuerySet[Evaluation]:
    """Evaluations ``user`` belongs to, with their role and candidate count."""
    my_role = Membership.objects.filter(evaluation=OuterRef("pk"), user=user).values(
        "role"
    )[:1]
    return (
        Evaluation.objects.filter(memberships__user=user)
        .annotate(
            my_role=Subquery(my_role),
            candidate_count=Count("candidates", distinct=True),
        )
        .order_by("-created_at", "name")
    )


def evaluation_members(evaluation: Evaluation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(evaluation=evaluation)
        .select_related("user")
        .order_by("role", "user__username")
    )


def evaluation_candidates(evaluation: Evaluation) -> QuerySet[Candidate]:
    return (
        Candidate.objects.filter(evaluation=evaluation)
        .select_related("cdmo", "bulk_site")
        .order_by("cdmo__name")
    )
