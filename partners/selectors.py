"""Reads that span relations, scoped by membership."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from .models import (
    DELIVERY_LEVELS,
    Candidate,
    Cdmo,
    Contact,
    ContactLevel,
    CultureInterview,
    Evaluation,
    Finding,
    Membership,
    Site,
    SiteVisit,
)


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


def candidate_rows(evaluation: Evaluation) -> QuerySet[Candidate]:
    """Candidates of an evaluation with the evidence counts the list shows."""
    visited_bulk = SiteVisit.objects.filter(
        candidate=OuterRef("pk"), site=OuterRef("bulk_site")
    )
    delivery_interviews = CultureInterview.objects.filter(
        candidate=OuterRef("pk"), interviewees__level__in=DELIVERY_LEVELS
    )
    return evaluation_candidates(evaluation).annotate(
        interview_count=Count("interviews", distinct=True),
        visit_count=Count("visits", distinct=True),
        finding_count=Count("findings", distinct=True),
        bulk_site_visited=Exists(visited_bulk),
        met_delivery_people=Exists(delivery_interviews),
    )


@dataclass
class Coverage:
    """Whom and where the team has met, for the 'does culture pull through' check."""

    levels_met: list[str]
    sites_covered: list[Site]
    met_delivery_people: bool
    bulk_site_visited: bool


def candidate_evidence(candidate: Candidate):
    """Interviews, visits and findings of a candidate, each with what its rows show,
    in a fixed number of queries whatever their number."""
    interviews = list(
        candidate.interviews.select_related("site").prefetch_related(
            Prefetch("interviewees", queryset=Contact.objects.select_related("site")),
            "interviewers",
            "attachments",
        )
    )
    visits = list(
        candidate.visits.select_related("site").prefetch_related(
            "attendees", "contact_attendees", "attachments"
        )
    )
    findings = list(
        candidate.findings.select_related("owner", "interview", "visit__site")
    )
    levels = {c.level for i in interviews for c in i.interviewees.all()}
    levels |= {c.level for v in visits for c in v.contact_attendees.all()}
    sites = {i.site for i in interviews if i.site} | {v.site for v in visits}
    coverage = Coverage(
        levels_met=[label for value, label in ContactLevel.choices if value in levels],
        sites_covered=sorted(sites, key=lambda s: s.name),
        met_delivery_people=any(
            c.level in DELIVERY_LEVELS for i in interviews for c in i.interviewees.all()
        ),
        bulk_site_visited=any(v.site_id == candidate.bulk_site_id for v in visits),
    )
    return interviews, visits, findings, coverage


def evaluation_findings(evaluation: Evaluation) -> QuerySet[Finding]:
    return Finding.objects.filter(candidate__evaluation=evaluation).select_related(
        "candidate__cdmo", "owner", "interview", "visit__site"
    )


def cdmo_rows() -> QuerySet[Cdmo]:
    """The shared directory with the site and contact counts the list shows."""
    return Cdmo.objects.annotate(
        site_count=Count("sites", distinct=True),
        contact_count=Count("contacts", distinct=True),
    ).order_by("name", "pk")


def cdmo_candidacies_for(user, cdmo: Cdmo) -> QuerySet[Candidate]:
    """Where ``cdmo`` is a candidate, limited to evaluations ``user`` belongs to:
    the others' existence is not ours to reveal."""
    return (
        Candidate.objects.filter(cdmo=cdmo, evaluation__memberships__user=user)
        .select_related("evaluation")
        .order_by("evaluation__name", "pk")
    )


def owner_errors(candidate: Candidate, owner_id: int | None) -> dict[str, str]:
    """The owner of a record about ``candidate`` (a finding, a request, an
    escalation) is a member of its evaluation: ``{"owner": message}`` when not,
    for the service to raise with its other errors."""
    if (
        owner_id is None
        or Membership.objects.filter(
            evaluation_id=candidate.evaluation_id, user_id=owner_id
        ).exists()
    ):
        return {}
    return {"owner": _("The owner must be a member of this evaluation.")}
