"""The public review pages."""

import pytest

from tests.factories import RecommendationFactory, ReviewFactory, public_url

pytestmark = pytest.mark.django_db


def test_the_list_shows_stated_and_loaded_counts(client):
    review = ReviewFactory(stated_recommendation_count=12)
    RecommendationFactory.create_batch(3, review=review)
    rows = client.get("/reviews/").context["reviews"]
    assert [(row["review"].slug, row["loaded"]) for row in rows] == [(review.slug, 3)]


def test_the_detail_shows_the_summary_and_recommendations(client):
    review = ReviewFactory(summary="A summary of the review.")
    recommendation = RecommendationFactory(review=review, text="Do the right thing.")
    response = client.get(review.get_absolute_url())
    assert response.status_code == 200
    assert b"A summary of the review." in response.content
    (row,) = response.context["rows"]
    assert f'href="{public_url(recommendation)}"' in row
    assert "Do the right thing." in row


def test_the_refresh_says_honestly_that_its_texts_are_missing(client, real_data):
    response = client.get("/reviews/refresh-2022/")
    assert response.context["loaded"] == 0
    assert b"294" in response.content
    assert b"do not contain their texts" in response.content


def test_an_unknown_review_is_a_friendly_404(client):
    response = client.get("/reviews/no-such-review/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
