"""Which audit entries of an evaluation a person may read.

History follows the rules of the records it describes: members read their
evaluation's history; while scoring is blind, an evaluator sees nobody else's
ratings or consensus of a candidate they have not submitted a scorecard for —
here, in the CSV and in report appendices alike (`scorecards.access`).
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from audit.models import AuditEntry
from audit.registry import TRACKED
from partners.models import Candidate, Evaluation

from ..access import visible_rating_candidates
from ..models import ConsensusRating, Rating
from ..setup.selectors import selection_plan

SCORES = (Rating, ConsensusRating)
"""Records whose history shows scores, hidden while scoring is blind."""


def kinds() -> list[tuple[int, str]]:
    """The kinds of record an evaluation's history holds: (content type id,
    plural label), for its filter."""
    out = []
    for model in TRACKED:
        if model._meta.app_label in ("partners", "negotiations", "scorecards"):
            ct = ContentType.objects.get_for_model(model)
            label = str(model._meta.verbose_name_plural)
            out.append((ct.pk, label[:1].upper() + label[1:]))
    return sorted(out, key=lambda k: k[1])


def history_for(user, evaluation: Evaluation) -> QuerySet[AuditEntry]:
    """The entries of ``evaluation`` that ``user`` may read, newest first."""
    entries = AuditEntry.objects.filter(evaluation_id=evaluation.pk).select_related(
        "actor", "content_type"
    )
    visible = visible_rating_candidates(user, selection_plan(evaluation))
    if visible is not None:
        hidden = Candidate.objects.filter(evaluation=evaluation).exclude(pk__in=visible)
        scores = ContentType.objects.get_for_models(*SCORES).values()
        entries = entries.exclude(
            Q(content_type__in=list(scores), candidate_id__in=hidden.values("pk"))
            & ~Q(actor=user)
        )
    return entries.order_by("-timestamp", "-pk")


def record_history(
    user, evaluation: Evaluation, model_name: str, pk: int
) -> QuerySet[AuditEntry]:
    """The history of one record of the evaluation (for a candidate: everything
    about it), as ``user`` may read it."""
    entries = history_for(user, evaluation)
    if model_name == "candidate":
        return entries.filter(candidate_id=pk)
    return entries.filter(content_type__model=model_name, object_id=pk)
