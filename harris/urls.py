"""Root URL configuration: the public site (``public_data``), the health checks and the staff
admin."""

from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Harris Tracker: MOPAC staff"
admin.site.site_title = "Harris Tracker admin"
admin.site.index_title = "Recommendations and their progress"

urlpatterns = [
    path("healthz/", views.health, name="health"),
    path("readyz/", views.ready, name="ready"),
    path("admin/", admin.site.urls),
    path("", include("public_data.urls")),
]

handler500 = "harris.views.server_error"
