from django.urls import path

from . import views

urlpatterns = [
    path("", views.work_home, name="my_work"),
    path("work/new/", views.work_count, name="work_count"),
]
