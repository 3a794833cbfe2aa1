"""Pages of public lists: totals from the aggregates, else counted no further than the cap."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from public_data import paging
from public_data.models import PublishedRecommendation
from recommendations.models import Status
from tests.factories import RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

CAP = 3


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", CAP)


def matching(count):
    review = ReviewFactory()
    return [RecommendationFactory(review=review, text=f"A bridge, {n}.") for n in range(count)]


def count_line(response):
    html = response.content.decode()
    start = html.index('class="results-count"')
    return " ".join(html[start : html.index("</p>", start)].split())


def test_a_search_with_as_many_matches_as_the_cap_is_counted_exactly(client, small_cap):
    matching(CAP)
    response = client.get("/recommendations/?q=bridge")
    assert response.context["page"].paginator.count == CAP
    assert not response.context["page"].paginator.capped
    assert "<strong>3</strong> recommendations" in count_line(response)


def test_a_search_with_more_matches_than_the_cap_says_more_than(client, small_cap):
    matching(CAP + 2)
    response = client.get("/recommendations/?q=bridge")
    paginator = response.context["page"].paginator
    assert (paginator.count, paginator.capped) == (CAP, True)
    assert len(response.context["rows"]) == CAP
    assert "More than <strong>3</strong> recommendations match" in count_line(response)
    assert "Narrow the filters to see the rest." in count_line(response)


def test_a_page_past_the_cap_is_a_400_that_says_to_narrow_the_filters(client, small_cap):
    matching(CAP + 1)
    response = client.get("/recommendations/?q=bridge&page=2")
    assert response.status_code == 400
    assert "narrow the filters to reach the rest" in response.content.decode()
    body = client.get("/api/recommendations/?q=bridge&page=2").json()
    assert "narrow the filters to reach the rest" in body["errors"]["page"][0]["message"]


@pytest.mark.parametrize(("matches", "capped"), [(CAP, False), (CAP + 1, True)])
def test_the_api_says_whether_its_count_is_capped(client, small_cap, matches, capped):
    matching(matches)
    body = client.get("/api/recommendations/?q=bridge").json()
    assert (body["count"], body["count_capped"]) == (CAP, capped)
    assert len(body["results"]) == CAP


def test_a_list_the_aggregates_total_is_not_capped(client, small_cap):
    matching(CAP + 2)
    response = client.get("/recommendations/")
    assert (
        response.context["page"].paginator.count,
        response.context["page"].paginator.capped,
    ) == (CAP + 2, False)
    assert client.get("/api/recommendations/").json()["count_capped"] is False


def test_updates_since_a_date_are_counted_up_to_the_cap(client, small_cap):
    from recommendations import services

    recommendation = RecommendationFactory()
    for day in range(1, CAP + 3):
        services.record_status_update(
            recommendation=recommendation,
            status=Status.IN_PROGRESS,
            status_date=datetime.date(2024, 1, day),
            narrative="Work goes on.",
            publication="published",
        )
    response = client.get("/changes/?since=2024-01-01")
    assert "More than <strong>3</strong> updates since 1 January 2024" in count_line(response)
    assert client.get("/api/updates/?since=2024-01-01").json()["count_capped"] is True


@pytest.mark.parametrize("past", ["as_at=2020-01-01", "report=progress"])
def test_a_past_status_without_a_status_filter_is_totalled_from_the_aggregates(client, past):
    ReviewFactory(slug="progress", kind="progress_report")
    matching(2)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/recommendations/?{past}")
    assert response.context["page"].paginator.count == 2
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_a_page_of_ids_is_read_by_one_plain_slice_in_the_lists_order():
    recommendations = matching(7)
    queryset = PublishedRecommendation.objects.order_by("-position").values_list("pk", flat=True)
    paginator = paging.CountedPaginator(queryset, 3, total=7)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.page(2)
    expected = PublishedRecommendation.objects.filter(
        source_id__in=[r.pk for r in recommendations]
    ).order_by("-position")
    assert list(page.object_list) == [record.pk for record in expected][3:6]
    (query,) = queries.captured_queries
    assert "IN (SELECT" not in query["sql"].upper()


def test_a_page_of_rows_is_the_same_window_of_whole_rows():
    matching(7)
    queryset = PublishedRecommendation.objects.order_by("-position")
    page = paging.CountedPaginator(queryset, 3, total=7).page(3)
    assert [record.position for record in page.object_list] == [
        record.position for record in queryset
    ][6:]


@pytest.mark.django_db(transaction=True)
def test_a_deep_page_of_ids_is_the_same_window_read_from_the_held_ids(monkeypatch):
    from public_data.version import HeldPerVersion

    monkeypatch.setattr(paging, "DEEP_PAGE", 2)
    monkeypatch.setattr(paging, "held_ids", HeldPerVersion(limit=16))
    matching(10)
    queryset = PublishedRecommendation.objects.order_by("-position").values_list("pk", flat=True)
    every = list(queryset.all())

    def page(number):
        return list(paging.CountedPaginator(queryset, 3, total=len(every)).page(number))

    assert [page(number) for number in (2, 3, 4)] == [every[3:6], every[6:9], every[9:]]
    with CaptureQueriesContext(connection) as queries:
        assert page(3) == every[6:9]
    assert not [q for q in queries.captured_queries if "publishedrecommendation" in q["sql"]]
    # Held for this version only: a recommendation published next, listed first, moves the
    # deep pages on at once.
    RecommendationFactory(review=ReviewFactory(), position=10**6)
    now = list(queryset.all())
    assert now[1:] == every
    assert list(paging.CountedPaginator(queryset, 3, total=11).page(3)) == now[6:9]
