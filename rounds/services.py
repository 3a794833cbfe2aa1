"""State changes of progress rounds, called by the admin and ``send_round_reminders``.

Each function takes keyword arguments only, runs in one transaction, locks the round's row so
changes take turns with publishing, and raises ``ValidationError`` (with field messages where a
form field is at fault) on bad input, on what the user's role does not allow, or on any change
to a closed round, writing nothing. ``None`` as the user is the system, which may do anything.
Status updates are written through ``recommendations.services``, never directly.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from public_data import projector
from recommendations import services as recommendation_services
from recommendations.models import PUBLISH_UPDATES, StatusUpdate, sees_all_agencies
from reviews.models import Review

from . import selectors
from .models import CLOSED_MESSAGE, ReminderSent, Round, RoundIsClosed, RoundItem

ADD_ROUND = "rounds.add_round"
CHANGE_ROUND = "rounds.change_round"
REPORT_AUTHOR = "MOPAC for the Mayor of London"
Assessment, Publication = StatusUpdate.Assessment, StatusUpdate.Publication


def _require(user, *perms, message):
    if user is not None and not user.has_perms(perms):
        raise ValidationError(message, code="permission")


def lock_round(round):
    """Lock an open round's row until the transaction ends and return it; refuse a closed one."""
    locked = Round.objects.select_for_update().get(pk=round.pk)
    if not locked.is_open:
        raise RoundIsClosed(CLOSED_MESSAGE, code="closed")
    return locked


def check_fields(*, title, deadline, today=None, check_deadline=True):
    """Refuse a blank or over-long title and a missing or past deadline."""
    today = today or timezone.localdate()
    errors = {}
    if not title.strip():
        errors["title"] = "Give the round a title, e.g. “Progress report 2027”."
    elif len(title.strip()) > Round._meta.get_field("title").max_length:
        errors["title"] = "Keep the title to 80 characters: it becomes the report's short name."
    if deadline is None:
        errors["deadline"] = "Give the date the owners' reports are due."
    elif check_deadline and deadline < today:
        errors["deadline"] = "The deadline cannot be in the past."
    if errors:
        raise ValidationError(errors)


def check_opening(*, title, reviews, deadline, today=None):
    """Refuse to open a round with bad fields, no reviews, or while another is open."""
    check_fields(title=title, deadline=deadline, today=today)
    if not reviews:
        raise ValidationError({"reviews": "Choose the review or reviews the round covers."})
    still_open = Round.objects.open().first()
    if still_open is not None:
        raise ValidationError(
            f"“{still_open}” is still open: publish it before opening another round."
        )


@transaction.atomic
def open_round(*, title, reviews, deadline, opened_by, today=None):
    """Open a round on ``reviews`` due by ``deadline``, with every open recommendation of
    those reviews in scope. Only one round is open at a time."""
    _require(opened_by, ADD_ROUND, message="Only MOPAC editors open rounds.")
    reviews = list(reviews)
    check_opening(title=title, reviews=reviews, deadline=deadline, today=today)
    round = Round(title=title.strip(), deadline=deadline, opened_by=opened_by)
    round._history_user = opened_by
    try:
        # A savepoint, so a concurrent opening that wins the race is reported, not a 500.
        with transaction.atomic():
            round.save()
    except IntegrityError as error:
        raise ValidationError("Another round was opened meanwhile: reload the page.") from error
    round.reviews.set(reviews)
    items = [
        RoundItem(round=round, recommendation=recommendation)
        for recommendation in selectors.default_scope(reviews).only("pk")
    ]
    bulk_create_with_history(items, RoundItem, default_user=opened_by, batch_size=500)
    return round


@transaction.atomic
def edit_round(*, round, title, deadline, changed_by, today=None):
    """Change an open round's title or deadline (a moved deadline may not be in the past)."""
    _require(changed_by, CHANGE_ROUND, message="Only MOPAC editors change rounds.")
    locked = lock_round(round)
    check_fields(
        title=title, deadline=deadline, today=today, check_deadline=deadline != locked.deadline
    )
    locked.title, locked.deadline = title.strip(), deadline
    locked._history_user = changed_by
    locked.save()
    return locked


@transaction.atomic
def add_to_scope(*, round, recommendations, added_by):
    """Put recommendations in an open round's scope; returns how many were not already in."""
    _require(added_by, CHANGE_ROUND, message="Only MOPAC editors change a round's scope.")
    locked = lock_round(round)
    present = set(locked.items.values_list("recommendation_id", flat=True))
    added = 0
    for recommendation in recommendations:
        if recommendation.pk in present:
            continue
        item = RoundItem(round=locked, recommendation=recommendation, added_by=added_by)
        item._history_user = added_by
        item.save()
        present.add(recommendation.pk)
        added += 1
    return added


@transaction.atomic
def remove_from_scope(*, round, recommendations, removed_by):
    """Take recommendations out of an open round's scope; their reports stay in the history."""
    _require(removed_by, CHANGE_ROUND, message="Only MOPAC editors change a round's scope.")
    locked = lock_round(round)
    removed = 0
    for item in locked.items.filter(recommendation__in=[r.pk for r in recommendations]):
        item._history_user = removed_by
        item.delete()
        removed += 1
    return removed


def _in_scope(round, recommendation):
    if not round.items.filter(recommendation=recommendation.pk).exists():
        raise ValidationError("That recommendation is not in this round.")


def _record_draft(*, recommendation, assessment, recorded_by, values, narrative, **extra):
    """A round's draft update (an owner's report or MOPAC's assessment) through the one
    service that appends to the history."""
    return recommendation_services.record_status_update(
        recommendation=recommendation,
        narrative=narrative.strip(),
        assessment=assessment,
        publication=Publication.DRAFT,
        recorded_by=recorded_by,
        **values,
        **extra,
    )


@transaction.atomic
def record_owner_report(
    *,
    round,
    recommendation,
    recorded_by,
    status,
    status_date,
    narrative,
    staff_detail="",
    on_behalf_of=None,
):
    """Record the owner's report on a recommendation in an open round, as a draft.

    Contributors report for their own agencies. MOPAC staff report only on behalf of an owning
    agency (``on_behalf_of``) that has no account, and the report is marked as such.
    """
    locked = lock_round(round)
    _in_scope(locked, recommendation)
    if not narrative.strip():
        raise ValidationError({"narrative": "Say what has been done since the last report."})
    mopac = recorded_by is not None and sees_all_agencies(recorded_by)
    if on_behalf_of is not None:
        if recorded_by is not None and not mopac:
            raise ValidationError({"on_behalf_of": "Only MOPAC reports on an agency's behalf."})
        if not recommendation.ownerships.filter(agency=on_behalf_of).exists():
            raise ValidationError({"on_behalf_of": "Choose an agency that owns it."})
    elif mopac:
        raise ValidationError({"on_behalf_of": "Choose the owning agency you are reporting for."})
    return _record_draft(
        recommendation=recommendation,
        assessment=Assessment.OWNER,
        recorded_by=recorded_by,
        values={"status": status, "status_date": status_date, "staff_detail": staff_detail},
        narrative=narrative,
        reported_on_behalf_of=on_behalf_of,
    )


@transaction.atomic
def record_assessment(
    *, round, recommendation, recorded_by, status, status_date, narrative, staff_detail=""
):
    """Record MOPAC's assessment of a recommendation in an open round, as a draft that
    publishing the round publishes; a second call revises the round's draft."""
    locked = lock_round(round)
    _in_scope(locked, recommendation)
    if recorded_by is not None and not sees_all_agencies(recorded_by):
        raise ValidationError("Only MOPAC staff assess recommendations.")
    if not narrative.strip():
        raise ValidationError({"narrative": "Give the public narrative: it will be published."})
    draft = selectors.latest_assessment(locked, recommendation)
    if draft is None:
        return _record_draft(
            recommendation=recommendation,
            assessment=Assessment.MOPAC,
            recorded_by=recorded_by,
            values={"status": status, "status_date": status_date, "staff_detail": staff_detail},
            narrative=narrative,
        )
    draft.status, draft.status_date = status, status_date
    draft.narrative, draft.staff_detail = narrative.strip(), staff_detail
    return recommendation_services.edit_draft(draft, changed_by=recorded_by)


def unique_report_slug(title):
    """A slug for the new report from the round's title, not used by any review yet."""
    max_length = Review._meta.get_field("slug").max_length
    base = slugify(title)[: max_length - 4].strip("-") or "progress-report"
    slug, number = base, 2
    while Review.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def default_summary(round):
    """The public summary a published round's report gets unless the editor writes one."""
    names = ", ".join(review.short_name for review in round.reviews.order_by("published_on"))
    return (
        f"MOPAC's assessment, for the Mayor of London, of progress on the open recommendations "
        f"of {names}, made after the owning agencies reported on each."
    )


@transaction.atomic
def publish_round(*, round, published_by, summary="", today=None):
    """Publish an open round as a new progress report and close it, all or nothing.

    The report follows up the covered review (the earliest, when there are several) and is
    dated today; every MOPAC assessment of the round is published with it as the source, so
    "status as published in" that report shows them and earlier reports do not change.
    """
    _require(
        published_by,
        CHANGE_ROUND,
        PUBLISH_UPDATES,
        message="Only MOPAC editors publish rounds.",
    )
    with projector.batch():  # every assessment projected once, with the report
        return _publish(
            locked=lock_round(round), published_by=published_by, summary=summary, today=today
        )


def _publish(*, locked, published_by, summary, today):
    drafts = list(selectors.assessments(locked).select_related("recommendation__review"))
    if not drafts:
        raise ValidationError("Nothing to publish: record MOPAC's assessment of at least one.")
    blank = [str(update.recommendation) for update in drafts if not update.narrative.strip()]
    if blank:
        raise ValidationError(
            "These assessments have no public narrative; add one first: " + "; ".join(blank)
        )
    report = Review(
        title=locked.title,
        short_name=locked.title,
        slug=unique_report_slug(locked.title),
        kind=Review.Kind.PROGRESS_REPORT,
        author_body=REPORT_AUTHOR,
        published_on=today or timezone.localdate(),
        follows_up=selectors.first_review(locked),
        summary=summary.strip() or default_summary(locked),
        data_note=(
            f"Published from the tracker's progress round: each owning agency reported, and "
            f"MOPAC's assessment of {len(drafts)} recommendation(s) is published here."
        ),
    )
    report._history_user = published_by
    report.save()
    for update in drafts:
        update.source_review = report
        recommendation_services.edit_draft(update, changed_by=published_by)
        recommendation_services.publish_update(update, published_by=published_by)
    locked.state, locked.closed_at, locked.report = Round.State.CLOSED, timezone.now(), report
    locked._history_user = published_by
    locked.save()
    return report


def reminder_message(*, round, user, kind, recommendations, today=None):
    """The reminder email for one contributor: their outstanding recommendations, the
    deadline, and where to report. Restricted texts stay in the tracker."""
    context = {
        "round": round,
        "user": user,
        "overdue": kind == ReminderSent.Kind.OVERDUE,
        "days_left": round.days_left(today),
        "recommendations": recommendations,
        "queue_url": settings.SITE_URL.rstrip("/") + reverse("admin:rounds_round_queue"),
    }
    subject = (
        f"Overdue: {len(recommendations)} owner's report(s) for {round.title}"
        if context["overdue"]
        else f"Due {round.deadline:%d %B %Y}: {len(recommendations)} owner's report(s) for "
        f"{round.title}"
    )
    body = render_to_string("rounds/reminder_email.txt", context)
    return EmailMessage(subject=subject, body=body, to=[user.email])


@transaction.atomic
def send_reminder(*, round, user, kind, recommendations, today=None):
    """Email one reminder and log it, in one transaction: the log row is written first (its
    unique constraint stops a concurrent run sending it too) and rolled back if sending fails,
    so a failed reminder is retried by the next run."""
    sent = ReminderSent(
        round=round,
        user=user,
        kind=kind,
        email=user.email,
        item_count=len(recommendations),
        sent_on=today or timezone.localdate(),
    )
    sent.save()
    message = reminder_message(
        round=round, user=user, kind=kind, recommendations=recommendations, today=today
    )
    message.send(fail_silently=False)
    return sent
