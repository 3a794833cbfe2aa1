"""State-changing actions on recommendations and their status history.

Every write to status goes through here, and so do staff edits of recommendations: the admin, the
import and the management commands all call these functions. Each locks the recommendation's
row, so concurrent writers take turns; each raises ``ValidationError`` with field messages on bad
input or on what the user's role does not allow, writing nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from public_data import version as public_version

from .models import (
    PUBLISH_UPDATES,
    Recommendation,
    RecommendationLink,
    RecommendationOwner,
    Status,
    StatusUpdate,
    TargetDateChange,
    sees_all_agencies,
)

STALE_EDIT_MESSAGE = (
    "Someone else saved a change to this recommendation after you opened it, so nothing you "
    "entered was saved. Reload the page to see their change, then make yours again."
)


class StaleEdit(ValidationError):
    """A change made from an out-of-date copy of a recommendation: someone saved in between."""


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


def lock_recommendation(pk, expected_version=None):
    """Lock a recommendation's row until the transaction ends and return it.

    With ``expected_version`` (the version a form was opened on), raise ``StaleEdit`` if anyone
    has saved a change since: the second of two concurrent edits is refused, never merged.
    """
    # The public data version's row first, which every public write locks too: writers that go
    # on to lock several recommendations (publishing a round) cannot deadlock with one another.
    public_version.bump()
    recommendation = Recommendation.objects.select_for_update().get(pk=pk)
    if expected_version is not None and recommendation.version != expected_version:
        raise StaleEdit(STALE_EDIT_MESSAGE, code="stale")
    return recommendation


def _bump_version(recommendation):
    Recommendation.objects.filter(pk=recommendation.pk).update(version=F("version") + 1)
    recommendation.version += 1


def check_target_date_change(old_date, new_date, reason):
    """Moving or removing a set target date needs a reason (setting the first one does not)."""
    if old_date is not None and old_date != new_date and not reason.strip():
        raise ValidationError(
            {
                "target_date_reason": "Say why the target date moves: the old date and your "
                "reason are kept and shown."
            }
        )


@transaction.atomic
def save_recommendation(
    recommendation, *, changed_by, expected_version=None, target_date_reason=""
):
    """Save staff changes to a recommendation's own fields, attributed to ``changed_by``.

    Refuses a change made from an out-of-date copy (``StaleEdit``) and logs a moved target date
    with its reason. The current status is the services' to keep, so a stored one is never
    overwritten from the copy.
    """
    change = None
    if recommendation.pk is not None:
        stored = lock_recommendation(recommendation.pk, expected_version)
        if stored.target_date != recommendation.target_date:
            check_target_date_change(
                stored.target_date, recommendation.target_date, target_date_reason
            )
            change = TargetDateChange(
                recommendation=stored,
                old_date=stored.target_date,
                new_date=recommendation.target_date,
                reason=target_date_reason.strip(),
                changed_by=changed_by,
            )
        recommendation.current_status = stored.current_status
        recommendation.current_status_date = stored.current_status_date
        recommendation.version = stored.version + 1
    recommendation._history_user = changed_by
    recommendation.save()
    if change is not None:
        change._history_user = changed_by
        change.save()
    return recommendation


@transaction.atomic
def set_owners(recommendation, *, lead, others, changed_by):
    """Make ``lead`` (an agency or None) and ``others`` exactly the recommendation's owners."""
    lock_recommendation(recommendation.pk)
    wanted = {agency.pk: agency == lead for agency in [*others, lead] if agency is not None}
    for ownership in list(recommendation.ownerships.all()):
        ownership._history_user = changed_by
        if ownership.agency_id not in wanted:
            ownership.delete()
        elif ownership.is_lead and not wanted[ownership.agency_id]:
            # The old lead steps down before the new one is set: one lead at most.
            ownership.is_lead = False
            ownership.save()
    existing = {o.agency_id: o for o in recommendation.ownerships.all()}
    for agency_pk, is_lead in wanted.items():
        ownership = existing.get(agency_pk) or RecommendationOwner(
            recommendation=recommendation, agency_id=agency_pk
        )
        if ownership.pk is None or ownership.is_lead != is_lead:
            ownership.is_lead = is_lead
            ownership._history_user = changed_by
            ownership.save()


def check_link(link):
    """Check a link against the rules the database holds it to; raise ``ValidationError`` with
    a message per field."""
    if (link.target_id is None) == (link.target_review_id is None):
        raise ValidationError(
            {"target": "Link either to one recommendation or to a whole review, not both."}
        )
    if link.target_id is not None and link.target_id == link.source_id:
        raise ValidationError({"target": "A recommendation cannot link to itself."})
    same = RecommendationLink.objects.filter(source=link.source_id, kind=link.kind).exclude(
        pk=link.pk
    )
    if link.target_id is not None and same.filter(target=link.target_id).exists():
        raise ValidationError({"target": "This link already exists."})
    if (
        link.target_review_id is not None
        and same.filter(target_review=link.target_review_id).exists()
    ):
        raise ValidationError({"target_review": "This link already exists."})


@transaction.atomic
def save_link(link, *, changed_by):
    """Add or change a link from a recommendation, attributed to ``changed_by``."""
    lock_recommendation(link.source_id)
    check_link(link)
    link._history_user = changed_by
    link.save()
    return link


@transaction.atomic
def delete_link(link, *, changed_by):
    """Remove a link; the audit trail keeps it."""
    lock_recommendation(link.source_id)
    link._history_user = changed_by
    link.delete()


def check_may_record(user, recommendation, update):
    """Refuse what the user's role does not allow. ``user`` None is the system (the loader and
    scripted imports), which may do anything."""
    if user is None:
        return
    errors = {}
    if not Recommendation.objects.visible_to(user).filter(pk=recommendation.pk).exists():
        errors["__all__"] = "You can record updates only for your agencies' recommendations."
    if update.publication != StatusUpdate.Publication.DRAFT and not user.has_perm(PUBLISH_UPDATES):
        errors["publication"] = "Only MOPAC editors publish or withhold updates: save a draft."
    if update.assessment == StatusUpdate.Assessment.MOPAC and not sees_all_agencies(user):
        errors["assessment"] = "Agency contributors report the owner's status, not MOPAC's."
    if errors:
        raise ValidationError(errors)


def validate_update(update, user=None):
    """Check an update against the history's rules and the user's role; raise
    ``ValidationError`` with every message, keyed by field."""
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
    checks = [
        # The database constraints back the rules above; their messages are the ones shown.
        lambda: update.full_clean(
            exclude=["recommendation", "recorded_by", "corrects", "source_review"],
            validate_constraints=False,
        ),
        lambda: check_may_record(user, update.recommendation, update),
    ]
    for check in checks:
        try:
            check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, " ".join(messages))
    if errors:
        raise ValidationError(errors)


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
    expected_version=None,
    reported_on_behalf_of=None,
):
    """Validate and append one update to a recommendation's history.

    A published update moves the recommendation's current status; drafts and withheld updates
    never do. ``published_at`` defaults to now; the loader passes the source document's date.
    ``recorded_by`` is held to their role (see ``check_may_record``). ``reported_on_behalf_of``
    marks an owner's report MOPAC records for an agency without an account.
    """
    # Lock the recommendation so concurrent updates append one at a time and the current
    # status always reflects the history.
    recommendation = lock_recommendation(recommendation.pk, expected_version)
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
        reported_on_behalf_of=reported_on_behalf_of,
    )
    if publication == StatusUpdate.Publication.PUBLISHED:
        update.published_at = published_at or timezone.now()
    validate_update(update, recorded_by)
    update._history_user = recorded_by
    update.save()
    if publication == StatusUpdate.Publication.PUBLISHED:
        refresh_current_status(recommendation)
    _bump_version(recommendation)
    return update


def _locked_draft(update, expected_version):
    lock_recommendation(update.recommendation_id, expected_version)
    stored = StatusUpdate.objects.select_for_update().get(pk=update.pk)
    if stored.publication != StatusUpdate.Publication.DRAFT:
        raise ValidationError(
            {
                "publication": f"This update is already {stored.get_publication_display().lower()}"
                " and cannot change: record a new update that corrects it."
            }
        )
    return stored


def check_may_edit_draft(user, update):
    """Contributors change only drafts recorded within their agencies."""
    if user is None or user.has_perm(PUBLISH_UPDATES):
        return
    if not StatusUpdate.objects.recorded_within(user).filter(pk=update.pk).exists():
        raise ValidationError("You can change only drafts recorded by your agencies.")


@transaction.atomic
def edit_draft(update, *, changed_by, expected_version=None):
    """Save changes to a draft (``update`` carries the new values; it stays a draft)."""
    _locked_draft(update, expected_version)
    check_may_edit_draft(changed_by, update)
    update.publication = StatusUpdate.Publication.DRAFT
    validate_update(update, changed_by)
    update._history_user = changed_by
    update.save()
    _bump_version(update.recommendation)
    return update


@transaction.atomic
def publish_update(
    update,
    *,
    published_by,
    publication=StatusUpdate.Publication.PUBLISHED,
    withheld_reason="",
    expected_version=None,
):
    """Publish a draft, or withhold it with a public reason. Publishing moves the current
    status; published and withheld updates never change again."""
    update = _locked_draft(update, expected_version)
    if publication == StatusUpdate.Publication.DRAFT:
        raise ValidationError({"publication": "Choose published or withheld."})
    update.publication = publication
    update.withheld_reason = withheld_reason
    if publication == StatusUpdate.Publication.PUBLISHED:
        update.published_at = timezone.now()
    validate_update(update, published_by)
    update._history_user = published_by
    update.save()
    if publication == StatusUpdate.Publication.PUBLISHED:
        refresh_current_status(update.recommendation)
    _bump_version(update.recommendation)
    return update
