"""The published store: everything an anonymous visitor or the API may read, and nothing else.

The projector (``projector.py``) writes these tables from the staff models in the same
transaction as every change to them; every public page, download, feed and API answer reads only
these tables. They hold public columns only, already redacted: restricted recommendations have
no row, drafts are absent, a withheld update is its date and public reason and nothing more.
Staff-only columns do not exist here, so no public query can select one.

``source_id`` columns hold the staff row a record was projected from. They exist for the
projector (and to redirect the old id-based URLs); no page, feed or API answer shows one.
"""

from django.db import models

from harris.links import cached_reverse
from harris.statuses import Status


class PublicDataVersion(models.Model):
    """The one row (pk 1) holding the current public data version (``version.py``)."""

    version = models.BigIntegerField()

    class Meta:
        verbose_name = "public data version"

    def __str__(self):
        return f"public data version {self.version}"


class PublishedReview(models.Model):
    """A review or report as the public sees it (documents are public as a whole)."""

    source_id = models.BigIntegerField(unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    short_name = models.CharField(max_length=80)
    kind = models.CharField(max_length=32)
    kind_label = models.CharField(max_length=80)
    author_body = models.CharField(max_length=200)
    published_on = models.DateField()
    published_precision = models.CharField(max_length=8)
    published_display = models.CharField(max_length=40)
    stated_recommendation_count = models.PositiveIntegerField(null=True)
    follows_up = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, related_name="follow_ups"
    )
    summary = models.TextField()
    data_note = models.TextField(blank=True)
    # Documents in publication order; recommendations copy it to sort without a join.
    rank = models.PositiveIntegerField(db_index=True)

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return self.short_name

    def get_absolute_url(self):
        return cached_reverse("reviews:detail", self.slug)


class PublishedAgency(models.Model):
    """An owning agency (every column of an agency is public)."""

    source_id = models.BigIntegerField(unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    abbreviation = models.CharField(max_length=20, blank=True)
    sector = models.CharField(max_length=32)
    sector_label = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return cached_reverse("recommendations:agency_detail", self.slug)


class PublishedRecommendation(models.Model):
    """A public recommendation with its current status, ready to list, filter and show."""

    source_id = models.BigIntegerField(unique=True)
    review = models.ForeignKey(
        PublishedReview, on_delete=models.CASCADE, related_name="recommendations"
    )
    review_rank = models.PositiveIntegerField()
    position = models.PositiveIntegerField()
    number = models.CharField(max_length=20, blank=True)
    # The last part of its URL: the number, or "unnumbered-N" by its place among the public
    # unnumbered recommendations of its review, so a gap never hints at a restricted one.
    key = models.CharField(max_length=40)
    text = models.TextField()
    section = models.CharField(max_length=200, blank=True)
    response = models.CharField(max_length=32)
    response_label = models.CharField(max_length=80)
    response_reason = models.TextField(blank=True)
    target_date = models.DateField(null=True)
    current_status = models.CharField(max_length=32, choices=Status.choices)
    current_status_date = models.DateField(null=True)
    # The latest published owner's report and MOPAC assessment, shown side by side where
    # they differ.
    owner_status = models.CharField(max_length=32, choices=Status.choices, blank=True)
    mopac_status = models.CharField(max_length=32, choices=Status.choices, blank=True)
    # The number and text in lower case: every search word must occur in it.
    search_text = models.TextField()

    class Meta:
        ordering = ["review_rank", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "key"], name="published_rec_key"),
        ]
        # Each ends with the id, so a page's ids are read from the index alone, however deep
        # the page (an index-only scan rather than a scan and sort of the table).
        indexes = [
            models.Index(
                fields=["review_rank", "position", "id"], name="published_rec_document_order"
            ),
            models.Index(
                fields=["current_status", "review_rank", "position", "id"],
                name="published_rec_status",
            ),
            models.Index(
                fields=["current_status_date", "review_rank", "position", "id"],
                name="published_rec_status_date",
            ),
            models.Index(
                fields=["section", "review_rank", "position", "id"], name="published_rec_section"
            ),
            # A search word may be a number: with the text's trigram index, a rare word is
            # found from the indexes rather than by reading every row.
            models.Index(fields=["number"], name="published_rec_number"),
        ]

    def __str__(self):
        return f"{self.review.short_name}: {self.label}"

    def get_absolute_url(self):
        return cached_reverse("recommendations:detail", self.review.slug, self.key)

    @property
    def label(self):
        return f"Recommendation {self.number}" if self.number else "Unnumbered recommendation"

    @property
    def reference(self):
        """Its stable public identifier: the review's slug and its key."""
        return f"{self.review.slug}/{self.key}"


class PublishedOwnership(models.Model):
    """An agency's ownership of a public recommendation."""

    recommendation = models.ForeignKey(
        PublishedRecommendation, on_delete=models.CASCADE, related_name="ownerships"
    )
    agency = models.ForeignKey(PublishedAgency, on_delete=models.CASCADE, related_name="ownerships")
    is_lead = models.BooleanField(default=False)
    # Copied so an agency's list sorts by document order on its own index.
    review_rank = models.PositiveIntegerField()
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["-is_lead", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "agency"], name="published_owner_once"
            ),
        ]
        indexes = [
            models.Index(
                fields=["agency", "review_rank", "position"], name="published_owner_agency"
            ),
        ]

    def __str__(self):
        return f"{self.agency} owns {self.recommendation}"


class PublishedTimelineEntry(models.Model):
    """One public entry of a recommendation's history: a published update, or a withheld one
    reduced to its date and the public reason (its status and narrative are not stored)."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        WITHHELD = "withheld", "Withheld"

    recommendation = models.ForeignKey(
        PublishedRecommendation, on_delete=models.CASCADE, related_name="timeline"
    )
    # A stable anchor and feed id that reveals nothing (not the staff row's id).
    anchor = models.CharField(max_length=32, unique=True)
    publication = models.CharField(max_length=16, choices=Kind.choices)
    status_date = models.DateField()
    # Newest first within a day, as the history orders them.
    sequence = models.PositiveIntegerField()
    withheld_reason = models.TextField(blank=True)
    # Empty for withheld entries.
    status = models.CharField(max_length=32, choices=Status.choices, blank=True)
    narrative = models.TextField(blank=True)
    assessment = models.CharField(max_length=16, blank=True)
    assessment_label = models.CharField(max_length=80, blank=True)
    source_review = models.ForeignKey(
        PublishedReview, on_delete=models.CASCADE, null=True, related_name="timeline_entries"
    )
    source_citation = models.CharField(max_length=300, blank=True)
    is_correction = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True)

    class Meta:
        ordering = ["-status_date", "-sequence"]
        indexes = [
            models.Index(
                "recommendation",
                "publication",
                models.F("status_date").desc(),
                models.F("sequence").desc(),
                name="published_entry_latest",
            ),
            models.Index(
                models.F("status_date").desc(),
                models.F("sequence").desc(),
                name="published_entry_newest",
            ),
            models.Index(fields=["published_at"], name="published_entry_published_at"),
        ]

    def __str__(self):
        return f"{self.recommendation}: {self.status_date}"

    def get_absolute_url(self):
        return f"{self.recommendation.get_absolute_url()}#update-{self.anchor}"

    @property
    def is_public_content(self):
        return self.publication == self.Kind.PUBLISHED


class PublishedLink(models.Model):
    """A typed link between two public recommendations, or to a whole review."""

    source = models.ForeignKey(
        PublishedRecommendation, on_delete=models.CASCADE, related_name="outgoing_links"
    )
    kind = models.CharField(max_length=16)
    kind_label = models.CharField(max_length=40)
    target = models.ForeignKey(
        PublishedRecommendation, on_delete=models.CASCADE, null=True, related_name="incoming_links"
    )
    target_review = models.ForeignKey(
        PublishedReview, on_delete=models.CASCADE, null=True, related_name="incoming_links"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self):
        return f"{self.source} {self.kind_label.lower()} {self.target or self.target_review}"


class PublishedTargetDateChange(models.Model):
    """A move of a public recommendation's target date, with its public reason."""

    recommendation = models.ForeignKey(
        PublishedRecommendation, on_delete=models.CASCADE, related_name="target_date_changes"
    )
    old_date = models.DateField(null=True)
    new_date = models.DateField(null=True)
    reason = models.TextField(blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"Target date {self.old_date or 'unset'} → {self.new_date or 'unset'}"


class PublishedCount(models.Model):
    """How many public recommendations have a current status, per review and per agency, and
    in total: the per-version aggregates behind every chart, facet and list total.

    An empty ``review``, ``agency`` or ``status`` means "any": the row ('', '', '') is the
    number of public recommendations. A recommendation owned by two agencies counts once under
    each agency, and once where the agency is any.
    """

    review = models.CharField(max_length=80, blank=True)
    agency = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=32, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "agency", "status"], name="published_count_once"
            ),
        ]
        # The unique index serves a fixed review; this one a fixed agency (the dashboard's
        # charts, where the agency is any, and an agency's facet counts), without reading
        # every count.
        indexes = [
            models.Index(fields=["agency", "status", "review"], name="published_count_by_agency")
        ]

    def __str__(self):
        return f"{self.review or '*'}/{self.agency or '*'}/{self.status or '*'}: {self.count}"


class PublishedStatusTally(models.Model):
    """How many of a review's public recommendations had a status as at a date (by their
    latest published update on or before it, "not yet assessed" before any): the per-version
    aggregate behind the dashboard's "as at" charts (``tallies.py``).

    One row for each date on which the number changes, holding the number from that date on;
    as at a date, the number is the one of the row with the latest ``since`` on or before it,
    or 0 if there is none. Every public recommendation counts as not yet assessed from
    ``datetime.date.min``.
    """

    review = models.ForeignKey(PublishedReview, on_delete=models.CASCADE, related_name="tallies")
    status = models.CharField(max_length=32, choices=Status.choices)
    since = models.DateField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Also the index that finds the row as at a date in one probe per review and status.
            models.UniqueConstraint(
                fields=["review", "status", "since"], name="published_tally_once"
            ),
        ]

    def __str__(self):
        return f"{self.review}/{self.status} from {self.since}: {self.count}"
