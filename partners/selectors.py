"""Reads that span relations, scoped by membership."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from .evidence import EVIDENCE_KINDS, INTERVIEW, SITE_VISIT
from .models import (
    DELIVERY_LEVELS,
    Attachment,
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

FINDING_SOURCES = tuple(f"{k.name}__site" for k in EVIDENCE_KINDS)
"""What a finding's source shows: the evidence record and its site."""


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


@dataclass
class CandidateEvidence:
    records: dict[str, list]
    """Each kind's records (key: the kind's key), newest first."""
    findings: list
    coverage: Coverage

    def sections(self):
        """(kind, records) for every evidence kind, in registry order."""
        return [(kind, self.records[kind.key]) for kind in EVIDENCE_KINDS]


def candidate_evidence(candidate: Candidate) -> CandidateEvidence:
    """Every evidence record and finding of a candidate, each with what its rows
    show, in a fixed number of queries whatever their number."""
    records = {
        kind.key: list(
            kind.model.objects.filter(candidate=candidate)
            .select_related("site")
            .prefetch_related(
                Prefetch(
                    kind.contacts_field,
                    queryset=Contact.objects.select_related("site"),
                ),
                kind.members_field,
                "attachments",
            )
        )
        for kind in EVIDENCE_KINDS
    }
    findings = list(candidate.findings.select_related("owner", *FINDING_SOURCES))
    met = [
        contact
        for kind in EVIDENCE_KINDS
        for record in records[kind.key]
        for contact in getattr(record, kind.contacts_field).all()
    ]
    levels = {c.level for c in met}
    sites = {r.site for rows in records.values() for r in rows if r.site}
    interviewed = [c for i in records[INTERVIEW.key] for c in i.interviewees.all()]
    coverage = Coverage(
        levels_met=[label for value, label in ContactLevel.choices if value in levels],
        sites_covered=sorted(sites, key=lambda s: s.name),
        met_delivery_people=any(c.level in DELIVERY_LEVELS for c in interviewed),
        bulk_site_visited=any(
            v.site_id == candidate.bulk_site_id for v in records[SITE_VISIT.key]
        ),
    )
    return CandidateEvidence(records=records, findings=findings, coverage=coverage)


def evaluation_findings(evaluation: Evaluation) -> QuerySet[Finding]:
    return Finding.objects.filter(candidate__evaluation=evaluation).select_related(
        "candidate__cdmo", "owner", *FINDING_SOURCES
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


def evaluation_attachments(evaluation: Evaluation) -> QuerySet[Attachment]:
    """Every file attached to the evaluation's evidence, with its parent."""
    where = Q()
    for kind in EVIDENCE_KINDS:
        where |= Q(**{f"{kind.name}__candidate__evaluation": evaluation})
    return (
        Attachment.objects.filter(where)
        .select_related(*(f"{k.name}__candidate__cdmo" for k in EVIDENCE_KINDS))
        .order_by("pk")
    )
