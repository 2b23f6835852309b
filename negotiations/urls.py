from django.urls import path

from . import views

urlpatterns = [
    path(
        "candidates/<int:pk>/negotiations/",
        views.candidate_negotiations,
        name="candidate_negotiations",
    ),
    path(
        "candidates/<int:pk>/milestones/",
        views.milestones_edit,
        name="milestones_edit",
    ),
    path(
        "candidates/<int:pk>/requests/new/",
        views.request_create,
        name="request_create",
    ),
    path("requests/<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("candidates/<int:pk>/rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/redline/", views.redline_download, name="redline_download"),
    path(
        "candidates/<int:pk>/escalations/new/",
        views.escalation_create,
        name="escalation_create",
    ),
    path("escalations/<int:pk>/edit/", views.escalation_edit, name="escalation_edit"),
    path(
        "candidates/<int:pk>/steering-meetings/new/",
        views.meeting_create,
        name="meeting_create",
    ),
    path("steering-meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path(
        "evaluations/<slug:key>/responsiveness/",
        views.responsiveness,
        name="responsiveness",
    ),
]
