"""Recommendations, the agencies that own them, and their append-only status history.

What the public may see is decided here, once: ``Recommendation.objects.public()`` and
``StatusUpdate.objects.public()`` are the only querysets public views use, and the
``PUBLIC_FIELDS`` tuples are the only fields they render.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


class Status(models.TextChoices):
    """Progress on a recommendation. Resolved and Resolved by other means follow the 2017 report."""

    RESOLVED = "resolved", "Resolved"
    RESOLVED_OTHER_MEANS = "resolved_other_means", "Resolved by other means"
    IN_PROGRESS = "in_progress", "In progress"
    NOT_TAKEN_FORWARD = "not_taken_forward", "Not taken forward"
    AWAITING_RESPONSE = "awaiting_response", "Awaiting response"
    NOT_ASSESSED = "not_assessed", "Not yet assessed"

    @classmethod
    def description(cls, value):
        """The public definition of a status, shown beside it on every page."""
        return STATUS_DESCRIPTIONS[cls(value)]

    @classmethod
    def closed(cls):
        """The statuses the 2017 report counts as done."""
        return [cls.RESOLVED, cls.RESOLVED_OTHER_MEANS]


STATUS_DESCRIPTIONS = {
    # Both "Resolved" definitions are the 2017 progress report's own words.
    Status.RESOLVED: (
        "A satisfactory amount of work has taken place to address the issues raised. Some "
        "activity may need to continue on an ongoing basis."
    ),
    Status.RESOLVED_OTHER_MEANS: (
        "Work has been carried out which achieves the same outcome as the recommendation, "
        "albeit not through the same means."
    ),
    Status.IN_PROGRESS: "Work is under way but the recommendation is not yet resolved.",
    Status.NOT_TAKEN_FORWARD: "The owner has declined to take the recommendation forward.",
    Status.AWAITING_RESPONSE: "The owner has not yet said whether or how it will act.",
    Status.NOT_ASSESSED: "No published assessment of progress yet.",
}


class Agency(models.Model):
    """A body that owns recommendations: a London body, a government department or other."""

    class Sector(models.TextChoices):
        LONDON = "london", "London body"
        CENTRAL_GOVERNMENT = "central_government", "Central government"
        NATIONAL = "national", "National body"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    abbreviation = models.CharField(max_length=20, blank=True)
    slug = models.SlugField(max_length=80, unique=True)
    sector = models.CharField(max_length=32, choices=Sector.choices, db_index=True)

    PUBLIC_FIELDS = ("name", "abbreviation", "slug", "sector")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recommendations:agency_detail", kwargs={"slug": self.slug})


class RecommendationQuerySet(models.QuerySet):
    """Query logic for recommendations."""

    def public(self):
        """Recommendations the public may see: everything but restricted items."""
        return self.filter(is_restricted=False)

    def resolved(self):
        """Those whose current status counts as done."""
        return self.filter(current_status__in=Status.closed())


class Recommendation(models.Model):
    """One recommendation as its document states it, with a denormalised current status."""

    class Response(models.TextChoices):
        ACCEPTED = "accepted", "Accepted"
        ACCEPTED_IN_PRINCIPLE = "accepted_in_principle", "Accepted in principle"
        NOT_ACCEPTED = "not_accepted", "Not accepted"
        NO_RESPONSE = "no_response", "No published response"

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="recommendations"
    )
    number = models.CharField(
        max_length=20,
        blank=True,
        help_text="As the document gives it. Blank for recommendations quoted without a number.",
    )
    position = models.PositiveIntegerField(help_text="Order within the document.")
    text = models.TextField()
    section = models.CharField(max_length=200, blank=True)
    owners = models.ManyToManyField(
        Agency, through="RecommendationOwner", related_name="recommendations"
    )
    response = models.CharField(
        max_length=32, choices=Response.choices, default=Response.NO_RESPONSE, db_index=True
    )
    response_reason = models.TextField(
        blank=True, help_text="Required when the recommendation is not accepted. Public."
    )
    target_date = models.DateField(null=True, blank=True)
    current_status = models.CharField(
        max_length=32,
        choices=Status.choices,
        default=Status.NOT_ASSESSED,
        db_index=True,
        editable=False,
        help_text="The status of the latest published update; kept by the services.",
    )
    current_status_date = models.DateField(null=True, blank=True, editable=False)

    # Staff-only: never in PUBLIC_FIELDS.
    internal_notes = models.TextField(blank=True, help_text="Staff only. Never shown publicly.")
    is_restricted = models.BooleanField(
        default=False,
        db_index=True,
        help_text="Staff only. The text of a restricted recommendation is never shown publicly.",
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    PUBLIC_FIELDS = (
        "number",
        "position",
        "text",
        "section",
        "response",
        "response_reason",
        "target_date",
        "current_status",
        "current_status_date",
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        ordering = ["review__published_on", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "number"],
                condition=~Q(number=""),
                name="recommendation_number_unique_per_review",
            ),
            models.UniqueConstraint(
                fields=["review", "position"], name="recommendation_position_unique_per_review"
            ),
            models.CheckConstraint(
                condition=~Q(response="not_accepted") | ~Q(response_reason=""),
                name="recommendation_not_accepted_has_reason",
            ),
        ]

    def __str__(self):
        label = f"Recommendation {self.number}" if self.number else "Unnumbered recommendation"
        return f"{self.review.short_name}: {label}"

    def get_absolute_url(self):
        return reverse("recommendations:detail", kwargs={"pk": self.pk})

    def clean(self):
        if self.response == self.Response.NOT_ACCEPTED and not self.response_reason.strip():
            raise ValidationError(
                {"response_reason": "Give the reason the owner stated for not accepting it."}
            )

    @property
    def lead_owner(self):
        """The lead owning agency, where the text makes one clear (else None)."""
        for ownership in self.ownerships.all():
            if ownership.is_lead:
                return ownership.agency
        return None


class RecommendationOwner(models.Model):
    """An agency's ownership of a recommendation; at most one owner is the lead."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="ownerships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="ownerships")
    is_lead = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_lead", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "agency"], name="owner_once_per_recommendation"
            ),
            models.UniqueConstraint(
                fields=["recommendation"],
                condition=Q(is_lead=True),
                name="one_lead_owner_per_recommendation",
            ),
        ]

    def __str__(self):
        return f"{self.agency} ({'lead' if self.is_lead else 'owner'})"


class RecommendationLink(models.Model):
    """A typed link from a recommendation to another recommendation or to a whole review."""

    class Kind(models.TextChoices):
        FOLLOWS_UP = "follows_up", "Follows up"
        REITERATES = "reiterates", "Reiterates"
        SUPERSEDES = "supersedes", "Supersedes"
        RELATED = "related", "Related to"

    source = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="outgoing_links"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    target = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="incoming_links",
    )
    target_review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incoming_links",
        help_text="Link to a whole review when no single recommendation is meant.",
    )
    note = models.CharField(max_length=300, blank=True, help_text="Public. Why they are linked.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target__isnull=False, target_review__isnull=True)
                    | Q(target__isnull=True, target_review__isnull=False)
                ),
                name="link_has_exactly_one_target",
            ),
            models.CheckConstraint(
                condition=~Q(target=models.F("source")), name="link_not_to_itself"
            ),
            models.UniqueConstraint(
                fields=["source", "kind", "target"],
                condition=Q(target__isnull=False),
                name="link_to_recommendation_once",
            ),
            models.UniqueConstraint(
                fields=["source", "kind", "target_review"],
                condition=Q(target_review__isnull=False),
                name="link_to_review_once",
            ),
        ]

    def __str__(self):
        target = self.target or self.target_review
        return f"{self.source} {self.get_kind_display().lower()} {target}"


class HistoryIsAppendOnly(ValidationError):
    """Raised on an attempt to rewrite or delete a published or withheld status update."""


class StatusUpdateQuerySet(models.QuerySet):
    """Query logic for the status history; deletes are refused to keep the history whole."""

    def published(self):
        return self.filter(publication=StatusUpdate.Publication.PUBLISHED)

    def public(self):
        """Updates the public may know exist: published ones, and withheld ones (date and
        reason only; views render withheld ones through ``public_narrative``)."""
        return self.filter(
            publication__in=[StatusUpdate.Publication.PUBLISHED, StatusUpdate.Publication.WITHHELD]
        ).filter(recommendation__is_restricted=False)

    def drafts(self):
        return self.filter(publication=StatusUpdate.Publication.DRAFT)

    def latest_first(self):
        return self.order_by("-status_date", "-recorded_at", "-id")

    def delete(self):
        raise HistoryIsAppendOnly("Status history is append-only: updates cannot be deleted.")


class StatusUpdate(models.Model):
    """One dated entry in a recommendation's status history. Append-only once not a draft."""

    class Publication(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        WITHHELD = "withheld", "Withheld"

    class Assessment(models.TextChoices):
        OWNER = "owner", "Reported by the owning agency"
        MOPAC = "mopac", "Assessed by MOPAC for the Mayor"

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="updates"
    )
    status = models.CharField(max_length=32, choices=Status.choices, db_index=True)
    status_date = models.DateField(help_text="The date this update speaks for.")
    narrative = models.TextField(blank=True, help_text="Public once published.")
    source_review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_updates",
        help_text="The document this update comes from, when it comes from a review.",
    )
    source_citation = models.CharField(
        max_length=300, blank=True, help_text="Any other public source (press release, letter)."
    )
    assessment = models.CharField(
        max_length=16, choices=Assessment.choices, default=Assessment.MOPAC, db_index=True
    )
    publication = models.CharField(
        max_length=16, choices=Publication.choices, default=Publication.DRAFT, db_index=True
    )
    withheld_reason = models.TextField(
        blank=True, help_text="Public reason an update is withheld. Required when withheld."
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The earlier update this one corrects.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="status_updates",
        help_text="Blank for updates loaded from the source documents.",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    # Staff-only: never in PUBLIC_FIELDS.
    staff_detail = models.TextField(blank=True, help_text="Staff only. Never shown publicly.")

    PUBLIC_FIELDS = (
        "status",
        "status_date",
        "narrative",
        "assessment",
        "publication",
        "withheld_reason",
        "source_citation",
    )

    objects = StatusUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-status_date", "-recorded_at", "-id"]
        get_latest_by = ["status_date", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(publication="withheld") | ~Q(withheld_reason=""),
                name="withheld_update_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(publication="published") | Q(published_at__isnull=False),
                name="published_update_has_publication_time",
            ),
        ]

    def __str__(self):
        return f"{self.get_status_display()} ({self.status_date:%d %b %Y})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("publication", flat=True)
            if stored and stored[0] != self.Publication.DRAFT:
                raise HistoryIsAppendOnly(
                    "Published and withheld updates cannot be changed; record a correction."
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HistoryIsAppendOnly("Status history is append-only: updates cannot be deleted.")

    @property
    def is_public_content(self):
        """Only published updates show their narrative; withheld ones show date and reason."""
        return self.publication == self.Publication.PUBLISHED

    @property
    def public_narrative(self):
        return self.narrative if self.is_public_content else ""
