"""Root URL configuration: the public site and the staff admin."""

from django.contrib import admin
from django.urls import include, path

from recommendations.caching import cache_public_response as cached

from . import views

admin.site.site_header = "Harris Tracker: MOPAC staff"
admin.site.site_title = "Harris Tracker admin"
admin.site.index_title = "Recommendations and their progress"

urlpatterns = [
    path("", cached(views.dashboard), name="dashboard"),
    path("about/", cached(views.about), name="about"),
    path("healthz/", views.health, name="health"),
    path("readyz/", views.ready, name="ready"),
    path("reviews/", include("reviews.urls")),
    path("", include("recommendations.urls")),
    path("api/", include("recommendations.api.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "harris.views.server_error"
