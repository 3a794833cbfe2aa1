"""The real data: loaded from fixtures/, checked against the source documents, idempotent."""

import re
import shutil
from fractions import Fraction

import pytest
import yaml

from recommendations.loader import FixtureError, load_harris
from recommendations.models import (
    Agency,
    Recommendation,
    RecommendationLink,
    RecommendationOwner,
    Status,
    StatusUpdate,
)
from reviews.models import Review
from tests.conftest import REAL_FIXTURES

pytestmark = pytest.mark.django_db

MODELS = [Review, Agency, Recommendation, RecommendationOwner, RecommendationLink, StatusUpdate]


def snapshot():
    """Every row of every loaded table, for comparing the database before and after."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def derive_status(narrative):
    """Re-derive a 2017 status from the narrative's own words, independently of the fixture."""
    sentences = re.split(r"(?<=[.!?])\s+", narrative)
    claims = [s for s in sentences if re.search(r"\bresolved\b", s, re.IGNORECASE)]
    claims = [s for s in claims if not re.search(r"\bnot yet been resolved\b", s)]
    if any(re.search(r"resolved by other means", s, re.IGNORECASE) for s in claims):
        return Status.RESOLVED_OTHER_MEANS
    if claims:
        return Status.RESOLVED
    return Status.IN_PROGRESS


def progress_2017_updates():
    return StatusUpdate.objects.filter(source_review__slug="progress-2017")


class TestCounts:
    def test_the_four_reviews_with_their_stated_counts(self, real_data):
        stated = dict(Review.objects.values_list("slug", "stated_recommendation_count"))
        assert stated == {
            "harris-2016": 127,
            "progress-2017": None,
            "refresh-2022": 294,
            "assembly-2023": 12,
        }

    def test_recommendations_loaded_per_review(self, real_data):
        loaded = {review.slug: review.recommendations.count() for review in Review.objects.all()}
        assert loaded == {
            "harris-2016": 127,
            "progress-2017": 0,
            "refresh-2022": 0,
            "assembly-2023": 4,
        }

    def test_every_2016_number_is_present_once(self, real_data):
        numbers = Recommendation.objects.filter(review__slug="harris-2016").values_list(
            "number", flat=True
        )
        assert sorted(int(n) for n in numbers) == list(range(1, 128))

    def test_the_2016_recommendations_are_in_document_order(self, real_data):
        numbers = Recommendation.objects.filter(review__slug="harris-2016").values_list(
            "number", flat=True
        )
        assert [int(n) for n in numbers] == list(range(1, 128))

    def test_the_2023_recommendations_stay_unnumbered(self, real_data):
        numbers = set(
            Recommendation.objects.filter(review__slug="assembly-2023").values_list(
                "number", flat=True
            )
        )
        assert numbers == {""}

    def test_the_refresh_says_its_texts_are_not_loaded(self, real_data):
        refresh = Review.objects.get(slug="refresh-2022")
        assert "294" in refresh.data_note
        assert "not" in refresh.data_note and "loaded" in refresh.data_note


class TestStatuses:
    def test_every_2016_recommendation_has_its_2017_update(self, real_data):
        updates = progress_2017_updates()
        assert updates.count() == 127
        assert set(updates.values_list("status_date", flat=True)) == {
            Review.objects.get(slug="progress-2017").published_on
        }
        assert set(updates.values_list("publication", flat=True)) == {"published"}

    def test_statuses_match_the_narratives(self, real_data):
        mismatches = [
            (update.recommendation.number, update.status, derive_status(update.narrative))
            for update in progress_2017_updates().select_related("recommendation")
            if update.status != derive_status(update.narrative)
        ]
        assert mismatches == []

    def test_over_two_thirds_resolved_by_october_2017(self, real_data):
        updates = progress_2017_updates()
        resolved = updates.filter(status__in=Status.closed()).count()
        assert Fraction(resolved, updates.count()) > Fraction(2, 3)
        assert updates.filter(status=Status.RESOLVED).count() == 73
        assert updates.filter(status=Status.RESOLVED_OTHER_MEANS).count() == 12

    def test_current_status_is_the_latest_published_update(self, real_data):
        for recommendation in Recommendation.objects.prefetch_related("updates"):
            published = [u for u in recommendation.updates.all() if u.publication == "published"]
            expected = published[0].status if published else Status.NOT_ASSESSED
            assert recommendation.current_status == expected, recommendation

    def test_the_2023_response_is_withheld_with_its_reason(self, real_data):
        withheld = StatusUpdate.objects.filter(recommendation__review__slug="assembly-2023")
        assert withheld.count() == 4
        for update in withheld:
            assert update.publication == StatusUpdate.Publication.WITHHELD
            assert "sensitive content" in update.withheld_reason
            assert update.narrative == ""
        assert set(
            Recommendation.objects.filter(review__slug="assembly-2023").values_list(
                "current_status", flat=True
            )
        ) == {Status.NOT_ASSESSED}

    def test_government_items_not_taken_forward_cite_the_press_release(self, real_data):
        declined = StatusUpdate.objects.filter(status=Status.NOT_TAKEN_FORWARD)
        assert declined.exists()
        for update in declined:
            assert "press release, 25 October 2017" in update.source_citation
            assert update.recommendation.review.slug == "harris-2016"


class TestOwners:
    def test_every_recommendation_has_an_owner(self, real_data):
        assert not Recommendation.objects.filter(owners=None).exists()

    def test_the_named_bodies_own_the_2023_recommendations(self, real_data):
        owners = {
            rec.text.split(" should")[0]: sorted(a.slug for a in rec.owners.all())
            for rec in Recommendation.objects.filter(review__slug="assembly-2023")
        }
        assert owners == {
            "The London Ambulance Service and the London Fire Brigade": ["las", "lfb"],
            "The Mayor": ["las", "mayor-gla"],
            "MOPAC": ["mopac", "mps"],
            "The Met": ["mps"],
        }


class TestAgainstTheSourceDocuments:
    @staticmethod
    def normalise(text):
        return " ".join(text.replace("**", "").split())

    def test_every_2016_text_and_narrative_is_verbatim_from_the_2017_report(
        self, real_data, seed_text
    ):
        source = self.normalise(seed_text)
        for update in progress_2017_updates().select_related("recommendation"):
            assert self.normalise(update.recommendation.text) in source, update.recommendation
            for paragraph in update.narrative.split("\n\n"):
                assert self.normalise(paragraph) in source, update.recommendation


class TestIdempotence:
    def test_loading_twice_changes_nothing(self, real_data):
        before = snapshot()
        report = load_harris(REAL_FIXTURES)
        assert not report.wrote_anything
        assert snapshot() == before

    def test_loading_again_restores_a_tampered_public_field(self, real_data):
        recommendation = Recommendation.objects.get(review__slug="harris-2016", number="1")
        original = recommendation.text
        Recommendation.objects.filter(pk=recommendation.pk).update(text="Tampered.")
        load_harris(REAL_FIXTURES)
        recommendation.refresh_from_db()
        assert recommendation.text == original

    def test_staff_only_fields_survive_a_reload(self, real_data):
        Recommendation.objects.filter(number="1").update(internal_notes="Kept.")
        load_harris(REAL_FIXTURES)
        assert Recommendation.objects.filter(internal_notes="Kept.").count() == 1


@pytest.fixture
def fixtures_copy(tmp_path):
    copy = tmp_path / "fixtures"
    shutil.copytree(REAL_FIXTURES, copy)
    return copy


def edit_recommendations(path, change):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(document["recommendations"])
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


class TestBrokenFixtures:
    @pytest.mark.parametrize(
        ("change", "message"),
        [
            (lambda recs: recs[-1].update(owners=["no-such-agency"]), "unknown agencies"),
            (lambda recs: recs[-1]["updates"][0].update(status="done"), "'done' is not one of"),
            (lambda recs: recs[-1]["updates"][0].update(status_date="25/10/2017"), "YYYY-MM-DD"),
            (lambda recs: recs[-1].update(number="1"), "number appears twice"),
            (lambda recs: recs[-1].update(colour="red"), "unknown keys"),
            (lambda recs: recs[-1].update(response="not_accepted"), "reason"),
        ],
    )
    def test_a_broken_entry_loads_nothing(self, fixtures_copy, change, message):
        edit_recommendations(fixtures_copy / "harris-2016.yaml", change)
        with pytest.raises(FixtureError, match=message):
            load_harris(fixtures_copy)
        assert all(rows == [] for rows in snapshot().values())

    def test_invalid_yaml_is_reported_with_the_file(self, fixtures_copy):
        (fixtures_copy / "agencies.yaml").write_text("- slug: [unclosed", encoding="utf-8")
        with pytest.raises(FixtureError, match=r"agencies\.yaml: not valid YAML"):
            load_harris(fixtures_copy)

    def test_wrong_encoding_is_reported(self, fixtures_copy):
        (fixtures_copy / "reviews.yaml").write_bytes("- title: caf\xe9".encode("latin-1"))
        with pytest.raises(FixtureError, match="not UTF-8"):
            load_harris(fixtures_copy)

    def test_a_file_contradicting_the_stored_history_is_refused(self, real_data, fixtures_copy):
        before = snapshot()

        def rewrite_history(recs):
            recs[0]["updates"][0]["narrative"] = "A different story."

        edit_recommendations(fixtures_copy / "harris-2016.yaml", rewrite_history)
        with pytest.raises(FixtureError, match="append-only"):
            load_harris(fixtures_copy)
        assert snapshot() == before
