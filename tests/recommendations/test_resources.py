"""Spreadsheet import and export: rows go through the services, are held to the importing
user's role and agencies, and any error leaves the database unchanged."""

import datetime
import io

import openpyxl
import pytest
import tablib
from django.contrib.auth.models import Permission
from import_export.formats.base_formats import XLSX

from recommendations.models import (
    Recommendation,
    Role,
    Status,
    StatusUpdate,
    TargetDateChange,
)
from recommendations.resources import RecommendationResource
from tests.factories import AgencyFactory, RecommendationFactory, staff_user

pytestmark = pytest.mark.django_db

HEADERS = ["review", "number", "position", "text", "lead_owner", "owners"]


def run(rows, headers=HEADERS, user=None, dry_run=False):
    dataset = tablib.Dataset(*rows, headers=headers)
    return RecommendationResource().import_data(
        dataset, dry_run=dry_run, user=user, rollback_on_validation_errors=True
    )


def messages(result):
    """Every row error and field error of an import, as text."""
    texts = [str(error.error) for _, errors in result.row_errors() for error in errors]
    for row in result.invalid_rows:
        texts += [m for ms in row.error_dict.values() for m in ms]
    return " ".join(texts)


def snapshot():
    return (
        list(Recommendation.objects.values_list("pk", "number", "text", "version")),
        list(StatusUpdate.objects.values_list("pk")),
        list(TargetDateChange.objects.values_list("pk")),
    )


# Positions of new rows are far from the fixture's, whatever the factories' sequence has reached.
@pytest.fixture
def review(own_rec):
    return own_rec.review.slug


class TestImport:
    def test_rows_create_recommendations_with_their_owners(self, review, own_agency, other_agency):
        result = run(
            [
                [review, "7", "1007", "A new recommendation.", "own", "other"],
                [review, "", "1008", "An unnumbered one.", "other", ""],
            ]
        )
        assert not result.has_errors() and not result.has_validation_errors()
        created = Recommendation.objects.get(number="7")
        assert created.lead_owner == own_agency
        assert set(created.owners.all()) == {own_agency, other_agency}
        assert Recommendation.objects.get(position=1008, number="").lead_owner == other_agency

    def test_a_dry_run_previews_and_writes_nothing(self, review):
        before = snapshot()
        result = run([[review, "7", "1007", "A new recommendation.", "own", ""]], dry_run=True)
        assert result.totals["new"] == 1
        assert snapshot() == before

    def test_rows_update_the_recommendation_with_the_same_review_and_number(self, review, own_rec):
        run([[review, "1", "1", "Reworded.", "own", ""]])
        own_rec.refresh_from_db()
        assert own_rec.text == "Reworded."
        assert Recommendation.objects.count() == 1

    def test_an_unnumbered_row_matches_on_position(self, own_rec):
        unnumbered = RecommendationFactory(review=own_rec.review, number="", position=40)
        run([[own_rec.review.slug, "", "40", "Reworded.", "own", ""]])
        unnumbered.refresh_from_db()
        assert unnumbered.text == "Reworded."

    def test_an_update_column_appends_through_the_services(self, review, own_rec, editor):
        headers = ["review", "number", "update_status", "update_date", "update_publication"]
        run(
            [[review, "1", "Resolved", "2025-02-01", "Published", "Completed in January."]],
            headers=[*headers, "update_narrative"],
            user=editor,
        )
        update = own_rec.updates.get()
        assert (update.status, update.publication, update.recorded_by, update.assessment) == (
            Status.RESOLVED,
            StatusUpdate.Publication.PUBLISHED,
            editor,
            StatusUpdate.Assessment.MOPAC,
        )
        assert update.narrative == "Completed in January."
        own_rec.refresh_from_db()
        assert own_rec.current_status == Status.RESOLVED

    def test_the_service_s_rules_apply_to_imported_updates(self, review, own_rec):
        before = snapshot()
        result = run(
            [[review, "1", "in_progress", "2025-02-01", "published", ""]],
            headers=[
                "review",
                "number",
                "update_status",
                "update_date",
                "update_publication",
                "update_narrative",
            ],
        )
        assert "A published update needs a public narrative." in messages(result)
        assert snapshot() == before

    def test_moving_a_target_date_needs_a_reason_column(self, review, own_rec, editor):
        Recommendation.objects.filter(pk=own_rec.pk).update(target_date=datetime.date(2024, 1, 1))
        headers = ["review", "number", "target_date", "target_date_reason"]
        refused = run([[review, "1", "2025-01-01", ""]], headers=headers, user=editor)
        assert refused.has_validation_errors()
        assert not TargetDateChange.objects.exists()
        run([[review, "1", "2025-01-01", "Slipped: new funding."]], headers=headers, user=editor)
        change = TargetDateChange.objects.get()
        assert (change.old_date, change.reason, change.changed_by) == (
            datetime.date(2024, 1, 1),
            "Slipped: new funding.",
            editor,
        )


class TestErrorsLeaveTheDatabaseUnchanged:
    @pytest.mark.parametrize(
        ("bad_row", "message"),
        [
            (["{review}", "twelve", "9", "Text.", "own", ""], "A recommendation number is"),
            (["{review}", "9", "abc", "Text.", "own", ""], "Position must be a whole number"),
            (["{review}", "9", "-3", "Text.", "own", ""], "Position must be a whole number"),
            (["{review}", "9", "1009", "Text.", "nobody", ""], "no agency with the slug 'nobody'"),
            (["{review}", "9", "1009", "Text.", "own", "own; ghost"], "slug 'ghost'"),
            (["no-such-review", "9", "1009", "Text.", "own", ""], "no review with the slug"),
            (["{review}", "2", "10", "The same number again.", "own", ""], "already on row 1"),
            (
                ["{review}", "9", "{position}", "Its position is taken.", "own", ""],
                "Position already",
            ),
            (["{review}", "9", "1009", "", "own", ""], "This field cannot be blank."),
        ],
    )
    def test_a_bad_row_rolls_back_every_row(self, review, own_rec, bad_row, message):
        before = snapshot()
        rows = [
            [review, "2", "2", "A good row.", "own", ""],
            [cell.format(review=review, position=own_rec.position) for cell in bad_row],
        ]
        result = run(rows)
        assert result.has_errors() or result.has_validation_errors()
        assert message in messages(result)
        assert snapshot() == before

    def test_a_bad_date_or_status_is_a_row_error(self, review, own_rec):
        before = snapshot()
        result = run(
            [[review, "1", "Done-ish", "31/02/2025"]],
            headers=["review", "number", "update_status", "update_date"],
        )
        text = messages(result)
        assert "'Done-ish' is not one of: Resolved" in text
        assert "'31/02/2025' is not a date in the form YYYY-MM-DD." in text
        assert snapshot() == before


class TestAgencyRule:
    """The library knows nothing of agencies; the resource holds every row to them."""

    UPDATE = ["review", "number", "update_status", "update_date", "update_narrative"]

    def test_a_contributor_drafts_the_owner_s_report_for_their_agency(self, contributor, own_rec):
        result = run(
            [[own_rec.review.slug, "1", "in_progress", "2025-02-01", "On track."]],
            headers=self.UPDATE,
            user=contributor,
        )
        assert not result.has_validation_errors(), messages(result)
        update = own_rec.updates.get()
        assert (update.publication, update.assessment, update.recorded_by) == (
            StatusUpdate.Publication.DRAFT,
            StatusUpdate.Assessment.OWNER,
            contributor,
        )

    @pytest.mark.parametrize(
        ("row", "headers", "message"),
        [
            (
                ["2", "in_progress", "2025-02-01", "Theirs."],
                UPDATE[1:],
                "not owned by any of your agencies",
            ),
            (
                ["1", "in_progress", "2025-02-01", "Published.", "published"],
                [*UPDATE[1:], "update_publication"],
                "Only MOPAC editors publish",
            ),
            (
                ["1", "Reworded by a contributor."],
                ["number", "text"],
                "changes text",
            ),
            (
                ["99", "99", "A new one."],
                ["number", "position", "text"],
                "cannot add recommendations",
            ),
        ],
    )
    def test_a_contributor_cannot_go_beyond_their_agency_or_role(
        self, contributor, own_rec, other_rec, row, headers, message
    ):
        before = snapshot()
        result = run([[own_rec.review.slug, *row]], headers=["review", *headers], user=contributor)
        assert message in messages(result)
        assert snapshot() == before

    def test_a_scoped_user_who_may_add_can_add_only_for_their_agencies(
        self, own_agency, other_agency, own_rec
    ):
        importer = staff_user(Role.CONTRIBUTOR, agencies=[own_agency])
        importer.user_permissions.add(
            *Permission.objects.filter(codename__in=["add_recommendation", "change_recommendation"])
        )
        review = own_rec.review.slug
        refused = run([[review, "20", "20", "For another agency.", "other", ""]], user=importer)
        assert "You can import only recommendations your agencies own." in messages(refused)
        assert not Recommendation.objects.filter(number="20").exists()
        allowed = run([[review, "21", "21", "For ours.", "own", "other"]], user=importer)
        assert not allowed.has_validation_errors(), messages(allowed)
        assert Recommendation.objects.get(number="21").lead_owner == own_agency


class TestExport:
    def test_cells_a_spreadsheet_would_run_are_neutralised_and_read_back(self, own_rec):
        formulae = ["=HYPERLINK(1)", "+1", "-2", "@SUM(1)"]
        for number, text in enumerate(formulae, 2):
            RecommendationFactory(review=own_rec.review, number=str(number), text=text)
        dataset = RecommendationResource().export()
        assert [row for row in dataset["text"] if row != own_rec.text] == [
            f"'{text}" for text in formulae
        ]
        result = RecommendationResource().import_data(dataset, dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()
        assert sorted(
            Recommendation.objects.exclude(pk=own_rec.pk).values_list("text", flat=True)
        ) == sorted(formulae)

    def test_the_xlsx_export_holds_text_not_formulae(self, own_rec, settings):
        settings.IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
        RecommendationFactory(review=own_rec.review, number="5", text="=1+1")
        content = XLSX().export_data(RecommendationResource().export())
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        texts = [cell.value for cell in sheet["E"][1:]]
        assert "'=1+1" in texts
        assert all(cell.data_type == "s" for cell in sheet["E"][1:])

    def test_an_export_imports_back_without_changing_anything(self, own_rec, other_rec):
        AgencyFactory()
        versions = list(Recommendation.objects.values_list("version", flat=True))
        result = RecommendationResource().import_data(
            RecommendationResource().export(), dry_run=False
        )
        assert not result.has_errors() and not result.has_validation_errors()
        assert list(Recommendation.objects.values_list("version", flat=True)) == versions
