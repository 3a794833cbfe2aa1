"""Public URLs for recommendations, agencies, changes and feeds."""

from django.urls import path

from . import exports, feeds, views

app_name = "recommendations"

urlpatterns = [
    path("recommendations/", views.recommendation_list, name="list"),
    path("recommendations/export.csv", exports.export_csv, name="export_csv"),
    path("recommendations/export.json", exports.export_json, name="export_json"),
    path("recommendations/<int:pk>/", views.recommendation_detail, name="detail"),
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<slug:slug>/", views.agency_detail, name="agency_detail"),
    path("changes/", views.changes, name="changes"),
    path("feeds/updates/", feeds.PublishedUpdatesFeed(), name="feed"),
    path("feeds/agencies/<slug:slug>/", feeds.AgencyUpdatesFeed(), name="agency_feed"),
    path("feeds/reviews/<slug:slug>/", feeds.ReviewUpdatesFeed(), name="review_feed"),
]
