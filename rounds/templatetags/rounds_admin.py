"""Template tags of the rounds admin: the open round on the admin home."""

from django import template
from django.urls import reverse

from recommendations.models import sees_all_agencies

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def open_round(context):
    """``{% open_round as round %}``: the open round as the signed-in user should see it on
    the admin home (their queue for contributors, the round's totals for MOPAC), or None."""
    user = context["request"].user
    round = selectors.current_round()
    if round is None or not user.has_perm("rounds.view_round"):
        return None
    summary = {"round": round, "queue_url": reverse("admin:rounds_round_queue")}
    if sees_all_agencies(user):
        summary["totals"] = selectors.totals(round)
        summary["awaiting_assessment"] = selectors.assessment_queue(round).count()
        summary["progress_url"] = reverse("admin:rounds_round_progress", args=[round.pk])
        summary["assessments_url"] = reverse("admin:rounds_round_assessments", args=[round.pk])
    else:
        summary["to_report"] = selectors.to_report(round, user).count()
    return summary
