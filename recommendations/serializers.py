"""The public serializers: the one definition of what the API and the downloads may show.

Every field comes from the models' ``PUBLIC_FIELDS`` tuples, so a new staff-only field cannot
reach the public by accident.
"""

from rest_framework import serializers

from .models import Agency, Recommendation


class AgencySummarySerializer(serializers.ModelSerializer):
    """An owning agency, as nested in other objects."""

    class Meta:
        model = Agency
        fields = Agency.PUBLIC_FIELDS


class RecommendationSerializer(serializers.ModelSerializer):
    """One row of the public list: the recommendation's public fields and its owners."""

    review = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    owners = serializers.SerializerMethodField()
    lead_owner = serializers.SerializerMethodField()
    current_status_label = serializers.CharField(source="get_current_status_display")
    response_label = serializers.CharField(source="get_response_display")

    class Meta:
        model = Recommendation
        fields = (
            "id",
            "review",
            *Recommendation.PUBLIC_FIELDS,
            "current_status_label",
            "response_label",
            "owners",
            "lead_owner",
        )

    def get_owners(self, recommendation):
        # Reads the prefetched ownerships: no query per row.
        return [AgencySummarySerializer(o.agency).data for o in recommendation.ownerships.all()]

    def get_lead_owner(self, recommendation):
        lead = recommendation.lead_owner
        return lead.slug if lead else None
