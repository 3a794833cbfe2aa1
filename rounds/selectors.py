"""Reads about progress rounds: scope, queues, per-agency progress, the publish preview and the
reminders due. Public pages read none of this.

A report or assessment belongs to a round when it was recorded while the round was open
(``round_updates``): the status history needs no link to rounds, and a later round never claims
an earlier round's reports.
"""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from recommendations.models import (
    SETTLED_STATUSES,
    AgencyMembership,
    Recommendation,
    RecommendationOwner,
    Status,
    StatusUpdate,
    sees_all_agencies,
)

from .models import Round

Assessment, Publication = StatusUpdate.Assessment, StatusUpdate.Publication


def current_round():
    """The open round, or None (there is at most one)."""
    return Round.objects.open().prefetch_related("reviews").first()


def default_scope(reviews):
    """The recommendations a new round covers by default: the reviews' open ones."""
    return Recommendation.objects.filter(review__in=reviews).exclude(
        current_status__in=SETTLED_STATUSES
    )


def round_updates(round):
    """Status updates recorded while the round was open."""
    updates = StatusUpdate.objects.filter(recorded_at__gte=round.opened_at)
    if round.closed_at is not None:
        updates = updates.filter(recorded_at__lte=round.closed_at)
    return updates


def owner_reports(round):
    """The owners' reports of the round (drafts or not; withheld ones count as reported)."""
    return round_updates(round).filter(
        assessment=Assessment.OWNER, recommendation__round_items__round=round
    )


def assessments(round):
    """MOPAC's assessments of the round: drafts while it is open (they are what publishing
    publishes), and those published in its report once it is closed."""
    updates = round_updates(round).filter(
        assessment=Assessment.MOPAC, recommendation__round_items__round=round
    )
    if round.report_id:
        return updates.filter(source_review=round.report_id, publication=Publication.PUBLISHED)
    return updates.filter(publication=Publication.DRAFT)


def scope(round):
    """The recommendations in the round, annotated ``reported`` and ``assessed``."""
    in_round = Recommendation.objects.filter(round_items__round=round)
    return in_round.annotate(
        reported=Exists(owner_reports(round).filter(recommendation=OuterRef("pk"))),
        assessed=Exists(assessments(round).filter(recommendation=OuterRef("pk"))),
    ).select_related("review")


def _own_agencies(queryset, user):
    """Those owned by the user's agencies (everything for those who see all agencies)."""
    queryset = queryset.filter(pk__in=Recommendation.objects.visible_to(user).values("pk"))
    if sees_all_agencies(user):
        return queryset
    owned = RecommendationOwner.objects.filter(agency__memberships__user=user)
    return queryset.filter(pk__in=owned.values("recommendation"))


def to_report(round, user):
    """The user's to-report queue: their agencies' recommendations in the round with no
    owner's report yet (every agency's, for MOPAC staff)."""
    return (
        _own_agencies(scope(round), user)
        .filter(reported=False)
        .prefetch_related("ownerships__agency")
        .order_by("review__published_on", "position")
    )


def reported_by_agencies(round, user):
    """The user's agencies' recommendations in the round that have been reported."""
    return (
        _own_agencies(scope(round), user)
        .filter(reported=True)
        .prefetch_related("ownerships__agency")
        .order_by("review__published_on", "position")
    )


def assessment_queue(round):
    """Recommendations reported in the round and not yet assessed by MOPAC."""
    return (
        scope(round)
        .filter(reported=True, assessed=False)
        .prefetch_related("ownerships__agency")
        .order_by("review__published_on", "position")
    )


def _counted(round):
    """Conditions for counting reported and assessed recommendations, as ``IN`` subqueries:
    filtering an aggregate on ``scope``'s ``Exists`` annotations counted nothing (Django 5.2
    on SQLite), so the counts do not rely on it."""
    return (
        Q(pk__in=owner_reports(round).values("recommendation")),
        Q(pk__in=assessments(round).values("recommendation")),
    )


def agency_progress(round):
    """Per owning agency: in scope, reported, assessed and outstanding (not yet reported).

    A recommendation counts under each of its owners; one report from any of them reports it.
    Recommendations with no owner are counted under None.
    """
    reported, assessed = _counted(round)
    rows = (
        Recommendation.objects.filter(round_items__round=round)
        .values("ownerships__agency", "ownerships__agency__name")
        .annotate(
            in_scope=Count("pk", distinct=True),
            reported_count=Count("pk", filter=reported, distinct=True),
            assessed_count=Count("pk", filter=assessed, distinct=True),
        )
        .order_by("ownerships__agency__name")
    )
    progress = [
        {
            "agency_id": row["ownerships__agency"],
            "name": row["ownerships__agency__name"] or "No owning agency",
            "in_scope": row["in_scope"],
            "reported": row["reported_count"],
            "assessed": row["assessed_count"],
            "outstanding": row["in_scope"] - row["reported_count"],
        }
        for row in rows
    ]
    # Agencies first by name, the unowned last.
    return sorted(progress, key=lambda row: (row["agency_id"] is None, row["name"]))


def totals(round):
    """The same four numbers for the whole round."""
    reported, assessed = _counted(round)
    counts = Recommendation.objects.filter(round_items__round=round).aggregate(
        in_scope=Count("pk"),
        reported=Count("pk", filter=reported),
        assessed=Count("pk", filter=assessed),
    )
    counts["outstanding"] = counts["in_scope"] - counts["reported"]
    return counts


def latest_owner_report(round, recommendation):
    """The newest owner's report of the round for a recommendation, or None."""
    return (
        owner_reports(round)
        .filter(recommendation=recommendation)
        .select_related("reported_on_behalf_of", "recorded_by")
        .latest_first()
        .first()
    )


def latest_assessment(round, recommendation):
    """MOPAC's newest assessment of the round for a recommendation, or None."""
    return assessments(round).filter(recommendation=recommendation).latest_first().first()


def publish_preview(round):
    """What publishing would make public: the assessments by status, how many are of restricted
    recommendations (published but never public), those with no narrative (which block
    publishing) and the recommendations in scope without an assessment."""
    drafts = assessments(round).select_related("recommendation__review")
    by_status = dict(
        drafts.order_by()
        .values_list("status")
        .annotate(total=Count("pk"))
        .values_list("status", "total")
    )
    unassessed = scope(round).filter(assessed=False).order_by("review__published_on", "position")
    return {
        "by_status": [
            {"status": status, "label": status.label, "count": by_status.get(status.value, 0)}
            for status in Status
            if by_status.get(status.value)
        ],
        "assessments": drafts.count(),
        "restricted": drafts.filter(recommendation__is_restricted=True).count(),
        "without_narrative": list(drafts.filter(narrative="")),
        "unassessed": unassessed,
        "unassessed_count": unassessed.count(),
        "follows_up": first_review(round),
        "several_reviews": round.reviews.count() > 1,
    }


def first_review(round):
    """The covered review a published round follows up: the earliest, when there are several."""
    return round.reviews.order_by("published_on", "slug").first()


def reminder_kind(round, today=None):
    """Which reminder is due today: due soon (within ROUND_REMINDER_DAYS of the deadline),
    overdue (past it), or None."""
    from django.conf import settings

    from .models import ReminderSent

    days_left = round.days_left(today or timezone.localdate())
    if days_left < 0:
        return ReminderSent.Kind.OVERDUE
    if days_left <= settings.ROUND_REMINDER_DAYS:
        return ReminderSent.Kind.DUE_SOON
    return None


def reminders_due(round, today=None):
    """[(user, kind, outstanding recommendations)] for each active contributor with an email
    address and outstanding items who has not had today's kind of reminder for this round."""
    kind = reminder_kind(round, today)
    if kind is None or not round.is_open:
        return []
    already = round.reminders.filter(kind=kind).values("user")
    members = (
        AgencyMembership.objects.filter(user__is_active=True)
        .exclude(user__email="")
        .exclude(user__in=already)
        .select_related("user")
        .order_by("user__username")
    )
    due, seen = [], set()
    for membership in members:
        user = membership.user
        # MOPAC staff who also belong to an agency are not contributors to remind.
        if user.pk in seen or sees_all_agencies(user):
            continue
        seen.add(user.pk)
        items = list(to_report(round, user))
        if items:
            due.append((user, kind, items))
    return due
