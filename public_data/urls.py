"""Every public URL: pages, downloads, feeds and the API, each cached for anonymous visitors until
public data next changes. Included at the site's root by ``harris/urls.py``."""

from django.urls import include, path

from . import exports, feeds, views
from .caching import cache_public_response as cached

review_patterns = [
    path("", cached(views.review_list), name="list"),
    path("<slug:slug>/", cached(views.review_detail), name="detail"),
]

recommendation_patterns = [
    path("recommendations/", cached(views.recommendation_list), name="list"),
    path("recommendations/export.csv", cached(exports.export_csv), name="export_csv"),
    path("recommendations/export.json", cached(exports.export_json), name="export_json"),
    path(
        "reviews/<slug:review>/recommendations/<str:key>/",
        cached(views.recommendation_detail),
        name="detail",
    ),
    # The address pages had until they were named by document and number.
    path("recommendations/<int:pk>/", views.recommendation_by_old_id, name="old_detail"),
    path("agencies/", cached(views.agency_list), name="agency_list"),
    path("agencies/<slug:slug>/", cached(views.agency_detail), name="agency_detail"),
    path("changes/", cached(views.changes), name="changes"),
    path("feeds/updates/", cached(feeds.PublishedUpdatesFeed()), name="feed"),
    path("feeds/agencies/<slug:slug>/", cached(feeds.AgencyUpdatesFeed()), name="agency_feed"),
    path("feeds/reviews/<slug:slug>/", cached(feeds.ReviewUpdatesFeed()), name="review_feed"),
]

urlpatterns = [
    path("", cached(views.dashboard), name="dashboard"),
    path("about/", cached(views.about), name="about"),
    path("", include((recommendation_patterns, "recommendations"))),
    path("reviews/", include((review_patterns, "reviews"))),
    path("api/", include("public_data.api.urls")),
]
