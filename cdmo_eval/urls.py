from django.contrib import admin
from django.urls import include, path

from scorecards.urls import bundle_import_urlpatterns

from . import views

admin.site.site_header = "CDMO evaluation — administration"
admin.site.site_title = "CDMO evaluation admin"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include(bundle_import_urlpatterns)),  # ahead of partners.urls, see there
    path("", include("work.urls")),
    path("", include("partners.urls")),
    path("", include("scorecards.urls")),
    path("", include("negotiations.urls")),
]

handler400 = "cdmo_eval.views.error_400"
handler403 = "cdmo_eval.views.error_403"
handler404 = "cdmo_eval.views.error_404"
handler500 = "cdmo_eval.views.error_500"
