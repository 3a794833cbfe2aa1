"""Every staff page runs the same number of SQL queries however much data there is."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from recommendations.models import Role, Status, StatusUpdate
from rounds import services as round_services
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
    staff_user,
    status_update,
)

pytestmark = pytest.mark.django_db

Publication = StatusUpdate.Publication


def add_data(review, agencies, count):
    """``count`` recommendations shared by the agencies, each with a published history, a
    withheld update and a draft."""
    for index in range(count):
        recommendation = RecommendationFactory(review=review)
        RecommendationOwnerFactory(recommendation=recommendation, agency=agencies[0], is_lead=True)
        RecommendationOwnerFactory(recommendation=recommendation, agency=agencies[1])
        day = datetime.date(2020, 1, 1) + datetime.timedelta(days=index)
        status_update(recommendation, status=Status.IN_PROGRESS, status_date=day)
        status_update(
            recommendation,
            status_date=day,
            publication=Publication.WITHHELD,
            withheld_reason="Sensitive.",
        )
        status_update(recommendation, status_date=day, publication=Publication.DRAFT)


def pages(recommendation, draft, round):
    recs = reverse("admin:recommendations_recommendation_changelist")
    updates = reverse("admin:recommendations_statusupdate_changelist")
    agency = recommendation.ownerships.first().agency_id
    return [
        reverse("admin:index"),
        recs,
        f"{recs}?owners__id__exact={agency}",
        f"{recs}?stale=yes",
        f"{recs}?overdue=no&drafts=yes",
        f"{recs}?q=recommendation",
        reverse("admin:recommendations_recommendation_change", args=[recommendation.pk]),
        reverse("admin:recommendations_recommendation_history", args=[recommendation.pk]),
        updates,
        f"{updates}?publication__exact=draft",
        reverse("admin:recommendations_statusupdate_add") + f"?recommendation={recommendation.pk}",
        reverse("admin:recommendations_statusupdate_change", args=[draft.pk]),
        reverse("admin:rounds_round_changelist"),
        reverse("admin:rounds_round_change", args=[round.pk]),
        reverse("admin:rounds_round_scope", args=[round.pk]),
        reverse("admin:rounds_round_progress", args=[round.pk]),
        reverse("admin:rounds_round_assessments", args=[round.pk]),
    ]


def query_counts(client, urls):
    """{url: queries} for each page, visited in turn after a first visit of them all (which
    fills the per-process caches, such as content types)."""
    for url in urls:
        client.get(url)
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


@pytest.mark.parametrize("role", [Role.EDITOR, Role.REVIEWER])
def test_staff_pages_run_a_constant_number_of_queries(role, login):
    agencies = [AgencyFactory(), AgencyFactory()]
    review = ReviewFactory()
    add_data(review, agencies, 3)
    user = staff_user(role, username="staff")
    editor = staff_user(Role.EDITOR, username="opener")
    round = round_services.open_round(
        title="Progress report 2027",
        reviews=[review],
        deadline=datetime.date.today() + datetime.timedelta(days=30),
        opened_by=editor,
    )
    recommendation = review.recommendations.first()
    draft = recommendation.updates.drafts().get()
    client = login(user)
    urls = pages(recommendation, draft, round)
    if role == Role.REVIEWER:
        urls = [url for url in urls if "/add/" not in url]
    before = query_counts(client, urls)
    add_data(review, agencies, 12)
    add_data(ReviewFactory(), [AgencyFactory(), AgencyFactory()], 5)
    assert query_counts(client, urls) == before


def test_a_contributor_s_pages_run_a_constant_number_of_queries(login):
    agencies = [AgencyFactory(), AgencyFactory()]
    review = ReviewFactory()
    add_data(review, agencies, 3)
    contributor = staff_user(Role.CONTRIBUTOR, agencies=[agencies[0]], username="contributor")
    recommendation = review.recommendations.first()
    recs = reverse("admin:recommendations_recommendation_changelist")
    updates = reverse("admin:recommendations_statusupdate_changelist")
    urls = [
        reverse("admin:index"),
        recs,
        f"{recs}?stale=yes",
        reverse("admin:recommendations_recommendation_change", args=[recommendation.pk]),
        updates,
        reverse("admin:recommendations_statusupdate_add") + f"?recommendation={recommendation.pk}",
    ]
    client = login(contributor)
    before = query_counts(client, urls)
    add_data(review, agencies, 12)
    add_data(ReviewFactory(), [AgencyFactory(), AgencyFactory()], 5)
    assert query_counts(client, urls) == before
