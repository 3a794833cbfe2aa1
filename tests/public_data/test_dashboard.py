"""The dashboard and the about page."""

import re

import pytest

pytestmark = pytest.mark.django_db


class TestDashboardWithRealData:
    def test_it_recomputes_over_two_thirds_from_the_history(self, client, real_data):
        response = client.get("/")
        claim = response.context["claim"]
        assert (claim["resolved"], claim["total"], claim["percent"]) == (85, 127, 67)
        assert claim["over_two_thirds"]
        assert b"85 of 127" in response.content
        assert b"over two thirds" in response.content

    def test_it_shows_stated_and_loaded_counts_for_every_review(self, client, real_data):
        rows = {row["review"].slug: row for row in client.get("/").context["reviews"]}
        assert {slug: row["loaded"] for slug, row in rows.items()} == {
            "harris-2016": 127,
            "progress-2017": 0,
            "refresh-2022": 0,
            "assembly-2023": 4,
        }
        assert rows["refresh-2022"]["review"].stated_recommendation_count == 294

    def test_the_chart_and_its_table_carry_the_same_numbers(self, client, real_data):
        response = client.get("/")
        harris = next(r for r in response.context["reviews"] if r["review"].slug == "harris-2016")
        counts = {row["status"]: row["count"] for row in harris["chart"]}
        assert sum(counts.values()) == 127
        html = re.sub(r"\s+", " ", response.content.decode())
        assert html.count("<svg") == 2  # the two reviews with recommendations loaded
        cell = f'>Not taken forward</a></th> <td class="numeric">{counts["not_taken_forward"]}</td>'
        assert cell in html

    def test_as_published_in_the_2017_report(self, client, real_data):
        response = client.get("/?report=progress-2017")
        harris = next(r for r in response.context["reviews"] if r["review"].slug == "harris-2016")
        counts = {row["status"]: row["count"] for row in harris["chart"]}
        assert counts == {
            "resolved": 73,
            "resolved_other_means": 12,
            "in_progress": 42,
            "not_taken_forward": 0,
            "awaiting_response": 0,
            "not_assessed": 0,
        }

    def test_as_at_a_date_before_any_update(self, client, real_data):
        response = client.get("/?as_at=2017-01-01")
        harris = next(r for r in response.context["reviews"] if r["review"].slug == "harris-2016")
        assert {row["status"]: row["count"] for row in harris["chart"]}["not_assessed"] == 127

    def test_now_includes_the_press_release_updates(self, client, real_data):
        harris = next(
            r for r in client.get("/").context["reviews"] if r["review"].slug == "harris-2016"
        )
        assert {row["status"]: row["count"] for row in harris["chart"]}["not_taken_forward"] == 4


@pytest.mark.parametrize("query", ["as_at=2017-13-45", "as_at=yesterday", "report=nope"])
def test_bad_as_at_values_are_a_400_that_says_what_is_wrong(client, query):
    response = client.get(f"/?{query}")
    assert response.status_code == 400
    assert b"There is a problem" in response.content


def test_about_defines_every_status(client):
    from recommendations.models import Status

    html = client.get("/about/").content.decode()
    for status in Status:
        assert str(status.label) in html
        assert Status.description(status) in html
