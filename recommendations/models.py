"""Recommendations, the agencies that own them, and their append-only status history.

These are the staff models. The public never reads them: the projector
(``public_data/projector.py``) copies what is public into the published store, and every public
page reads only that. ``PUBLIC_FIELDS`` names the columns the projector may copy.
"""

import calendar
import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from harris.statuses import Status

# Nothing more is expected of a recommendation in these statuses: it is never stale or overdue.
SETTLED_STATUSES = [*Status.closed(), Status.NOT_TAKEN_FORWARD]


class Role:
    """The staff roles: Django groups created by a migration, named here once."""

    EDITOR = "MOPAC editor"
    CONTRIBUTOR = "Agency contributor"
    REVIEWER = "Read-only reviewer"


# Without this permission a user sees only the recommendations their agencies own.
VIEW_ALL_AGENCIES = "recommendations.view_all_agencies"
PUBLISH_UPDATES = "recommendations.publish_statusupdate"


def sees_all_agencies(user):
    """Whether the user sees every agency's recommendations (editors, reviewers, superusers)."""
    return user.is_active and user.has_perm(VIEW_ALL_AGENCIES)


def months_before(date, months):
    """The same day ``months`` calendar months earlier (the month's last day if it is shorter)."""
    month_index = date.year * 12 + date.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(date.day, calendar.monthrange(year, month + 1)[1])
    return datetime.date(year, month + 1, day)


validate_recommendation_number = RegexValidator(
    r"^[0-9]+(\.[0-9]+)*[a-z]?$",
    "A recommendation number is digits as the document gives them, e.g. 12, 12a or 3.1.",
)


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

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recommendations:agency_detail", kwargs={"slug": self.slug})


def _stale(today):
    """The stale condition: open, and nothing published since the cutoff (nor, if it never had
    a published update, created since). Two index probes a row, not a subquery to compare."""
    cutoff = months_before(today or timezone.localdate(), settings.STALE_AFTER_MONTHS)
    since = datetime.datetime.combine(cutoff, datetime.time(), timezone.get_current_timezone())
    published = StatusUpdate.objects.published().filter(recommendation=OuterRef("pk"))
    return (
        ~Q(current_status__in=SETTLED_STATUSES)
        & ~Exists(published.filter(published_at__gte=since))
        & (Exists(published) | Q(created_at__lt=since))
    )


def _overdue(today):
    return ~Q(current_status__in=SETTLED_STATUSES) & Q(
        target_date__lt=today or timezone.localdate()
    )


class RecommendationQuerySet(models.QuerySet):
    """Query logic for recommendations."""

    def public(self):
        """Recommendations the public may see: everything but restricted items."""
        return self.filter(is_restricted=False)

    def resolved(self):
        """Those whose current status counts as done."""
        return self.filter(current_status__in=Status.closed())

    def visible_to(self, user):
        """What a staff user may see: everything, or only what their agencies own."""
        if not user.is_authenticated:
            return self.none()
        if sees_all_agencies(user):
            return self
        owned = RecommendationOwner.objects.filter(agency__memberships__user=user)
        return self.filter(pk__in=owned.values("recommendation"))

    def with_last_published(self):
        """Annotate ``last_published_at``: when its latest published update was published."""
        latest = (
            StatusUpdate.objects.published()
            .filter(recommendation=OuterRef("pk"))
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        return self.annotate(last_published_at=Subquery(latest))

    def stale(self, today=None):
        """Open recommendations with no published update (or, if they never had one, created)
        within ``settings.STALE_AFTER_MONTHS`` months."""
        return self.filter(_stale(today))

    def overdue(self, today=None):
        """Open recommendations whose target date has passed."""
        return self.filter(_overdue(today))

    def with_flags(self, today=None):
        """Annotate ``last_published_at`` and the ``is_stale`` and ``is_overdue`` flags."""

        def flag(condition):
            # SQL gives NULL, not false, where a compared date is missing (no target date).
            return Coalesce(
                models.ExpressionWrapper(condition, output_field=models.BooleanField()),
                Value(False),
            )

        return self.with_last_published().annotate(
            is_stale=flag(_stale(today)), is_overdue=flag(_overdue(today))
        )

    def with_drafts(self):
        """Annotate ``has_drafts``: whether it has updates awaiting publication."""
        drafts = StatusUpdate.objects.drafts().filter(recommendation=OuterRef("pk"))
        return self.annotate(has_drafts=Exists(drafts))

    def with_assessments(self):
        """Annotate ``owner_status`` and ``mopac_status``: the latest published status reported
        by the owner and assessed by MOPAC (None where there is none)."""
        annotations = {}
        for name, assessment in (
            ("owner_status", StatusUpdate.Assessment.OWNER),
            ("mopac_status", StatusUpdate.Assessment.MOPAC),
        ):
            latest = (
                StatusUpdate.objects.published()
                .filter(recommendation=OuterRef("pk"), assessment=assessment)
                .latest_first()
                .values("status")[:1]
            )
            annotations[name] = Subquery(latest)
        return self.annotate(**annotations)

    def assessments_differ(self):
        """Those whose owner's report and MOPAC's assessment give different statuses."""
        return (
            self.with_assessments()
            .exclude(owner_status=None)
            .exclude(mopac_status=None)
            .exclude(owner_status=F("mopac_status"))
        )


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
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Raised by every saved change; a form opened on an older version is refused.",
    )

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
    # What staff edit directly, in the admin and in spreadsheets, besides the review; the
    # services keep the rest.
    EDITED_FIELDS = (
        "number",
        "position",
        "section",
        "text",
        "response",
        "response_reason",
        "target_date",
        "is_restricted",
        "internal_notes",
    )

    objects = RecommendationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["review__published_on", "position"]
        permissions = [("view_all_agencies", "Can see every agency's recommendations")]
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
        # Redirects to its public page, named by review and number (see public_data/urls.py).
        return reverse("recommendations:old_detail", kwargs={"pk": self.pk})

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

    history = HistoricalRecords()

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

    history = HistoricalRecords()

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
        """Updates the public may know exist: published ones, and withheld ones (the projector
        keeps only their date and reason)."""
        return self.filter(
            publication__in=[StatusUpdate.Publication.PUBLISHED, StatusUpdate.Publication.WITHHELD]
        ).filter(recommendation__is_restricted=False)

    def drafts(self):
        return self.filter(publication=StatusUpdate.Publication.DRAFT)

    def latest_first(self):
        return self.order_by("-status_date", "-recorded_at", "-id")

    def visible_to(self, user):
        """Updates of the recommendations the user may see."""
        return self.filter(recommendation__in=Recommendation.objects.visible_to(user))

    def recorded_within(self, user):
        """Updates recorded by the user or by someone in one of their agencies (every update,
        for users who see all agencies): those whose staff-only detail the user may read."""
        if sees_all_agencies(user):
            return self
        colleagues = AgencyMembership.objects.filter(agency__memberships__user=user)
        return self.filter(Q(recorded_by=user) | Q(recorded_by__in=colleagues.values("user")))

    def with_staff_note_for(self, user):
        """Annotate ``staff_note``: the staff-only detail where the user may read it, else ""."""
        if sees_all_agencies(user):
            return self.annotate(staff_note=F("staff_detail"))
        readable = self.model.objects.recorded_within(user).filter(pk=OuterRef("pk"))
        return self.annotate(
            staff_note=models.Case(
                models.When(Exists(readable), then=F("staff_detail")),
                default=Value(""),
                output_field=models.TextField(),
            )
        )

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
    # Staff-only: never in PUBLIC_FIELDS. Marks an owner's report MOPAC recorded for an owning
    # agency that has no account, so it is never mistaken for the agency's own words.
    reported_on_behalf_of = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports_made_on_behalf",
        help_text="Staff only. The owning agency MOPAC recorded this owner's report for.",
    )

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
        "published_at",
    )

    objects = StatusUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-status_date", "-recorded_at", "-id"]
        get_latest_by = ["status_date", "recorded_at", "id"]
        permissions = [("publish_statusupdate", "Can publish or withhold status updates")]
        indexes = [
            # The latest published update of each recommendation (current status, status as
            # at a date) is an index probe, not a scan of the history.
            models.Index(
                "recommendation",
                "publication",
                models.F("status_date").desc(),
                models.F("recorded_at").desc(),
                models.F("id").desc(),
                name="update_latest_per_rec",
            ),
            # Feeds and "what changed" read the newest updates first.
            models.Index(
                models.F("status_date").desc(),
                models.F("recorded_at").desc(),
                models.F("id").desc(),
                name="update_newest_first",
            ),
            models.Index(fields=["published_at"], name="update_published_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(publication="withheld") | ~Q(withheld_reason=""),
                name="withheld_update_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(publication="published") | Q(published_at__isnull=False),
                name="published_update_has_publication_time",
            ),
            models.CheckConstraint(
                condition=Q(reported_on_behalf_of__isnull=True) | Q(assessment="owner"),
                name="on_behalf_only_for_owner_reports",
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


class AgencyMembership(models.Model):
    """Binds a staff user to an agency: an agency contributor sees and drafts updates only for
    the recommendations their agencies own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")

    history = HistoricalRecords()

    class Meta:
        ordering = ["agency__name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency"], name="membership_once_per_agency")
        ]

    def __str__(self):
        return f"{self.user} in {self.agency}"


class TargetDateChange(models.Model):
    """One move of a recommendation's target date, keeping the old date and the reason, so
    slipped deadlines stay visible. Append-only."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="target_date_changes"
    )
    old_date = models.DateField(null=True, blank=True, help_text="Blank when first set.")
    new_date = models.DateField(null=True, blank=True, help_text="Blank when the date was removed.")
    reason = models.TextField(
        blank=True, help_text="Public. Why the date moved; required once a date has been set."
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="target_date_changes",
    )
    changed_at = models.DateTimeField(default=timezone.now)

    PUBLIC_FIELDS = ("old_date", "new_date", "reason", "changed_at")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-changed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(old_date__isnull=True) | ~Q(reason=""),
                name="moved_target_date_has_reason",
            ),
        ]

    def __str__(self):
        return f"Target date {self.old_date or 'unset'} → {self.new_date or 'unset'}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise HistoryIsAppendOnly("Target date changes cannot be rewritten.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise HistoryIsAppendOnly("Target date changes cannot be deleted.")
