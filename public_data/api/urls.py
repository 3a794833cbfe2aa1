"""The API's URLs under /api/: the endpoints, the OpenAPI schema and its documentation."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"


class Router(DefaultRouter):
    """A root listing the endpoints; no ``.json`` suffix URLs (JSON is the only format)."""

    include_format_suffixes = False

    def get_routes(self, viewset):
        routes = super().get_routes(viewset)
        if getattr(viewset, "has_own_detail_route", False):
            return [route for route in routes if "{lookup}" not in route.url]
        return routes


router = Router()
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("updates", views.UpdateViewSet, basename="update")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/docs.html"),
        name="docs",
    ),
    # Any segments, so that a bad one is the API's JSON 404 rather than the site's HTML one.
    path(
        "reviews/<str:review>/recommendations/<str:key>/",
        views.RecommendationViewSet.as_view({"get": "retrieve"}),
        name="recommendation-detail",
    ),
    # The address recommendations had until they were named by document and number (any
    # segment, for the same reason).
    path("recommendations/<str:pk>/", views.recommendation_by_old_id, name="recommendation-old"),
    *router.urls,
]
