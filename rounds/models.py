"""Progress rounds: which recommendations a round covers, and the reminders it has sent.

A round is open until it is published; then it is closed for good. The models refuse to save a
change to a closed round or its scope (the services check first and say why), and database
constraints keep a round's state, close time and report consistent and allow one open round.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class RoundIsClosed(ValidationError):
    """Raised on an attempt to change a closed (published) round or its scope."""


CLOSED_MESSAGE = "This round has been published and closed: it can no longer be changed."


class RoundQuerySet(models.QuerySet):
    """Query logic for rounds."""

    def open(self):
        """The open round, if any (there is at most one)."""
        return self.filter(state=Round.State.OPEN)


class Round(models.Model):
    """One round of progress reporting: owners report, MOPAC assesses, MOPAC publishes."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Published and closed"

    # Becomes the new report's short name, which is at most 80 characters.
    title = models.CharField(max_length=80, help_text="E.g. “Progress report 2027”. Public.")
    reviews = models.ManyToManyField(
        "reviews.Review",
        related_name="progress_rounds",
        help_text="The reviews whose open recommendations the round covers.",
    )
    deadline = models.DateField(help_text="When the owners' reports are due.")
    state = models.CharField(
        max_length=8, choices=State.choices, default=State.OPEN, editable=False, db_index=True
    )
    opened_at = models.DateTimeField(default=timezone.now, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="rounds_opened",
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    report = models.OneToOneField(
        "reviews.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="published_round",
        help_text="The progress report the round was published as.",
    )
    recommendations = models.ManyToManyField(
        "recommendations.Recommendation", through="RoundItem", related_name="rounds"
    )

    objects = RoundQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[reviews])

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = "progress round"
        constraints = [
            # Reports are "linked to the round" by when they were recorded, so two open rounds
            # covering one recommendation would claim the same report: one at a time.
            models.UniqueConstraint(
                fields=["state"], condition=Q(state="open"), name="one_open_round"
            ),
            models.CheckConstraint(
                condition=(
                    Q(state="open", closed_at__isnull=True, report__isnull=True)
                    | Q(state="closed", closed_at__isnull=False, report__isnull=False)
                ),
                name="closed_round_has_report_and_time",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = type(self).objects.filter(pk=self.pk).values_list("state", flat=True)
            if stored and stored[0] == self.State.CLOSED:
                raise RoundIsClosed(CLOSED_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        # A published round is the record of how its report was made.
        if type(self).objects.filter(pk=self.pk, state=self.State.CLOSED).exists():
            raise RoundIsClosed(CLOSED_MESSAGE)
        return super().delete(*args, **kwargs)

    @property
    def is_open(self):
        """Whether the round still takes reports, assessments and changes."""
        return self.state == self.State.OPEN

    def days_left(self, today=None):
        """Days until the deadline: negative once it has passed."""
        return (self.deadline - (today or timezone.localdate())).days


class RoundItem(models.Model):
    """One recommendation in a round's scope."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="items")
    recommendation = models.ForeignKey(
        "recommendations.Recommendation", on_delete=models.PROTECT, related_name="round_items"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank when the round took it in by default.",
    )
    added_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "recommendation in scope"
        verbose_name_plural = "recommendations in scope"
        constraints = [
            models.UniqueConstraint(
                fields=["round", "recommendation"], name="recommendation_once_per_round"
            )
        ]

    def __str__(self):
        return f"{self.recommendation} in {self.round}"

    def save(self, *args, **kwargs):
        self._refuse_if_closed()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._refuse_if_closed()
        return super().delete(*args, **kwargs)

    def _refuse_if_closed(self):
        if Round.objects.filter(pk=self.round_id, state=Round.State.CLOSED).exists():
            raise RoundIsClosed(CLOSED_MESSAGE)


class ReminderSent(models.Model):
    """A reminder emailed to one contributor about one round. Written in the same transaction
    as the send, so a failed send leaves no row and the next run tries again."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Deadline approaching"
        OVERDUE = "overdue", "Deadline passed"

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="round_reminders"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    email = models.EmailField(help_text="Where it was sent.")
    item_count = models.PositiveIntegerField(help_text="How many recommendations it listed.")
    sent_on = models.DateField(default=timezone.localdate)
    sent_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        constraints = [
            # Each contributor gets each kind of reminder once per round, however often (or
            # however concurrently) the command runs.
            models.UniqueConstraint(fields=["round", "user", "kind"], name="reminder_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.email} ({self.round})"
