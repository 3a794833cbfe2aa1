"""The public recommendation, agency and changes pages."""

import datetime
import re

import pytest

from public_data.models import PublishedRecommendation
from public_data.projector import anchor
from recommendations import services
from recommendations.models import Recommendation, Status, StatusUpdate
from tests.factories import (
    AgencyFactory,
    RecommendationFactory,
    RecommendationOwnerFactory,
    ReviewFactory,
    public_url,
)

pytestmark = pytest.mark.django_db
Publication = StatusUpdate.Publication


def publish(recommendation, status, date, **values):
    values.setdefault("narrative", f"{status} narrative.")
    return services.record_status_update(
        recommendation=recommendation,
        status=status,
        status_date=date,
        publication=values.pop("publication", Publication.PUBLISHED),
        **values,
    )


def listed(response):
    """The staff recommendations whose public records the page lists, in its order (a page
    with the current status lists store ids, one with a past status store records)."""
    ids = [getattr(item, "pk", item) for item in response.context["page"].object_list]
    sources = dict(
        PublishedRecommendation.objects.filter(pk__in=ids).values_list("pk", "source_id")
    )
    return [Recommendation.objects.get(pk=sources[pk]) for pk in ids]


class TestList:
    def test_an_agency_sees_all_its_recommendations_across_reviews(self, client):
        agency, other = AgencyFactory(slug="met"), AgencyFactory()
        first = RecommendationOwnerFactory(agency=agency).recommendation
        second = RecommendationOwnerFactory(
            agency=agency, recommendation=RecommendationFactory(review=ReviewFactory())
        ).recommendation
        RecommendationOwnerFactory(agency=other)
        assert set(listed(client.get("/recommendations/?agency=met"))) == {first, second}

    def test_an_agency_list_is_in_document_order(self, client):
        agency = AgencyFactory(slug="met")
        later = ReviewFactory(published_on=datetime.date(2021, 1, 1))
        earlier = ReviewFactory(published_on=datetime.date(2016, 1, 1))

        def owned(review, position):
            recommendation = RecommendationFactory(review=review, position=position)
            RecommendationOwnerFactory(agency=agency, recommendation=recommendation)
            return recommendation

        in_later, second, first = owned(later, 1), owned(earlier, 2), owned(earlier, 1)
        RecommendationOwnerFactory(recommendation=second)  # a second owner changes nothing
        assert listed(client.get("/recommendations/?agency=met")) == [first, second, in_later]

    def test_filters_combine(self, client):
        agency = AgencyFactory(slug="met")
        wanted = RecommendationOwnerFactory(agency=agency).recommendation
        unwanted = RecommendationOwnerFactory(agency=agency).recommendation
        publish(wanted, Status.RESOLVED, datetime.date(2020, 1, 1))
        publish(unwanted, Status.IN_PROGRESS, datetime.date(2020, 1, 1))
        response = client.get("/recommendations/?agency=met&status=resolved")
        assert listed(response) == [wanted]

    def test_text_search_matches_every_word_and_numbers(self, client):
        match = RecommendationFactory(text="Protect the river Thames bridges.", number="75")
        RecommendationFactory(text="Protect the airports.")
        assert listed(client.get("/recommendations/?q=river+bridges")) == [match]
        assert match in listed(client.get("/recommendations/?q=75"))

    def test_section_filter(self, client):
        inside = RecommendationFactory(section="Other recommendations")
        RecommendationFactory(section="Aimed at the Mayor")
        assert listed(client.get("/recommendations/?section=Other+recommendations")) == [inside]

    def test_counts_per_option_count_with_the_other_filters(self, client):
        agency = AgencyFactory(slug="met", name="Met")
        for _ in range(3):
            RecommendationOwnerFactory(agency=agency)
        RecommendationOwnerFactory()
        page = client.get("/recommendations/?status=not_assessed").content.decode()
        assert '<option value="met">Met (3)</option>' in page
        assert '<option value="not_assessed" selected>Not yet assessed (4)</option>' in page

    def test_status_as_at_a_date_comes_from_the_dated_history(self, client):
        recommendation = RecommendationFactory()
        publish(recommendation, Status.IN_PROGRESS, datetime.date(2017, 10, 25))
        publish(recommendation, Status.RESOLVED, datetime.date(2020, 1, 1))
        then = client.get("/recommendations/?as_at=2018-01-01&status=in_progress")
        now = client.get("/recommendations/?status=in_progress")
        assert listed(then) == [recommendation]
        assert listed(now) == []

    def test_owner_report_and_mopac_assessment_both_listed_where_they_differ(self, client):
        differing, agreeing = RecommendationFactory(), RecommendationFactory()
        for recommendation, owner_says in (
            (differing, Status.RESOLVED),
            (agreeing, Status.IN_PROGRESS),
        ):
            publish(recommendation, owner_says, datetime.date(2024, 1, 1), assessment="owner")
            publish(recommendation, Status.IN_PROGRESS, datetime.date(2024, 2, 1))
        html = client.get("/recommendations/").content.decode()
        assert html.count("The owner reports") == 1
        assert "The owner reports Resolved; MOPAC assesses In progress." in html

    def test_sorting(self, client):
        review = ReviewFactory()
        first = RecommendationFactory(review=review, position=1)
        second = RecommendationFactory(review=review, position=2)
        assert listed(client.get("/recommendations/?ordering=-document")) == [second, first]

    def test_pagination_keeps_the_filters_in_the_links(self, client):
        agency = AgencyFactory(slug="met")
        for _ in range(55):
            RecommendationOwnerFactory(agency=agency)
        response = client.get("/recommendations/?agency=met")
        assert len(listed(response)) == 50
        assert b"?agency=met&amp;page=2" in response.content
        assert len(listed(client.get("/recommendations/?agency=met&page=2"))) == 5

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("agency=no-such-agency", "agency"),
            ("review=no-such-review", "review"),
            ("status=finished", "status"),
            ("as_at=2017-02-30", "as_at"),
            ("ordering=colour", "ordering"),
            ("q=" + "x" * 201, "q"),
            ("q=nul%00byte", "q"),
        ],
    )
    def test_bad_filter_values_are_a_400_naming_the_field(self, client, query, field):
        response = client.get(f"/recommendations/?{query}")
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert b"There is a problem" in response.content

    @pytest.mark.parametrize("page", ["0", "abc", "99", "-1", "%C2%B2", "%D9%A3", "9" * 5000])
    def test_bad_page_numbers_are_a_400(self, client, page):
        RecommendationFactory()
        response = client.get(f"/recommendations/?page={page}")
        assert response.status_code == 400
        assert b"That page number does not exist." in response.content


class TestDetail:
    def test_it_shows_text_owners_status_and_definition(self, client):
        ownership = RecommendationOwnerFactory(is_lead=True)
        recommendation = ownership.recommendation
        publish(recommendation, Status.RESOLVED_OTHER_MEANS, datetime.date(2017, 10, 25))
        html = client.get(public_url(recommendation)).content.decode()
        assert recommendation.text in html
        assert f"{ownership.agency.name}</a> (lead owner)" in html
        assert "Resolved by other means" in html
        assert Status.description(Status.RESOLVED_OTHER_MEANS) in html

    def test_the_timeline_shows_published_updates_with_their_source(self, client):
        recommendation = RecommendationFactory()
        source = ReviewFactory(title="The progress report")
        publish(
            recommendation, Status.IN_PROGRESS, datetime.date(2017, 10, 25), source_review=source
        )
        response = client.get(public_url(recommendation))
        assert b"The progress report" in response.content
        assert b"in_progress narrative." in response.content

    def test_a_withheld_update_shows_only_its_date_and_reason(self, client):
        recommendation = RecommendationFactory()
        publish(
            recommendation,
            Status.RESOLVED,
            datetime.date(2023, 9, 29),
            publication=Publication.WITHHELD,
            narrative="The secret response.",
            withheld_reason="Its content is sensitive.",
        )
        html = client.get(public_url(recommendation)).content.decode()
        assert "Update of 29 September 2023 withheld: Its content is sensitive." in html
        assert "The secret response." not in html
        assert "Resolved" not in html.split('id="timeline"')[1]

    def test_owner_report_and_mopac_assessment_shown_side_by_side_when_they_differ(self, client):
        recommendation = RecommendationFactory()
        publish(
            recommendation,
            Status.RESOLVED,
            datetime.date(2024, 1, 1),
            assessment=StatusUpdate.Assessment.OWNER,
        )
        publish(recommendation, Status.IN_PROGRESS, datetime.date(2024, 2, 1))
        response = client.get(public_url(recommendation))
        assert response.context["owner_view"].status == Status.RESOLVED
        assert response.context["mopac_view"].status == Status.IN_PROGRESS
        assert b"The owner's report and MOPAC's assessment differ" in response.content

    def test_agreeing_assessments_are_not_doubled(self, client):
        recommendation = RecommendationFactory()
        publish(recommendation, Status.RESOLVED, datetime.date(2024, 1, 1), assessment="owner")
        publish(recommendation, Status.RESOLVED, datetime.date(2024, 2, 1))
        response = client.get(public_url(recommendation))
        assert response.context["owner_view"] is None

    def test_links_to_related_recommendations_both_ways(self, client):
        from recommendations.models import RecommendationLink

        older, newer = RecommendationFactory(), RecommendationFactory()
        RecommendationLink.objects.create(source=newer, target=older, kind="follows_up")
        assert public_url(older).encode() in client.get(public_url(newer)).content
        assert public_url(newer).encode() in client.get(public_url(older)).content

    def test_the_real_2023_recommendation_links_to_the_refresh(self, client, real_data):
        from recommendations.models import Recommendation

        recommendation = Recommendation.objects.get(
            review__slug="assembly-2023", text__startswith="The London Ambulance Service"
        )
        html = client.get(public_url(recommendation)).content.decode()
        assert "Follows up" in html and "/reviews/refresh-2022/" in html
        assert "withheld: The Deputy Mayor for Policing and Crime responded" in html

    def test_unknown_recommendation_is_404(self, client):
        assert client.get("/recommendations/999999/").status_code == 404


class TestAgencies:
    def test_the_scorecard_splits_by_review_and_status(self, client):
        agency = AgencyFactory()
        review_a, review_b = ReviewFactory(), ReviewFactory()
        resolved = RecommendationOwnerFactory(
            agency=agency, recommendation=RecommendationFactory(review=review_a)
        ).recommendation
        RecommendationOwnerFactory(
            agency=agency, recommendation=RecommendationFactory(review=review_b)
        )
        publish(resolved, Status.RESOLVED, datetime.date(2020, 1, 1))
        response = client.get(agency.get_absolute_url())
        by_review = {row["review"].slug: row for row in response.context["reviews"]}
        counts_a = {r["status"]: r["count"] for r in by_review[review_a.slug]["chart"]}
        assert counts_a["resolved"] == 1
        assert response.context["total"] == 2

    def test_the_list_counts_each_agency(self, client):
        agency = AgencyFactory()
        RecommendationOwnerFactory.create_batch(2, agency=agency)
        rows = {row["agency"].slug: row for row in client.get("/agencies/").context["agencies"]}
        assert rows[agency.slug]["total"] == 2


class TestChanges:
    def test_updates_since_a_date(self, client):
        recommendation = RecommendationFactory()
        publish(
            recommendation,
            Status.IN_PROGRESS,
            datetime.date(2017, 10, 25),
            published_at=datetime.datetime(2017, 10, 25, tzinfo=datetime.UTC),
        )
        recent = publish(recommendation, Status.RESOLVED, datetime.date(2024, 3, 1))
        response = client.get("/changes/?since=2024-01-01")
        assert [entry.anchor for entry in response.context["updates"]] == [anchor(recent.pk)]

    def test_drafts_are_not_changes(self, client):
        publish(
            RecommendationFactory(),
            Status.RESOLVED,
            datetime.date(2024, 3, 1),
            publication=Publication.DRAFT,
        )
        assert list(client.get("/changes/?since=2024-01-01").context["updates"]) == []

    @pytest.mark.parametrize("since", ["bad", "2024-02-30", "99999-01-01"])
    def test_a_bad_date_is_a_400_with_a_message(self, client, since):
        response = client.get(f"/changes/?since={since}")
        assert response.status_code == 400
        assert b"Enter a real date in the format YYYY-MM-DD." in response.content


def test_a_slipped_target_date_stays_visible_with_its_reason(client):
    from tests.factories import staff_user

    recommendation = RecommendationFactory(target_date=datetime.date(2024, 3, 31))
    recommendation.target_date = datetime.date(2025, 3, 31)
    services.save_recommendation(
        recommendation,
        changed_by=staff_user("MOPAC editor"),
        target_date_reason="Funding was delayed.",
    )
    html = client.get(public_url(recommendation)).content.decode()
    assert "31 March 2025" in html
    assert "moved from 31 March 2024 to 31 March 2025 (Funding was delayed.)" in html


class TestAddresses:
    def test_a_page_is_named_by_its_review_and_number(self, client):
        recommendation = RecommendationFactory(review=ReviewFactory(slug="harris"), number="41")
        assert public_url(recommendation) == "/reviews/harris/recommendations/41/"
        assert client.get("/reviews/harris/recommendations/41/").status_code == 200

    def test_the_old_address_moves_permanently(self, client):
        recommendation = RecommendationFactory()
        response = client.get(f"/recommendations/{recommendation.pk}/")
        assert (response.status_code, response["Location"]) == (301, public_url(recommendation))

    def test_a_restricted_recommendation_has_no_address_old_or_new(self, client):
        recommendation = RecommendationFactory(review=ReviewFactory(slug="harris"), number="7")
        recommendation.is_restricted = True
        recommendation.save()
        assert client.get("/reviews/harris/recommendations/7/").status_code == 404
        assert client.get(f"/recommendations/{recommendation.pk}/").status_code == 404

    @pytest.mark.parametrize("key", ["41%00", "unnumbered-0", "~1", "41.", "x" * 500])
    def test_a_malformed_address_is_a_404(self, client, key):
        RecommendationFactory(review=ReviewFactory(slug="harris"), number="41")
        assert client.get(f"/reviews/harris/recommendations/{key}/").status_code == 404


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/recommendations/", 200),
        ("/changes/", 200),
        ("/", 200),
        ("/recommendations/?as_at=2017-02-30&agency=no-such-agency&q=nul%00" + "x" * 201, 400),
        ("/?as_at=2017-02-30", 400),
        ("/?report=no-such-report", 400),
        ("/changes/?since=2024-02-30", 400),
    ],
)
def test_every_description_a_control_names_is_on_the_page_once(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    described = [
        name for names in re.findall(r'aria-describedby="([^"]+)"', html) for name in names.split()
    ]
    for name in described:
        assert html.count(f'id="{name}"') == 1, name
    # Each error message, one per field in error, is named by its control.
    assert sorted(re.findall(r'id="([^"]+_error)"', html)) == sorted(
        name for name in described if name.endswith("_error")
    )
    assert bool(described) or status == 200
