"""The API's endpoints: reviews, agencies, recommendations and published updates. Read-only,
anonymous, and read from the published store only (``selectors.py``)."""

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.views.decorators.http import conditional_page
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.views import APIView

from harris.params import whole_number

from .. import selectors
from ..caching import cache_public_response
from ..filters import RecommendationFilter
from ..models import (
    PublishedAgency,
    PublishedOwnership,
    PublishedRecommendation,
    PublishedReview,
)
from ..serializers import (
    AgencySerializer,
    RecommendationDetailSerializer,
    RecommendationSerializer,
    ReviewSerializer,
    UpdateSerializer,
    absolute_prefix,
    api_url,
)
from ..version import HeldPerVersion
from .errors import documented
from .filters import UpdateFilter


class JSONRegardlessOfAccept(DefaultContentNegotiation):
    """The API speaks JSON only: answer JSON rather than 406 to any Accept header."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


class PublicAPIMixin:
    """For the API's viewsets: JSON whatever the Accept header; anonymous answers served from
    the public response cache until public data changes; an ETag for 304 answers, and clients
    told to revalidate, so no one holds a stale answer after a publish. The viewsets route GET
    (so HEAD) and OPTIONS only."""

    content_negotiation_class = JSONRegardlessOfAccept

    # Inside DRF's handler, so throttling has already counted the request.
    @method_decorator(cache_public_response)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @classmethod
    def as_view(cls, *args, **kwargs):
        return conditional_page(super().as_view(*args, **kwargs))

    def filter_queryset(self, queryset):
        # Filters and ordering belong to lists: a detail URL ignores the query string.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            patch_cache_control(response, public=True, no_cache=True)
        return response


def recommendation_count(model, relation):
    """Annotation: how many public recommendations point at each row through ``relation``."""
    counts = (
        model.objects.filter(**{relation: OuterRef("pk")})
        .order_by()
        .values(relation)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counts), 0)


def documented_by_slug(serializer, noun, list_summary, detail_summary):
    """The schema of a list and of one object found by its slug."""
    slug = OpenApiParameter("slug", str, OpenApiParameter.PATH, description=f"The {noun}'s slug.")
    return extend_schema_view(
        list=documented(serializer, 400, summary=list_summary),
        retrieve=documented(serializer, 404, summary=detail_summary, parameters=[slug]),
    )


class CachedReadOnlyViewSet(PublicAPIMixin, viewsets.ReadOnlyModelViewSet):
    """A list and one object, both served from the public response cache when unchanged."""

    @method_decorator(cache_public_response)
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


class BySlugViewSet(CachedReadOnlyViewSet):
    """A list, and one object by its slug."""

    lookup_field = "slug"
    # Any segment, so that a bad one is the API's JSON 404 rather than the site's HTML one.
    lookup_value_regex = "[^/]+"


@documented_by_slug(ReviewSerializer, "review", "The reviews and reports", "One review or report")
class ReviewViewSet(BySlugViewSet):
    """The documents that make, or report progress on, recommendations; oldest first."""

    serializer_class = ReviewSerializer

    def get_queryset(self):
        return PublishedReview.objects.select_related("follows_up").annotate(
            recommendation_count=recommendation_count(PublishedRecommendation, "review")
        )


@documented_by_slug(AgencySerializer, "agency", "The owning agencies", "One owning agency")
class AgencyViewSet(BySlugViewSet):
    """The bodies that own recommendations, by name."""

    serializer_class = AgencySerializer

    def get_queryset(self):
        return PublishedAgency.objects.annotate(
            recommendation_count=recommendation_count(PublishedOwnership, "agency")
        )


# The list's rows with the current status, by (scheme and host, store id): about 1.5 KB each.
current_rows = HeldPerVersion(limit=20_000)


@extend_schema_view(
    list=documented(
        RecommendationSerializer,
        400,
        summary="The recommendations, filtered and ordered",
        description="The same filters as the site's list. `review`, `agency` and `report` "
        "take slugs (see /api/reviews/ and /api/agencies/; `report` is a progress report), "
        "`as_at` a date (YYYY-MM-DD), and `q` words that must all appear in the text (or a "
        "recommendation number). `status` matches the status shown: the current one, or the "
        "one as at `as_at`, or as published in `report`.",
    ),
    retrieve=documented(
        RecommendationDetailSerializer,
        404,
        summary="One recommendation with its timeline and links",
        tags=["recommendations"],
        parameters=[
            OpenApiParameter(
                "review", str, OpenApiParameter.PATH, description="Its review's slug."
            ),
            OpenApiParameter(
                "key",
                str,
                OpenApiParameter.PATH,
                description='Its number as the document gives it, or "unnumbered-N".',
            ),
        ],
    ),
)
class RecommendationViewSet(CachedReadOnlyViewSet):
    """Public recommendations, each at its review's slug and its number; restricted ones are
    not found. ``urls.py`` routes the detail (the router, only the list).

    A list row with the current status is serialized once per public data version
    (``current_rows``), so such a page fetches only its ids; one showing a past status (as at
    a date, as published in a report) is serialized afresh."""

    filterset_class = RecommendationFilter
    has_own_detail_route = True

    def get_queryset(self):
        return selectors.recommendations()

    def get_object(self):
        return self._page()[0]

    def _page(self):
        # Once per request: the serializer's context asks for its parts too.
        if not hasattr(self, "_found"):
            review, key = self.kwargs["review"], self.kwargs["key"]
            self._found = selectors.recommendation_page(review, key)
        if self._found is None:
            raise Http404("No public recommendation has this address.")
        return self._found

    def paginate_queryset(self, queryset):
        params = self.request.query_params
        if params.get("as_at") or params.get("report"):
            return selectors.with_owners(super().paginate_queryset(queryset))
        ids = super().paginate_queryset(queryset.values_list("pk", flat=True))
        # The page's rows are the held ones: get_paginated_response answers with them.
        self.held_page = self._current_rows(ids)
        return []

    def _current_rows(self, ids):
        context = self.get_serializer_context()
        prefix = absolute_prefix(context)
        serializer = RecommendationSerializer(context=context)

        def serialize(keys):
            queryset = selectors.recommendations().filter(pk__in=[pk for _, pk in keys])
            records = selectors.with_owners(selectors.with_shown_status(queryset))
            return {(prefix, record.pk): serializer.to_representation(record) for record in records}

        return current_rows.get([(prefix, pk) for pk in ids], serialize)

    def get_paginated_response(self, data):
        return super().get_paginated_response(getattr(self, "held_page", data))

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve":
            context["parts"] = self._page()[1]
        return context

    def get_serializer_class(self):
        if self.action == "retrieve":
            return RecommendationDetailSerializer
        return RecommendationSerializer


@extend_schema(exclude=True)
class RecommendationByOldId(APIView):
    """The old API address of a recommendation (by database id): moved for good to its address
    by review and number. An API view, so that it answers like every other address under /api/:
    throttled, JSON whatever the Accept header, and a JSON 404 for an id that is no public
    recommendation's (restricted, missing or not a number alike). Not in the schema."""

    content_negotiation_class = JSONRegardlessOfAccept

    def get(self, request, pk):
        number = whole_number(pk)
        recommendation = (
            None
            if number is None
            else PublishedRecommendation.objects.select_related("review")
            .filter(source_id=number)
            .first()
        )
        if recommendation is None:
            raise Http404("No public recommendation has this address.")
        return redirect(api_url(recommendation, None), permanent=True)


recommendation_by_old_id = RecommendationByOldId.as_view()


@extend_schema_view(
    list=documented(
        UpdateSerializer,
        400,
        summary="Published status updates, newest first",
        description="Drafts and withheld updates are never listed.",
    ),
)
class UpdateViewSet(PublicAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Published status updates on public recommendations, newest first."""

    serializer_class = UpdateSerializer
    filterset_class = UpdateFilter

    def get_queryset(self):
        return selectors.published_entries()
