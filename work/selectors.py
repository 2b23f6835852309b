"""What waits for one person, across every evaluation they belong to.

`my_work` answers in a fixed number of queries however many evaluations, candidates
and records there are (pinned in `tests/work`). Each item links to the page where it
is done; the same access rules as those pages decide what appears: only evaluations
the person is a member of, scoring items only for those who score, consensus only
for the lead, and nothing that shows another evaluator's ratings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from negotiations.models import Escalation, InformationRequest, SteeringMeeting
from partners.access import Can, role_can
from partners.models import Candidate, Evaluation, Finding, Membership, Role
from scorecards.models import (
    ConflictDeclaration,
    ConsensusRating,
    PlanCriterion,
    Rating,
    ReportJob,
    Scorecard,
    ScoringPlan,
    Signature,
)
from scorecards.scoring.flags import DISAGREEMENT_RANGE
from scorecards.scoring.inputs import SCORECARD

DUE_WITHIN = dt.timedelta(days=7)
"""Requests owned are listed from a week before they are due."""
MEETINGS_WITHIN = dt.timedelta(days=14)
REPORTS_WITHIN = dt.timedelta(days=7)
"""A report one asked for is listed for a week after it became ready."""


@dataclass(frozen=True)
class Item:
    key: str
    """Stable across days ("request:12"): what a reminder is claimed for."""
    kind: str
    title: str
    url: str
    due: dt.date | None = None
    since: dt.datetime | None = None
    """When it started to wait for the person: what the navigation bar counts."""
    detail: str = ""

    def is_overdue(self, today: dt.date) -> bool:
        return self.due is not None and self.due < today

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


@dataclass
class EvaluationWork:
    evaluation: Evaluation
    role: str
    items: list[Item] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def first_due(self):
        dues = [i.due for i in self.items if i.due]
        return min(dues) if dues else dt.date.max


KINDS = {
    "conflicts": gettext_lazy("Conflicts"),
    "scorecard": gettext_lazy("Scorecard"),
    "consensus": gettext_lazy("Consensus"),
    "request": gettext_lazy("Information request"),
    "finding": gettext_lazy("Finding"),
    "escalation": gettext_lazy("Escalation"),
    "report": gettext_lazy("Report"),
    "meeting": gettext_lazy("Steering meeting"),
    "signature": gettext_lazy("Signature"),
}


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _order(item: Item):
    # Soonest deadline first (overdue at the top); undated work after, newest first.
    since = item.since.timestamp() if item.since else 0
    return (item.due is None, item.due or dt.date.max, -since, item.title)


def my_work(user, *, today: dt.date | None = None) -> list[EvaluationWork]:
    """Per evaluation the user belongs to (the most urgent first), what waits for
    them."""
    today = today or timezone.localdate()
    now = timezone.now()
    memberships = list(
        Membership.objects.filter(user=user).select_related("evaluation")
    )
    work = {m.evaluation_id: EvaluationWork(m.evaluation, m.role) for m in memberships}
    if not work:
        return []
    ids = list(work)

    def add(evaluation_id: int, item: Item) -> None:
        work[evaluation_id].items.append(item)

    _scoring(user, work, add)
    _negotiations(user, ids, today, add)
    _evidence(user, ids, add)
    _reports(user, ids, now, add)
    _signatures(user, ids, add)

    out = [w for w in work.values() if w.items]
    for w in out:
        w.items.sort(key=_order)
    out.sort(key=lambda w: (w.first_due, w.evaluation.name))
    return out


def _scoring(user, work, add) -> None:
    scoring = [
        w.evaluation.pk
        for w in work.values()
        if w.evaluation.status == Evaluation.Status.SCORING
        and role_can(w.role, Can.SCORE)
    ]
    leading = [
        w.evaluation.pk
        for w in work.values()
        if w.evaluation.status in (Evaluation.Status.SCORING, Evaluation.Status.CLOSED)
        and role_can(w.role, Can.MANAGE)
    ]
    if not scoring and not leading:
        return
    plans = {
        p.evaluation_id: p
        for p in ScoringPlan.objects.filter(
            evaluation_id__in=[*scoring, *leading],
            purpose=ScoringPlan.Purpose.SELECTION,
        )
    }
    if scoring:
        _scorecards(user, work, [plans[e] for e in scoring if e in plans], add)
    if leading:
        _consensus([plans[e] for e in leading if e in plans], add)


def _scorecards(user, work, plans, add) -> None:
    plan_ids = [p.pk for p in plans]
    declared: dict[int, set[int]] = {}
    for plan_id, candidate_id, overridden in ConflictDeclaration.objects.filter(
        plan_id__in=plan_ids, evaluator=user
    ).values_list("plan_id", "candidate_id", "overridden_at"):
        blocked = declared.setdefault(plan_id, set())
        if candidate_id is not None and overridden is None:
            blocked.add(candidate_id)
    criteria = dict(
        PlanCriterion.objects.filter(plan_id__in=plan_ids)
        .rated_from(SCORECARD)
        .values("plan_id")
        .annotate(n=Count("id"))
        .values_list("plan_id", "n")
    )
    cards = {
        (sc.plan_id, sc.candidate_id): sc
        for sc in Scorecard.objects.filter(
            plan_id__in=plan_ids, evaluator=user
        ).annotate(rated=Count("ratings"))
    }
    candidates = Candidate.objects.filter(
        evaluation_id__in=[p.evaluation_id for p in plans]
    ).select_related("cdmo")
    by_evaluation: dict[int, list[Candidate]] = {}
    for c in candidates:
        by_evaluation.setdefault(c.evaluation_id, []).append(c)
    for plan in plans:
        evaluation = work[plan.evaluation_id].evaluation
        if plan.pk not in declared:
            add(
                plan.evaluation_id,
                Item(
                    key=f"conflicts:{plan.pk}",
                    kind="conflicts",
                    title=_("Declare any conflict of interest before you score"),
                    url=reverse("conflicts", args=[evaluation.key]),
                ),
            )
            continue
        total = criteria.get(plan.pk, 0)
        for candidate in by_evaluation.get(plan.evaluation_id, []):
            if candidate.pk in declared[plan.pk]:
                continue
            card = cards.get((plan.pk, candidate.pk))
            if card is not None and card.is_submitted:
                continue
            left = max(total - (card.rated if card else 0), 0)
            add(
                plan.evaluation_id,
                Item(
                    key=f"scorecard:{plan.pk}:{candidate.pk}",
                    kind="scorecard",
                    title=_("Finish and submit your scorecard for %(cdmo)s")
                    % {"cdmo": candidate.cdmo.name},
                    url=reverse("scorecard", args=[candidate.pk]),
                    since=card.started_at if card else None,
                    detail=ngettext("%(n)d criterion left", "%(n)d criteria left", left)
                    % {"n": left}
                    if left
                    else _("every criterion rated: ready to submit"),
                ),
            )


def _consensus(plans, add) -> None:
    """Criteria where submitted scorecards differ by the disagreement range and no
    consensus is recorded yet, counted per candidate (the lead sees every rating)."""
    plan_ids = [p.pk for p in plans]
    recorded = set(
        ConsensusRating.objects.filter(criterion__plan_id__in=plan_ids).values_list(
            "candidate_id", "criterion_id"
        )
    )
    wide = (
        Rating.objects.filter(
            criterion__plan_id__in=plan_ids,
            source=SCORECARD,
            counts=True,
            score__isnull=False,
            scorecard__status=Scorecard.Status.SUBMITTED,
        )
        .values("candidate_id", "criterion_id")
        .annotate(low=Min("score"), high=Max("score"))
        .filter(high__gte=F("low") + DISAGREEMENT_RANGE)
        .values_list(
            "candidate_id",
            "criterion_id",
            "candidate__evaluation_id",
            "candidate__cdmo__name",
        )
    )
    open_: dict[tuple, int] = {}
    for candidate_id, criterion_id, evaluation_id, name in wide:
        if (candidate_id, criterion_id) not in recorded:
            key = (evaluation_id, candidate_id, name)
            open_[key] = open_.get(key, 0) + 1
    for (evaluation_id, candidate_id, name), n in sorted(open_.items()):
        add(
            evaluation_id,
            Item(
                key=f"consensus:{candidate_id}",
                kind="consensus",
                title=_("Record consensus for %(cdmo)s") % {"cdmo": name},
                url=reverse("consensus", args=[candidate_id]),
                detail=ngettext(
                    "%(n)d criterion where scorecards differ by %(r)d or more",
                    "%(n)d criteria where scorecards differ by %(r)d or more",
                    n,
                )
                % {"n": n, "r": DISAGREEMENT_RANGE},
            ),
        )


def _negotiations(user, ids, today, add) -> None:
    for r in InformationRequest.objects.filter(
        owner=user,
        answered__isnull=True,
        due__lte=today + DUE_WITHIN,
        candidate__evaluation_id__in=ids,
    ).select_related("candidate__cdmo"):
        add(
            r.candidate.evaluation_id,
            Item(
                key=f"request:{r.pk}",
                kind="request",
                title=_("Get an answer to “%(subject)s” from %(cdmo)s")
                % {"subject": r.subject, "cdmo": r.candidate.cdmo.name},
                url=reverse("candidate_negotiations", args=[r.candidate_id])
                + f"#request-{r.pk}",
                due=r.due,
                since=max(r.created_at, _start_of(r.due - DUE_WITHIN)),
            ),
        )
    for e in Escalation.objects.filter(
        owner=user, decided__isnull=True, candidate__evaluation_id__in=ids
    ).select_related("candidate__cdmo"):
        add(
            e.candidate.evaluation_id,
            Item(
                key=f"escalation:{e.pk}",
                kind="escalation",
                title=_("Follow up the escalation to %(cdmo)s")
                % {"cdmo": e.candidate.cdmo.name},
                url=reverse("candidate_negotiations", args=[e.candidate_id])
                + f"#escalation-{e.pk}",
                since=e.created_at,
                detail=e.question[:140],
            ),
        )
    for m in SteeringMeeting.objects.filter(
        candidate__evaluation_id__in=ids,
        held__isnull=True,
        planned__gte=today,
        planned__lte=today + MEETINGS_WITHIN,
    ).select_related("candidate__cdmo"):
        add(
            m.candidate.evaluation_id,
            Item(
                key=f"meeting:{m.pk}",
                kind="meeting",
                title=_("Steering meeting with %(cdmo)s")
                % {"cdmo": m.candidate.cdmo.name},
                url=reverse("candidate_negotiations", args=[m.candidate_id])
                + "#governance-h",
                due=m.planned,
                since=_start_of(m.planned - MEETINGS_WITHIN),
            ),
        )


def _evidence(user, ids, add) -> None:
    # A strength needs nothing done; an open weakness or shared gap needs bridging.
    for f in Finding.objects.filter(
        owner=user,
        status=Finding.Status.OPEN,
        kind__in=[Finding.Kind.WEAKNESS, Finding.Kind.SHARED_GAP],
        candidate__evaluation_id__in=ids,
    ).select_related("candidate__cdmo"):
        add(
            f.candidate.evaluation_id,
            Item(
                key=f"finding:{f.pk}",
                kind="finding",
                title=_("%(kind)s at %(cdmo)s: bridge it or accept the risk")
                % {"kind": f.get_kind_display(), "cdmo": f.candidate.cdmo.name},
                url=reverse("finding_edit", args=[f.pk]),
                since=f.created_at,
                detail=f.text[:140],
            ),
        )


def _reports(user, ids, now, add) -> None:
    for job in ReportJob.objects.filter(
        requested_by=user,
        status=ReportJob.Status.READY,
        finished_at__gte=now - REPORTS_WITHIN,
        evaluation_id__in=ids,
    ).select_related("candidate__cdmo"):
        what = (
            _("Due-diligence report on %(cdmo)s") % {"cdmo": job.candidate.cdmo.name}
            if job.candidate_id
            else _("Comparison report")
        )
        add(
            job.evaluation_id,
            Item(
                key=f"report:{job.pk}",
                kind="report",
                title=_("%(what)s is ready") % {"what": what},
                url=job.get_absolute_url(),
                since=job.finished_at,
            ),
        )


def _signatures(user, ids, add) -> None:
    for s in Signature.objects.filter(
        signer=user, signed_at__isnull=True, decision__evaluation_id__in=ids
    ).select_related("decision__evaluation"):
        evaluation = s.decision.evaluation
        add(
            evaluation.pk,
            Item(
                key=f"signature:{s.pk}",
                kind="signature",
                title=_("Sign the decision: %(meaning)s") % {"meaning": s.meaning},
                url=reverse("decision", args=[evaluation.key]) + "#sign-h",
                since=s.requested_at,
            ),
        )


def all_items(work: list[EvaluationWork]) -> list[tuple[Evaluation, Item]]:
    return [(w.evaluation, item) for w in work for item in w.items]


def new_since(work: list[EvaluationWork], seen: dt.datetime | None) -> int:
    """Items that came due or ready after ``seen`` (all dated ones when never)."""
    return sum(
        1
        for _evaluation, item in all_items(work)
        if item.since is not None and (seen is None or item.since > seen)
    )
