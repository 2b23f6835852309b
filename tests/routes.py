"""The site-wide route table: every named URL pattern, how to build its arguments,
and what each role gets on GET and on POST.

`tests/platform/test_permissions.py` proves it (and fails for a route that is not
here); other walks (blind scoring, phone-sized pages, the HTML checker) reuse the
world and the GET rows. To add a route: add a `Route` to `ROUTES` with the
statuses every role must get; see docs/architecture.md.

Statuses are written as one string per method, in the order of `ROLES`:
lead, evaluator, procurement, observer, staff (no membership), stranger (a lead
of another evaluation) and anonymous. ``None`` for a method means the route
does not take it (its row is still checked: 405 for everyone signed in).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from partners import services as partners_services
from partners.models import Attachment, Candidate, Evaluation, Role
from scorecards.models import Decision, PlanCriterion, ReportJob, Signature, Template
from scorecards.rating import services as rating_services
from scorecards.setup import services as setup_services
from scorecards.setup.selectors import selection_plan
from tests.factories import (
    AgreementFactory,
    AmendmentRoundFactory,
    CandidateFactory,
    CdmoFactory,
    ContactFactory,
    EscalationFactory,
    EvaluationFactory,
    FindingFactory,
    InformationRequestFactory,
    InterviewFactory,
    MembershipFactory,
    MilestoneFactory,
    SiteFactory,
    SteeringMeetingFactory,
    UserFactory,
    VisitFactory,
)

ROLES = ("lead", "evaluator", "procurement", "observer", "staff", "stranger", "anon")
MEMBERS = ROLES[:4]


@dataclass
class World:
    """One evaluation with scoring open and a record of every kind, as the roles
    of the table see it."""

    users: dict
    evaluation: Evaluation
    other: Evaluation
    candidate: Candidate
    conflicted: Candidate
    refs: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.refs[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def build_world() -> World:
    users = {
        role: UserFactory(username=role, first_name=role.title(), last_name="Doe")
        for role in ROLES[:-1]
    }
    users["staff"].is_staff = users["staff"].is_superuser = True
    users["staff"].save(update_fields=["is_staff", "is_superuser"])
    users["lead"].user_permissions.add(
        Permission.objects.get(
            codename="add_evaluation", content_type__app_label="partners"
        )
    )
    evaluation = EvaluationFactory(key="abx", name="ABX drug substance")
    for role in MEMBERS:
        MembershipFactory(evaluation=evaluation, user=users[role], role=role)
    UserFactory(username="newcomer")
    Group.objects.create(name="Quality approvers")
    second = UserFactory(username="evaluator2")
    MembershipFactory(evaluation=evaluation, user=second, role=Role.EVALUATOR)
    other = EvaluationFactory(key="other", name="Other program")
    MembershipFactory(evaluation=other, user=users["stranger"], role=Role.LEAD)

    lead = users["lead"]
    setup_services.evaluation_snapshot(
        evaluation=evaluation, template=Template.objects.get(key="biologics"), by=lead
    )
    setup_services.scoring_open(evaluation=evaluation, by=lead)

    cdmo = CdmoFactory(key="acme", name="Acme Biologics")
    site = SiteFactory(cdmo=cdmo, key="acme-dub", name="Dublin")
    contact = ContactFactory(cdmo=cdmo, key="acme-ops", site=site)
    candidate = CandidateFactory(evaluation=evaluation, cdmo=cdmo, bulk_site=site)
    conflicted = CandidateFactory(evaluation=evaluation)

    evaluator = users["evaluator"]
    for user in (lead, evaluator, second):
        setup_services.conflict_declare(
            plan=selection_plan(evaluation), evaluator=user, candidates=[], text=""
        )
    conflict = setup_services.conflict_declare(
        plan=selection_plan(evaluation),
        evaluator=evaluator,
        candidates=[conflicted],
        text="My brother works there.",
    )[0]
    criteria = list(
        PlanCriterion.objects.filter(plan__evaluation=evaluation).rated_from(
            "scorecard"
        )
    )
    drafts = {}
    for user in (lead, evaluator, second):
        drafts[user.username] = sc = rating_services.scorecard_start(
            plan=selection_plan(candidate.evaluation),
            candidate=candidate,
            evaluator=user,
        )
        for criterion in criteria if user is second else criteria[:1]:
            rating_services.rating_save(
                scorecard=sc,
                criterion=criterion,
                score=3,
                rationale="",
                seen_version=None,
                by=user,
            )
    submitted = rating_services.scorecard_submit(
        scorecard=drafts["evaluator2"], by=second
    )

    interview = InterviewFactory(
        candidate=candidate, created_by=evaluator, interviewees=[contact]
    )
    attachment = Attachment.objects.create(
        interview=interview,
        file=ContentFile(b"%PDF-1.4 notes", name="notes.pdf"),
        original_name="notes.pdf",
        content_type="application/pdf",
        size=14,
        uploaded_by=evaluator,
    )
    visit = VisitFactory(candidate=candidate, created_by=evaluator)
    finding = FindingFactory(candidate=candidate, created_by=evaluator)
    MilestoneFactory(candidate=candidate, date=dt.date(2025, 11, 3))
    info_request = InformationRequestFactory(
        candidate=candidate, owner=evaluator, created_by=evaluator
    )
    agreement = AgreementFactory(candidate=candidate)
    round_ = AmendmentRoundFactory(agreement=agreement, number=1, created_by=lead)
    round_.redline.save("redline.docx", ContentFile(b"PK redline"), save=False)
    round_.redline_name = "redline.docx"
    round_.redline_content_type = "application/octet-stream"
    round_.save()
    escalation = EscalationFactory(
        candidate=candidate, owner=evaluator, created_by=evaluator
    )
    meeting = SteeringMeetingFactory(candidate=candidate, created_by=lead)
    rating_services.consensus_record(
        candidate=candidate,
        criterion=criteria[1],
        score=4,
        reason="Agreed after the visit debrief",
        by=lead,
    )
    partners_services.candidate_move(
        candidate=conflicted, to_stage="due_diligence", reason="Passed the RFP", by=lead
    )
    seen = {
        "user_agent": "Mozilla/5.0",
        "http_accept": "text/html",
        "path_info": "/accounts/login/",
        "attempt_time": timezone.now(),
        "username": "lead",
        "ip_address": "192.0.2.10",
    }
    AccessAttempt.objects.create(
        **seen, get_data="", post_data="", failures_since_start=1
    )
    AccessLog.objects.create(**seen)
    AccessFailureLog.objects.create(**seen)
    job = ReportJob.objects.create(
        evaluation=evaluation,
        candidate=candidate,
        kind=ReportJob.Kind.DUE_DILIGENCE,
        requested_by=lead,
        status=ReportJob.Status.READY,
        progress=100,
        pages=3,
        size=15,
        file=ContentFile(b"%PDF-1.4 report", name="report.pdf"),
    )
    decided, decision, lead_signature = _decided_evaluation(users)
    return World(
        users=users,
        evaluation=evaluation,
        other=other,
        candidate=candidate,
        conflicted=conflicted,
        refs={
            "cdmo": cdmo,
            "site": site,
            "contact": contact,
            "criterion": criteria[0],
            "conflict": conflict,
            "my_scorecard": drafts["evaluator"],
            "submitted": submitted,
            "interview": interview,
            "attachment": attachment,
            "visit": visit,
            "finding": finding,
            "info_request": info_request,
            "round": round_,
            "escalation": escalation,
            "meeting": meeting,
            "job": job,
            "observer_membership": evaluation.memberships.get(user=users["observer"]),
            "template": Template.objects.get(key="biologics"),
            "decided": decided,
            "decision": decision,
            "lead_signature": lead_signature,
        },
    )


def _decided_evaluation(users):
    """A second evaluation of the same members, decided: its decision rests on a
    report and asks the lead and procurement for their signatures."""
    decided = EvaluationFactory(
        key="abx-decided", name="ABX decided", status=Evaluation.Status.DECIDED
    )
    for role in MEMBERS:
        MembershipFactory(evaluation=decided, user=users[role], role=role)
    chosen = CandidateFactory(evaluation=decided)
    report = b"%PDF-1.4 decided report"
    decision = Decision.objects.create(
        evaluation=decided,
        selected=chosen,
        rationale="Best aligned on quality culture",
        decided_on=dt.date(2026, 7, 15),
        report_name="abx-decided-report.pdf",
        report_pages=1,
        report_sha256=hashlib.sha256(report).hexdigest(),
        original=ContentFile(report, name="original.pdf"),
        signed_copy=ContentFile(b"%PDF-1.7 signed copy", name="signed.pdf"),
        recorded_by=users["lead"],
    )
    lead_signature = Signature.objects.create(
        decision=decision,
        signer=users["lead"],
        meaning="approved as evaluation lead",
        requested_by=users["lead"],
    )
    Signature.objects.create(
        decision=decision,
        signer=users["procurement"],
        meaning="approved for procurement",
        order=1,
        requested_by=users["lead"],
    )
    return decided, decision, lead_signature


# --- the table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str
    args: Callable[[World], list] = lambda w: []
    get: str | None = None
    post: str | None = None
    data: Callable[[World], dict] = lambda w: {}
    query: str = ""
    """A query string the GET takes (a filter, a format)."""

    def expected(self, method: str) -> dict[str, int]:
        codes = self.get if method == "get" else self.post
        if codes is None:
            # The route does not take this method: 405 once signed in.
            codes = "405 " * 6 + ("405" if self.public else "302")
        values = codes.split()
        assert len(values) == len(ROLES), f"{self.name} {method}: {codes!r}"
        return dict(zip(ROLES, map(int, values), strict=True))

    @property
    def public(self) -> bool:
        return self.name in PUBLIC


PUBLIC = {
    "healthz",
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
"""Routes that need no sign-in."""

# Shorthands for the most common rows (lead evaluator procurement observer staff
# stranger anon).
MEMBERS_READ = "200 200 200 200 404 404 302"
LEAD_ONLY = "200 403 403 403 404 404 302"
LEAD_POSTS = "302 403 403 403 404 404 302"
LEAD_FORM = "400 403 403 403 404 404 302"
EVIDENCE_PAGE = "200 200 200 403 404 404 302"
EVIDENCE_FORM = "400 400 400 403 404 404 302"
NEGOTIATION_PAGE = "200 403 200 403 404 404 302"
NEGOTIATION_FORM = "400 403 400 403 404 404 302"
REPORTS_READ = "200 403 200 403 404 404 302"
REPORTS_POST = "302 403 302 403 404 404 302"
SCORERS_PAGE = "200 200 403 403 404 404 302"
DIRECTORY_EDIT = "200 200 200 403 200 200 302"
DIRECTORY_FORM = "400 400 400 403 400 400 302"
# Changing a CDMO the world's evaluation weighs: staff, or an evidence-editing
# role in an evaluation where it is a candidate (the stranger leads another one).
CDMO_EDIT = "200 200 200 403 200 403 302"
CDMO_FORM = "400 400 400 403 400 403 302"


def _ev(w):
    return [w.evaluation.key]


def _cand(w):
    return [w.candidate.pk]


ROUTES: list[Route] = [
    # --- platform
    Route("healthz", get="200 200 200 200 200 200 200"),
    Route("login", get="200 " * 7, post="200 " * 7),
    Route("logout", post="302 " * 7),
    Route(
        "password_change",
        get="200 200 200 200 200 200 302",
        post="200 200 200 200 200 200 302",
    ),
    Route("password_change_done", get="200 200 200 200 200 200 302"),
    Route(
        "profile",
        get="200 200 200 200 200 200 302",
        post="302 302 302 302 302 302 302",
        data=lambda w: {"time_zone": "Europe/Berlin", "digest": "weekly"},
    ),
    Route("password_reset", get="200 " * 7, post="200 " * 7),
    Route("password_reset_done", get="200 " * 7),
    Route(
        "password_reset_confirm",
        args=lambda w: ["eA", "set-password"],
        get="200 " * 7,
        post="200 " * 7,
    ),
    Route("password_reset_complete", get="200 " * 7),
    # --- partners: evaluations and members
    Route("evaluation_list", get="200 200 200 200 200 200 302"),
    # --- work: what waits for each person
    Route("my_work", get="200 200 200 200 200 200 302"),
    Route("work_count", get="200 200 200 200 200 200 302"),
    Route(
        "evaluation_create",
        get="200 403 403 403 200 403 302",
        post="400 403 403 403 400 403 302",
    ),
    Route("evaluation_detail", args=_ev, get=MEMBERS_READ),
    Route("evaluation_edit", args=_ev, get=LEAD_ONLY, post=LEAD_FORM),
    Route("member_list", args=_ev, get=MEMBERS_READ),
    Route(
        "member_add",
        args=_ev,
        post=LEAD_POSTS,
        data=lambda w: {"add-user": "newcomer", "add-role": Role.OBSERVER},
    ),
    Route(
        "member_invite",
        args=_ev,
        post=LEAD_POSTS,
        data=lambda w: {
            "invite-email": "new@sponsor.example",
            "invite-role": "observer",
        },
    ),
    Route(
        "member_role",
        args=lambda w: [w.evaluation.key, w.observer_membership.pk],
        post=LEAD_POSTS,
        data=lambda w: {
            f"m{w.observer_membership.pk}-role": Role.EVALUATOR,
            f"m{w.observer_membership.pk}-reason": "Joins the scoring",
        },
    ),
    Route(
        "member_remove",
        args=lambda w: [w.evaluation.key, w.observer_membership.pk],
        post=LEAD_POSTS,
        data=lambda w: {f"x{w.observer_membership.pk}-reason": "Left the company"},
    ),
    # --- partners: candidates and evidence
    Route("candidate_list", args=_ev, get=MEMBERS_READ, query="?stage=short_list"),
    Route("candidate_add", args=_ev, get=LEAD_ONLY, post=LEAD_FORM),
    Route("candidate_detail", args=_cand, get=MEMBERS_READ),
    Route("candidate_edit", args=_cand, get=LEAD_ONLY, post=LEAD_POSTS),
    Route(
        "candidate_move",
        args=_cand,
        post=LEAD_POSTS,
        data=lambda w: {"stage": "due_diligence", "reason": "Strong visit"},
    ),
    Route("interview_create", args=_cand, get=EVIDENCE_PAGE, post=EVIDENCE_FORM),
    Route("interview_detail", args=lambda w: [w.interview.pk], get=MEMBERS_READ),
    Route(
        "interview_edit",
        args=lambda w: [w.interview.pk],
        get=EVIDENCE_PAGE,
        post=EVIDENCE_FORM,
    ),
    Route("visit_create", args=_cand, get=EVIDENCE_PAGE, post=EVIDENCE_FORM),
    Route("visit_detail", args=lambda w: [w.visit.pk], get=MEMBERS_READ),
    Route(
        "visit_edit", args=lambda w: [w.visit.pk], get=EVIDENCE_PAGE, post=EVIDENCE_FORM
    ),
    Route(
        "attachment_add",
        args=lambda w: ["interviews", w.interview.pk],
        post=EVIDENCE_FORM,
    ),
    Route("attachment_download", args=lambda w: [w.attachment.pk], get=MEMBERS_READ),
    Route("finding_create", args=_cand, get=EVIDENCE_PAGE, post=EVIDENCE_FORM),
    Route(
        "finding_edit",
        args=lambda w: [w.finding.pk],
        get=EVIDENCE_PAGE,
        post=EVIDENCE_FORM,
    ),
    Route("finding_register", args=_ev, get=MEMBERS_READ),
    # --- partners: the shared directory
    Route("cdmo_list", get="200 200 200 200 200 200 302"),
    Route("cdmo_create", get=DIRECTORY_EDIT, post=DIRECTORY_FORM),
    Route(
        "cdmo_detail", args=lambda w: [w.cdmo.key], get="200 200 200 200 200 200 302"
    ),
    Route(
        "cdmo_edit",
        args=lambda w: [w.cdmo.key],
        get=CDMO_EDIT,
        post=CDMO_FORM,
    ),
    Route(
        "site_create",
        args=lambda w: [w.cdmo.key],
        get=CDMO_EDIT,
        post=CDMO_FORM,
    ),
    Route(
        "site_edit",
        args=lambda w: [w.cdmo.key, w.site.pk],
        get=CDMO_EDIT,
        post=CDMO_FORM,
    ),
    Route(
        "contact_create",
        args=lambda w: [w.cdmo.key],
        get=CDMO_EDIT,
        post=CDMO_FORM,
    ),
    Route(
        "contact_edit",
        args=lambda w: [w.cdmo.key, w.contact.pk],
        get=CDMO_EDIT,
        post=CDMO_FORM,
    ),
    Route(
        "contact_erase",
        args=lambda w: [w.cdmo.key, w.contact.pk],
        get="403 403 403 403 200 403 302",
        post="403 403 403 403 302 403 302",
        data=lambda w: {"reason": "Erasure request of 2 May (ticket DP-12)"},
    ),
    # --- scorecards: criteria, scoring, conflicts
    Route("criteria", args=_ev, get=MEMBERS_READ),
    Route("evaluation_history", args=_ev, get=MEMBERS_READ, query="?kind=&since="),
    Route("history_csv", args=_ev, get=MEMBERS_READ),
    Route(
        "record_history",
        args=lambda w: [w.evaluation.key, "candidate", w.candidate.pk],
        get=MEMBERS_READ,
    ),
    Route(
        "criteria_snapshot",
        args=_ev,
        post=LEAD_POSTS,
        data=lambda w: {"template": w.template.pk},
    ),
    Route("weights", args=_ev, get=LEAD_ONLY, post=LEAD_FORM),
    Route("scoring", args=_ev, get=MEMBERS_READ),
    Route("scoring_phase", args=lambda w: [w.evaluation.key, "close"], post=LEAD_POSTS),
    Route(
        "scoring_reopen",
        args=_ev,
        post=LEAD_POSTS,
        data=lambda w: {"reason": "A late visit report"},
    ),
    # --- scorecards: the decision
    Route("decision", args=_ev, get=MEMBERS_READ),
    Route("decision", args=lambda w: [w.decided.key], get=MEMBERS_READ),
    Route("decision_record", args=_ev, post=LEAD_POSTS),
    Route(
        "decision_signer_add",
        args=lambda w: [w.decided.key],
        post=LEAD_POSTS,
        data=lambda w: {
            "signer": w.decided.memberships.get(user=w.users["observer"]).pk,
            "meaning": "approved as quality approver",
        },
    ),
    Route(
        "decision_verify",
        args=lambda w: [w.decided.key],
        post="400 400 400 400 404 404 302",
    ),
    # Those who may read reports, and the signers (procurement is one).
    Route(
        "decision_file",
        args=lambda w: [w.decided.key, "signed-copy"],
        get="200 200 200 403 404 404 302",
    ),
    Route("decision_archive", args=lambda w: [w.decided.key], get=LEAD_ONLY),
    # Only the signer reaches it; a wrong password signs nothing.
    Route(
        "decision_sign",
        args=lambda w: [w.lead_signature.pk],
        post="400 404 404 404 404 404 302",
        data=lambda w: {
            "username": "lead",
            "password": "not-my-password",
            "confirm": "on",
        },
    ),
    Route(
        "conflicts",
        args=_ev,
        get=SCORERS_PAGE,
        post="400 400 403 403 404 404 302",
    ),
    Route(
        "conflict_override",
        args=lambda w: [w.conflict.pk],
        post=LEAD_POSTS,
        data=lambda w: {"reason": "Brother left the company in 2024"},
    ),
    Route("ratings_export", args=_ev, get=MEMBERS_READ),
    # --- scorecards: the scorecard, ratings, consensus
    Route(
        "scorecard", args=_cand, get=SCORERS_PAGE, post="302 302 403 403 404 404 302"
    ),
    Route(
        "rating_autosave",
        args=lambda w: [w.candidate.pk, w.criterion.pk],
        post="200 200 403 403 404 404 302",
    ),
    Route("scorecard_submit", args=_cand, post="302 302 403 403 404 404 302"),
    Route(
        "scorecard_reopen",
        args=lambda w: [w.submitted.pk],
        post=LEAD_POSTS,
        data=lambda w: {"reason": "Rated the wrong site"},
    ),
    Route("candidate_ratings", args=_cand, get=MEMBERS_READ),
    Route("candidate_ratings_json", args=_cand, get="200 403 200 200 404 404 302"),
    Route("consensus", args=_cand, get=LEAD_ONLY),
    Route(
        "consensus_record",
        args=lambda w: [w.candidate.pk, w.criterion.pk],
        get=LEAD_ONLY,
        post=LEAD_FORM,
    ),
    Route(
        "evidence_ratings",
        args=lambda w: ["interviews", w.interview.pk],
        post="302 302 302 403 404 404 302",
    ),
    # --- scorecards: results
    Route("dashboard", args=_ev, get=MEMBERS_READ),
    Route("dashboard_status", args=_ev, get=MEMBERS_READ),
    Route(
        "what_if",
        args=_ev,
        get="200 403 200 403 404 404 302",
        post="400 403 403 403 404 404 302",
    ),
    Route("what_if_ranking", args=_ev, get="200 403 200 403 404 404 302"),
    Route("candidate_alignment", args=_cand, get=MEMBERS_READ),
    # --- scorecards: bundles
    Route("bundle_download", args=_ev, get=LEAD_ONLY),
    Route(
        "bundle_import",
        get="200 403 403 403 200 200 302",
        post="400 403 403 403 400 400 302",
    ),
    # --- scorecards: reports and exports
    Route("report_list", args=_ev, get=MEMBERS_READ),
    Route(
        "report_request",
        args=_ev,
        post=REPORTS_POST,
        data=lambda w: {"candidate": w.candidate.pk},
    ),
    Route("report_status", args=lambda w: [w.job.pk], get=REPORTS_READ),
    Route("report_download", args=lambda w: [w.job.pk], get=REPORTS_READ),
    Route(
        "report_export",
        args=lambda w: [w.evaluation.key, "ranking", "csv"],
        get=MEMBERS_READ,
    ),
    # --- negotiations
    Route("candidate_negotiations", args=_cand, get=MEMBERS_READ),
    Route(
        "milestones_edit",
        args=_cand,
        get=NEGOTIATION_PAGE,
        post="302 403 302 403 404 404 302",
        data=lambda w: {"reason": "Dates re-entered from the signed minutes"},
    ),
    Route("request_create", args=_cand, get=EVIDENCE_PAGE, post=EVIDENCE_FORM),
    Route(
        "request_edit",
        args=lambda w: [w.info_request.pk],
        get=EVIDENCE_PAGE,
        post=EVIDENCE_FORM,
    ),
    Route("round_create", args=_cand, get=NEGOTIATION_PAGE, post=NEGOTIATION_FORM),
    Route(
        "round_edit",
        args=lambda w: [w.round.pk],
        get=NEGOTIATION_PAGE,
        post=NEGOTIATION_FORM,
    ),
    Route("redline_download", args=lambda w: [w.round.pk], get=MEMBERS_READ),
    Route("escalation_create", args=_cand, get=EVIDENCE_PAGE, post=EVIDENCE_FORM),
    Route(
        "escalation_edit",
        args=lambda w: [w.escalation.pk],
        get=EVIDENCE_PAGE,
        post=EVIDENCE_FORM,
    ),
    Route("meeting_create", args=_cand, get=NEGOTIATION_PAGE, post=NEGOTIATION_FORM),
    Route(
        "meeting_edit",
        args=lambda w: [w.meeting.pk],
        get=NEGOTIATION_PAGE,
        post=NEGOTIATION_FORM,
    ),
    Route("responsiveness", args=_ev, get=MEMBERS_READ),
]


# --- the admin: rows for every registered model ---------------------------------------

LIBRARY_MODELS = {
    "auth.group",
    "auth.user",
    "scorecards.category",
    "scorecards.criterion",
    "scorecards.standingscale",
    "scorecards.template",
}
"""What staff configure in the admin; every other model is shown read-only there
(domain records change only through their app's pages and services)."""
LOCKOUT_MODELS = {"axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"}
"""django-axes' sign-in records: staff read them and delete an attempt to lift a
lockout; they are never added or edited."""

STAFF_ONLY = "302 302 302 302 200 302 302"
STAFF_REFUSED = "302 302 302 302 403 302 302"
STAFF_GET_ONLY = "302 302 302 302 405 302 302"


def _admin_object(model, world: World):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the world has no {model._meta.label} for its admin rows"
    return obj


def admin_routes() -> list[Route]:
    """Rows for the admin. Non-staff are sent to the admin's sign-in (302) on
    every page and method; staff see every model, and may add, change and delete
    only the configuration (`LIBRARY_MODELS`): every other admin page for writing
    answers 403. POSTs send no data, so nothing is confirmed or deleted."""
    rows = [
        Route("admin:index", get=STAFF_ONLY, post=STAFF_ONLY),
        Route("admin:login", get="200 200 200 200 302 200 200", post="200 " * 7),
        Route(
            "admin:logout",
            get="302 302 302 302 405 302 302",
            post="302 " * 7,
        ),
        Route("admin:password_change", get=STAFF_ONLY, post=STAFF_ONLY),
        Route("admin:password_change_done", get=STAFF_ONLY, post=STAFF_GET_ONLY),
        Route("admin:jsi18n", get=STAFF_ONLY, post=STAFF_GET_ONLY),
        Route("admin:autocomplete", get=STAFF_REFUSED, post=STAFF_GET_ONLY),
        Route(
            "admin:view_on_site",
            args=lambda w: [_content_type(Evaluation), w.evaluation.pk],
            get="302 " * 7,
            post="302 " * 7,
        ),
    ]
    apps = set()
    for model in admin.site._registry:
        meta = model._meta
        label, prefix = meta.label_lower, f"admin:{meta.app_label}_{meta.model_name}"
        apps.add(meta.app_label)
        write = STAFF_ONLY if label in LIBRARY_MODELS else STAFF_REFUSED
        delete, change = write, write
        if label in LOCKOUT_MODELS:
            # The change page shows the record read-only; saving it changes nothing.
            delete, change = STAFF_ONLY, "302 " * 7

        def obj(w, model=model):
            return [_admin_object(model, w).pk]

        rows += [
            Route(f"{prefix}_changelist", get=STAFF_ONLY, post=STAFF_ONLY),
            Route(f"{prefix}_add", get=write, post=write),
            Route(f"{prefix}_change", args=obj, get=STAFF_ONLY, post=change),
            Route(f"{prefix}_delete", args=obj, get=delete, post=delete),
            Route(f"{prefix}_history", args=obj, get=STAFF_ONLY, post=STAFF_ONLY),
        ]
    rows.append(
        Route(
            "admin:auth_user_password_change",
            args=lambda w: [w.users["observer"].pk],
            get=STAFF_ONLY,
            post=STAFF_ONLY,
        )
    )
    for app_label in sorted(apps):
        rows.append(
            Route(
                "admin:app_list",
                args=lambda w, a=app_label: [a],
                get=STAFF_ONLY,
                post=STAFF_ONLY,
            )
        )
    return rows


def _content_type(model) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def page_visits(world: World) -> list[tuple[str, str, Route]]:
    """(role, URL, route) for every GET route outside the admin, as the first role
    that gets 200 on it; an evaluation's pages also for the decided evaluation.
    The walks that look at whole pages (valid HTML, phone width) use it."""
    decided = dataclasses.replace(world, evaluation=world.decided)
    visits = []
    for route in ROUTES:
        if route.get is None or route.name.startswith("admin:"):
            continue
        expected = route.expected("get")
        role = next((r for r in ROLES[:5] if expected[r] == 200), None)
        if role is None:
            continue
        same_evaluation = route.args(world) == [world.evaluation.key]
        for w in (world, decided) if same_evaluation else (world,):
            visits.append(
                (role, reverse(route.name, args=route.args(w)) + route.query, route)
            )
    return visits


def all_routes() -> list[Route]:
    return ROUTES + admin_routes()


def url_names() -> set[str]:
    """Every named URL pattern the resolver knows, namespaced ones included."""

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{p.namespace}:" if p.namespace else ""
                yield from walk(p.url_patterns, prefix + ns)
            elif isinstance(p, URLPattern) and p.name:
                yield prefix + p.name

    return set(walk(get_resolver().url_patterns))
