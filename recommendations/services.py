"""State-changing actions on the status history. Every write to status goes through here."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .models import Recommendation, Status, StatusUpdate


def current_status_of(recommendation):
    """The latest published update of a recommendation, or None if it has none."""
    return recommendation.updates.published().latest_first().first()


def refresh_current_status(recommendation):
    """Set the denormalised current status from the latest published update."""
    latest = current_status_of(recommendation)
    recommendation.current_status = latest.status if latest else Status.NOT_ASSESSED
    recommendation.current_status_date = latest.status_date if latest else None
    Recommendation.objects.filter(pk=recommendation.pk).update(
        current_status=recommendation.current_status,
        current_status_date=recommendation.current_status_date,
    )


@transaction.atomic
def record_status_update(
    *,
    recommendation,
    status,
    status_date,
    narrative="",
    publication=StatusUpdate.Publication.DRAFT,
    assessment=StatusUpdate.Assessment.MOPAC,
    source_review=None,
    source_citation="",
    withheld_reason="",
    staff_detail="",
    corrects=None,
    recorded_by=None,
    published_at=None,
):
    """Validate and append one update to a recommendation's history.

    A published update moves the recommendation's current status; drafts and withheld updates
    never do. ``published_at`` defaults to now; the loader passes the source document's date.
    Raises ``ValidationError`` with field messages on bad input, writing nothing.
    """
    # Lock the recommendation so concurrent updates append one at a time and the current
    # status always reflects the history.
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    update = StatusUpdate(
        recommendation=recommendation,
        status=status,
        status_date=status_date,
        narrative=narrative,
        publication=publication,
        assessment=assessment,
        source_review=source_review,
        source_citation=source_citation,
        withheld_reason=withheld_reason,
        staff_detail=staff_detail,
        corrects=corrects,
        recorded_by=recorded_by,
    )
    if publication == StatusUpdate.Publication.PUBLISHED:
        update.published_at = published_at or timezone.now()
    _validate(update)
    update.save()
    if publication == StatusUpdate.Publication.PUBLISHED:
        refresh_current_status(recommendation)
    return update


def _validate(update):
    errors = {}
    published = update.publication == StatusUpdate.Publication.PUBLISHED
    withheld = update.publication == StatusUpdate.Publication.WITHHELD
    if published and not update.narrative.strip():
        errors["narrative"] = "A published update needs a public narrative."
    if withheld and not update.withheld_reason.strip():
        errors["withheld_reason"] = "Say publicly why this update is withheld."
    if not withheld and update.withheld_reason.strip():
        errors["withheld_reason"] = "Only a withheld update has a reason for being withheld."
    if update.corrects_id and update.corrects.recommendation_id != update.recommendation_id:
        errors["corrects"] = "A correction must correct an update of the same recommendation."
    try:
        update.full_clean(exclude=["recommendation", "recorded_by", "corrects", "source_review"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)
