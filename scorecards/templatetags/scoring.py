from django import template

from partners.models import CultureInterview

from ..forms import EvidenceRatingsForm
from ..models import Rating, Source
from ..selectors import evidence_criteria, scoring_progress, unrated_counts

register = template.Library()


@register.inclusion_tag("scorecards/_evidence_ratings.html", takes_context=True)
def evidence_ratings(context, record):
    """The ratings an interview or visit gives, and the form to change them for
    members who edit evidence (the detail view sets ``can_edit``)."""
    is_interview = isinstance(record, CultureInterview)
    source = Source.INTERVIEW if is_interview else Source.SITE_VISIT
    criteria = evidence_criteria(record.candidate.evaluation_id, source)
    parent = {"interview": record} if is_interview else {"visit": record}
    current = {r.criterion_id: r.score for r in Rating.objects.filter(**parent)}
    return {
        "record": record,
        "kind": "interviews" if is_interview else "visits",
        "criteria": criteria,
        "current": current,
        "rated": [(c, current[c.pk]) for c in criteria if c.pk in current],
        "form": EvidenceRatingsForm(criteria=criteria, current=current)
        if context.get("can_edit")
        else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("scorecards/_progress_summary.html")
def scoring_summary(evaluation):
    """Scoring at a glance for the evaluation overview: scorecards submitted per
    evaluator and candidate, and criteria no submitted scorecard has rated yet."""
    progress = scoring_progress(evaluation)
    unrated = unrated_counts(evaluation)
    return {
        "evaluation": evaluation,
        "progress": progress,
        "unrated_total": sum(unrated.values()),
        "unrated": unrated,
    }
