"""Review model rules."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from reviews.models import Review
from tests.factories import ReviewFactory

pytestmark = pytest.mark.django_db


def test_publication_date_shows_only_the_known_precision():
    month_only = ReviewFactory.build(
        published_on=datetime.date(2016, 10, 1), published_precision=Review.DatePrecision.MONTH
    )
    exact = ReviewFactory.build(published_on=datetime.date(2023, 4, 24))
    assert month_only.published_display == "October 2016"
    assert exact.published_display == "24 April 2023"


def test_a_review_cannot_follow_up_itself():
    review = ReviewFactory()
    review.follows_up = review
    with pytest.raises(IntegrityError), transaction.atomic():
        review.save()


def test_slugs_are_unique():
    ReviewFactory(slug="harris-2016")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewFactory(slug="harris-2016")
