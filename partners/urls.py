from django.urls import path

from .evidence import EVIDENCE_KINDS
from .views import candidates, directory, evaluations, evidence

urlpatterns = [
    path("evaluations/", evaluations.evaluation_list, name="evaluation_list"),
    path("evaluations/new/", evaluations.evaluation_create, name="evaluation_create"),
    path(
        "evaluations/<slug:key>/",
        evaluations.evaluation_detail,
        name="evaluation_detail",
    ),
    path(
        "evaluations/<slug:key>/edit/",
        evaluations.evaluation_edit,
        name="evaluation_edit",
    ),
    # members
    path(
        "evaluations/<slug:key>/members/", evaluations.member_list, name="member_list"
    ),
    path(
        "evaluations/<slug:key>/members/add/",
        evaluations.member_add,
        name="member_add",
    ),
    path(
        "evaluations/<slug:key>/members/invite/",
        evaluations.member_invite,
        name="member_invite",
    ),
    path(
        "evaluations/<slug:key>/members/<int:pk>/role/",
        evaluations.member_role,
        name="member_role",
    ),
    path(
        "evaluations/<slug:key>/members/<int:pk>/remove/",
        evaluations.member_remove,
        name="member_remove",
    ),
    # candidates
    path(
        "evaluations/<slug:key>/candidates/",
        candidates.candidate_list,
        name="candidate_list",
    ),
    path(
        "evaluations/<slug:key>/candidates/add/",
        candidates.candidate_add,
        name="candidate_add",
    ),
    path("candidates/<int:pk>/", candidates.candidate_detail, name="candidate_detail"),
    path("candidates/<int:pk>/edit/", candidates.candidate_edit, name="candidate_edit"),
    path(
        "candidates/<int:pk>/stage/", candidates.candidate_move, name="candidate_move"
    ),
    # evidence records: the same three pages for every kind (partners.evidence)
    *(
        path(
            route.format(kind.segment),
            view,
            {"kind": kind.key},
            name=kind.url_name(name),
        )
        for kind in EVIDENCE_KINDS
        for route, view, name in (
            ("candidates/<int:pk>/{}/new/", evidence.evidence_create, "create"),
            ("{}/<int:pk>/", evidence.evidence_detail, "detail"),
            ("{}/<int:pk>/edit/", evidence.evidence_edit, "edit"),
        )
    ),
    path(
        "<str:kind>/<int:pk>/attachments/add/",
        evidence.attachment_add,
        name="attachment_add",
    ),
    path(
        "attachments/<int:pk>/",
        evidence.attachment_download,
        name="attachment_download",
    ),
    path(
        "candidates/<int:pk>/findings/new/",
        evidence.finding_create,
        name="finding_create",
    ),
    path("findings/<int:pk>/edit/", evidence.finding_edit, name="finding_edit"),
    path(
        "evaluations/<slug:key>/findings/",
        evidence.finding_register,
        name="finding_register",
    ),
    # the shared CDMO directory
    path("cdmos/", directory.cdmo_list, name="cdmo_list"),
    path("cdmos/new/", directory.cdmo_create, name="cdmo_create"),
    path("cdmos/<slug:key>/", directory.cdmo_detail, name="cdmo_detail"),
    path("cdmos/<slug:key>/edit/", directory.cdmo_edit, name="cdmo_edit"),
    path("cdmos/<slug:key>/sites/new/", directory.site_create, name="site_create"),
    path(
        "cdmos/<slug:key>/sites/<int:pk>/edit/", directory.site_edit, name="site_edit"
    ),
    path(
        "cdmos/<slug:key>/contacts/new/",
        directory.contact_create,
        name="contact_create",
    ),
    path(
        "cdmos/<slug:key>/contacts/<int:pk>/edit/",
        directory.contact_edit,
        name="contact_edit",
    ),
    path(
        "cdmos/<slug:key>/contacts/<int:pk>/erase/",
        directory.contact_erase,
        name="contact_erase",
    ),
]
