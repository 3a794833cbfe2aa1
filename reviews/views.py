"""Public pages about the reviews: each document, its counts and its recommendations."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from recommendations import selectors
from recommendations.caching import cached_aggregate
from recommendations.models import Recommendation
from recommendations.views import filtered_list_url

from .models import Review


@require_safe
def review_list(request):
    """Every document with its stated and loaded recommendation counts."""
    queryset = selectors.with_shown_status(Recommendation.objects.public())
    breakdowns = cached_aggregate(
        "reviews", (), lambda: selectors.breakdowns_by(queryset, "review_id")
    )
    reviews = [
        {
            "review": review,
            "chart": breakdowns.get(review.pk, []),
            "loaded": sum(row["count"] for row in breakdowns.get(review.pk, [])),
        }
        for review in Review.objects.select_related("follows_up")
    ]
    return render(request, "reviews/review_list.html", {"reviews": reviews})


@require_safe
def review_detail(request, slug):
    """One document: its summary, stated vs loaded counts, status split, recommendations."""
    review = get_object_or_404(Review.objects.select_related("follows_up"), slug=slug)
    recommendations = selectors.with_shown_status(
        selectors.public_recommendations().filter(review=review)
    ).order_by("position")
    chart = selectors.breakdowns_by(recommendations, "review_id").get(review.pk, [])
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "recommendations": selectors.with_assessments(recommendations),
            "chart": chart,
            "loaded": sum(row["count"] for row in chart),
            "list_url": filtered_list_url(request, review=review.slug),
            "follow_ups": review.follow_ups.all(),
            "updates_from_it": review.status_updates.public().count(),
        },
    )
