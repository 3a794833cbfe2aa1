"""Root URL configuration: the staff admin, and the public site."""

from django.contrib import admin
from django.urls import path

admin.site.site_header = "Harris Tracker: MOPAC staff"
admin.site.site_title = "Harris Tracker admin"
admin.site.index_title = "Recommendations and their progress"

urlpatterns = [
    path("admin/", admin.site.urls),
]
