"""factory-boy factories for test data that is not about the real documents."""

import datetime

import factory
from django.contrib.auth import get_user_model

from recommendations.models import (
    Agency,
    AgencyMembership,
    Recommendation,
    RecommendationLink,
    RecommendationOwner,
    Role,
    Status,
)
from reviews.models import Review


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"officer{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    title = factory.Sequence(lambda n: f"Review number {n}")
    short_name = factory.Sequence(lambda n: f"Review {n}")
    slug = factory.Sequence(lambda n: f"review-{n}")
    kind = Review.Kind.INDEPENDENT_REVIEW
    author_body = "An independent reviewer"
    published_on = datetime.date(2016, 10, 1)
    stated_recommendation_count = 10
    summary = "A review used in tests."


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    abbreviation = factory.Sequence(lambda n: f"A{n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    sector = Agency.Sector.LONDON


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    review = factory.SubFactory(ReviewFactory)
    position = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda rec: str(rec.position))
    text = factory.Sequence(lambda n: f"Recommendation text {n}.")
    section = "A section"
    current_status = Status.NOT_ASSESSED


class RecommendationOwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationOwner

    recommendation = factory.SubFactory(RecommendationFactory)
    agency = factory.SubFactory(AgencyFactory)
    is_lead = False


class RecommendationLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecommendationLink

    source = factory.SubFactory(RecommendationFactory)
    kind = RecommendationLink.Kind.FOLLOWS_UP
    target = factory.SubFactory(RecommendationFactory)


LEAK_PREFIX = "LEAKMARKER"


class AgencyMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyMembership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)


def staff_user(role=None, agencies=(), **values):
    """A staff user in the group of ``role`` (a ``recommendations.models.Role`` name), a member
    of ``agencies``. Without a role, a superuser."""
    from django.contrib.auth.models import Group

    if role is None:
        values.update(is_superuser=True)
    user = UserFactory(**values)
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    for agency in agencies:
        AgencyMembershipFactory(user=user, agency=agency)
    return user


def status_update(recommendation, **values):
    """Record an update through the services: published "In progress" unless told otherwise."""
    from recommendations import services
    from recommendations.models import StatusUpdate

    values.setdefault("status", Status.IN_PROGRESS)
    values.setdefault("status_date", datetime.date(2024, 1, 15))
    values.setdefault("narrative", "Work is under way.")
    values.setdefault("publication", StatusUpdate.Publication.PUBLISHED)
    return services.record_status_update(recommendation=recommendation, **values)


def plant_markers():
    """Public and staff-only data side by side, with a unique marker in every staff-only place.

    Every marker starts with ``LEAK_PREFIX``, so a test can assert that no public response
    contains it. Returns the objects public URLs need and the markers planted.
    """
    from recommendations import services
    from recommendations.models import StatusUpdate

    markers = {
        name: f"{LEAK_PREFIX}-{name}"
        for name in (
            "internal-notes",
            "staff-detail",
            "draft-narrative",
            "draft-staff-detail",
            "withheld-narrative",
            "withheld-staff-detail",
            "restricted-text",
            "restricted-section",
            "restricted-update",
            "restricted-notes",
            "link-from-restricted",
            "link-to-restricted",
            "officer-name",
        )
    }
    officer = staff_user(
        Role.EDITOR, username=markers["officer-name"], first_name=markers["officer-name"]
    )
    review = ReviewFactory(slug="public-review")
    agency = AgencyFactory(slug="public-agency")
    public = RecommendationFactory(
        review=review, text="Harbourquay public text.", internal_notes=markers["internal-notes"]
    )
    RecommendationOwnerFactory(recommendation=public, agency=agency, is_lead=True)
    restricted = RecommendationFactory(
        review=review,
        text=f"Zanzibarquux {markers['restricted-text']}",
        section=markers["restricted-section"],
        internal_notes=markers["restricted-notes"],
        is_restricted=True,
    )
    RecommendationOwnerFactory(recommendation=restricted, agency=agency)
    RecommendationLinkFactory(
        source=restricted, target=public, note=markers["link-from-restricted"]
    )
    RecommendationLinkFactory(source=public, target=restricted, note=markers["link-to-restricted"])

    def record(recommendation, publication, narrative, staff_detail, **values):
        return services.record_status_update(
            recommendation=recommendation,
            status=values.pop("status", Status.IN_PROGRESS),
            status_date=datetime.date(2024, 1, 15),
            narrative=narrative,
            publication=publication,
            staff_detail=staff_detail,
            recorded_by=officer,
            **values,
        )

    Publication = StatusUpdate.Publication
    published = record(
        public, Publication.PUBLISHED, "Harbourquay progress.", markers["staff-detail"]
    )
    record(
        public,
        Publication.DRAFT,
        markers["draft-narrative"],
        markers["draft-staff-detail"],
        status=Status.NOT_TAKEN_FORWARD,
    )
    record(
        public,
        Publication.WITHHELD,
        markers["withheld-narrative"],
        markers["withheld-staff-detail"],
        withheld_reason="Withheld for its sensitive content.",
    )
    record(restricted, Publication.PUBLISHED, markers["restricted-update"], "")
    return {
        "markers": markers,
        "review": review,
        "agency": agency,
        "public": public,
        "restricted": restricted,
        "published_update": published,
    }


def public_url(recommendation):
    """The address of a staff recommendation's public page (by review and number)."""
    from public_data.models import PublishedRecommendation

    record = PublishedRecommendation.objects.select_related("review")
    return record.get(source_id=recommendation.pk).get_absolute_url()
