from django.urls import path

from .alignment import views as alignment_views
from .bundles import views as bundle_views
from .decision import views as decision_views
from .history import views as history_views
from .rating import views as rating_views
from .reports import views as report_views
from .setup import views as setup_views

urlpatterns = [
    path(
        "evaluations/<slug:key>/history/",
        history_views.evaluation_history,
        name="evaluation_history",
    ),
    path(
        "evaluations/<slug:key>/history.csv",
        history_views.history_csv,
        name="history_csv",
    ),
    path(
        "evaluations/<slug:key>/history/<slug:kind>/<int:pk>/",
        history_views.record_history_page,
        name="record_history",
    ),
    path("evaluations/<slug:key>/criteria/", setup_views.criteria, name="criteria"),
    path(
        "evaluations/<slug:key>/criteria/snapshot/",
        setup_views.criteria_snapshot,
        name="criteria_snapshot",
    ),
    path("evaluations/<slug:key>/weights/", setup_views.weights, name="weights"),
    path("evaluations/<slug:key>/scoring/", rating_views.scoring, name="scoring"),
    path(
        "evaluations/<slug:key>/scoring/reopen/",
        decision_views.scoring_reopen,
        name="scoring_reopen",
    ),
    path(
        "evaluations/<slug:key>/scoring/<slug:action>/",
        setup_views.scoring_phase,
        name="scoring_phase",
    ),
    path("evaluations/<slug:key>/conflicts/", setup_views.conflicts, name="conflicts"),
    path("evaluations/<slug:key>/decision/", decision_views.decision, name="decision"),
    path(
        "evaluations/<slug:key>/decision/record/",
        decision_views.decision_record,
        name="decision_record",
    ),
    path(
        "evaluations/<slug:key>/decision/signers/",
        decision_views.decision_signer_add,
        name="decision_signer_add",
    ),
    path(
        "evaluations/<slug:key>/decision/verify/",
        decision_views.decision_verify,
        name="decision_verify",
    ),
    path(
        "evaluations/<slug:key>/decision/<slug:which>.pdf",
        decision_views.decision_file,
        name="decision_file",
    ),
    path(
        "evaluations/<slug:key>/decision/archive.zip",
        decision_views.decision_archive,
        name="decision_archive",
    ),
    path(
        "signatures/<int:pk>/sign/",
        decision_views.decision_sign,
        name="decision_sign",
    ),
    path(
        "conflicts/<int:pk>/override/",
        setup_views.conflict_override,
        name="conflict_override",
    ),
    path(
        "evaluations/<slug:key>/ratings.csv",
        rating_views.ratings_export,
        name="ratings_export",
    ),
    path("candidates/<int:pk>/scorecard/", rating_views.scorecard, name="scorecard"),
    path(
        "candidates/<int:pk>/scorecard/ratings/<int:criterion_pk>/",
        rating_views.rating_autosave,
        name="rating_autosave",
    ),
    path(
        "candidates/<int:pk>/scorecard/submit/",
        rating_views.scorecard_submit,
        name="scorecard_submit",
    ),
    path(
        "scorecards/<int:pk>/reopen/",
        rating_views.scorecard_reopen,
        name="scorecard_reopen",
    ),
    path(
        "candidates/<int:pk>/ratings/",
        rating_views.candidate_ratings,
        name="candidate_ratings",
    ),
    path(
        "candidates/<int:pk>/ratings.json",
        rating_views.candidate_ratings_json,
        name="candidate_ratings_json",
    ),
    path("candidates/<int:pk>/consensus/", rating_views.consensus, name="consensus"),
    path(
        "candidates/<int:pk>/consensus/<int:criterion_pk>/",
        rating_views.consensus_record,
        name="consensus_record",
    ),
    path(
        "<slug:kind>/<int:pk>/ratings/",
        rating_views.evidence_ratings,
        name="evidence_ratings",
    ),
]

# alignment results
urlpatterns += [
    path(
        "evaluations/<slug:key>/dashboard/", alignment_views.dashboard, name="dashboard"
    ),
    path(
        "evaluations/<slug:key>/dashboard/status/",
        alignment_views.dashboard_status,
        name="dashboard_status",
    ),
    path("evaluations/<slug:key>/what-if/", alignment_views.what_if, name="what_if"),
    path(
        "evaluations/<slug:key>/what-if/ranking/",
        alignment_views.what_if_ranking,
        name="what_if_ranking",
    ),
    path(
        "candidates/<int:pk>/alignment/",
        alignment_views.candidate_alignment,
        name="candidate_alignment",
    ),
]

# --- evaluation bundles (#6) ----------------------------------------------------------
urlpatterns += [
    path(
        "evaluations/<slug:key>/bundle.json",
        bundle_views.bundle_download,
        name="bundle_download",
    ),
]
# Included by cdmo_eval/urls.py ahead of partners, whose evaluations/<slug:key>/
# would otherwise take "import" for an evaluation key.
bundle_import_urlpatterns = [
    path("evaluations/import/", bundle_views.bundle_import, name="bundle_import"),
]

# --- reports and exports ----------------------------------------------------------
urlpatterns += [
    path(
        "evaluations/<slug:key>/reports/", report_views.report_list, name="report_list"
    ),
    path(
        "evaluations/<slug:key>/reports/request/",
        report_views.report_request,
        name="report_request",
    ),
    path("reports/<int:pk>/", report_views.report_status, name="report_status"),
    path(
        "reports/<int:pk>/report.pdf",
        report_views.report_download,
        name="report_download",
    ),
    path(
        "evaluations/<slug:key>/exports/<slug:table>.<str:fmt>",
        report_views.report_export,
        name="report_export",
    ),
]
