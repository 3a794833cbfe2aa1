"""The public serializers: the one definition of what the API and the downloads may show.

Model fields come only from the models' ``PUBLIC_FIELDS`` tuples (and ``REVIEW_FIELDS`` for the
documents, which are public as a whole), so a new staff-only field cannot reach the public by
accident; everything else here is an identifier, a link or a label. Callers pass querysets from
``Recommendation.objects.public()`` and ``StatusUpdate.objects.public()`` only.
"""

from functools import cached_property
from urllib.parse import urlencode

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from reviews.models import Review

from . import selectors
from .models import Agency, Recommendation, RecommendationLink, Status, StatusUpdate

# Every column of a review is public: the documents are published.
REVIEW_FIELDS = (
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
)
# All the public may know of a withheld update (a subset of StatusUpdate.PUBLIC_FIELDS): that
# it exists, its date and why it is withheld.
WITHHELD_UPDATE_FIELDS = ("status_date", "publication", "withheld_reason")


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
        model = Review
        fields = ("url", "html_url", "slug", "short_name", "title")


class ReviewSerializer(ReviewReferenceSerializer):
    """A document: what it is, when it was published, and how many recommendations it holds."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    published_display = serializers.CharField(
        read_only=True, help_text="The publication date as precisely as the sources give it."
    )
    follows_up = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    recommendation_count = serializers.IntegerField(
        read_only=True, help_text="Public recommendations of this document held by the tracker."
    )
    recommendations = RecommendationsURLField("review")

    class Meta:
        model = Review
        fields = (
            "url",
            "html_url",
            *REVIEW_FIELDS,
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
    sector_label = serializers.CharField(source="get_sector_display", read_only=True)

    class Meta:
        model = Agency
        fields = ("url", "html_url", *Agency.PUBLIC_FIELDS, "sector_label")


class AgencySerializer(AgencySummarySerializer):
    """An owning agency with how many public recommendations it owns."""

    recommendation_count = serializers.IntegerField(read_only=True)
    recommendations = RecommendationsURLField("agency")

    class Meta(AgencySummarySerializer.Meta):
        fields = (*AgencySummarySerializer.Meta.fields, "recommendation_count", "recommendations")


class RecommendationReferenceSerializer(PublicSerializer):
    """A recommendation, as linked from other objects: its identifiers only."""

    url = serializers.HyperlinkedIdentityField(view_name="api:recommendation-detail")
    html_url = PageURLField()
    review = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Recommendation
        fields = ("id", "url", "html_url", "review", "number")


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
    response_label = serializers.CharField(source="get_response_display", read_only=True)
    shown_status = serializers.SerializerMethodField()
    shown_status_label = serializers.SerializerMethodField()
    shown_status_date = serializers.SerializerMethodField()
    owners = serializers.SerializerMethodField()
    lead_owner = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = (
            "id",
            "url",
            "html_url",
            "review",
            "review_url",
            *Recommendation.PUBLIC_FIELDS,
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

    @cached_property
    def _owners(self):
        # One serializer for every row's owners: building one per row costs more than the rest
        # of the row.
        return AgencySummarySerializer(many=True, context=self.context)

    @extend_schema_field(AgencySummarySerializer(many=True))
    def get_owners(self, recommendation):
        # Reads the prefetched ownerships, lead first: no query per row.
        agencies = [ownership.agency for ownership in recommendation.ownerships.all()]
        return self._owners.to_representation(agencies)

    @extend_schema_field(serializers.SlugField(allow_null=True))
    def get_lead_owner(self, recommendation):
        lead = recommendation.lead_owner
        return lead.slug if lead else None


class PublishedUpdateSerializer(PublicSerializer):
    """A published status update: its public fields and its source document."""

    publication = serializers.ChoiceField(
        choices=[StatusUpdate.Publication.PUBLISHED], read_only=True
    )
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    assessment_label = serializers.CharField(source="get_assessment_display", read_only=True)
    source_review = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    is_correction = serializers.SerializerMethodField()

    class Meta:
        model = StatusUpdate
        fields = (
            "id",
            *StatusUpdate.PUBLIC_FIELDS,
            "status_label",
            "assessment_label",
            "source_review",
            "is_correction",
        )

    def get_is_correction(self, update) -> bool:
        return update.corrects_id is not None

    def to_representation(self, instance):
        # A draft's or a withheld update's narrative must never be shown: a queryset that let
        # one through fails loudly rather than leaks.
        if not instance.is_public_content:
            raise ValueError(f"status update {instance.pk} is not published")
        return super().to_representation(instance)


class WithheldUpdateSerializer(PublicSerializer):
    """A withheld status update: only its date and the public reason it is withheld."""

    publication = serializers.ChoiceField(
        choices=[StatusUpdate.Publication.WITHHELD], read_only=True
    )

    class Meta:
        model = StatusUpdate
        fields = WITHHELD_UPDATE_FIELDS


class UpdateSerializer(PublishedUpdateSerializer):
    """A published status update with the recommendation it is about."""

    recommendation = RecommendationReferenceSerializer(read_only=True)

    class Meta(PublishedUpdateSerializer.Meta):
        fields = (*PublishedUpdateSerializer.Meta.fields, "recommendation")


def timeline_entry(update, context):
    """One public update: everything public when published, date and reason when withheld."""
    serializer = PublishedUpdateSerializer if update.is_public_content else WithheldUpdateSerializer
    return serializer(update, context=context).data


class LinkSerializer(PublicSerializer):
    """What a typed link between recommendations says."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = RecommendationLink
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
        StatusUpdate.Publication.PUBLISHED.value: PublishedUpdateSerializer,
        StatusUpdate.Publication.WITHHELD.value: WithheldUpdateSerializer,
    },
    resource_type_field_name="publication",
    many=True,
)


class LinksSerializer(serializers.Serializer):
    """A recommendation's typed links, both ways."""

    outgoing = OutgoingLinkSerializer(many=True, read_only=True)
    incoming = IncomingLinkSerializer(many=True, read_only=True)


class RecommendationDetailSerializer(RecommendationSerializer):
    """One recommendation with its public timeline (newest first) and its links."""

    status_description = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta(RecommendationSerializer.Meta):
        fields = (*RecommendationSerializer.Meta.fields, "status_description", "timeline", "links")

    def get_status_description(self, recommendation) -> str:
        return Status.description(recommendation.current_status)

    @extend_schema_field(TIMELINE_SCHEMA)
    def get_timeline(self, recommendation):
        return [
            timeline_entry(update, self.context)
            for update in selectors.public_timeline(recommendation)
        ]

    @extend_schema_field(LinksSerializer)
    def get_links(self, recommendation):
        # public_links leaves out links from and to restricted recommendations.
        outgoing, incoming = selectors.public_links(recommendation)
        links = {"outgoing": outgoing, "incoming": incoming}
        return LinksSerializer(links, context=self.context).data
