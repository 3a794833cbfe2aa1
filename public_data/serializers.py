"""The public serializers: what the API and the downloads show, read from the published store.

The store holds public columns only, so whatever a serializer names is public; these choose the
shape. Objects are named by slugs and by references ("harris-2016/41"), never by database ids.
"""

from urllib.parse import urlencode

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from harris.links import cached_reverse
from harris.statuses import Status

from .models import (
    PublishedAgency,
    PublishedLink,
    PublishedRecommendation,
    PublishedReview,
    PublishedTimelineEntry,
)

Kind = PublishedTimelineEntry.Kind


def absolute_prefix(context):
    """The request's scheme and host, worked out once per answer: each absolute URL is that
    plus a path (``build_absolute_uri`` checks the host again for every URL)."""
    if "absolute_prefix" not in context:
        context["absolute_prefix"] = context["request"].build_absolute_uri("/")[:-1]
    return context["absolute_prefix"]


class PublicSerializer(serializers.ModelSerializer):
    """Every field read-only, so the schema marks every field as always present."""

    def get_extra_kwargs(self):
        extra_kwargs = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra_kwargs.setdefault(name, {})["read_only"] = True
        return extra_kwargs


@extend_schema_field(OpenApiTypes.URI)
class PageURLField(serializers.Field):
    """The object's page on the public site. Like DRF's hyperlinks, needs the request."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


@extend_schema_field(OpenApiTypes.URI)
class RecommendationURLField(serializers.Field):
    """A recommendation's address in the API."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return api_url(value, self.context["request"])


def api_url(recommendation, request):
    """The API address of a store recommendation."""
    return reverse(
        "api:recommendation-detail",
        kwargs={"review": recommendation.review.slug, "key": recommendation.key},
        request=request,
    )


@extend_schema_field(OpenApiTypes.URI)
class RecommendationsURLField(serializers.Field):
    """The API's recommendation list filtered to this object (``?review=`` or ``?agency=``)."""

    def __init__(self, parameter, **kwargs):
        self.parameter = parameter
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        url = reverse("api:recommendation-list", request=self.context["request"])
        return f"{url}?{urlencode({self.parameter: value.slug})}"


class ReviewReferenceSerializer(PublicSerializer):
    """A review, as linked from other objects."""

    url = serializers.HyperlinkedIdentityField(view_name="api:review-detail", lookup_field="slug")
    html_url = PageURLField()

    class Meta:
        model = PublishedReview
        fields = ("url", "html_url", "slug", "short_name", "title")


class ReviewSerializer(ReviewReferenceSerializer):
    """A document: what it is, when it was published, and how many recommendations it holds."""

    published_display = serializers.CharField(
        read_only=True, help_text="The publication date as precisely as the sources give it."
    )
    follows_up = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    recommendation_count = serializers.IntegerField(
        read_only=True, help_text="Public recommendations of this document held by the tracker."
    )
    recommendations = RecommendationsURLField("review")

    class Meta:
        model = PublishedReview
        fields = (
            "url",
            "html_url",
            "slug",
            "title",
            "short_name",
            "kind",
            "author_body",
            "published_on",
            "published_precision",
            "stated_recommendation_count",
            "summary",
            "data_note",
            "kind_label",
            "published_display",
            "follows_up",
            "recommendation_count",
            "recommendations",
        )


class AgencySummarySerializer(PublicSerializer):
    """An owning agency, as nested in other objects."""

    url = serializers.HyperlinkedIdentityField(view_name="api:agency-detail", lookup_field="slug")
    html_url = PageURLField()

    class Meta:
        model = PublishedAgency
        fields = ("url", "html_url", "name", "abbreviation", "slug", "sector", "sector_label")


class AgencySerializer(AgencySummarySerializer):
    """An owning agency with how many public recommendations it owns."""

    recommendation_count = serializers.IntegerField(read_only=True)
    recommendations = RecommendationsURLField("agency")

    class Meta(AgencySummarySerializer.Meta):
        fields = (*AgencySummarySerializer.Meta.fields, "recommendation_count", "recommendations")


class RecommendationReferenceSerializer(PublicSerializer):
    """A recommendation, as linked from other objects: its identifiers only."""

    reference = serializers.CharField(
        read_only=True,
        help_text="Its stable identifier: the review's slug and its number, e.g. "
        '"harris-2016/41" ("unnumbered-2" for the second unnumbered one).',
    )
    url = RecommendationURLField()
    html_url = PageURLField()
    review = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PublishedRecommendation
        fields = ("reference", "url", "html_url", "review", "number")


class RecommendationSerializer(RecommendationReferenceSerializer):
    """One row of the public list: the recommendation's public fields, its owners and statuses.

    ``shown_status`` is the status as at the list's ``as_at`` date or as published in its
    ``report``, which the list's ``status`` filter matches; without them it is the current one.
    """

    review_url = serializers.HyperlinkedRelatedField(
        source="review", view_name="api:review-detail", lookup_field="slug", read_only=True
    )
    current_status_label = serializers.CharField(
        source="get_current_status_display", read_only=True
    )
    shown_status = serializers.SerializerMethodField()
    shown_status_label = serializers.SerializerMethodField()
    shown_status_date = serializers.SerializerMethodField()
    owners = serializers.SerializerMethodField()
    lead_owner = serializers.SerializerMethodField()

    class Meta:
        model = PublishedRecommendation
        fields = (
            "reference",
            "url",
            "html_url",
            "review",
            "review_url",
            "number",
            "text",
            "section",
            "response",
            "response_reason",
            "target_date",
            "current_status",
            "current_status_date",
            "current_status_label",
            "response_label",
            "shown_status",
            "shown_status_label",
            "shown_status_date",
            "owners",
            "lead_owner",
        )

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices))
    def get_shown_status(self, recommendation):
        # Lists annotate it through the FilterSet; a single recommendation shows its current one.
        return getattr(recommendation, "shown_status", recommendation.current_status)

    def get_shown_status_label(self, recommendation) -> str:
        return Status(self.get_shown_status(recommendation)).label

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_shown_status_date(self, recommendation):
        date = getattr(recommendation, "shown_status_date", recommendation.current_status_date)
        return date.isoformat() if date else None

    def _ownerships(self, recommendation):
        # Given by ``selectors.with_owners``, lead first: no query per row.
        return recommendation.owners

    @extend_schema_field(AgencySummarySerializer(many=True))
    def get_owners(self, recommendation):
        agencies = [ownership.agency for ownership in self._ownerships(recommendation)]
        return AgencySummarySerializer(agencies, many=True, context=self.context).data

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_lead_owner(self, recommendation):
        for ownership in self._ownerships(recommendation):
            if ownership.is_lead:
                return ownership.agency.slug
        return None

    def to_representation(self, recommendation):
        """What the declared fields give, built directly: the list serializes fifty rows an
        answer, and DRF's per-field machinery costs more than the rest of the answer together.
        ``tests/public_data/test_serializers.py`` holds the two to the same output."""
        prefix = absolute_prefix(self.context)
        review = recommendation.review
        shown_status = self.get_shown_status(recommendation)
        shown_status_date = getattr(
            recommendation, "shown_status_date", recommendation.current_status_date
        )
        owners = self._ownerships(recommendation)
        return {
            "reference": recommendation.reference,
            "url": prefix
            + cached_reverse("api:recommendation-detail", review.slug, recommendation.key),
            "html_url": prefix + recommendation.get_absolute_url(),
            "review": review.slug,
            "review_url": prefix + cached_reverse("api:review-detail", review.slug),
            "number": recommendation.number,
            "text": recommendation.text,
            "section": recommendation.section,
            "response": recommendation.response,
            "response_reason": recommendation.response_reason,
            "target_date": _iso(recommendation.target_date),
            "current_status": recommendation.current_status,
            "current_status_date": _iso(recommendation.current_status_date),
            "current_status_label": Status(recommendation.current_status).label,
            "response_label": recommendation.response_label,
            "shown_status": shown_status,
            "shown_status_label": Status(shown_status).label,
            "shown_status_date": _iso(shown_status_date),
            "owners": [agency_summary(owner.agency, prefix) for owner in owners],
            "lead_owner": next((owner.agency.slug for owner in owners if owner.is_lead), None),
        }


def _iso(date):
    return date.isoformat() if date else None


def agency_summary(agency, prefix):
    """``AgencySummarySerializer``'s output, built directly (see
    ``RecommendationSerializer.to_representation``)."""
    return {
        "url": prefix + cached_reverse("api:agency-detail", agency.slug),
        "html_url": prefix + agency.get_absolute_url(),
        "name": agency.name,
        "abbreviation": agency.abbreviation,
        "slug": agency.slug,
        "sector": agency.sector,
        "sector_label": agency.sector_label,
    }


class PublishedUpdateSerializer(PublicSerializer):
    """A published status update: its public fields and its source document."""

    publication = serializers.ChoiceField(choices=[Kind.PUBLISHED], read_only=True)
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    source_review = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = PublishedTimelineEntry
        fields = (
            "anchor",
            "status",
            "status_date",
            "narrative",
            "assessment",
            "publication",
            "source_citation",
            "status_label",
            "assessment_label",
            "source_review",
            "is_correction",
        )


class WithheldUpdateSerializer(PublicSerializer):
    """A withheld status update: only its date and the public reason it is withheld."""

    publication = serializers.ChoiceField(choices=[Kind.WITHHELD], read_only=True)

    class Meta:
        model = PublishedTimelineEntry
        fields = ("anchor", "status_date", "publication", "withheld_reason")


class UpdateSerializer(PublishedUpdateSerializer):
    """A published status update with the recommendation it is about."""

    recommendation = RecommendationReferenceSerializer(read_only=True)

    class Meta(PublishedUpdateSerializer.Meta):
        fields = (*PublishedUpdateSerializer.Meta.fields, "recommendation")


def timeline_entry(entry):
    """One public entry: everything public when published (``PublishedUpdateSerializer``),
    date and reason when withheld (``WithheldUpdateSerializer``). Built directly, as the list's
    rows are; ``tests/public_data/test_serializers.py`` holds it to the serializers' output."""
    if not entry.is_public_content:
        return {
            "anchor": entry.anchor,
            "status_date": _iso(entry.status_date),
            "publication": entry.publication,
            "withheld_reason": entry.withheld_reason,
        }
    return {
        "anchor": entry.anchor,
        "status": entry.status,
        "status_date": _iso(entry.status_date),
        "narrative": entry.narrative,
        "assessment": entry.assessment,
        "publication": entry.publication,
        "source_citation": entry.source_citation,
        "status_label": Status(entry.status).label,
        "assessment_label": entry.assessment_label,
        "source_review": entry.source_review.slug if entry.source_review_id else None,
        "is_correction": entry.is_correction,
    }


class LinkSerializer(PublicSerializer):
    """What a typed link between recommendations says."""

    class Meta:
        model = PublishedLink
        fields = ("kind", "kind_label", "note")


class OutgoingLinkSerializer(LinkSerializer):
    """A link from this recommendation to another one or to a whole review."""

    recommendation = RecommendationReferenceSerializer(
        source="target", read_only=True, allow_null=True
    )
    review = ReviewReferenceSerializer(source="target_review", read_only=True, allow_null=True)

    class Meta(LinkSerializer.Meta):
        fields = (*LinkSerializer.Meta.fields, "recommendation", "review")


class IncomingLinkSerializer(LinkSerializer):
    """A link to this recommendation from another one."""

    recommendation = RecommendationReferenceSerializer(source="source", read_only=True)

    class Meta(LinkSerializer.Meta):
        fields = (*LinkSerializer.Meta.fields, "recommendation")


TIMELINE_SCHEMA = PolymorphicProxySerializer(
    component_name="TimelineEntry",
    serializers={
        Kind.PUBLISHED.value: PublishedUpdateSerializer,
        Kind.WITHHELD.value: WithheldUpdateSerializer,
    },
    resource_type_field_name="publication",
    many=True,
)


class LinksSerializer(serializers.Serializer):
    """A recommendation's typed links, both ways."""

    outgoing = OutgoingLinkSerializer(many=True, read_only=True)
    incoming = IncomingLinkSerializer(many=True, read_only=True)


class RecommendationDetailSerializer(RecommendationSerializer):
    """One recommendation with its public timeline (newest first) and its links.

    Expects ``parts`` in its context: the lists ``selectors.recommendation_page`` gives."""

    status_description = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta(RecommendationSerializer.Meta):
        fields = (*RecommendationSerializer.Meta.fields, "status_description", "timeline", "links")

    def _ownerships(self, recommendation):
        return self.context["parts"]["owners"]

    def to_representation(self, recommendation):
        return {
            **super().to_representation(recommendation),
            "status_description": self.get_status_description(recommendation),
            "timeline": self.get_timeline(recommendation),
            "links": self.get_links(recommendation),
        }

    def get_status_description(self, recommendation) -> str:
        return Status.description(recommendation.current_status)

    @extend_schema_field(TIMELINE_SCHEMA)
    def get_timeline(self, recommendation):
        return [timeline_entry(entry) for entry in self.context["parts"]["timeline"]]

    @extend_schema_field(LinksSerializer)
    def get_links(self, recommendation):
        parts = self.context["parts"]
        links = {"outgoing": parts["outgoing_links"], "incoming": parts["incoming_links"]}
        return LinksSerializer(links, context=self.context).data
