"""Querysets compiled once per process and run with each call's values."""

import pytest

from harris.prepared import PreparedQuery
from public_data.models import PublishedRecommendation
from tests.factories import RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db


class CountingBuild:
    """A queryset builder that counts how often it is asked."""

    def __init__(self):
        self.calls = 0

    def __call__(self, *, review, number):
        self.calls += 1
        return PublishedRecommendation.objects.filter(review__slug=review, number=number)


def test_each_call_runs_with_its_own_values_and_the_queryset_is_built_once():
    first, second = ReviewFactory(slug="first"), ReviewFactory(slug="second")
    RecommendationFactory(review=first, number="1", text="First one.")
    RecommendationFactory(review=second, number="1", text="Second one.")
    RecommendationFactory(review=second, number="2", text="Second two.")
    build = CountingBuild()
    prepared = PreparedQuery(build, review=str, number=str)

    assert [r.text for r in prepared.raw(review="first", number="1")] == ["First one."]
    assert [r.text for r in prepared.raw(review="second", number="2")] == ["Second two."]
    assert list(prepared.raw(review="third", number="1")) == []
    assert build.calls == 1


def test_an_int_parameter_is_filled_in():
    recommendation = RecommendationFactory(number="7")
    record = PublishedRecommendation.objects.get(source_id=recommendation.pk)
    prepared = PreparedQuery(
        lambda *, review: PublishedRecommendation.objects.filter(review=review), review=int
    )
    assert [r.number for r in prepared.raw(review=record.review_id)] == ["7"]
    assert list(prepared.raw(review=record.review_id + 1000)) == []


def test_a_parameter_that_does_not_occur_exactly_once_is_refused():
    twice = PreparedQuery(
        lambda *, number: (
            PublishedRecommendation.objects.filter(number=number)
            | PublishedRecommendation.objects.filter(key=number)
        ),
        number=str,
    )
    with pytest.raises(ValueError, match="occurs 2 times"):
        twice.raw(number="1")
    unused = PreparedQuery(lambda *, number: PublishedRecommendation.objects.all(), number=str)
    with pytest.raises(ValueError, match="occurs 0 times"):
        unused.raw(number="1")


def test_a_parameter_is_an_int_or_a_str():
    prepared = PreparedQuery(lambda *, when: PublishedRecommendation.objects.all(), when=float)
    with pytest.raises(TypeError):
        prepared.raw(when=1.0)
