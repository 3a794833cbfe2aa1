"""The API's URLs under /api/: the endpoints, the OpenAPI schema and its documentation."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"


class Router(DefaultRouter):
    """A root listing the endpoints; no ``.json`` suffix URLs (JSON is the only format)."""

    include_format_suffixes = False


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
    *router.urls,
]
