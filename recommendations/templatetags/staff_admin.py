"""Template tags of the staff admin: what the admin home asks staff to deal with."""

from django import template
from django.conf import settings
from django.urls import reverse

from recommendations.models import (
    Recommendation,
    RecommendationOwner,
    StatusUpdate,
    sees_all_agencies,
)

register = template.Library()


def needs_attention(user):
    """Drafts awaiting publication, and stale and overdue recommendations per owning agency
    (only the user's own agencies for agency contributors)."""
    recommendations = Recommendation.objects.visible_to(user)
    ownerships = RecommendationOwner.objects.filter(recommendation__in=recommendations)
    if not sees_all_agencies(user):
        ownerships = ownerships.filter(agency__memberships__user=user)
    changelist = reverse("admin:recommendations_recommendation_changelist")
    per_agency = {}
    for flag, flagged in (
        ("stale", Recommendation.objects.stale()),
        ("overdue", Recommendation.objects.overdue()),
    ):
        rows = ownerships.filter(recommendation__in=flagged.values("pk")).values_list(
            "agency_id", "agency__name"
        )
        for agency_id, name in rows:
            entry = per_agency.setdefault(agency_id, {"name": name, "stale": 0, "overdue": 0})
            entry[flag] += 1
            entry[f"{flag}_url"] = f"{changelist}?owners__id__exact={agency_id}&{flag}=yes"
    return {
        "stale_months": settings.STALE_AFTER_MONTHS,
        "drafts": StatusUpdate.objects.drafts().visible_to(user).count(),
        "drafts_url": reverse("admin:recommendations_statusupdate_changelist")
        + "?publication__exact=draft",
        "agencies": sorted(per_agency.values(), key=lambda entry: entry["name"]),
    }


@register.simple_tag(takes_context=True)
def attention(context):
    """``{% attention as attention %}``: ``needs_attention`` for the signed-in user, or None
    for users who cannot see recommendations."""
    user = context["request"].user
    if not user.has_perm("recommendations.view_recommendation"):
        return None
    return needs_attention(user)
