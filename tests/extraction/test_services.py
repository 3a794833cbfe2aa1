"""The services: the import table holds only the columns extraction fills; the upload's size is
checked before it is read; the dry run writes nothing; the import writes all or nothing,
audited with the user; the session keeps the drafts staff correct."""

import datetime

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile

from extraction import services
from extraction.parser import Extraction, Proposal
from recommendations.models import Recommendation, Role
from tests.factories import AgencyFactory, RecommendationFactory, ReviewFactory, staff_user

pytestmark = pytest.mark.django_db


def rows(*numbers, status=""):
    return [
        {
            "number": n, "position": i, "section": "S", "text": f"Text {n}.", "lead_owner": "",
            "owners": [], "status": status, "narrative": f"Narrative {n}." if status else "",
            "include": True,
        }
        for i, n in enumerate(numbers, start=1)
    ]  # fmt: skip


def test_the_table_holds_only_what_extraction_fills():
    headers, table = services.import_table(review_slug="r", rows=rows("1"))
    assert headers == ["review", "number", "position", "section", "text", "lead_owner", "owners"]
    headers, table = services.import_table(
        review_slug="r", rows=rows("1", status="resolved"), update_date=datetime.date(2017, 10, 25)
    )
    assert headers[-5:] == [
        "update_status", "update_date", "update_publication", "update_narrative",
        "update_source_citation",
    ]  # fmt: skip
    assert table[0][-5:] == ["resolved", "2017-10-25", "draft", "Narrative 1.", ""]


def test_a_row_left_out_is_not_imported():
    left_out = rows("1", "2")
    left_out[0]["include"] = False
    assert [row[1] for row in services.import_table(review_slug="r", rows=left_out)[1]] == ["2"]


def test_an_upload_over_the_limit_is_never_read(settings):
    settings.EXTRACTION_MAX_UPLOAD_BYTES = 20 * 1024 * 1024

    class Unreadable(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("the upload was read")

    upload = Unreadable("big.pdf", b"%PDF-1.7")
    upload.size = 100 * 1024 * 1024  # what Django reports for a 100 MB upload
    with pytest.raises(services.ExtractionError, match=r"100\.0 MB"):
        services.extract_upload(upload=upload)


def test_the_dry_run_writes_nothing_and_the_import_is_audited():
    ReviewFactory(slug="r")
    editor = staff_user(Role.EDITOR, username="editor")
    headers, table = services.import_table(review_slug="r", rows=rows("1", "2"))
    result = services.dry_run(headers=headers, table=table, user=editor)
    assert result.totals["new"] == 2 and not Recommendation.objects.exists()
    services.import_rows(headers=headers, table=table, user=editor)
    assert Recommendation.objects.count() == 2
    assert {h.history_user for h in Recommendation.history.all()} == {editor}


def test_an_import_with_a_bad_row_writes_nothing():
    review = ReviewFactory(slug="r")
    RecommendationFactory(review=review, number="9", position=2)
    AgencyFactory(slug="mps")
    bad = rows("1", "2")  # 2 takes position 2, which 9 holds
    headers, table = services.import_table(review_slug="r", rows=bad)
    with pytest.raises(services.ImportRefused):
        services.import_rows(headers=headers, table=table, user=staff_user(Role.EDITOR))
    assert list(review.recommendations.values_list("number", flat=True)) == ["9"]


def test_drafts_are_kept_corrected_and_discarded():
    session = SessionStore()
    extraction = Extraction("doc.txt", "dot", False, [Proposal("1", "S", "Text.", position=1)])
    review = ReviewFactory()
    tokens = [
        services.store_draft(session=session, extraction=extraction, review=review)
        for _ in range(5)
    ]
    assert list(session[services.SESSION_KEY]) == tokens[-services.KEPT_DRAFTS :]
    token = tokens[-1]
    services.correct_row(
        session=session, token=token, index=0, values={"text": "Better.", "source": "ignored"}
    )
    row = services.get_draft(session=session, token=token)["rows"][0]
    assert (row["text"], row["source"], row["corrected"]) == ("Better.", "", True)
    services.discard_draft(session=session, token=token)
    assert services.get_draft(session=session, token=token) is None
