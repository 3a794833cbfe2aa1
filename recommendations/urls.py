"""Public URLs for recommendations, agencies, changes and feeds; cached for anonymous visitors
until public data next changes."""

from django.urls import path

from . import exports, feeds, views
from .caching import cache_public_response as cached

app_name = "recommendations"

urlpatterns = [
    path("recommendations/", cached(views.recommendation_list), name="list"),
    path("recommendations/export.csv", cached(exports.export_csv), name="export_csv"),
    path("recommendations/export.json", cached(exports.export_json), name="export_json"),
    path("recommendations/<int:pk>/", cached(views.recommendation_detail), name="detail"),
    path("agencies/", cached(views.agency_list), name="agency_list"),
    path("agencies/<slug:slug>/", cached(views.agency_detail), name="agency_detail"),
    path("changes/", cached(views.changes), name="changes"),
    path("feeds/updates/", cached(feeds.PublishedUpdatesFeed()), name="feed"),
    path("feeds/agencies/<slug:slug>/", cached(feeds.AgencyUpdatesFeed()), name="agency_feed"),
    path("feeds/reviews/<slug:slug>/", cached(feeds.ReviewUpdatesFeed()), name="review_feed"),
]
