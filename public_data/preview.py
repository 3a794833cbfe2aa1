"""The staff preview: a recommendation's public page rendered from the projection of its
unpublished state, with the public page's own template, so it is exactly what publishing every
draft would show. Staff-only (the admin calls it); it reads the staff tables through the
projector, as the write path does."""

from django.shortcuts import render

from . import projector, views
from .models import PublishedRecommendation


def render_preview(request, recommendation_pk):
    """The response for the preview of the recommendation ``recommendation_pk``."""
    projection = projector.build([recommendation_pk], drafts=True).get(recommendation_pk)
    if projection is None:
        return render(request, "public_data/preview_restricted.html", status=200)
    record = projection.recommendation
    stored = PublishedRecommendation.objects.filter(source_id=recommendation_pk).first()
    if stored is not None:
        record.key = stored.key  # an unnumbered one keeps its place among the public ones
    other_ends = {end for link in projection.links for end in (link.source_id, link.target_id)}
    store = {
        other.source_id: other
        for other in PublishedRecommendation.objects.filter(source_id__in=other_ends)
        .exclude(source_id=recommendation_pk)
        .select_related("review")
    }
    store[recommendation_pk] = record
    outgoing, incoming = projector.resolve_links(projection, store)
    parts = {
        "owners": projection.owners,
        "timeline": projection.timeline,
        "target_date_changes": projection.target_date_changes,
        "outgoing_links": outgoing,
        "incoming_links": incoming,
    }
    context = {**views.recommendation_context(record, parts), "preview": True}
    return render(request, "public_data/recommendation_detail.html", context)
