"""The documents the tracker follows: independent reviews, progress reports, committee reports."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Review(models.Model):
    """One published document that makes, or reports progress on, recommendations."""

    class Kind(models.TextChoices):
        INDEPENDENT_REVIEW = "independent_review", "Independent review"
        PROGRESS_REPORT = "progress_report", "Progress report"
        COMMITTEE_REPORT = "committee_report", "Committee report"

    class DatePrecision(models.TextChoices):
        DAY = "day", "Exact day"
        MONTH = "month", "Month only"

    title = models.CharField(max_length=300)
    short_name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, db_index=True)
    author_body = models.CharField(max_length=200)
    published_on = models.DateField(
        help_text="Publication date. When only the month is known, the first of the month."
    )
    published_precision = models.CharField(
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="Whether the source documents give the exact day or only the month.",
    )
    stated_recommendation_count = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How many recommendations the document itself says it makes (blank if none).",
    )
    follows_up = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_ups",
        help_text="The review this document follows up, if any.",
    )
    summary = models.TextField(help_text="Public summary of the document.")
    data_note = models.TextField(
        blank=True,
        help_text="Public note on what the tracker holds of this document and what is missing.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["published_on", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(follows_up=models.F("id")),
                name="review_does_not_follow_up_itself",
            ),
        ]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return reverse("reviews:detail", kwargs={"slug": self.slug})

    @property
    def published_display(self):
        """The publication date as precisely as the sources give it ("October 2016")."""
        if self.published_precision == self.DatePrecision.MONTH:
            return self.published_on.strftime("%B %Y")
        return f"{self.published_on.day} {self.published_on.strftime('%B %Y')}"
