"""factory-boy factories for test data that is not about the real documents."""

import datetime

import factory
from django.contrib.auth import get_user_model

from recommendations.models import Agency, Recommendation, RecommendationOwner, Status
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
