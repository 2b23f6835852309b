from django.urls import path

from . import views

urlpatterns = [
    path("", views.evaluation_list, name="evaluation_list"),
    path("evaluations/new/", views.evaluation_create, name="evaluation_create"),
    path("evaluations/<slug:key>/", views.evaluation_detail, name="evaluation_detail"),
    path("evaluations/<slug:key>/members/", views.member_list, name="member_list"),
    path("evaluations/<slug:key>/members/add/", views.member_add, name="member_add"),
    path(
        "evaluations/<slug:key>/members/invite/",
        views.member_invite,
        name="member_invite",
    ),
    path(
        "evaluations/<slug:key>/members/<int:pk>/role/",
        views.member_role,
        name="member_role",
    ),
    path(
        "evaluations/<slug:key>/members/<int:pk>/remove/",
        views.member_remove,
        name="member_remove",
    ),
]
